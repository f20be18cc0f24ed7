import { type Accessor, For, Show } from 'solid-js'
import type { Order } from '../lib/orders'
import { Skeleton } from './feedback'
import { Section } from './order-detail'
import { createShipments, Parcel, Unshipped } from './shipment-parts'

/** Statuses of an order the shop has not taken on (or never will): nothing can be on its way. */
const NOT_SENDING: readonly Order['status'][] = ['pending_payment', 'placed', 'cancelled']

/**
 * The buyer's Tracking panel: each parcel's carrier, tracking number (a link to the carrier's
 * page), estimated delivery, status and history, read again each time `news` changes (the page
 * bumps it on `shipment.updated`), so a step the shop or the carrier takes shows without a reload.
 * Nothing is shown before the shop accepts the order, unless a parcel exists.
 */
export function TrackingPanel(props: { order: Order; news: Accessor<number> }) {
  // The order's id does not change under a page (it is keyed by it).
  const shipments = createShipments(props.order.id, props.news)
  const shown = () => !NOT_SENDING.includes(props.order.status) || (shipments.list()?.items.length ?? 0) > 0
  return (
    <Show when={shown()}>
      <Section title="Tracking">
        <Show
          when={shipments.list()}
          fallback={
            <div aria-busy="true" aria-label="Loading the tracking">
              <Skeleton height="60px" />
            </div>
          }
        >
          {(list) => (
            <>
              <Show when={list().items.length === 0}>
                <p class="muted">
                  {props.order.shipping.pickup ? 'The shop tells you here when your order is ready to collect.' : 'The shop has not sent it yet. Its parcels and their tracking show here.'}
                </p>
              </Show>
              <Unshipped list={list()} intro="Still to come:" />
              <For each={list().items}>{(shipment, i) => <Parcel shipment={shipment} n={i() + 1} />}</For>
            </>
          )}
        </Show>
      </Section>
    </Show>
  )
}
