import { A } from '@solidjs/router'
import { type Accessor, createEffect, createSignal, Match, on, Show, Switch } from 'solid-js'
import { api, must } from '../lib/api'
import { formatPrice } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { rereading, useTopic } from '../lib/live'
import { getOrderPayment, type Order, type OrderPayment, PAYMENT_LABEL } from '../lib/orders'
import { Button } from './button'
import { Badge, Callout, Skeleton } from './feedback'
import { dayDate, ESCROW_LABEL, ESCROW_TONE } from './finance-parts'
import { PAYMENT_STATUS_LABEL, PAYMENT_STATUS_TONE } from './payment-parts'
import { toast, toastError } from './toast'
import { Fact } from './fact'

type Escrow = NonNullable<OrderPayment['escrow']>

/**
 * Where an order's money stands, in a sentence, as the ledger has it: held until receipt, then
 * (once delivered) released on a date unless a problem is reported, frozen by an open return or
 * dispute, released or refunded. Said to the buyer (`toBuyer`) or to the shop and admins.
 */
export function escrowSentence(escrow: Escrow, order: Pick<Order, 'paymentMethod'>, toBuyer: boolean): string {
  const on = (date: Date | string | null) => (date === null ? '' : ` on ${dayDate(date)}`)
  switch (escrow.state) {
    case 'held':
      if (escrow.releaseAfter === null) return toBuyer ? 'Held until you confirm receipt' : 'Held until the buyer confirms receipt'
      return toBuyer ? `Released on ${dayDate(escrow.releaseAfter)} unless you report a problem` : `Released to the shop on ${dayDate(escrow.releaseAfter)} unless the buyer reports a problem`
    case 'frozen':
      return 'Held while a return or a problem is open'
    case 'released':
      // A dispute's split released part of it and refunded the rest.
      return escrow.releasedMinor < escrow.amountMinor
        ? `${formatPrice(escrow.releasedMinor, escrow.currency)} released to the shop, ${formatPrice(escrow.amountMinor - escrow.releasedMinor, escrow.currency)} refunded${on(escrow.settledAt)}`
        : `Released to the shop${on(escrow.settledAt)}`
    case 'refunded':
      return toBuyer ? `Refunded to your ${order.paymentMethod === 'wallet' ? 'wallet' : 'card'}${on(escrow.settledAt)}` : `Refunded to the buyer${on(escrow.settledAt)}`
  }
}

/** The shop (or an admin) marks a delivered cash-on-delivery order's cash collected: its commission leaves the shop's wallet, once. */
const markCashCollected = async (id: string) => must(await api().api.v1.sales({ id })['cash-collected'].post())

/**
 * An order's payment: how it is paid, the payment's status (with why it failed), the escrow or,
 * paid cash on delivery, the cash due or collected. Read from `GET /orders/:id/payment`, again
 * when the order's status changes (its page follows `order.updated`) and on each `order.payment`
 * of the order's topic (paid and held, released, refunded, settled, cash collected). The shop sees
 * the commission, and marks the cash of a delivered cash-on-delivery order collected.
 */
