import { createSignal, Show } from 'solid-js'
import { type Carrier, CARRIER_IDS, CARRIERS } from '../../../src/modules/shipments/status'
import { fieldErrors } from '../lib/errors'
import { createShipment, type NewShipment, type Shipment, type ShipmentList } from '../lib/orders'
import { Button } from './button'
import { SelectField, TextField } from './field'
import { FormAlert, SubmitButton } from './form'
import { KeyedFor } from './keyed-for'
import { toast } from './toast'

type Left = ShipmentList['unshipped'][number]

/** One item of what is left to ship, as chosen in the form: text until sent, so a half-typed quantity stays. */
interface Choice {
  checked: boolean
  quantity: string
}

/** The carriers a shop sends with; `pickup` is the server's own for collected orders. */
const CARRIER_OPTIONS = CARRIER_IDS.filter((id) => id !== 'pickup').map((id) => ({ value: id, label: CARRIERS[id].name }))

const SHIPMENT_FIELDS = ['carrier', 'carrierName', 'trackingNumber', 'trackingUrl', 'estimatedDelivery'] as const

/** A text field's value, or undefined when blank (the server takes a missing optional field, not an empty one). */
const given = (value: string) => (value.trim() === '' ? undefined : value.trim())

/**
 * "Ship items": which items of what is left and how many (all of it unless the shop says
 * otherwise), the carrier (from the server's list; another one by name, with its tracking page),
 * the tracking number and the estimated delivery. A problem the server names is shown beside its
 * field, an item's quantity beside that item. Each parcel sent starts a fresh form.
 */
export function ShipForm(props: { orderId: string; unshipped: Left[]; onShipped: (shipment: Shipment) => void }) {
  const [round, setRound] = createSignal(1)
  const shipped = (shipment: Shipment) => {
    setRound((n) => n + 1)
    props.onShipped(shipment)
  }
  return (
    <Show when={round()} keyed>
      {(_) => <ParcelForm orderId={props.orderId} unshipped={props.unshipped} onShipped={shipped} />}
    </Show>
  )
}

