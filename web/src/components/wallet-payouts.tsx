import { createSignal, For, onMount, Show } from 'solid-js'
import type { PaymentsModel } from '../../../src/modules/payments/model'
import { api, must } from '../lib/api'
import { formatPrice, parseMoney } from '../lib/catalog'
import { ApiError, fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { myTopic, rereading, useTopic } from '../lib/live'
import type { Balances } from '../lib/orders'
import { Button } from './button'
import { Dialog } from './dialog'
import { Badge, EmptyState, Listed, Skeleton } from './feedback'
import { SelectField, TextField } from './field'
import { createCursorPages, dayDate, LoadMore, WITHDRAWAL_LABEL, WITHDRAWAL_TONE } from './finance-parts'
import { FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { createAttempt } from './payment-parts'
import { toast, toastError } from './toast'

type PayoutMethod = PaymentsModel.PayoutMethod
type Withdrawal = PaymentsModel.Withdrawal

const v1 = () => api().api.v1

const listPayoutMethods = async () => must(await v1().me['payout-methods'].get()).items
const addPayoutMethod = async (body: PaymentsModel.PayoutMethodBody) => must(await v1().me['payout-methods'].post(body))
const removePayoutMethod = async (id: string) => must(await v1().me['payout-methods']({ id }).delete())
const listMyWithdrawals = async (query: { cursor?: string; limit?: number }) => must(await v1().wallet.withdrawals.get({ query }))
const requestWithdrawal = async (body: PaymentsModel.WithdrawalBody, key: string) => must(await v1().wallet.withdrawals.post(body, { headers: { 'idempotency-key': key } }))

const text = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '').trim()

/**
 * What to show beside an amount field for a refusal: the server's sentence (it names the limit in
 * money, where the field problem counts minor units), or not enough funds.
 */
export function amountError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  if (error.facts.reason === 'insufficient_funds') return 'That is more than your available balance'
  return fieldErrors(error).amountMinor === undefined ? undefined : error.message
}

