import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { ButtonLink } from '../../components/button'
import { DisputePanel } from '../../components/dispute-panel'
import { OrderDetail } from '../../components/order-detail'
import { ReturnPanel } from '../../components/return-panel'
import { ShipmentsPanel } from '../../components/shipment-panel'
import { VendorGate } from '../../components/vendor-gate'
import { PageMeta } from '../../lib/head'

/** One order of my shop: what to send where, accepting or cancelling it, shipping it in parcels with their tracking, returns of its items, and a dispute over it. */
export default function Sale() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Sale" description="An order for your shop." noindex />
      <VendorGate>
        {() => (
          <>
            <div class="page-header">
              <div>
                <h1>Sale</h1>
                <p>What the buyer ordered, where it goes, and what happened so far.</p>
              </div>
              <ButtonLink href="/dashboard/sales">All sales</ButtonLink>
            </div>
            {/* Keyed by the id: another sale opened from a notification is a fresh page. */}
            <Show when={params.id} keyed>
              {(id) => (
                <OrderDetail
                  id={id}
                  shipments={(order, news) => (
                    <>
                      <DisputePanel order={order()} side="shop" news={news} />
                      <ReturnPanel order={order()} side="shop" news={news} />
                      <ShipmentsPanel order={order()} news={news} />
                    </>
                  )}
                />
              )}
            </Show>
          </>
        )}
      </VendorGate>
    </>
  )
}
