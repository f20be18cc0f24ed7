import { A, createAsync, useSearchParams } from '@solidjs/router'
import { createEffect, createResource, createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import { Button, ButtonLink } from '../../components/button'
import { createRequestState } from '../../components/confirm-dialog'
import { Dialog } from '../../components/dialog'
import { Badge, Callout, Skeleton } from '../../components/feedback'
import { FormAlert } from '../../components/form'
import { Icon } from '../../components/icons'
import { IntervalToggle, PlanTable } from '../../components/plan-parts'
import { toast, toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { formatPrice } from '../../lib/catalog'
import { ApiError } from '../../lib/errors'
import { PageMeta } from '../../lib/head'
import { myTopic, rereading, useTopic } from '../../lib/live'
import {
  cancelMyPlan,
  choosePlan,
  downloadPlanInvoice,
  getMyPlan,
  getPlans,
  INTERVAL_LABEL,
  limitText,
  listMyPlanInvoices,
  percentOf,
  PER_INTERVAL,
  type Plan,
  type PlanInterval,
  type PlanInvoice,
  type PlanState,
  planDay,
  priceOf,
} from '../../lib/plans'

const OUTCOME_TOAST = {
  subscribed: 'Your plan is active. Thank you!',
  upgraded: 'Upgraded: your new plan is active now.',
  scheduled: 'Done: the change takes effect when your current period ends.',
  resumed: 'Your plan continues as before.',
} as const

/** Where the shop's plan stands, in a sentence or two, with the way to undo a cancellation or a scheduled change. */
function Standing(props: { state: PlanState; onKeep: () => void; busy: boolean }) {
  const sub = () => props.state.subscription
  const price = () => formatPrice(props.state.terms.priceMinor, props.state.terms.currency)
  return (
    <Switch>
      <Match when={sub() === null}>
        <p>Your shop is on the free plan. Choose a plan below for more listings, boosts and a lower commission.</p>
      </Match>
      <Match when={sub()?.status === 'past_due'}>
        <Callout tone="danger">
          <p>
            The renewal of your plan could not be paid. Add money to your wallet before {planDay(sub()!.graceUntil!)}: it is tried again every hour. After that date your shop goes back to the
            free plan.
          </p>
          <p>
            <A href="/wallet">Add money to your wallet</A>
          </p>
        </Callout>
      </Match>
      <Match when={sub()?.endsAt != null}>
        <p data-testid="plan-standing">
          Cancelled: your perks stay until {planDay(sub()!.endsAt!)}, then your shop goes back to the free plan.
        </p>
        <Button onClick={() => props.onKeep()} disabled={props.busy}>
          Keep my plan
        </Button>
      </Match>
      <Match when={sub()?.next != null}>
        <p data-testid="plan-standing">
          Moves to {sub()!.next!.name} ({INTERVAL_LABEL[sub()!.next!.interval].toLowerCase()}) on {planDay(sub()!.periodEnd)}, for {formatPrice(sub()!.next!.priceMinor, props.state.terms.currency)}{' '}
          {PER_INTERVAL[sub()!.next!.interval]}.
        </p>
        <Button onClick={() => props.onKeep()} disabled={props.busy}>
          Keep {props.state.terms.name}
        </Button>
      </Match>
      <Match when={true}>
        <p data-testid="plan-standing">
          Renews on {planDay(sub()!.renewsAt!)} for {price()} {PER_INTERVAL[sub()!.interval]}, paid from your wallet.
        </p>
      </Match>
    </Switch>
  )
}

/** What the plan gives and how much of it is used. */
function Usage(props: { state: PlanState }) {
  const terms = () => props.state.terms
  const figures = () => [
    { key: 'listings', term: 'Listings on sale', value: terms().maxActiveListings === null ? `${props.state.usage.activeListings} (no limit)` : `${props.state.usage.activeListings} of ${terms().maxActiveListings}` },
    { key: 'boosts', term: 'Boost credits left', value: `${props.state.usage.boostCredits} (${terms().boostCreditsPerMonth} a month)` },
    { key: 'featured', term: 'Featured listings at once', value: String(terms().featuredSlots) },
    { key: 'commission', term: 'Commission on sales', value: percentOf(props.state.effectiveCommissionBp) },
    { key: 'support', term: 'Priority support', value: terms().prioritySupport ? 'Yes' : 'No' },
  ]
  return (
    <dl class="stat-row" style={{ 'grid-template-columns': 'repeat(auto-fit, minmax(min(100%, 170px), 1fr))' }}>
      <For each={figures()}>
        {(f) => (
          <div>
            <dt>{f.term}</dt>
            <dd data-testid={`plan-${f.key}`}>{f.value}</dd>
          </div>
        )}
      </For>
    </dl>
  )
}

/** Asks before choosing `plan`: what is paid and when, and what the wallet holds (with the way to add money). */
function ChooseDialog(props: { plan: Plan | null; interval: PlanInterval; state: PlanState; onClose: () => void; onChosen: (state: PlanState) => void }) {
  const request = createRequestState()
  const close = () => {
    request.clear()
    props.onClose()
  }
  const short = () => request.error() instanceof ApiError && (request.error() as ApiError).facts.reason === 'insufficient_funds'
  const choose = async (plan: Plan) => {
    let outcome: keyof typeof OUTCOME_TOAST = 'resumed'
    const ok = await request.run(async () => {
      const changed = await choosePlan(plan.id, props.interval)
      outcome = changed.outcome
      props.onChosen(changed.state)
    })
    if (!ok) return
    toast(OUTCOME_TOAST[outcome], 'success')
    close()
  }
  return (
    <Dialog open={props.plan !== null} onClose={close} title="Change plan">
      <Show when={props.plan}>
        {(plan) => (
          <div class="stack">
            <p>
              <strong>{plan().name}</strong>, {formatPrice(priceOf(plan(), props.interval), plan().currency)} {PER_INTERVAL[props.interval]}.
            </p>
            <p class="muted">
              {plan().isFree
                ? 'Your shop goes back to the free plan when your current period ends; nothing is paid.'
                : 'A new plan, or a dearer one, is paid from your wallet now: the unused part of your current plan is taken off. A cheaper plan, the other billing, or a dearer one costing less than your unused time (a yearly plan for a monthly one), starts when your current period ends.'}
            </p>
            <p>
              Your wallet has <strong data-testid="plan-wallet">{formatPrice(props.state.wallet.availableMinor, props.state.wallet.currency)}</strong>.
            </p>
            <FormAlert error={request.error()}>
              <Show when={short()}>
                <p>
                  <A href="/wallet">Add money to your wallet</A>, then choose the plan again.
                </p>
              </Show>
            </FormAlert>
            <div class="row row--end">
              <Button variant="ghost" onClick={close}>
                Not now
              </Button>
              <Button variant="primary" disabled={request.pending()} aria-busy={request.pending()} onClick={() => void choose(plan())}>
                {request.pending() ? 'Choosing…' : `Choose ${plan().name}`}
              </Button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  )
}

/** My plan invoices, newest first, each downloadable as PDF. */
function Invoices(props: { version: number }) {
  const [invoices] = createResource(
    () => props.version,
    () => listMyPlanInvoices({ limit: 50 }).then((page) => page.items),
  )
  const download = (invoice: PlanInvoice) => void downloadPlanInvoice(invoice).catch((error: unknown) => toastError(error, 'Could not download the invoice'))
  return (
    <section class="card card__body stack" aria-labelledby="plan-invoices-heading">
      <h2 id="plan-invoices-heading" class="section-title">
        Invoices
      </h2>
      <Show when={invoices()} fallback={<Skeleton height="48px" />}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">Plan payments are listed here with their invoices.</p>}>
            <div class="table-scroll">
              <table class="data-table">
                <caption class="visually-hidden">Plan invoices</caption>
                <thead>
                  <tr>
                    <th scope="col">Invoice</th>
                    <th scope="col">Date</th>
                    <th scope="col">Plan</th>
                    <th scope="col">Period</th>
                    <th scope="col" class="num">Paid</th>
                    <th scope="col">Invoice file</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(invoice) => (
                      <tr>
                        <th scope="row">{invoice.invoiceNumber}</th>
                        <td>{planDay(invoice.createdAt)}</td>
                        <td>
                          {invoice.planName} ({INTERVAL_LABEL[invoice.interval].toLowerCase()})
                        </td>
                        <td>
                          {planDay(invoice.periodStart)} – {planDay(invoice.periodEnd)}
                        </td>
                        <td class="num">
                          {formatPrice(invoice.amountMinor, invoice.currency)}
                          <span class="muted"> incl. {formatPrice(invoice.tvaMinor, invoice.currency)} TVA</span>
                          <Show when={invoice.creditMinor > 0}>
                            <span class="muted"> (after {formatPrice(invoice.creditMinor, invoice.currency)} credit)</span>
                          </Show>
                        </td>
                        <td>
                          <Button size="sm" onClick={() => download(invoice)} aria-label={`Download invoice ${invoice.invoiceNumber}`}>
                            PDF
                          </Button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  )
}

function PlanScreen() {
  const [params] = useSearchParams()
  const plans = createAsync(() => getPlans())
  const [state, setState] = createSignal<PlanState | null>(null)
  const [version, setVersion] = createSignal(0)
  const [interval, setBilling] = createSignal<PlanInterval>(params.interval === 'year' ? 'year' : 'month')
  const [chosen, setChosen] = createSignal<Plan | null>(null)
  const [cancelling, setCancelling] = createSignal(false)
  const keep = createRequestState()
  const cancel = createRequestState()
  const load = async () => {
    try {
      setState(await getMyPlan())
    } catch (error) {
      toastError(error, 'Could not load your plan')
    }
  }
  onMount(() => void load())
  // Renewals, failed renewals and ends notify me (`system`); a deposit moves my wallet.
  useTopic(myTopic, {
    onEvent: (event) => ((event.kind === 'notification' && event.data.notification.type === 'system') || event.kind === 'wallet.balance') && void load(),
    ...rereading(() => void load()),
  })
  // Sent here from the public comparison with a plan in mind: ask about it once both are read.
  let asked = false
  createEffect(() => {
    const list = plans()
    if (asked || state() === null || list === undefined || typeof params.plan !== 'string') return
    asked = true
    const plan = list.find((p) => p.id === params.plan)
    if (plan !== undefined && plan.id !== state()!.planId) setChosen(plan)
  })
  const chosenNow = (next: PlanState) => {
    setState(next)
    setVersion((v) => v + 1)
  }
  const current = (plan: Plan) => state()?.planId === plan.id && (plan.isFree || state()?.subscription?.interval === interval())
  return (
    <Show
      when={state()}
      fallback={
        <div class="stack" aria-busy="true" aria-label="Loading your plan">
          <Skeleton height="160px" />
          <Skeleton height="240px" />
        </div>
      }
    >
      {(s) => (
          <div class="stack">
            <section class="card card__body stack" aria-labelledby="current-plan-heading">
              <div class="row" style={{ 'justify-content': 'space-between', 'align-items': 'center' }}>
                <h2 id="current-plan-heading" class="section-title">
                  <span data-testid="plan-name">{s().terms.name}</span>{' '}
                  <Show when={s().terms.badge}>{(badge) => <Badge tone="primary">{badge()}</Badge>}</Show>
                </h2>
                <Show when={s().subscription !== null && s().subscription!.endsAt === null && s().subscription!.status === 'active'}>
                  <Button variant="ghost" onClick={() => setCancelling(true)}>
                    Cancel plan
                  </Button>
                </Show>
              </div>
              <Standing
                state={s()}
                busy={keep.pending()}
                onKeep={() =>
                  void keep.run(async () => {
                    chosenNow((await choosePlan(s().planId, s().subscription!.interval)).state)
                    toast(OUTCOME_TOAST.resumed, 'success')
                  })
                }
              />
              <FormAlert error={keep.error()} />
              <Usage state={s()} />
              <p class="muted">
                Your wallet has {formatPrice(s().wallet.availableMinor, s().wallet.currency)} available.{' '}
                <A href="/wallet">Add money</A>
              </p>
            </section>
            <section class="card card__body stack" aria-labelledby="change-plan-heading">
              <div class="row" style={{ 'justify-content': 'space-between', 'align-items': 'center' }}>
                <h2 id="change-plan-heading" class="section-title">
                  Change plan
                </h2>
                <IntervalToggle value={interval()} onChange={setBilling} />
              </div>
              <Show when={plans()} fallback={<Skeleton height="240px" />}>
                {(list) => (
                  <PlanTable
                    plans={list()}
                    interval={interval()}
                    action={(plan) => (
                      <Show when={!current(plan)} fallback={<Badge tone="success">Your plan</Badge>}>
                        <Button size="sm" variant={plan.isFree ? 'ghost' : 'primary'} onClick={() => setChosen(plan)} aria-label={`Choose ${plan.name}`}>
                          Choose
                        </Button>
                      </Show>
                    )}
                  />
                )}
              </Show>
            </section>
            <Invoices version={version()} />
            <ChooseDialog plan={chosen()} interval={interval()} state={s()} onClose={() => setChosen(null)} onChosen={chosenNow} />
            <Dialog open={cancelling()} onClose={() => setCancelling(false)} title="Cancel your plan">
              <div class="stack">
                <p>Your plan will not renew. Its perks stay until {planDay(s().subscription?.periodEnd ?? new Date())}, then your shop goes back to the free plan.</p>
                <Show when={plans()?.find((p) => p.isFree)?.maxActiveListings}>
                  {(limit) => <p class="muted">The free plan allows {limitText(limit())} listings on sale: the newest beyond go back to draft (never deleted).</p>}
                </Show>
                <FormAlert error={cancel.error()} />
                <div class="row row--end">
                  <Button variant="ghost" onClick={() => setCancelling(false)}>
                    Keep my plan
                  </Button>
                  <Button
                    variant="primary"
                    disabled={cancel.pending()}
                    onClick={() =>
                      void cancel.run(async () => {
                        chosenNow(await cancelMyPlan())
                        setCancelling(false)
                        toast('Cancelled: your plan will not renew.', 'success')
                      })
                    }
                  >
                    Cancel plan
                  </Button>
                </div>
              </div>
            </Dialog>
          </div>
      )}
    </Show>
  )
}

/** The shop's plan: what it gives and how much is used, when it renews or ends, changing or cancelling it, and its invoices. */
export default function DashboardPlan() {
  return (
    <>
      <PageMeta title="Plan" description="Your shop’s plan." noindex />
      <VendorGate>
        {(shop) => (
          <>
            <div class="page-header">
              <div>
                <h1>Plan</h1>
                <p>{shop.companyName}’s plan: what it gives, when it renews, and its invoices.</p>
              </div>
              <div class="row">
                <ButtonLink href="/plans">
                  <Icon name="star" /> Compare plans
                </ButtonLink>
                <ButtonLink href="/dashboard">
                  <Icon name="store" /> Dashboard
                </ButtonLink>
              </div>
            </div>
            <PlanScreen />
          </>
        )}
      </VendorGate>
    </>
  )
}