export function PaymentSection(props: { order: Order; toBuyer: boolean; news?: Accessor<number> }) {
  const [info, setInfo] = createSignal<OrderPayment | null>(null)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getOrderPayment(props.order.id)
      if (read === reads) setInfo(fresh)
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load the payment')
    }
  }
  // The page reads the order again on each `order.updated`; every step that moves the money (paid,
  // delivered, completed, cancelled) changes its status.
  createEffect(on(() => props.order.status, () => void load()))
  // A dispute opened or decided freezes or settles the payment without a status change: the page's news of the order says so.
  createEffect(on(() => props.news?.(), () => void load(), { defer: true }))
  useTopic(() => `order:${props.order.id}`, { onEvent: (event) => event.kind === 'order.payment' && void load(), ...rereading(() => void load()) })
  const [collecting, setCollecting] = createSignal(false)
  const [short, setShort] = createSignal<string | null>(null)
  const collect = async () => {
    setCollecting(true)
    setShort(null)
    try {
      setInfo(await markCashCollected(props.order.id))
      toast('Cash collected: the commission was taken from your wallet', 'success')
    } catch (error) {
      // Short of funds: said next to the button, with where to add money.
      if (error instanceof ApiError && error.facts.reason === 'insufficient_funds') setShort(error.message)
      else toastError(error, 'Could not mark the cash collected')
    } finally {
      setCollecting(false)
    }
  }

  const o = () => props.order
  const money = (minor: number) => formatPrice(minor, o().currency)
  const cash = () => o().paymentMethod === 'cash_on_delivery'
  return (
    <section class="card card__body stack" aria-labelledby="order-payment">
      <h2 id="order-payment" class="section-title">
        Payment
      </h2>
      <Show
        when={info()}
        fallback={
          <div aria-busy="true" aria-label="Loading the payment">
            <Skeleton height="60px" />
          </div>
        }
      >
        {(p) => (
          <div class="stack">
            <dl class="order-totals">
              <Fact term="Method">{PAYMENT_LABEL[o().paymentMethod]}</Fact>
              <Switch>
                <Match when={cash() && p().cash?.state === 'collected' ? p().cash : null}>
                  {(settled) => (
                    <Fact term="Paid">
                      <span data-testid="cash-state">
                        <Badge tone="success">Cash collected</Badge> {money(settled().amountMinor)}
                        <Show when={settled().collectedAt}>{(at) => ` on ${dayDate(at())}`}</Show>
                      </span>
                    </Fact>
                  )}
                </Match>
                <Match when={cash()}>
                  {/* Items cancelled one by one are simply not due. */}
                  <Fact term="To pay">{`${money(o().totalMinor - o().cancelledMinor)}, ${props.toBuyer ? 'in cash to the courier' : 'collected in cash on delivery'}`}</Fact>
                </Match>
                <Match when={p().payment}>
                  {(payment) => (
                    <Fact term="Payment">
                      <span data-testid="payment-status">
                        <Badge tone={PAYMENT_STATUS_TONE[payment().status]}>{PAYMENT_STATUS_LABEL[payment().status]}</Badge> {money(payment().amountMinor)}
                      </span>
                    </Fact>
                  )}
                </Match>
                <Match when={o().status === 'pending_payment'}>
                  <Fact term="Payment">
                    <Badge tone="warning">Not paid yet</Badge>
                  </Fact>
                </Match>
              </Switch>
              <Show when={p().escrow}>
                {(escrow) => (
                  <>
                    <Fact term="In escrow">
                      <Badge tone={ESCROW_TONE[escrow().state]}>{ESCROW_LABEL[escrow().state]}</Badge> {money(escrow().amountMinor)}
                    </Fact>
                    <Show when={!props.toBuyer}>
                      <Fact term="Commission on release">{money(escrow().commissionMinor)}</Fact>
                    </Show>
                  </>
                )}
              </Show>
              <Show when={!props.toBuyer ? p().cash : null}>
                {(c) => <Fact term={c().state === 'collected' ? 'Commission taken' : 'Commission when collected'}>{money(c().commissionMinor)}</Fact>}
              </Show>
            </dl>
            <Show when={!props.toBuyer && p().cash?.canCollect}>
              <div class="stack">
                <p>
                  <Button variant="primary" onClick={() => void collect()} disabled={collecting()}>
                    Mark cash collected
                  </Button>{' '}
                  <span class="muted">Once you have the buyer’s cash: the commission is taken from your wallet.</span>
                </p>
                <Show when={short()}>
                  {(why) => (
                    <Callout tone="danger">
                      {why()} <A href="/wallet">Add money to your wallet</A>
                    </Callout>
                  )}
                </Show>
              </div>
            </Show>
            <Show when={p().payment?.status === 'failed' ? p().payment?.failureMessage : null}>{(why) => <Callout tone="danger">{why()}</Callout>}</Show>
            <Show when={p().escrow}>
              {(escrow) => (
                <p>
                  <strong data-testid="escrow-state">{escrowSentence(escrow(), o(), props.toBuyer)}</strong>
                  <Show when={!props.toBuyer}>
                    <span class="muted"> · the shop receives {money(escrow().amountMinor - escrow().commissionMinor)} after commission</span>
                  </Show>
                </p>
              )}
            </Show>
            <Show when={props.toBuyer && o().status === 'pending_payment' && !cash()}>
              <p>
                <A href={`/orders?group=${o().groupId}`}>Pay for this order</A>
              </p>
            </Show>
          </div>
        )}
      </Show>
    </section>
  )
}