/** One parcel's form (ShipForm). */
function ParcelForm(props: { orderId: string; unshipped: Left[]; onShipped: (shipment: Shipment) => void }) {
  // Keyed by the item's position; an item not touched yet ships all that is left of it.
  const [picks, setPicks] = createSignal<Record<number, Choice>>({})
  const [carrier, setCarrier] = createSignal<Carrier>(CARRIER_OPTIONS[0]!.value)
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  // The positions of the items sent, in order: the server names an item by its place in the request.
  const [sent, setSent] = createSignal<number[]>([])

  const pickOf = (item: Left): Choice => picks()[item.position] ?? { checked: true, quantity: String(item.quantity) }
  const edit = (item: Left, change: Partial<Choice>) => setPicks((all) => ({ ...all, [item.position]: { ...pickOf(item), ...change } }))
  const chosen = () => props.unshipped.filter((item) => pickOf(item).checked)
  const errors = () => fieldErrors(error())
  const quantityError = (item: Left) => {
    const i = sent().indexOf(item.position)
    return i === -1 ? undefined : errors()[`items.${i}.quantity`]
  }
  const other = () => carrier() === 'other'

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const text = (name: string) => given(String(data.get(name) ?? ''))
    const items = chosen().map((item) => {
      const typed = pickOf(item).quantity.trim()
      // What is not a whole number is sent as 0, so the server names that item's quantity.
      return { position: item.position, quantity: /^\d+$/.test(typed) ? Number(typed) : 0 }
    })
    const body: NewShipment = {
      items,
      carrier: carrier(),
      carrierName: other() ? text('carrierName') : undefined,
      trackingNumber: text('trackingNumber'),
      trackingUrl: other() ? text('trackingUrl') : undefined,
      estimatedDelivery: text('estimatedDelivery'),
    }
    setSent(items.map((item) => item.position))
    setPending(true)
    setError(null)
    try {
      const shipment = await createShipment(props.orderId, body)
      toast('Parcel shipped. The buyer is told, with its tracking.', 'success')
      props.onShipped(shipment)
    } catch (caught) {
      setError(caught)
      setPending(false)
    }
  }

  return (
    <form
      class="stack"
      aria-label="Ship items"
      onSubmit={(e) => {
        e.preventDefault()
        void submit(e.currentTarget)
      }}
    >
      <h3>Ship items</h3>
      <FormAlert error={error()} fields={[...SHIPMENT_FIELDS, ...sent().map((_, i) => `items.${i}.quantity`)]} />
      <fieldset class="checkout-choices">
        <legend>What goes in this parcel</legend>
        {/* Rows kept by position: the parcels read again (a live event) keep the field being typed in, and its focus. */}
        <KeyedFor each={props.unshipped} by={(item) => item.position}>
          {(item) => (
            <div class="row row--between">
              <label class="check">
                <input type="checkbox" checked={pickOf(item()).checked} onChange={(e) => edit(item(), { checked: e.currentTarget.checked })} />
                <span>
                  <strong>{item().title}</strong>
                  <span class="muted">{item().quantity} left to ship</span>
                </span>
              </label>
              <Show when={item().quantity > 1 && pickOf(item()).checked}>
                <TextField
                  label={`Quantity of ${item().title}`}
                  type="number"
                  min="1"
                  max={item().quantity}
                  required
                  value={pickOf(item()).quantity}
                  error={quantityError(item())}
                  onInput={(e) => edit(item(), { quantity: e.currentTarget.value })}
                />
              </Show>
              <Show when={item().quantity === 1 || !pickOf(item()).checked ? quantityError(item()) : undefined}>
                {(message) => <span class="field__error">{message()}</span>}
              </Show>
            </div>
          )}
        </KeyedFor>
      </fieldset>
      <div class="grid grid--2">
        <SelectField label="Carrier" name="carrier" value={carrier()} options={CARRIER_OPTIONS} error={errors().carrier} onChange={(e) => setCarrier(e.currentTarget.value as Carrier)} />
        <Show when={other()}>
          <TextField label="Carrier name" name="carrierName" required minLength={2} maxLength={60} error={errors().carrierName} />
        </Show>
        <TextField
          label="Tracking number"
          name="trackingNumber"
          maxLength={40}
          autocomplete="off"
          spellcheck={false}
          hint={other() ? 'Letters, digits, spaces and dashes.' : 'The buyer follows the parcel on the carrier’s page with it.'}
          error={errors().trackingNumber}
        />
        <Show when={other()}>
          <TextField
            label="Tracking page"
            name="trackingUrl"
            type="url"
            maxLength={300}
            placeholder="https://"
            hint="Where the buyer follows the parcel (https)."
            error={errors().trackingUrl}
          />
        </Show>
        <TextField label="Estimated delivery" name="estimatedDelivery" type="date" error={errors().estimatedDelivery} />
      </div>
      <div class="row row--end">
        <SubmitButton pending={pending()} pendingLabel="Shipping…" disabled={chosen().length === 0}>
          Ship parcel
        </SubmitButton>
      </div>
    </form>
  )
}

/** A pickup order has no carrier: the shop says it is ready, and the buyer comes for it. */
export function ReadyForPickup(props: { orderId: string; onReady: (shipment: Shipment) => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const ready = async () => {
    setPending(true)
    setError(null)
    try {
      props.onReady(await createShipment(props.orderId, {}))
      toast('The buyer is told it is ready to collect.', 'success')
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <div class="stack stack--tight">
      <p>The buyer collects this order at your shop. Tell them once it is ready.</p>
      <FormAlert error={error()} />
      <div>
        <Button variant="primary" disabled={pending()} aria-busy={pending()} onClick={() => void ready()}>
          Ready for pickup
        </Button>
      </div>
    </div>
  )
}
