import { A, useParams } from '@solidjs/router'
import { createSignal, lazy, Show, Suspense } from 'solid-js'
import type { OrderUpdatedData } from '../../../src/modules/orders/events'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { CancelItemsDialog, canCancelItems } from '../components/cancel-items'
import { ConfirmDialog } from '../components/confirm-dialog'
import { Dialog } from '../components/dialog'
import { DisputePanel } from '../components/dispute-panel'
import { TextAreaField } from '../components/field'
import { FormAlert } from '../components/form'
import { Icon } from '../components/icons'
import { Addressee, createOrderState, OrderBody, OrderHead, OrderView, Section } from '../components/order-detail'
import { PaymentSection } from '../components/payment-escrow'
import { ReturnPanel } from '../components/return-panel'
import { TrackingPanel } from '../components/shipment-tracking'
import { toast, toastError } from '../components/toast'
import { cancelMyOrder } from '../lib/checkout'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { useTopic } from '../lib/live'
import { confirmOrderReceipt, downloadInvoice, PAYMENT_LABEL } from '../lib/orders'

const OrderReviewsPanel = lazy(() => import('../components/order-reviews'))

/** Cancelling my order, with a reason the shop sees if I give one. */
function CancelDialog(props: { open: boolean; onClose: () => void; onCancel: (reason: string | undefined) => Promise<unknown> }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Cancel this order?">
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault()
          const form = e.currentTarget
          const reason = String(new FormData(form).get('reason') ?? '').trim()
          setPending(true)
          setError(null)
          try {
            await props.onCancel(reason === '' ? undefined : reason)
            form.reset()
            props.onClose()
          } catch (caught) {
            setError(caught)
          } finally {
            setPending(false)
          }
        }}
      >
        <p>The shop has not accepted it yet, so it is cancelled at once. Whatever you paid for it comes back where it came from: your wallet or your card.</p>
        <FormAlert error={error()} fields={['reason']} />
        <TextAreaField label="Reason (optional)" name="reason" maxLength={500} rows={3} hint="The shop sees this." error={fieldErrors(error()).reason} />
        <div class="row row--end">
          <Button variant="ghost" onClick={props.onClose}>
            Keep it
          </Button>
          <Button type="submit" variant="danger" disabled={pending()}>
            Cancel order
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

/**
 * One of my orders: its parcels' tracking, items with TVA, totals, delivery, addresses, invoice
 * number, payment and escrow, and timeline, with "Message the shop", until the shop accepts
 * "Cancel items" and "Cancel order", and once it is on its way "I received it". Follows
 * `order:<id>` from the event id the read ended at, so each step (items the shop cancelled too)
 * shows at once, then reads the order again for what I may do now and what the items left come
 * to; a parcel's change (`shipment.updated`) has the tracking read again, a return's
 * (`return.updated`) the returns.
 */
