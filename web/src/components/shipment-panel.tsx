import { type Accessor, createSignal, For, Index, Match, Show, Switch } from 'solid-js'
import type { ShipmentStatus } from '../../../src/modules/shipments/status'
import { fieldErrors } from '../lib/errors'
import { type Order, type Shipment, updateShipment } from '../lib/orders'
import { Button } from './button'
import { Skeleton } from './feedback'
import { TextField } from './field'
import { FormAlert } from './form'
import { Section } from './order-detail'
import { createShipments, Parcel, SHIPMENT_STATUS_LABEL, Unshipped } from './shipment-parts'
import { ReadyForPickup, ShipForm } from './shipment-form'
import { toast } from './toast'

/** What the shop does to move a parcel to a status: its button. */
const MOVE_LABEL: Record<ShipmentStatus, string> = {
  pending: 'Mark being prepared',
  in_transit: 'Mark in transit',
  out_for_delivery: 'Mark out for delivery',
  delivered: 'Mark delivered',
  failed: 'Mark delivery failed',
  returned_to_sender: 'Mark returned to the shop',
  ready_for_pickup: 'Mark ready for pickup',
  picked_up: 'Mark picked up',
}

/** The statuses that end a delivery badly: not the button the eye goes to first. */
const SETBACK: readonly ShipmentStatus[] = ['failed', 'returned_to_sender']

/**
 * The parcel's next statuses (the server's `next`), one button each, with an optional note the
 * buyer reads in the parcel's history. The parcel the server answers is shown at once.
 */
function ParcelMoves(props: { shipment: Shipment; n: number; onMoved: (shipment: Shipment) => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const move = async (form: HTMLFormElement, status: ShipmentStatus) => {
    const note = String(new FormData(form).get('note') ?? '').trim()
    setPending(true)
    setError(null)
    try {
      const moved = await updateShipment(props.shipment.id, status, note === '' ? undefined : note)
      form.reset()
      toast(`${SHIPMENT_STATUS_LABEL[moved.status]}. The buyer is told.`, 'success')
      props.onMoved(moved)
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <form
      class="stack stack--tight"
      aria-label={`Update parcel ${props.n}`}
      onSubmit={(e) => {
        e.preventDefault()
        const status = (e.submitter as HTMLButtonElement | null)?.value as ShipmentStatus | undefined
        if (status !== undefined && props.shipment.next.includes(status)) void move(e.currentTarget, status)
      }}
    >
      <FormAlert error={error()} fields={['note']} />
      <TextField label="Note to the buyer (optional)" name="note" maxLength={300} autocomplete="off" error={fieldErrors(error()).note} />
      <div class="row">
        <For each={props.shipment.next}>
          {(status, i) => (
            <Button type="submit" name="status" value={status} variant={SETBACK.includes(status) ? 'ghost' : i() === 0 ? 'primary' : 'secondary'} disabled={pending()}>
              {MOVE_LABEL[status]}
            </Button>
          )}
        </For>
      </div>
    </form>
  )
}

/**
 * The shop's Shipments panel on a sale: once the order is accepted, "Ship items" (or, for a pickup
 * order, "Ready for pickup") for what no parcel carries yet; then each parcel with its tracking and
 * history, and buttons for the statuses it may take next. Reads the parcels again each time `news`
 * changes (the page bumps it on every event of the order's topic).
 */
export function ShipmentsPanel(props: { order: Order; news: Accessor<number> }) {
  // The order's id does not change under a page (it is keyed by it).
  const shipments = createShipments(props.order.id, props.news)
  const shipped = (shipment: Shipment) => {
    shipments.put(shipment)
    void shipments.load()
  }
  const canShip = () => props.order.status === 'accepted' || props.order.status === 'shipped'
  return (
    <Section title="Shipments">
      <Show
        when={shipments.list()}
        fallback={
          <div aria-busy="true" aria-label="Loading the shipments">
            <Skeleton height="80px" />
          </div>
        }
      >
        {(list) => (
          <>
            <Switch>
              <Match when={props.order.status === 'placed' || props.order.status === 'pending_payment'}>
                <p class="muted">Once you accept the order, you send it from here, with its tracking.</p>
              </Match>
              <Match when={canShip() && list().unshipped.length > 0}>
                <Show when={props.order.shipping.pickup} fallback={<ShipForm orderId={props.order.id} unshipped={list().unshipped} onShipped={shipped} />}>
                  <ReadyForPickup orderId={props.order.id} onReady={shipped} />
                </Show>
              </Match>
              <Match when={list().items.length > 0 && list().unshipped.length === 0}>
                <p class="muted">Everything in this order is in a parcel.</p>
              </Match>
              <Match when={list().items.length === 0}>
                <p class="muted">No parcel is recorded for this order.</p>
              </Match>
            </Switch>
            <Unshipped list={list()} intro="Not sent yet:" />
            <Show when={list().items.length > 0}>
              <div class="stack">
                {/* By place, not by object: a read's fresh objects update each parcel in place, so
                    a note the shop is writing is not wiped when the parcels are read again
                    (parcels keep their order, oldest first, and are never removed). */}
                <Index each={list().items}>
                  {(shipment, i) => (
                    <Parcel shipment={shipment()} n={i + 1}>
                      <Show when={shipment().next.length > 0}>
                        <ParcelMoves shipment={shipment()} n={i + 1} onMoved={shipped} />
                      </Show>
                    </Parcel>
                  )}
                </Index>
              </div>
            </Show>
          </>
        )}
      </Show>
    </Section>
  )
}
