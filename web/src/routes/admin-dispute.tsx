import { useParams } from '@solidjs/router'
import { type Accessor, createEffect, createSignal, For, Match, on, onMount, Show, Switch } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { SYSTEM_MESSAGE_LABEL } from '../components/chat-labels'
import { DISPUTE_REASON_LABEL, DisputeCase } from '../components/dispute-parts'
import { ResolveForm } from '../components/dispute-resolve'
import { EmptyState, Loading } from '../components/feedback'
import { TRANSFER_KIND_LABEL, TRANSFER_PHASE_LABEL, utcMinute } from '../components/finance-parts'
import { createOrderState, OrderBody, OrderHead, Section } from '../components/order-detail'
import { PaymentSection } from '../components/payment-escrow'
import { TrackingPanel } from '../components/shipment-tracking'
import { toastError } from '../components/toast'
import { formatPrice } from '../lib/catalog'
import { type DisputeCaseRecords, getDisputeCaseRecords } from '../lib/disputes'
import { ApiError } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { rereading, useTopic } from '../lib/live'
import { type Dispute, getDispute, PAYMENT_LABEL } from '../lib/orders'

/**
 * The rest of the case: the order's ledger transfers (`order:<id>`), newest first, and every
 * message its buyer and its shop wrote each other (and the steps noted there), oldest first.
 * Read again on each bump of `news` (the order topic's events).
 */