function MyOrder(props: { id: string }) {
  const state = createOrderState(props.id)
  const [cancelling, setCancelling] = createSignal(false)
  const [cancellingItems, setCancellingItems] = createSignal(false)
  const [receiving, setReceiving] = createSignal(false)
  // Bumped for the Tracking panel: it reads the parcels again on each.
  const [shipmentNews, setShipmentNews] = createSignal(0)
  // Bumped for the Dispute panel: it reads the dispute again on each `dispute.updated`.
  const [disputeNews, setDisputeNews] = createSignal(0)
  // Bumped for the Returns panel: it reads the returns again on each `return.updated`.
  const [returnNews, setReturnNews] = createSignal(0)

  /** A step the topic announced, shown at once (unless a read already holds it); the read that follows brings `actions`. */
  const apply = (step: OrderUpdatedData) =>
    state.setOrder((o) => {
      if (o === null || o.timeline.some((entry) => entry.kind === step.kind && entry.to === step.status && new Date(entry.at).getTime() === Date.parse(step.at))) return o
      const timeline = [...o.timeline, { kind: step.kind, from: step.from, to: step.status, by: step.by, note: step.note, at: new Date(step.at) }]
      return { ...o, status: step.status, timeline, cancelReason: step.status === 'cancelled' ? step.note : o.cancelReason }
    })
  useTopic(
    () => (state.order() === null ? null : `order:${props.id}`),
    {
      onEvent: (event) => {
        if (event.kind === 'shipment.updated') setShipmentNews((n) => n + 1)
        // A return taken to a dispute opens one, and one received refunds the payment: both read again.
        if (event.kind === 'dispute.updated' || event.kind === 'return.updated') setDisputeNews((n) => n + 1)
        if (event.kind === 'return.updated') setReturnNews((n) => n + 1)
        if (event.kind !== 'order.updated') return
        apply(event.data)
        void state.load()
      },
      onResync: () => {
        setShipmentNews((n) => n + 1)
        setDisputeNews((n) => n + 1)
        setReturnNews((n) => n + 1)
        void state.load()
      },
    },
    {
      get since() {
        return state.since()
      },
    },
  )

  const cancel = async (reason: string | undefined) => {
    state.show(await cancelMyOrder(props.id, reason))
    toast('Your order is cancelled. The shop is told.', 'success')
  }
  const received = async () => {
    state.show(await confirmOrderReceipt(props.id))
    toast('Thank you. The shop is paid and told.', 'success')
  }

  return (
    <OrderView state={state} missingActions={<ButtonLink href="/orders">My orders</ButtonLink>}>
      {(o) => (
        <div class="stack">
          <PageMeta title={`Order ${o().invoiceNumber}`} description="Your Souk order." noindex />
          <OrderHead
            order={o()}
            title={o().vendor.name}
            about={
              <>
                Order {o().invoiceNumber} · placed {timeAgo(o().createdAt)} · {PAYMENT_LABEL[o().paymentMethod]}
              </>
            }
          >
            <ButtonLink href={`/inbox?product=${o().items[0]!.productId}`}>
              <Icon name="chat" /> Message the shop
            </ButtonLink>
            <Show when={o().actions.includes('confirm_receipt')}>
              <Button variant="primary" onClick={() => setReceiving(true)}>
                <Icon name="check" /> I received it
              </Button>
            </Show>
            <Show when={canCancelItems(o())}>
              <Button onClick={() => setCancellingItems(true)}>Cancel items…</Button>
            </Show>
            <Show when={o().actions.includes('cancel')}>
              <Button variant="danger" onClick={() => setCancelling(true)}>
                Cancel order…
              </Button>
            </Show>
          </OrderHead>
          <OrderBody
            order={o()}
            toBuyer
            lead={
              <>
                <DisputePanel order={o()} side="buyer" news={disputeNews} />
                <ReturnPanel order={o()} side="buyer" news={returnNews} />
                <Show when={o().status === 'completed'}>
                  <Suspense>
                    <OrderReviewsPanel orderId={o().id} />
                  </Suspense>
                </Show>
                <TrackingPanel order={o()} news={shipmentNews} />
              </>
            }
          >
            <PaymentSection order={o()} toBuyer news={disputeNews} />
            <Section title="Invoice">
              <p>
                Invoice number <strong>{o().invoiceNumber}</strong> from <A href={`/vendors/${o().vendor.slug}`}>{o().vendor.name}</A>
              </p>
              <Addressee address={o().billingAddress} />
              <div>
                <Button size="sm" onClick={() => void downloadInvoice(o()).catch((error: unknown) => toastError(error, 'Could not download the invoice'))}>
                  Download the invoice (PDF)
                </Button>
              </div>
            </Section>
          </OrderBody>
          <CancelDialog open={cancelling()} onClose={() => setCancelling(false)} onCancel={cancel} />
          <CancelItemsDialog
            order={o()}
            side="buyer"
            open={cancellingItems()}
            onClose={() => setCancellingItems(false)}
            onCancelled={state.show}
            onCancelOrder={() => setCancelling(true)}
          />
          <ConfirmDialog
            title="Did you receive this order?"
            open={receiving()}
            onClose={() => setReceiving(false)}
            keep="Not yet"
            confirm="Yes, I received it"
            pendingLabel="Confirming…"
            onConfirm={received}
          >
            <p>
              Confirm only once everything from {o().vendor.name} arrived as ordered. The payment Souk holds for it is then released to the shop, and the order is completed:
              this cannot be undone.
            </p>
          </ConfirmDialog>
        </div>
      )}
    </OrderView>
  )
}

export default function MyOrderPage() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Order" description="Your Souk order." noindex />
      <div class="page-header">
        <div>
          <h1>Order</h1>
          <p>Where it is, what it cost, and who to ask.</p>
        </div>
        <ButtonLink href="/orders">My orders</ButtonLink>
      </div>
      <SignedIn>
        <Show when={params.id} keyed>
          {(id) => <MyOrder id={id} />}
        </Show>
      </SignedIn>
    </>
  )
}