/** A bank account to withdraw to: a name for it, its holder and IBAN (checked and stored encrypted by the server). */
function AddPayoutMethod(props: { onAdded: (method: PayoutMethod) => void; onCancel: () => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const fields = () => fieldErrors(error())
  return (
    <form
      class="stack"
      aria-label="New bank account"
      onSubmit={async (e) => {
        e.preventDefault()
        const form = e.currentTarget
        setPending(true)
        setError(null)
        try {
          props.onAdded(await addPayoutMethod({ label: text(form, 'label'), holderName: text(form, 'holderName'), iban: text(form, 'iban') }))
          form.reset()
        } catch (caught) {
          setError(caught)
        } finally {
          setPending(false)
        }
      }}
    >
      <FormAlert error={error()} fields={['label', 'holderName', 'iban']} />
      <TextField label="Name it" name="label" required maxLength={60} placeholder="e.g. CIH current account" error={fields().label} />
      <TextField label="Account holder" name="holderName" required minLength={2} maxLength={120} autocomplete="name" error={fields().holderName} />
      <TextField label="IBAN" name="iban" required maxLength={42} autocomplete="off" spellcheck={false} hint="Kept encrypted; only its last four characters are shown." error={fields().iban} />
      <div class="row row--end">
        <Button variant="ghost" onClick={() => props.onCancel()}>
          Cancel
        </Button>
        <SubmitButton pending={pending()} pendingLabel="Adding…">
          Add bank account
        </SubmitButton>
      </div>
    </form>
  )
}

/** Removing a payout method asks first; withdrawals already made to it keep it on record. */
function RemovePayoutMethod(props: { method: PayoutMethod | null; onClose: () => void; onRemoved: (id: string) => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const close = () => {
    setError(null)
    props.onClose()
  }
  const remove = async (method: PayoutMethod) => {
    setPending(true)
    try {
      await removePayoutMethod(method.id)
      props.onRemoved(method.id)
      toast('The bank account is removed.', 'success')
      close()
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <Dialog open={props.method !== null} onClose={close} title="Remove this bank account?">
      <Show when={props.method}>
        {(method) => (
          <div class="stack">
            <p>
              <strong>{method().label}</strong> ({method().masked}) will no longer be offered for withdrawals. Withdrawals already made to it are not affected.
            </p>
            <FormAlert error={error()} />
            <div class="row row--end">
              <Button variant="ghost" onClick={close}>
                Keep it
              </Button>
              <Button variant="danger" disabled={pending()} aria-busy={pending()} onClick={() => void remove(method())}>
                Remove
              </Button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  )
}

/** One withdrawal: how much, to which account, and where it stands (paid with its reference, or rejected with the reason). */
function WithdrawalItem(props: { withdrawal: Withdrawal }) {
  const w = () => props.withdrawal
  return (
    <div class="row row--between">
      <span class="stack stack--tight">
        <strong>{formatPrice(w().amountMinor, w().currency)}</strong>
        <span class="muted">
          To {w().payoutMethod.label} ({w().payoutMethod.masked}) · asked {timeAgo(w().createdAt)}
        </span>
        <Show when={w().status === 'paid'}>
          <span>
            Paid{w().decidedAt === null ? '' : ` on ${dayDate(w().decidedAt!)}`}, reference <strong>{w().reference}</strong>
          </span>
        </Show>
        <Show when={w().status === 'rejected'}>
          <span>
            Rejected: <q>{w().reason}</q>. The amount is back in your wallet.
          </span>
        </Show>
      </span>
      <Badge tone={WITHDRAWAL_TONE[w().status]}>{WITHDRAWAL_LABEL[w().status]}</Badge>
    </div>
  )
}

/**
 * The wallet's way out: my bank accounts (added with an IBAN, shown masked, removed), a withdrawal
 * to one of them (the amount is reserved at once and shows as outgoing until an admin pays or
 * rejects it), and my withdrawals with their status, read again when my balances change (a
 * decision moves them). `balances` are mine, live, for the currencies I can withdraw.
 */
export function WalletPayouts(props: { balances: Balances[] }) {
  const [methods, setMethods] = createSignal<PayoutMethod[] | null>(null)
  const [adding, setAdding] = createSignal(false)
  const [removing, setRemoving] = createSignal<PayoutMethod | null>(null)
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const [amountProblem, setAmountProblem] = createSignal<string | undefined>(undefined)
  const attempt = createAttempt()

  onMount(async () => {
    try {
      setMethods(await listPayoutMethods())
    } catch (caught) {
      setMethods([])
      toastError(caught, 'Could not load your bank accounts')
    }
  })
  const withdrawals = createCursorPages({
    query: () => ({}),
    read: listMyWithdrawals,
    pageSize: 10,
    failed: { load: 'Could not load your withdrawals', more: 'Could not load more withdrawals' },
  })
  useTopic(myTopic, { onEvent: (event) => event.kind === 'wallet.balance' && void withdrawals.reload(), ...rereading(() => void withdrawals.reload()) })

  const currencies = () => (props.balances.length === 0 ? ['MAD'] : props.balances.map((b) => b.currency))
  const withdraw = async (form: HTMLFormElement) => {
    const amountMinor = parseMoney(text(form, 'amount'))
    setError(null)
    if (amountMinor === undefined || amountMinor === 0) return setAmountProblem('Enter an amount, like 250 or 250.50')
    setAmountProblem(undefined)
    const body = { payoutMethodId: text(form, 'payoutMethodId'), amountMinor, currency: text(form, 'currency') }
    setPending(true)
    try {
      const made = await attempt(JSON.stringify(body), (key) => requestWithdrawal(body, key))
      form.reset()
      void withdrawals.reload()
      toast(`Withdrawal of ${formatPrice(made.amountMinor, made.currency)} requested. It is paid once an admin approves it.`, 'success')
    } catch (caught) {
      setError(caught)
      setAmountProblem(amountError(caught))
    } finally {
      setPending(false)
    }
  }

  return (
    <div class="stack">
      <section class="card card__body stack" aria-labelledby="payout-methods-heading">
        <div class="row row--between">
          <h2 id="payout-methods-heading" class="section-title">
            Bank accounts
          </h2>
          <Show when={!adding()}>
            <Button size="sm" onClick={() => setAdding(true)}>
              <Icon name="plus" /> Add a bank account
            </Button>
          </Show>
        </div>
        <Show when={adding()}>
          <AddPayoutMethod
            onCancel={() => setAdding(false)}
            onAdded={(method) => {
              setMethods((list) => [method, ...(list ?? [])])
              setAdding(false)
              toast('The bank account is added.', 'success')
            }}
          />
        </Show>
        <Listed items={methods()} loading={<Skeleton height="48px" />} empty={<p class="muted">Add the bank account you want your withdrawals paid to.</p>}>
          {(list) => (
            <ul class="list" aria-label="My bank accounts">
              <For each={list()}>
                {(method) => (
                  <li class="row row--between">
                    <span class="stack stack--tight">
                      <strong>{method.label}</strong>
                      <span class="muted">
                        {method.holderName} · {method.masked}
                      </span>
                    </span>
                    <Button size="sm" variant="ghost" aria-label={`Remove ${method.label}`} onClick={() => setRemoving(method)}>
                      <Icon name="trash" />
                    </Button>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Listed>
      </section>

      <section class="card card__body stack" aria-labelledby="withdraw-heading">
        <h2 id="withdraw-heading" class="section-title">
          Withdraw
        </h2>
        <Show when={(methods()?.length ?? 0) > 0} fallback={<p class="muted">Add a bank account first: withdrawals are paid to it.</p>}>
          <form
            class="stack"
            aria-label="Withdraw"
            onSubmit={(e) => {
              e.preventDefault()
              void withdraw(e.currentTarget)
            }}
          >
            <FormAlert error={amountProblem() === undefined ? error() : null} fields={['amountMinor', 'payoutMethodId']} />
            <SelectField label="To" name="payoutMethodId" options={(methods() ?? []).map((m) => ({ value: m.id, label: `${m.label} (${m.masked})` }))} error={fieldErrors(error()).payoutMethodId} />
            <div class="row" style={{ 'align-items': 'flex-start' }}>
              <TextField label="Amount" name="amount" inputmode="decimal" required autocomplete="off" placeholder="e.g. 250.00" error={amountProblem()} />
              <SelectField label="Currency" name="currency" options={currencies().map((c) => ({ value: c, label: c }))} />
            </div>
            <p class="muted">The amount leaves your available balance at once and shows as outgoing until an admin pays it to your bank.</p>
            <div>
              <SubmitButton pending={pending()} pendingLabel="Requesting…">
                Request withdrawal
              </SubmitButton>
            </div>
          </form>
        </Show>
      </section>

      <section class="card card__body stack" aria-labelledby="withdrawals-heading">
        <h2 id="withdrawals-heading" class="section-title">
          Withdrawals
        </h2>
        <Listed items={withdrawals.items()} loading={<Skeleton height="48px" />} empty={<EmptyState icon="briefcase" title="No withdrawals yet" headingLevel={3}>Your withdrawals and their status appear here.</EmptyState>}>
          {(list) => (
            <>
              <ul class="list" aria-label="My withdrawals">
                <For each={list()}>
                  {(withdrawal) => (
                    <li>
                      <WithdrawalItem withdrawal={withdrawal} />
                    </li>
                  )}
                </For>
              </ul>
              <LoadMore pages={withdrawals} />
            </>
          )}
        </Listed>
      </section>
      <RemovePayoutMethod method={removing()} onClose={() => setRemoving(null)} onRemoved={(id) => setMethods((list) => (list ?? []).filter((m) => m.id !== id))} />
    </div>
  )
}
