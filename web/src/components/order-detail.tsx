import { type Accessor, createSignal, For, type JSX, Match, onMount, Show, Switch } from 'solid-js'
import { formatPrice } from '../lib/catalog'
import { handedOverIn, type Quote } from '../lib/checkout'
import { ApiError } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { rereading, useTopic } from '../lib/live'
import { ACTOR_LABEL, acceptSale, cancelSale, deliverSale, downloadInvoice, getOrder, moneyIn, NOTE_LABEL, type Order, PAYMENT_LABEL, ratePercent, shipSale, STATUS_LABEL, STATUS_TONE, STEP_LABEL } from '../lib/orders'
import { AddressText } from './address-form'
import { Button } from './button'
import { CancelItemsDialog, canCancelItems } from './cancel-items'
import { Badge, EmptyState, Loading } from './feedback'
import { Icon } from './icons'
import { Img } from './media'
import { PaymentSection } from './payment-escrow'
import { ReasonDialog } from './reason-dialog'
import { toast, toastError } from './toast'

/**
 * The parts of an order's page, shared by the shop's and admins' view (`OrderDetail`, here) and
 * the buyer's (routes/my-order.tsx); `Totals` also sums up the checkout's quote.
 */

/** A card of an order's page, named by its heading. */
export function Section(props: { title: string; children: JSX.Element; anchor?: string }) {
  const id = `order-${props.title.toLowerCase().replace(/[^a-z]+/g, '-')}`
  let section!: HTMLElement
  // A panel read after the page loaded misses the browser's jump to its fragment: it jumps itself.
  onMount(() => props.anchor !== undefined && window.location.hash === `#${props.anchor}` && section.scrollIntoView())
  return (
    <section ref={section} id={props.anchor} class="card card__body stack" aria-labelledby={id}>
      <h2 id={id} class="section-title">
        {props.title}
      </h2>
      {props.children}
    </section>
  )
}

/** Who an order goes (or is billed) to, and where: the name, then the address. */
export function Addressee(props: { address: Order['shippingAddress'] }) {
  return (
    <span class="stack stack--tight">
      <strong>{props.address.fullName}</strong>
      <AddressText address={props.address} />
    </span>
  )
}