function CaseRecords(props: { disputeId: string; buyerId: string; news: Accessor<number> }) {
  const [records, setRecords] = createSignal<DisputeCaseRecords | null>(null)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getDisputeCaseRecords(props.disputeId)
      if (read === reads) setRecords(fresh)
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load the ledger entries and the conversation')
    }
  }
  createEffect(on(props.news, () => void load()))
  const who = (senderId: string) => (senderId === props.buyerId ? 'Buyer' : 'Shop')
  return (
    <Show when={records()}>
      {(r) => (
        <div class="order-layout">
          <Section title="Ledger entries">
            <Show when={r().ledger.length > 0} fallback={<p class="muted">No transfers for this order.</p>}>
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">The order’s ledger transfers, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Kind</th>
                      <th scope="col" class="num">Amount</th>
                      <th scope="col">Debit → credit</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().ledger}>
                      {(x) => (
                        <tr>
                          <td>{utcMinute(x.createdAt)}</td>
                          <td>
                            {TRANSFER_KIND_LABEL[x.kind]} · {TRANSFER_PHASE_LABEL[x.phase]}
                          </td>
                          <td class="num" data-testid="case-ledger-amount">{formatPrice(x.amountMinor, x.currency)}</td>
                          <td class="muted" style={{ 'overflow-wrap': 'anywhere' }}>
                            {x.debitAccountId} → {x.creditAccountId}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </Section>
          <Section title="Conversation">
            <Show when={r().conversation.length > 0} fallback={<p class="muted">The buyer and the shop never wrote to each other.</p>}>
              <ol class="order-timeline" aria-label="What the buyer and the shop wrote each other">
                <For each={r().conversation}>
                  {(m) => (
                    <li>
                      <strong>{m.system === null ? who(m.senderId) : SYSTEM_MESSAGE_LABEL[m.system]}</strong>{' '}
                      <time class="muted" datetime={m.createdAt}>
                        {timeAgo(m.createdAt)}
                      </time>
                      <p style={{ margin: '0', 'white-space': 'pre-line', 'overflow-wrap': 'anywhere' }}>
                        {m.deleted ? <em class="muted">Message deleted</em> : `${m.image === null ? '' : '[photo] '}${m.body ?? ''}`}
                      </p>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </Section>
        </div>
      )}
    </Show>
  )
}

/**
 * The whole case on one page: the dispute (what each side said, an admin's note, and Resolve
 * while it is open), then its order as the shop sees it — items and totals, the payment and its
 * escrow, the parcels, the timeline — then its ledger entries and the buyer–shop conversation. Follows `order:<id>`: a word from either side, the decision
 * and the money's moves show without a reload.
 */
function Case(props: { dispute: Dispute; onDispute: (dispute: Dispute) => void; reload: () => Promise<void> }) {
  const d = () => props.dispute
  // The order does not change under the page (it is keyed by the dispute's id).
  const state = createOrderState(props.dispute.orderId)
  const [news, setNews] = createSignal(0)
  const changed = () => {
    setNews((n) => n + 1)
    void state.load()
    void props.reload()
  }
  useTopic(() => `order:${props.dispute.orderId}`, { onEvent: changed, ...rereading(changed) })

  return (
    <div class="stack">
      <PageMeta title={`Dispute over ${d().invoiceNumber}`} description="Souk administration: a dispute." noindex />
      <div class="order-layout">
        <Section title="Dispute">
          <DisputeCase dispute={d()} side="admin" onChange={props.onDispute} />
        </Section>
        <Show when={d().actions.includes('resolve')}>
          <Section title="Resolve">
            <ResolveForm dispute={d()} onResolved={props.onDispute} />
          </Section>
        </Show>
      </div>
      <Show when={state.order()} fallback={<Loading class="card card__body" label="Loading the order" rows={1} height="120px" />}>
        {(o) => (
          <>
            <OrderHead
              order={o()}
              title={<>Order {o().invoiceNumber}</>}
              about={
                <>
                  {o().buyer.displayName} ordered from {o().vendor.name} {timeAgo(o().createdAt)} · {PAYMENT_LABEL[o().paymentMethod]}
                </>
              }
            >
              <ButtonLink href={`/admin/orders/${o().id}`}>Open the order</ButtonLink>
            </OrderHead>
            <OrderBody order={o()} toBuyer={false} lead={<TrackingPanel order={o()} news={news} />}>
              <PaymentSection order={o()} toBuyer={false} />
            </OrderBody>
            <CaseRecords disputeId={d().id} buyerId={o().buyer.id} news={news} />
          </>
        )}
      </Show>
    </div>
  )
}

function DisputePage(props: { id: string }) {
  const [dispute, setDispute] = createSignal<Dispute | null>(null)
  const [missing, setMissing] = createSignal(false)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getDispute(props.id)
      if (read === reads) setDispute(fresh)
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setMissing(true)
      else toastError(error, 'Could not load the dispute')
    }
  }
  const show = (fresh: Dispute) => {
    reads += 1
    setDispute(fresh)
  }
  onMount(() => void load())
  return (
    <Switch>
      <Match when={missing()}>
        <div class="card">
          <EmptyState icon="flag" title="No such dispute" actions={<ButtonLink href="/admin/disputes">All disputes</ButtonLink>}>
            It does not exist.
          </EmptyState>
        </div>
      </Match>
      <Match when={dispute()}>
        {(d) => (
          <>
            <p class="muted">
              {DISPUTE_REASON_LABEL[d().reason]} · order {d().invoiceNumber} · reported {timeAgo(d().createdAt)}
            </p>
            <Case dispute={d()} onDispute={show} reload={load} />
          </>
        )}
      </Match>
      <Match when={true}>
        <Loading class="card card__body stack" label="Loading the dispute" heading rows={1} height="120px" />
      </Match>
    </Switch>
  )
}

export default function AdminDispute() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Dispute" description="Souk administration: a dispute." noindex />
      <div class="page-header">
        <div>
          <h1>Dispute</h1>
          <p>The whole case: what each side said, the order, its payment, its parcels, its ledger entries and the buyer–shop conversation.</p>
        </div>
        <ButtonLink href="/admin/disputes">All disputes</ButtonLink>
      </div>
      <SignedIn role="admin">
        <Show when={params.id} keyed>
          {(id) => <DisputePage id={id} />}
        </Show>
      </SignedIn>
    </>
  )
}
