import { A } from '@solidjs/router'
import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import type { PaymentsModel } from '../../../../src/modules/payments/model'
import { ButtonLink } from '../../components/button'
import { Badge, EmptyState, Skeleton } from '../../components/feedback'
import { dayDate, ESCROW_LABEL, ESCROW_TONE } from '../../components/finance-parts'
import { Icon } from '../../components/icons'
import { toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { api, must } from '../../lib/api'
import { formatPrice } from '../../lib/catalog'
import { PageMeta } from '../../lib/head'
import { myTopic, rereading, useTopic } from '../../lib/live'
import { ratePercent } from '../../lib/orders'

type Earnings = PaymentsModel.Earnings
type Escrow = Earnings['escrows'][number]

const getMyEarnings = async () => must(await api().api.v1.me.earnings.get())

/** Where an order's money stands, in a sentence (the ledger's state, and the release date once delivered). */
function escrowNote(escrow: Escrow): string {
  switch (escrow.state) {
    case 'held':
      return escrow.releaseAfter === null ? 'Held until the buyer confirms receipt' : `Released on ${dayDate(escrow.releaseAfter)} unless the buyer reports a problem`
    case 'frozen':
      return 'Held while a return or a problem the buyer reported is open'
    case 'released':
      return escrow.settledAt === null ? 'Released to your wallet' : `Released to your wallet on ${dayDate(escrow.settledAt)}`
    case 'refunded':
      return escrow.settledAt === null ? 'Refunded to the buyer' : `Refunded to the buyer on ${dayDate(escrow.settledAt)}`
  }
}

/** One currency's figures: held, available, released so far, commission (with its rate), paid out. */
function Totals(props: { totals: Earnings['currencies'][number]; commissionBp: number }) {
  const c = () => props.totals
  const money = (minor: number) => formatPrice(minor, c().currency)
  const id = () => `earnings-${c().currency}`
  const figures = () => [
    { key: 'held', term: 'Held in escrow', value: c().heldMinor },
    { key: 'available', term: 'Available', value: c().availableMinor },
    { key: 'released', term: 'Released so far', value: c().releasedMinor },
    { key: 'commission', term: `Commission (${ratePercent(props.commissionBp)})`, value: c().commissionMinor },
    { key: 'paid-out', term: 'Paid out', value: c().paidOutMinor },
  ]
  return (
    <section class="card card__body stack" aria-labelledby={id()}>
      <h2 id={id()}>{c().currency}</h2>
      {/* Five figures: as many columns as fit, rather than the stat row's four. */}
      <dl class="stat-row" style={{ 'grid-template-columns': 'repeat(auto-fit, minmax(170px, 1fr))' }}>
        <For each={figures()}>
          {(f) => (
            <div>
              <dt>{f.term}</dt>
              <dd data-testid={`${f.key}-${c().currency}`}>{money(f.value)}</dd>
            </div>
          )}
        </For>
      </dl>
    </section>
  )
}

function EscrowRow(props: { escrow: Escrow }) {
  const e = () => props.escrow
  return (
    <li class="admin-row">
      <div class="admin-row__main">
        <div class="row row--between">
          <A href={`/dashboard/sales/${e().orderId}`} class="text-strong">
            Order {e().invoiceNumber}
          </A>
          <span class="row">
            <strong>{formatPrice(e().amountMinor, e().currency)}</strong>
            <Badge tone={ESCROW_TONE[e().state]}>{ESCROW_LABEL[e().state]}</Badge>
          </span>
        </div>
        <p class="muted">
          Paid {dayDate(e().createdAt)} · {escrowNote(e())}
        </p>
      </div>
    </li>
  )
}

/**
 * My shop's earnings, read again whenever my balances change (`wallet.balance` on my topic: an
 * order paid, an escrow released, a withdrawal decided) and after a gap in the live updates.
 */
function EarningsBody() {
  const [earnings, setEarnings] = createSignal<Earnings | null>(null)
  // Only the latest read is shown: events may start reads that overlap.
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const answer = await getMyEarnings()
      if (read === reads) setEarnings(answer)
    } catch (error) {
      toastError(error, 'Could not load your earnings')
    }
  }
  useTopic(myTopic, {
    onEvent: (event) => event.kind === 'wallet.balance' && void load(),
    ...rereading(() => void load()),
  })
  onMount(() => void load())

  return (
    <Show
      when={earnings()}
      fallback={
        <div class="card card__body stack" aria-busy="true" aria-label="Loading your earnings">
          <Skeleton height="22px" width="30%" />
          <Skeleton height="64px" />
        </div>
      }
    >
      {(e) => (
        <div class="stack">
          <Switch>
            <Match when={e().currencies.length === 0}>
              <div class="card">
                <EmptyState icon="bag" title="No earnings yet">
                  When a buyer pays for an order, its amount is held here until they confirm receipt, then it is yours, less Souk’s {ratePercent(e().commissionBp)}{' '}
                  commission.
                </EmptyState>
              </div>
            </Match>
            <Match when={true}>
              <For each={e().currencies}>{(c) => <Totals totals={c} commissionBp={e().commissionBp} />}</For>
            </Match>
          </Switch>
          <section class="card" aria-labelledby="escrows-heading">
            <div class="card__header">
              <h2 id="escrows-heading">Latest paid orders</h2>
            </div>
            <div class="card__body">
              <Show when={e().escrows.length > 0} fallback={<p class="muted">Orders paid by card or wallet appear here with where their money stands.</p>}>
                <ul class="admin-list" aria-labelledby="escrows-heading">
                  <For each={e().escrows}>{(escrow) => <EscrowRow escrow={escrow} />}</For>
                </ul>
              </Show>
            </div>
          </section>
        </div>
      )}
    </Show>
  )
}

/** The vendor's Earnings: held in escrow, available, released, commission and payouts, live. */
export default function Earnings() {
  return (
    <>
      <PageMeta title="Earnings" description="What your shop earned." noindex />
      <VendorGate>
        {(shop) => (
          <>
            <div class="page-header">
              <div>
                <h1>Earnings</h1>
                <p>What buyers paid {shop.companyName}: held until they confirm receipt, then in your wallet, less Souk’s commission.</p>
              </div>
              <div class="row">
                <ButtonLink variant="primary" href="/wallet">
                  <Icon name="arrowUp" /> Withdraw
                </ButtonLink>
                <ButtonLink href="/dashboard/sales">
                  <Icon name="bag" /> Sales
                </ButtonLink>
                <ButtonLink href="/dashboard">Back to dashboard</ButtonLink>
              </div>
            </div>
            <EarningsBody />
          </>
        )}
      </VendorGate>
    </>
  )
}
