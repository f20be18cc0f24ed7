import { useSearchParams } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { MyOrderRow } from '../components/my-order-row'
import { byStatus, createOrderPages, noOrdersTitle, OrderPages, StatusFilter } from '../components/order-list'
import { GroupPayment } from '../components/payment-group'
import { listMyOrders } from '../lib/checkout'
import { PageMeta } from '../lib/head'
import type { OrderStatus } from '../lib/orders'

/**
 * My orders, newest first, by status, in cursor pages. An `order` notification on my topic (the
 * shop accepted or cancelled one) reads the rows shown again.
 */
function OrderList() {
  const [status, setStatus] = createSignal<OrderStatus | undefined>(undefined)
  const orders = createOrderPages({
    query: () => byStatus(status()),
    read: listMyOrders,
    pageSize: 20,
    live: true,
    failed: { load: 'Could not load your orders', more: 'Could not load more orders' },
  })

  return (
    <section class="card" aria-labelledby="my-orders-heading">
      <div class="card__header">
        <h2 id="my-orders-heading">Orders</h2>
        <StatusFilter value={status()} onChange={setStatus} />
      </div>
      <div class="card__body">
        <OrderPages
          pages={orders}
          label="My orders"
          loadingLabel="Loading your orders"
          empty={
            <EmptyState icon="bag" title={noOrdersTitle(status())} headingLevel={3} actions={<ButtonLink href="/catalog">Browse the catalog</ButtonLink>}>
              What you buy appears here, one order per shop.
            </EmptyState>
          }
          row={(order) => <MyOrderRow order={order} />}
        />
      </div>
    </section>
  )
}

/**
 * My orders; `?group=<id>` (where the card payment page sends me back, and links to pay) shows
 * that checkout's payment above them, and reads the list again once it is paid.
 */
export default function MyOrders() {
  const [params] = useSearchParams<{ group: string }>()
  const [version, setVersion] = createSignal(0)
  return (
    <>
      <PageMeta title="My orders" description="What you bought on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>My orders</h1>
          <p>One order per shop: follow each, message the shop, or cancel before it is accepted.</p>
        </div>
      </div>
      <SignedIn>
        <div class="stack">
          <Show when={params.group} keyed>
            {(groupId) => <GroupPayment groupId={groupId} onPaid={() => setVersion((v) => v + 1)} />}
          </Show>
          <Show when={version() + 1} keyed>
            {(_version) => <OrderList />}
          </Show>
        </div>
      </SignedIn>
    </>
  )
}
