import { createSignal, For, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Loading } from '../components/feedback'
import { SelectField, TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { createAttempt, createBalances, noBalances } from '../components/payment-parts'
import { WalletHistory } from '../components/wallet-history'
import { amountError, WalletPayouts } from '../components/wallet-payouts'
import { api, must } from '../lib/api'
import { CURRENCIES, formatPrice, parseMoney } from '../lib/catalog'
import { PageMeta } from '../lib/head'
import type { Balances } from '../lib/orders'

const startDeposit = async (body: { amountMinor: number; currency: string }, key: string) => must(await api().api.v1.wallet.deposits.post(body, { headers: { 'idempotency-key': key } }))

/** My four balances in one currency, each with what it means. */
function BalanceCard(props: { balances: Balances }) {
  const b = () => props.balances
  const figures = () => [
    { key: 'available', term: 'Available', value: b().availableMinor, about: 'To spend or withdraw now' },
    { key: 'held', term: 'Held in escrow', value: b().heldMinor, about: 'Paid for your orders, kept until you confirm receipt' },
    { key: 'incoming', term: 'Incoming', value: b().incomingMinor, about: 'For your shop’s orders, until their buyers confirm receipt' },
    { key: 'outgoing', term: 'Outgoing', value: b().outgoingMinor, about: 'Withdrawals waiting for an admin to pay them' },
  ]
  return (
    <section class="card card__body stack" aria-label={`Balances in ${b().currency}`}>
      <h2 class="section-title">{b().currency}</h2>
      {/* As many columns as fit (the stat row's four do not on a phone), none narrower than its figure. */}
      <dl class="stat-row" style={{ 'grid-template-columns': 'repeat(auto-fit, minmax(min(100%, 150px), 1fr))' }}>
        <For each={figures()}>
          {(f) => (
            <div>
              <dt>{f.term}</dt>
              <dd data-testid={`${f.key}-${b().currency}`}>{formatPrice(f.value, b().currency)}</dd>
              <dd class="muted" style={{ 'font-size': '0.8rem', 'font-weight': 400 }}>
                {f.about}
              </dd>
            </div>
          )}
        </For>
      </dl>
    </section>
  )
}

/**
 * Money into my wallet by card: the amount, then the provider's payment page (which sends me back
 * here; the balance rises, live, once the payment is confirmed). One Idempotency-Key per attempt.
 */
function Deposit(props: { currency: string }) {
  const [error, setError] = createSignal<unknown>(null)
  const [amountProblem, setAmountProblem] = createSignal<string | undefined>(undefined)
  const [pending, setPending] = createSignal(false)
  const attempt = createAttempt()
  const deposit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const amountMinor = parseMoney(String(data.get('amount') ?? ''))
    setError(null)
    if (amountMinor === undefined || amountMinor === 0) return setAmountProblem('Enter an amount, like 500 or 500.50')
    setAmountProblem(undefined)
    const body = { amountMinor, currency: String(data.get('currency') ?? props.currency) }
    setPending(true)
    try {
      const payment = await attempt(JSON.stringify(body), (key) => startDeposit(body, key))
      // Leaving for the payment page: the button stays busy until the page is gone.
      if (payment.redirectUrl !== null) return location.assign(payment.redirectUrl)
    } catch (caught) {
      setError(caught)
      setAmountProblem(amountError(caught))
    }
    setPending(false)
  }
  return (
    <section class="card card__body stack" aria-labelledby="deposit-heading">
      <h2 id="deposit-heading" class="section-title">
        Add money
      </h2>
      <form
        class="stack"
        aria-label="Add money"
        onSubmit={(e) => {
          e.preventDefault()
          void deposit(e.currentTarget)
        }}
      >
        <FormAlert error={amountProblem() === undefined ? error() : null} fields={['amountMinor', 'currency']} />
        <div class="row" style={{ 'align-items': 'flex-start' }}>
          <TextField label="Amount to add" name="amount" inputmode="decimal" required autocomplete="off" placeholder="e.g. 500.00" error={amountProblem()} />
          <SelectField label="Currency" name="currency" value={props.currency} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
        </div>
        <p class="muted">You pay by card on the secure payment page, then come back here. The amount shows as available once the payment is confirmed.</p>
        <div>
          <SubmitButton pending={pending()} pendingLabel="Going to the payment page…">
            Continue to payment
          </SubmitButton>
        </div>
      </form>
    </section>
  )
}

/** My wallet: balances per currency (live), adding money, bank accounts and withdrawals, and every transaction. */
function WalletView() {
  const wallet = createBalances()
  const shown = () => {
    const list = wallet.balances()
    return list === null ? null : list.length === 0 ? [noBalances(CURRENCIES[0]!)] : list
  }
  return (
    <div class="stack">
      <Show when={shown()} fallback={<Loading class="card card__body" label="Loading your balances" rows={1} height="90px" />}>
        {(list) => <For each={list()}>{(balances) => <BalanceCard balances={balances} />}</For>}
      </Show>
      <div class="order-layout">
        <WalletHistory />
        <div class="stack">
          <Deposit currency={shown()?.[0]?.currency ?? CURRENCIES[0]!} />
          <WalletPayouts balances={wallet.balances() ?? []} />
        </div>
      </div>
    </div>
  )
}

export default function Wallet() {
  return (
    <>
      <PageMeta title="Wallet" description="Your Souk wallet: balances, deposits, withdrawals and transactions." noindex />
      <div class="page-header">
        <div>
          <h1>Wallet</h1>
          <p>Money you can spend on Souk or withdraw to your bank, and where every amount went.</p>
        </div>
      </div>
      <SignedIn>
        <WalletView />
      </SignedIn>
    </>
  )
}
