import { type Accessor, createEffect, createSignal, For, type JSX, on, Show } from 'solid-js'
import type { ShipmentStatus } from '../../../src/modules/shipments/status'
import { timeAgo } from '../lib/format'
import { listShipments, type Shipment, type ShipmentList } from '../lib/orders'
import { Badge, type Tone } from './feedback'
import { dayDate } from './finance-parts'
import { toastError } from './toast'
import { Fact } from './fact'

/**
 * What the shop's Shipments panel and the buyer's Tracking panel share: a parcel's status in
 * words, the parcels of an order read again on each change the page hears of, and one parcel shown
 * with its carrier, tracking link, items and history.
 */

// Keyed by the server's type: a status added there does not compile here until it has words.
export const SHIPMENT_STATUS_LABEL: Record<ShipmentStatus, string> = {
  pending: 'Being prepared',
  in_transit: 'On its way',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  failed: 'Delivery failed',
  returned_to_sender: 'Returned to the shop',
  ready_for_pickup: 'Ready for pickup',
  picked_up: 'Picked up',
}

export const SHIPMENT_STATUS_TONE: Record<ShipmentStatus, Tone> = {
  pending: 'neutral',
  in_transit: 'warning',
  out_for_delivery: 'warning',
  delivered: 'success',
  failed: 'danger',
  returned_to_sender: 'danger',
  ready_for_pickup: 'primary',
  picked_up: 'success',
}

/** A step of a parcel's history, as its list says it. */
const STEP_LABEL: Record<ShipmentStatus, string> = { ...SHIPMENT_STATUS_LABEL, pending: 'Parcel prepared', in_transit: 'Handed to the carrier' }

/** Who set a status, as the history says it. */
const BY_LABEL: Record<Shipment['history'][number]['by'], string> = { shop: 'the shop', admin: 'an admin', carrier: 'the carrier' }

/** "2 × Brass lamp" */
export const itemLine = (item: { title: string; quantity: number }) => `${item.quantity} × ${item.title}`

/**
 * An order's parcels and what no parcel carries yet, read once mounted and again each time `news`
 * changes (the page bumps it for each event of the order's topic that may concern them): only the
 * latest read asked for is shown. `put` shows a parcel a step answered at once.
 */
export function createShipments(orderId: string, news: Accessor<number>) {
  const [list, setList] = createSignal<ShipmentList | null>(null)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await listShipments(orderId)
      if (read === reads) setList(fresh)
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load the shipments')
    }
  }
  const put = (shipment: Shipment) =>
    setList((current) => {
      if (current === null) return current
      const known = current.items.some((s) => s.id === shipment.id)
      return { ...current, items: known ? current.items.map((s) => (s.id === shipment.id ? shipment : s)) : [...current.items, shipment] }
    })
  // Runs once mounted (effects do not run in a server render), then on each bump.
  createEffect(on(news, () => void load()))
  return { list, load, put }
}

/**
 * The tracking number, linking to the carrier's page in a new tab. The server only keeps https
 * URLs (its template, or the shop's for another carrier); anything else is shown as plain text.
 */
function Tracking(props: { shipment: Shipment }) {
  const url = () => (props.shipment.trackingUrl?.startsWith('https://') === true ? props.shipment.trackingUrl : null)
  return (
    <Show when={url()} fallback={props.shipment.trackingNumber ?? 'Not given'}>
      {(href) => (
        // noreferrer too: the carrier need not learn the order's address on Souk.
        <a href={href()} target="_blank" rel="noopener noreferrer" data-testid="tracking-link">
          {props.shipment.trackingNumber ?? 'Track the parcel'}
          <span class="visually-hidden"> (opens the carrier’s page in a new tab)</span>
        </a>
      )}
    </Show>
  )
}

/**
 * One parcel, numbered `n` in its order: its status, carrier and tracking, estimated delivery, what
 * it holds and its history (newest last, with the notes); `children` add what the viewer may do.
 */
export function Parcel(props: { shipment: Shipment; n: number; children?: JSX.Element }) {
  const s = () => props.shipment
  const pickup = () => s().carrier === 'pickup'
  const headingId = () => `parcel-${s().id}`
  return (
    <article class="card card__body stack stack--tight" aria-labelledby={headingId()}>
      <div class="row row--between">
        <h3 id={headingId()}>{pickup() ? 'To collect at the shop' : `Parcel ${props.n}`}</h3>
        <Badge tone={SHIPMENT_STATUS_TONE[s().status]}>
          <span data-testid="parcel-status">{SHIPMENT_STATUS_LABEL[s().status]}</span>
        </Badge>
      </div>
      <dl class="order-totals">
        <Show when={!pickup()}>
          <Fact term="Carrier">{s().carrierName}</Fact>
          <Fact term="Tracking">
            <Tracking shipment={s()} />
          </Fact>
        </Show>
        <Show when={s().estimatedDelivery}>{(date) => <Fact term={pickup() ? 'Ready by' : 'Estimated delivery'}>{dayDate(date())}</Fact>}</Show>
        <Show when={s().deliveredAt}>{(at) => <Fact term={pickup() ? 'Collected' : 'Delivered'}>{dayDate(at())}</Fact>}</Show>
      </dl>
      <ul class="stack stack--tight" aria-label={`What ${pickup() ? 'is to collect' : `parcel ${props.n} holds`}`}>
        <For each={s().items}>{(item) => <li>{itemLine(item)}</li>}</For>
      </ul>
      <ol class="order-timeline" aria-label={`History of ${pickup() ? 'the pickup' : `parcel ${props.n}`}`}>
        <For each={s().history}>
          {(step) => (
            <li>
              <strong>{STEP_LABEL[step.status]}</strong>
              <span class="muted">
                by {BY_LABEL[step.by]} · <time datetime={new Date(step.at).toISOString()}>{timeAgo(step.at)}</time>
              </span>
              <Show when={step.note}>{(note) => <q>{note()}</q>}</Show>
            </li>
          )}
        </For>
      </ol>
      {props.children}
    </article>
  )
}

/** What no parcel carries yet, in a sentence; nothing once everything is sent. */
export function Unshipped(props: { list: ShipmentList; intro: string }) {
  return (
    <Show when={props.list.unshipped.length > 0 && props.list.items.length > 0}>
      <p>
        <span class="muted">{props.intro}</span> {props.list.unshipped.map(itemLine).join(', ')}
      </p>
    </Show>
  )
}
