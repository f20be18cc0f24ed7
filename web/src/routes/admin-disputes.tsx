import { A } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { DISPUTE_STATUSES, DISPUTE_WAITING_ON, type DisputeStatus, type DisputeWaitingOn } from '../../../src/modules/disputes/status'
import { SignedIn } from '../components/auth-gate'
import { DISPUTE_OUTCOME_LABEL, DISPUTE_REASON_LABEL, DISPUTE_STATUS_LABEL, disputeAmount, waitingText } from '../components/dispute-parts'
import { Badge, EmptyState, Listed, Loading } from '../components/feedback'
import { AgeFilter, ageQuery, type QueueAge } from '../components/queue-tools'
import { createCursorPages, FilterButtons, LoadMore } from '../components/finance-parts'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { type Dispute, listDisputes } from '../lib/orders'

// Keyed by the server's list: a side added there does not compile here until it has words.
const WAITING_ON_LABEL: Record<DisputeWaitingOn, string> = { shop: 'The shop', buyer: 'The buyer', admin: 'An admin' }
/** Minimum ages offered, in hours (the API's `minAgeHours`). */

/** A row of the queue: the order (a link to the whole case), the problem, the amount held, its age, and whom it waits on (or how it ended). */
function DisputeRow(props: { dispute: Dispute }) {
  const d = () => props.dispute
  return (
    <tr>
      <th scope="row">
        <A href={`/admin/disputes/${d().id}`}>{d().invoiceNumber}</A>
      </th>
      <td>{DISPUTE_REASON_LABEL[d().reason]}</td>
      <td class="num">{disputeAmount(d())}</td>
      <td>{timeAgo(d().createdAt)}</td>
      <td>
        <Show when={d().waitingOn} fallback={DISPUTE_OUTCOME_LABEL[d().outcome ?? 'split']}>
          {(on) => (
            <Badge tone={on() === 'admin' ? 'danger' : 'warning'}>
              <span data-testid="dispute-queue-waiting">{waitingText(d(), 'admin')}</span>
            </Badge>
          )}
        </Show>
      </td>
    </tr>
  )
}

/**
 * The disputes queue: open ones (by default) or resolved, those whose buyer asked for a decision
 * first, then oldest first, in cursor pages; open ones filtered by whom they wait on, and any by age.
 */
function DisputeQueue() {
  const [status, setStatus] = createSignal<DisputeStatus | undefined>('open')
  const [waitingOn, setWaitingOn] = createSignal<DisputeWaitingOn | undefined>(undefined)
  const [age, setAge] = createSignal<QueueAge | undefined>(undefined)
  const pages = createCursorPages({
    query: () => {
      const on = status() === 'resolved' ? undefined : waitingOn()
      return { status: status() ?? 'open', ...(on === undefined ? {} : { waitingOn: on }), ...ageQuery(age()) }
    },
    read: listDisputes,
    pageSize: 30,
    failed: { load: 'Could not load the disputes', more: 'Could not load more disputes' },
  })
  return (
    <section class="card card__body stack" aria-labelledby="disputes-heading">
      <h2 id="disputes-heading" class="section-title">
        Disputes
      </h2>
      <FilterButtons label="Show disputes that are" options={DISPUTE_STATUSES} labels={DISPUTE_STATUS_LABEL} value={status()} onChange={(value) => setStatus(value ?? 'open')} />
      <Show when={status() === 'open'}>
        <FilterButtons label="Waiting on" options={DISPUTE_WAITING_ON} labels={WAITING_ON_LABEL} value={waitingOn()} all="Anyone" onChange={setWaitingOn} />
      </Show>
      <AgeFilter label="Reported" value={age()} onChange={setAge} />
      <Listed
        items={pages.items()}
        loading={<Loading label="Loading the disputes" height="48px" />}
        empty={
          <EmptyState icon="check" title={waitingOn() !== undefined || age() !== undefined ? 'None match these filters' : status() === 'open' ? 'No open disputes' : 'No resolved disputes'} headingLevel={3}>
            {status() === 'open' ? 'Problems buyers report with their orders wait here until an admin decides.' : 'Decided disputes show here.'}
          </EmptyState>
        }
      >
        {(list) => (
          <div class="table-scroll">
            <table class="data-table">
              <caption class="visually-hidden">{status() === 'open' ? 'Open disputes: those asked for a decision first, then oldest first' : 'Resolved disputes, oldest first'}</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Problem</th>
                  <th scope="col" class="num">Held</th>
                  <th scope="col">Reported</th>
                  <th scope="col">{status() === 'open' ? 'Waiting on' : 'Outcome'}</th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>{(dispute) => <DisputeRow dispute={dispute} />}</For>
              </tbody>
            </table>
          </div>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </section>
  )
}

export default function AdminDisputes() {
  return (
    <>
      <PageMeta title="Disputes" description="Souk administration: disputes." noindex />
      <div class="page-header">
        <div>
          <h1>Disputes</h1>
          <p>Problems buyers reported with paid orders. Their payments are held until an admin decides.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <DisputeQueue />
      </SignedIn>
    </>
  )
}
