import { A } from '@solidjs/router'
import { createResource, createSignal, For } from 'solid-js'
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketPriority, type TicketStatus } from '../../../src/modules/support/status'
import { SignedIn } from '../components/auth-gate'
import { Badge, EmptyState, Listed, Loading } from '../components/feedback'
import { SelectField } from '../components/field'
import { createCursorPages, FilterButtons, LoadMore } from '../components/finance-parts'
import { BulkBar, createSelection, SelectBox, type Selection } from '../components/queue-tools'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { currentUser } from '../lib/session'
import {
  assignTickets,
  durationText,
  listAssignees,
  listTicketQueue,
  QUEUE_STATUS_LABEL,
  type QueueItem,
  TICKET_PRIORITY_LABEL,
  TICKET_PRIORITY_TONE,
  TICKET_STATUS_TONE,
} from '../lib/support'

/** The age filter's choices, in hours opened at least. */
const AGES = [
  { value: '', label: 'Any age' },
  { value: '4', label: 'Older than 4 hours' },
  { value: '24', label: 'Older than a day' },
  { value: '72', label: 'Older than 3 days' },
  { value: '168', label: 'Older than a week' },
]

function QueueRow(props: { item: QueueItem; selection: Selection }) {
  const i = () => props.item
  return (
    <tr>
      <td>
        <SelectBox selection={props.selection} id={i().id} label={`Select ${i().subject}`} />
      </td>
      <th scope="row">
        <A href={`/admin/support/${i().id}`}>{i().subject}</A>
      </th>
      <td>{i().requester}</td>
      <td>
        <Badge tone={TICKET_PRIORITY_TONE[i().priority]}>{TICKET_PRIORITY_LABEL[i().priority]}</Badge>
      </td>
      <td>
        <Badge tone={TICKET_STATUS_TONE[i().status]}>{QUEUE_STATUS_LABEL[i().status]}</Badge>
      </td>
      <td>{i().assignee?.name ?? <span class="muted">Unassigned</span>}</td>
      <td>{timeAgo(i().createdAt)}</td>
      <td>{durationText(i().firstResponseSeconds)}</td>
      <td>{durationText(i().resolutionSeconds)}</td>
    </tr>
  )
}

/** The support queue, oldest first, by status (open by default), priority, assignee and age, in cursor pages; those ticked assigned at once. */
function SupportQueue() {
  const selection = createSelection()
  const assigned = (n: number) => (n === 1 ? '1 ticket assigned.' : `${n} tickets assigned.`)
  const unassigned = (n: number) => (n === 1 ? '1 ticket unassigned.' : `${n} tickets unassigned.`)
  const [status, setStatus] = createSignal<TicketStatus | undefined>('open')
  const [priority, setPriority] = createSignal<TicketPriority | undefined>(undefined)
  const [assignee, setAssignee] = createSignal('')
  const [age, setAge] = createSignal('')
  const [admins] = createResource(() => listAssignees().catch(() => []))
  const pages = createCursorPages({
    query: () => ({
      ...(status() === undefined ? {} : { status: status() }),
      ...(priority() === undefined ? {} : { priority: priority() }),
      ...(assignee() === '' ? {} : { assignee: assignee() }),
      ...(age() === '' ? {} : { minAgeHours: Number(age()) }),
    }),
    read: listTicketQueue,
    pageSize: 30,
    failed: { load: 'Could not load the tickets', more: 'Could not load more tickets' },
  })
  return (
    <section class="card card__body stack" aria-labelledby="support-queue-heading">
      <h2 id="support-queue-heading" class="section-title">
        Tickets
      </h2>
      <FilterButtons label="Status" options={TICKET_STATUSES} labels={QUEUE_STATUS_LABEL} value={status()} all="Any status" onChange={setStatus} />
      <FilterButtons label="Priority" options={TICKET_PRIORITIES} labels={TICKET_PRIORITY_LABEL} value={priority()} all="Any priority" onChange={setPriority} />
      <div class="row" style={{ 'flex-wrap': 'wrap' }}>
        <SelectField
          label="Assignee"
          name="assignee"
          value={assignee()}
          onChange={(e) => setAssignee(e.currentTarget.value)}
          options={[{ value: '', label: 'Anyone' }, { value: 'me', label: 'Me' }, { value: 'none', label: 'Unassigned' }, ...(admins() ?? []).map((admin) => ({ value: admin.id, label: admin.name }))]}
        />
        <SelectField label="Age" name="age" value={age()} onChange={(e) => setAge(e.currentTarget.value)} options={AGES} />
      </div>
      <BulkBar
        selection={selection}
        shown={() => (pages.items() ?? []).map((item) => item.id)}
        actions={[
          { label: 'Assign to me', done: assigned, run: (ids) => assignTickets(ids, currentUser()!.id) },
          { label: 'Unassign', done: unassigned, run: (ids) => assignTickets(ids, null) },
        ]}
        onDone={() => void pages.reload()}
      />
      <Listed
        items={pages.items()}
        loading={<Loading label="Loading the tickets" height="48px" />}
        empty={
          <EmptyState icon="check" title="No tickets here" headingLevel={3}>
            Tickets matching these filters show here, oldest first.
          </EmptyState>
        }
      >
        {(list) => (
          <div class="table-scroll">
            <table class="data-table">
              <caption class="visually-hidden">Support tickets, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="visually-hidden">Selected</span>
                  </th>
                  <th scope="col">Subject</th>
                  <th scope="col">From</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Status</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Opened</th>
                  <th scope="col">First response</th>
                  <th scope="col">Resolution</th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>{(item) => <QueueRow item={item} selection={selection} />}</For>
              </tbody>
            </table>
          </div>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </section>
  )
}

export default function AdminSupport() {
  return (
    <>
      <PageMeta title="Support" description="Souk administration: support tickets." noindex />
      <div class="page-header">
        <div>
          <h1>Support</h1>
          <p>Questions from users and visitors: answer them, note what staff should know, assign and prioritise.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <SupportQueue />
      </SignedIn>
    </>
  )
}
