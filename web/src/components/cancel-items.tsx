import { Show } from 'solid-js'
import type { PaymentMethod } from '../../../src/modules/orders/status'
import { formatPrice } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { cancelOrderItems, type Order } from '../lib/orders'
import { Button } from './button'
import { createRequestState } from './confirm-dialog'
import { Dialog } from './dialog'
import { Callout } from './feedback'
import { TextAreaField } from './field'
import { FormAlert, SubmitButton } from './form'
import { createItemCounts, ItemCountList } from './item-counts'
import { createAttempt } from './payment-parts'
import { toast } from './toast'

/** Who cancels items: the order's buyer, or its shop (admins cancel as the shop does, on its page). */
export type CancelSide = 'buyer' | 'shop'

/** The items not cancelled yet, `quantity` being how many of each are left. */
const itemsLeft = (order: Order) => order.items.map((item) => ({ ...item, quantity: item.quantity - item.cancelledQuantity })).filter((item) => item.quantity > 0)

/**
 * Whether the viewer may cancel some items of `order` now. The server lists no action of its own
 * for it, and allows it where it allows the whole order's `cancel` (the buyer's before the shop
 * accepts, the shop's and admins' until it ships) except while it awaits payment (its buyer then
 * cancels it whole); and cancelling the last item left is cancelling the order.
 */
export const canCancelItems = (order: Order) => order.actions.includes('cancel') && order.status !== 'pending_payment' && itemsLeft(order).reduce((n, item) => n + item.quantity, 0) > 1

/** What the cancelled items' price becomes, said to each side (keyed by the server's payment methods). */
const REFUND_TEXT: Record<PaymentMethod, Record<CancelSide, (amount: string) => string>> = {
  card: { buyer: (amount) => `${amount} comes back to your card.`, shop: (amount) => `${amount} is refunded to the buyer’s card.` },
  wallet: { buyer: (amount) => `${amount} comes back to your Souk wallet.`, shop: (amount) => `${amount} is refunded to the buyer’s Souk wallet.` },
  cash_on_delivery: { buyer: (amount) => `You pay ${amount} less on delivery.`, shop: (amount) => `The buyer pays ${amount} less on delivery.` },
}

/**
 * Cancels some items of an order before it ships: how many of each (up to what is left), why
 * (required of the shop: the buyer reads it), and what they are worth at their unit prices, live.
 * Every item left is not asked (the server refuses it): the whole order's cancellation is offered
 * instead (`onCancelOrder`). One Idempotency-Key per attempt; the order the server answers, whose
 * amounts are the ones that count, goes to `onCancelled`.
 */
export function CancelItemsDialog(props: { order: Order; side: CancelSide; open: boolean; onClose: () => void; onCancelled: (order: Order) => void; onCancelOrder: () => void }) {
  const left = () => itemsLeft(props.order)
  const counts = createItemCounts(left, () => props.open)
  const request = createRequestState()
  const attempt = createAttempt()
  const shop = () => props.side === 'shop'
  const close = () => {
    request.clear()
    props.onClose()
  }

  const submit = async (form: HTMLFormElement) => {
    const reason = String(new FormData(form).get('reason') ?? '').trim()
    const body = { items: counts.chosen(), ...(reason === '' ? {} : { reason }) }
    const done = await request.run(async () => props.onCancelled(await attempt(JSON.stringify(body), (key) => cancelOrderItems(props.order.id, body, key))))
    if (!done) return
    form.reset()
    toast(`Items cancelled. ${shop() ? 'The buyer' : 'The shop'} is told.`, 'success')
    close()
  }

  return (
    <Dialog open={props.open} onClose={close} title="Cancel items">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault()
          void submit(e.currentTarget)
        }}
      >
        <p>{shop() ? 'The items you cancel go back in stock; the rest of the order still ships.' : 'The shop has not accepted your order yet: the items you cancel are not sent, the rest is.'}</p>
        <FormAlert error={request.error()} fields={['reason']} />
        <div class="stack stack--tight" role="group" aria-labelledby="cancel-items-label">
          <strong id="cancel-items-label">What do you cancel?</strong>
          <ItemCountList items={left()} counts={counts} currency={props.order.currency} />
          <Show
            when={counts.all()}
            fallback={
              <span class="field__hint" data-testid="cancel-items-worth">
                {counts.chosen().length === 0 ? 'Choose at least one item.' : REFUND_TEXT[props.order.paymentMethod][props.side](formatPrice(counts.worth(), props.order.currency))}
              </span>
            }
          >
            <Callout tone="info">
              <p>These are all the items left: cancel the whole order instead.</p>
              <div>
                <Button
                  size="sm"
                  variant="danger"
                  onClick={() => {
                    close()
                    props.onCancelOrder()
                  }}
                >
                  Cancel the whole order…
                </Button>
              </div>
            </Callout>
          </Show>
        </div>
        <TextAreaField
          label={shop() ? 'Reason' : 'Reason (optional)'}
          name="reason"
          required={shop()}
          minLength={shop() ? 3 : undefined}
          maxLength={500}
          rows={3}
          hint={shop() ? 'The buyer reads this.' : 'The shop reads this.'}
          error={fieldErrors(request.error()).reason}
        />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Keep them
          </Button>
          <SubmitButton variant="danger" pending={request.pending()} pendingLabel="Cancelling…" disabled={counts.chosen().length === 0 || counts.all()}>
            Cancel these items
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  )
}
