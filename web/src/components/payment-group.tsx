import { A } from '@solidjs/router'
import { createSignal, Match, onMount, Show, Switch } from 'solid-js'
import { formatPrice } from '../lib/catalog'
import { listMyOrders } from '../lib/checkout'
import { ApiError } from '../lib/errors'
import { myTopic, rereading, useTopic } from '../lib/live'
import { getGroupPayments, type OrderSummary, type Payment, payOrderGroup } from '../lib/orders'
import { Button } from './button'
import { Callout, Skeleton } from './feedback'
import { FormAlert } from './form'
import { createAttempt, createBalances } from './payment-parts'
import { toast } from './toast'

/** My latest orders read to find a checkout's (as its confirmation page does): all of a group are newer than any other. */
const RECENT = 100

/**
 * A checkout's payment, on My orders (`/orders?group=<id>`, where the card provider's page sends
 * the buyer back): pending, paid, or failed with the provider's message (the group's latest
 * payment), read again on `payment.updated` and `wallet.balance` on my topic. While its
 * orders wait for payment it offers to pay again by card (a new attempt: a new Idempotency-Key)
 * or from the wallet, with my balance. `onPaid` is told when the orders are paid (the list below
 * reads them again).
 */
export function GroupPayment(props: { groupId: string; onPaid: () => void }) {
  const [orders, setOrders] = createSignal<OrderSummary[] | null>(null)
  const [payment, setPayment] = createSignal<Payment | null>(null)
  const [paying, setPaying] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const wallet = createBalances()
  const attempt = createAttempt()

  const unpaid = () => (orders() ?? []).filter((order) => order.status === 'pending_payment')
  const due = () => unpaid().reduce((sum, order) => sum + order.totalMinor, 0)
  const currency = () => orders()?.[0]?.currency ?? 'MAD'
  const money = (minor: number) => formatPrice(minor, currency())
  const cash = () => orders()?.[0]?.paymentMethod === 'cash_on_delivery'
  // Paid: the payment says so, or no order waits for it any more and not all were cancelled (expired).
  const paid = () => !cash() && (payment()?.status === 'succeeded' || (unpaid().length === 0 && (orders() ?? []).some((order) => order.status !== 'cancelled')))

  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const mine = (await listMyOrders({ limit: RECENT })).items.filter((order) => order.groupId === props.groupId)
      const fresh = (await getGroupPayments(props.groupId))[0] ?? null
      if (read !== reads) return
      const before = orders() === null ? null : paid()
      setOrders(mine)
      setPayment(fresh)
      if (before === false && paid()) props.onPaid()
    } catch (caught) {
      if (read === reads && !(caught instanceof ApiError && caught.status === 404)) setError(caught)
    }
  }
  onMount(() => void load())
  useTopic(myTopic, {
    // A payment confirmed or failed (the provider's webhook processed), or my balances moved.
    onEvent: (event) => (event.kind === 'payment.updated' || event.kind === 'wallet.balance') && void load(),
    ...rereading(() => void load()),
  })

  const payByCard = async () => {
    setPaying(true)
    setError(null)
    try {
      const started = await attempt('card', (key) => payOrderGroup(props.groupId, 'card', key))
      if (started.status === 'pending' && started.redirectUrl !== null) return location.assign(started.redirectUrl)
      await load()
    } catch (caught) {
      setError(caught)
      void load()
    }
    setPaying(false)
  }
  const payFromWallet = async () => {
    setPaying(true)
    setError(null)
    try {
      await attempt('wallet', (key) => payOrderGroup(props.groupId, 'wallet', key))
      toast('Paid from your wallet.', 'success')
      await load()
    } catch (caught) {
      setError(caught)
      void load()
    } finally {
      setPaying(false)
    }
  }
  const available = () => (wallet.balances() === null ? null : wallet.of(currency()).availableMinor)
  const short = () => (available() ?? -1) < due()

  return (
    <section class="card card__body stack" aria-labelledby="group-payment-heading" aria-busy={orders() === null}>
      <h2 id="group-payment-heading" class="section-title">
        Your checkout’s payment
      </h2>
      <Switch
        fallback={
          <div aria-label="Loading the payment">
            <Skeleton height="48px" />
          </div>
        }
      >
        <Match when={orders()?.length === 0}>
          <p>This checkout is not among your recent orders. The list below holds every one.</p>
        </Match>
        <Match when={orders() !== null && cash()}>
          <p data-testid="group-payment">You pay these orders in cash on delivery.</p>
        </Match>
        <Match when={orders() !== null && paid()}>
          <Callout tone="success">
            <p data-testid="group-payment">
              Paid{payment() === null ? '' : ` ${money(payment()!.amountMinor)} ${payment()!.method === 'wallet' ? 'from your wallet' : 'by card'}`}. Souk holds it until you confirm you
              received your order, then pays the shop.
            </p>
          </Callout>
        </Match>
        <Match when={orders() !== null && unpaid().length === 0}>
          <p data-testid="group-payment">These orders are cancelled: they were not paid in time. Nothing was charged.</p>
        </Match>
        <Match when={orders() !== null}>
          <Switch>
            <Match when={payment()?.status === 'failed'}>
              <Callout tone="danger">
                <p data-testid="group-payment">The payment failed: {payment()!.failureMessage ?? 'the provider refused it'}.</p>
              </Callout>
            </Match>
            <Match when={payment()?.status === 'pending'}>
              <p data-testid="group-payment" role="status">
                Waiting for the payment of {money(payment()!.amountMinor)} to be confirmed…
              </p>
            </Match>
            <Match when={true}>
              <p data-testid="group-payment">Not paid yet.</p>
            </Match>
          </Switch>
          <p class="muted">
            {unpaid().length === 1 ? 'Your order waits' : `Your ${unpaid().length} orders wait`} for payment of {money(due())}; unpaid, {unpaid().length === 1 ? 'it is' : 'they are'} cancelled
            after a while and the items go back on sale.
          </p>
          <FormAlert error={error()} />
          <div class="row">
            <Button variant="primary" disabled={paying()} aria-busy={paying()} onClick={() => void payByCard()}>
              {payment() === null ? 'Pay by card' : 'Pay again by card'}
            </Button>
            <Button disabled={paying() || short()} onClick={() => void payFromWallet()}>
              Pay from wallet · {available() === null ? '…' : `${money(available()!)} available`}
            </Button>
          </div>
          <Show when={available() !== null && short()}>
            <p class="muted">
              Your wallet is short of {money(due() - available()!)}. <A href="/wallet">Add money to your wallet</A>
            </p>
          </Show>
        </Match>
      </Switch>
    </section>
  )
}
