import { A, useParams } from '@solidjs/router'
import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { Callout, EmptyState, Loading } from '../components/feedback'
import { MyOrderRow } from '../components/my-order-row'
import { formatPrice } from '../lib/catalog'
import { listMyOrders } from '../lib/checkout'
import { PageMeta } from '../lib/head'
import { getGroupPayments, type OrderSummary, type Payment } from '../lib/orders'

/** My latest orders read to find a checkout's: it placed one per shop of the cart, all newer than any other. */
const RECENT = 100

/** How the group is paid, in a sentence: in cash, paid (held until receipt), or still to pay. */
function HowPaid(props: { orders: OrderSummary[]; payment: Payment | null }) {
  const first = () => props.orders[0]!
  const total = () => formatPrice(props.orders.reduce((sum, order) => sum + order.totalMinor, 0), first().currency)
  return (
    <Switch>
      <Match when={first().paymentMethod === 'cash_on_delivery'}>
        <p>Each shop prepares its own and tells you when it accepts. You pay {total()} in cash on delivery.</p>
      </Match>
      <Match when={props.payment?.status === 'succeeded'}>
        <p data-testid="group-paid">
          Paid {total()} {first().paymentMethod === 'wallet' ? 'from your Souk wallet' : 'by card'}. Souk holds it until you confirm you received your order, then pays the shop. Each shop
          tells you when it accepts.
        </p>
      </Match>
      <Match when={true}>
        <p>
          Your {props.orders.length === 1 ? 'order waits' : 'orders wait'} for payment of {total()}. <A href={`/orders?group=${first().groupId}`}>Pay now</A>
        </p>
      </Match>
    </Switch>
  )
}

/**
 * What a checkout placed: its orders (one per shop), read from my orders by the group's id, so
 * the page holds after a reload and from a bookmark, and how they are paid (the group's latest payment).
 */
function Placed(props: { groupId: string }) {
  const [orders, setOrders] = createSignal<OrderSummary[] | null>(null)
  const [payment, setPayment] = createSignal<Payment | null>(null)
  const [failed, setFailed] = createSignal(false)
  const load = async () => {
    setFailed(false)
    try {
      const page = await listMyOrders({ limit: RECENT })
      const mine = page.items.filter((order) => order.groupId === props.groupId)
      const first = mine[0]
      if (first !== undefined && first.paymentMethod !== 'cash_on_delivery') setPayment((await getGroupPayments(props.groupId))[0] ?? null)
      setOrders(mine)
    } catch {
      setFailed(true)
    }
  }
  onMount(() => void load())
  return (
    <Switch>
      <Match when={failed()}>
        <div class="card">
          <EmptyState icon="alert" title="Your orders did not load" actions={<Button onClick={() => void load()}>Try again</Button>}>
            Your checkout is placed; check your connection to see it.
          </EmptyState>
        </div>
      </Match>
      <Match when={orders()?.length === 0}>
        <div class="card">
          <EmptyState icon="bag" title="No such checkout" actions={<ButtonLink href="/orders">My orders</ButtonLink>}>
            It is not among your recent orders. My orders lists every one.
          </EmptyState>
        </div>
      </Match>
      <Match when={orders()}>
        {(list) => (
          <section class="card card__body stack" aria-labelledby="placed-heading">
            <Callout tone="success">
              <h2 id="placed-heading" class="section-title">
                {list().length === 1 ? 'Your order is placed' : `Your ${list().length} orders are placed`}
              </h2>
              <HowPaid orders={list()} payment={payment()} />
            </Callout>
            <ul class="list" aria-label="Placed orders">
              <For each={list()}>
                {(order) => (
                  <li>
                    <MyOrderRow order={order} />
                  </li>
                )}
              </For>
            </ul>
            <div class="row">
              <ButtonLink variant="primary" href="/orders">
                My orders
              </ButtonLink>
              <ButtonLink href="/catalog">Keep shopping</ButtonLink>
            </div>
          </section>
        )}
      </Match>
      <Match when={true}>
        <Loading class="card card__body stack" label="Loading your orders" height="56px" />
      </Match>
    </Switch>
  )
}

export default function OrderPlaced() {
  const params = useParams<{ groupId: string }>()
  return (
    <>
      <PageMeta title="Order placed" description="Your Souk order is placed." noindex />
      <div class="page-header">
        <div>
          <h1>Thank you</h1>
          <p>Your checkout went through.</p>
        </div>
      </div>
      <SignedIn>
        <Show when={params.groupId} keyed>
          {(groupId) => <Placed groupId={groupId} />}
        </Show>
      </SignedIn>
    </>
  )
}
