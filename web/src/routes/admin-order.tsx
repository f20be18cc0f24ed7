import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { OrderDetail } from '../components/order-detail'
import { ReturnPanel } from '../components/return-panel'
import { ShipmentsPanel } from '../components/shipment-panel'
import { PageMeta } from '../lib/head'

/** One order as admins see it: the shop's view (its parcels and returns), with cancelling (with a reason) while it is allowed. */
export default function AdminOrder() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Order" description="Souk administration: an order." noindex />
      <div class="page-header">
        <div>
          <h1>Order</h1>
          <p>Its items, delivery, addresses and timeline.</p>
        </div>
        <ButtonLink href="/admin/orders">All orders</ButtonLink>
      </div>
      <SignedIn role="admin">
        <Show when={params.id} keyed>
          {(id) => (
            <OrderDetail
              id={id}
              shipments={(order, news) => (
                <>
                  <ReturnPanel order={order()} side="admin" news={news} />
                  <ShipmentsPanel order={order()} news={news} />
                </>
              )}
            />
          )}
        </Show>
      </SignedIn>
    </>
  )
}
