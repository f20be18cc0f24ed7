import { useParams } from '@solidjs/router'
import { createSignal, Match, onMount, Show, Switch } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { DISPUTE_REASON_LABEL, DisputeCase } from '../components/dispute-parts'
import { ResolveForm } from '../components/dispute-resolve'
import { EmptyState, Skeleton } from '../components/feedback'
import { createOrderState, OrderBody, OrderHead, Section } from '../components/order-detail'
import { PaymentSection } from '../components/payment-escrow'
import { TrackingPanel } from '../components/shipment-tracking'
import { toastError } from '../components/toast'
import { ApiError } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { rereading, useTopic } from '../lib/live'
import { type Dispute, getDispute, PAYMENT_LABEL } from '../lib/orders'

/**
 * The whole case on one page: the dispute (what each side said, an admin's note, and Resolve
 * while it is open), then its order as the shop sees it — items and totals, the payment and its
 * escrow, the parcels, the timeline. Follows `order:<id>`: a word from either side, the decision
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
      <Show
        when={state.order()}
        fallback={
          <div class="card card__body" aria-busy="true" aria-label="Loading the order">
            <Skeleton height="120px" />
          </div>
        }
      >
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
        <div class="card card__body stack" aria-busy="true" aria-label="Loading the dispute">
          <Skeleton width="40%" height="22px" />
          <Skeleton height="120px" />
        </div>
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
          <p>The whole case: what each side said, the order, its payment and its parcels.</p>
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