/** An order's items with their TVA (a table), and how many of each were cancelled. */
function Items(props: { order: Order }) {
  const money = (minor: number) => formatPrice(minor, props.order.currency)
  return (
    <div class="table-scroll">
      <table class="data-table order-items">
        <caption class="visually-hidden">Items, TVA included</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">Unit price</th>
            <th scope="col" class="num">Qty</th>
            <th scope="col" class="num">TVA</th>
            <th scope="col" class="num">Line</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.order.items}>
            {(item) => (
              <tr>
                <th scope="row">
                  <span class="order-item">
                    <Img src={item.imageUrl} alt="" width={40} height={40} />
                    <span>
                      {item.title}
                      <Show when={item.sku}>
                        <span class="muted"> · SKU {item.sku}</span>
                      </Show>
                    </span>
                  </span>
                </th>
                <td class="num">{money(item.unitPriceMinor)}</td>
                <td class="num">
                  {item.quantity}
                  <Show when={item.cancelledQuantity > 0}>
                    <span class="muted" data-testid="item-cancelled">
                      {' '}
                      — {item.cancelledQuantity} cancelled
                    </span>
                  </Show>
                </td>
                <td class="num">
                  {ratePercent(item.tvaRateBp)} · {money(item.tvaMinor)}
                </td>
                <td class="num">{money(item.lineMinor)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}

/**
 * What an order (or a checkout's quote) comes to: items, shipping and total; for an order with
 * items cancelled, what they were worth and what that leaves (due on delivery, for cash); then
 * the TVA by rate and in all.
 */
export function Totals(props: { amounts: Pick<Quote, 'currency' | 'itemsMinor' | 'shippingMinor' | 'totalMinor' | 'tva' | 'tvaMinor'> & Partial<Pick<Order, 'cancelledMinor' | 'paymentMethod'>> }) {
  const a = () => props.amounts
  const money = (minor: number) => moneyIn(a().currency)(minor)
  return (
    <dl class="order-totals">
      <div>
        <dt>Items</dt>
        <dd>{money(a().itemsMinor)}</dd>
      </div>
      <div>
        <dt>Shipping</dt>
        <dd>{a().shippingMinor === 0 ? 'Free' : money(a().shippingMinor)}</dd>
      </div>
      <div class="order-totals__total">
        <dt>Total</dt>
        <dd data-testid="order-total">{money(a().totalMinor)}</dd>
      </div>
      <Show when={a().cancelledMinor}>
        {(cancelled) => (
          <>
            <div>
              <dt>Cancelled items</dt>
              <dd data-testid="order-cancelled">−{money(cancelled())}</dd>
            </div>
            <div class="order-totals__total">
              <dt>{a().paymentMethod === 'cash_on_delivery' ? 'Due on delivery' : 'After cancellations'}</dt>
              <dd data-testid="order-due">{money(a().totalMinor - cancelled())}</dd>
            </div>
          </>
        )}
      </Show>
      <For each={a().tva}>
        {(line) => (
          <div class="muted">
            <dt>
              TVA {ratePercent(line.rateBp)} on {money(line.baseMinor)}
            </dt>
            <dd>{money(line.tvaMinor)}</dd>
          </div>
        )}
      </For>
      <div class="muted">
        <dt>TVA included</dt>
        <dd>{money(a().tvaMinor)}</dd>
      </div>
    </dl>
  )
}

/**
 * Every step of the order, oldest first: what (the status it moved to, or what happened while it
 * stayed), by whom, when, and the note (a cancellation's reason, the items cancelled).
 */
function Timeline(props: { order: Order }) {
  return (
    <ol class="order-timeline">
      <For each={props.order.timeline}>
        {(step) => (
          <li>
            <strong>
              {step.kind === 'status' ? STEP_LABEL[step.to] : NOTE_LABEL[step.kind]} by {ACTOR_LABEL[step.by]}
            </strong>
            <time class="muted" datetime={new Date(step.at).toISOString()}>
              {timeAgo(step.at)}
            </time>
            <Show when={step.note}>
              <q>{step.note}</q>
            </Show>
          </li>
        )}
      </For>
    </ol>
  )
}

/**
 * One order, read by id: only the latest read asked for is shown (an event may come during a
 * read), `show` puts up an order a step answered (newer than any read still on its way), and a
 * 404 (or a malformed id's 400) makes it `missing`. The first read starts once mounted.
 */
export function createOrderState(id: string) {
  const [order, setOrder] = createSignal<Order | null>(null)
  const [missing, setMissing] = createSignal(false)
  let reads = 0
  // The id of the topic's last event the first read saw: following the topic from it misses nothing.
  let since = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getOrder(id)
      if (read !== reads) return
      if (order() === null) since = fresh.lastEventId
      setOrder(fresh)
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setMissing(true)
      else toastError(error, 'Could not load the order')
    }
  }
  const show = (fresh: Order) => {
    reads += 1
    setOrder(fresh)
  }
  onMount(() => void load())
  return { order, setOrder, missing, load, show, since: () => since }
}

/** An order's page as its state has it: not found (with `missingActions`), the order (`children`), or loading. */
export function OrderView(props: { state: ReturnType<typeof createOrderState>; missingActions?: JSX.Element; children: (order: Accessor<Order>) => JSX.Element }) {
  return (
    <Switch>
      <Match when={props.state.missing()}>
        <div class="card">
          <EmptyState icon="bag" title="No such order" actions={props.missingActions}>
            It does not exist, or it is not yours to see.
          </EmptyState>
        </div>
      </Match>
      <Match when={props.state.order()}>{(order) => props.children(order)}</Match>
      <Match when={true}>
        <Loading class="card card__body stack" label="Loading the order" heading rows={1} height="120px" />
      </Match>
    </Switch>
  )
}

/** The head of an order's page: `title` and the status, `about` under them, the cancellation's reason, and what the viewer may do (`children`). */
export function OrderHead(props: { order: Order; title: JSX.Element; about: JSX.Element; children: JSX.Element }) {
  const o = () => props.order
  return (
    <div class="card card__body order-head">
      <div class="stack stack--tight">
        <h2 class="order-head__title">
          {props.title}{' '}
          <Badge tone={STATUS_TONE[o().status]}>
            <span data-testid="order-status">{STATUS_LABEL[o().status]}</span>
          </Badge>
        </h2>
        <span class="muted">{props.about}</span>
        <Show when={o().cancelReason}>
          <span>
            Cancelled: <q>{o().cancelReason}</q>
          </span>
        </Show>
      </div>
      <div class="row">{props.children}</div>
    </div>
  )
}

/**
 * The body of an order's page: `lead` (its shipments), items with totals and the timeline, beside
 * the delivery (its option, when it is handed over, where it goes; said to the buyer when
 * `toBuyer`) and `children` (the billing section).
 */
export function OrderBody(props: { order: Order; toBuyer: boolean; lead?: JSX.Element; children: JSX.Element }) {
  const o = () => props.order
  const how = () => {
    if (props.toBuyer) return o().shipping.pickup ? 'You collect it from the shop' : 'Delivered to you'
    return o().shipping.pickup ? 'The buyer collects it from the shop' : 'Shipped to the buyer'
  }
  return (
    <div class="order-layout">
      <div class="stack">
        {props.lead}
        <Section title="Items">
          <Items order={o()} />
          <Totals amounts={o()} />
        </Section>
        <Section title="Timeline">
          <Timeline order={o()} />
        </Section>
      </div>
      <div class="stack">
        <Section title="Delivery">
          <p>
            <strong>{o().shipping.name}</strong>
            <br />
            <span class="muted">
              {how()} · handed over {handedOverIn(o().shipping.handlingDays)}
            </span>
          </p>
          <Addressee address={o().shippingAddress} />
        </Section>
        {props.children}
      </div>
    </div>
  )
}

/**
 * One order as its shop or an admin sees it: items with TVA, totals, delivery, addresses, the
 * buyer, the payment and its escrow, the timeline, and what the viewer may do now (the server's
 * `actions`: accept, mark shipped, mark delivered, cancel; and cancel some items). Follows
 * `order:<id>` and reads the order again on each change, so another tab's step shows here too.
 * `shipments` renders the order's parcels panel first (the sale page's); it ships and delivers the
 * order, so the one-click "Mark shipped" and "Mark delivered" are not offered beside it. It is
 * told of each change through `news`, bumped on every event of the topic.
 */
export function OrderDetail(props: { id: string; shipments?: (order: Accessor<Order>, news: Accessor<number>) => JSX.Element }) {
  const state = createOrderState(props.id)
  const [pending, setPending] = createSignal(false)
  const [cancelling, setCancelling] = createSignal(false)
  const [cancellingItems, setCancellingItems] = createSignal(false)
  const [news, setNews] = createSignal(0)
  const changed = () => {
    setNews((n) => n + 1)
    void state.load()
  }
  useTopic(() => `order:${props.id}`, { onEvent: changed, ...rereading(changed) })
  const offers = (action: 'ship' | 'deliver') => props.shipments === undefined && state.order()?.actions.includes(action) === true

  /** One step of the shop's (accept, ship, deliver): the answer is shown, a refusal said and the order read again. */
  const step = async (run: (id: string) => Promise<Order>, done: string, failed: string) => {
    setPending(true)
    try {
      state.show(await run(props.id))
      toast(done, 'success')
    } catch (error) {
      toastError(error, failed)
      void state.load()
    } finally {
      setPending(false)
    }
  }
  const cancel = async (reason: string) => {
    state.show(await cancelSale(props.id, reason))
    toast('Order cancelled. The buyer is told, and the stock is back.', 'success')
  }

  return (
    <OrderView state={state}>
      {(o) => (
        <div class="stack">
          <OrderHead
            order={o()}
            title={<>Order {o().invoiceNumber}</>}
            about={
              <>
                {o().buyer.displayName} ordered from {o().vendor.name} {timeAgo(o().createdAt)} · {PAYMENT_LABEL[o().paymentMethod]}
              </>
            }
          >
            <Button onClick={() => void downloadInvoice(o()).catch((error: unknown) => toastError(error, 'Could not download the invoice'))}>
              <Icon name="arrowDown" /> Invoice (PDF)
            </Button>
            <Show when={o().actions.includes('accept')}>
              <Button variant="primary" disabled={pending()} onClick={() => void step(acceptSale, 'Order accepted. The buyer is told.', 'Could not accept the order')}>
                <Icon name="check" /> Accept
              </Button>
            </Show>
            <Show when={offers('ship')}>
              <Button variant="primary" disabled={pending()} onClick={() => void step(shipSale, 'Marked shipped. The buyer is told.', 'Could not mark it shipped')}>
                Mark shipped
              </Button>
            </Show>
            <Show when={offers('deliver')}>
              <Button variant="primary" disabled={pending()} onClick={() => void step(deliverSale, 'Marked delivered. The buyer is told.', 'Could not mark it delivered')}>
                Mark delivered
              </Button>
            </Show>
            <Show when={canCancelItems(o())}>
              <Button disabled={pending()} onClick={() => setCancellingItems(true)}>
                Cancel items…
              </Button>
            </Show>
            <Show when={o().actions.includes('cancel')}>
              <Button variant="danger" disabled={pending()} onClick={() => setCancelling(true)}>
                Cancel order…
              </Button>
            </Show>
          </OrderHead>
          <OrderBody order={o()} toBuyer={false} lead={props.shipments?.(o, news)}>
            <PaymentSection order={o()} toBuyer={false} news={news} />
            <Section title="Billing">
              <Addressee address={o().billingAddress} />
            </Section>
          </OrderBody>
          <ReasonDialog
            title="Cancel this order?"
            open={cancelling()}
            onClose={() => setCancelling(false)}
            confirm="Cancel order"
            hint="The buyer sees this."
            intro={<p>Its items go back in stock.</p>}
            onSubmit={cancel}
          />
          <CancelItemsDialog
            order={o()}
            side="shop"
            open={cancellingItems()}
            onClose={() => setCancellingItems(false)}
            onCancelled={state.show}
            onCancelOrder={() => setCancelling(true)}
          />
        </div>
      )}
    </OrderView>
  )
}
