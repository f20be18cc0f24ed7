import { A, useParams } from '@solidjs/router'
import { createResource, Match, Show, Switch } from 'solid-js'
import { TICKET_PRIORITIES, type TicketPriority, type TicketStatus } from '../../../src/modules/support/status'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { createRequestState } from '../components/confirm-dialog'
import { Badge, Callout, EmptyState, Loading } from '../components/feedback'
import { SelectField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { createTicketState, ReplyForm, TicketThread } from '../components/ticket-thread'
import { toast } from '../components/toast'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import {
  durationText,
  listAssignees,
  QUEUE_STATUS_LABEL,
  type Ticket,
  TICKET_CATEGORY_LABEL,
  TICKET_PRIORITY_LABEL,
  TICKET_PRIORITY_TONE,
  TICKET_STATUS_TONE,
  updateTicket,
} from '../lib/support'

type StaffView = NonNullable<Ticket['staff']>

/** Status (the moves the server allows now), priority and assignee, saved together. */
function Handling(props: { ticket: Ticket; staff: StaffView; onChange: (ticket: Ticket) => void }) {
  const [admins] = createResource(() => listAssignees().catch(() => []))
  const request = createRequestState()
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    const status = String(data.get('status')) as TicketStatus
    const priority = String(data.get('priority')) as TicketPriority
    const assignee = String(data.get('assigneeId'))
    const assigneeId = assignee === '' ? null : assignee
    const body = {
      ...(status === props.ticket.status ? {} : { status }),
      ...(priority === props.staff.priority ? {} : { priority }),
      ...(assigneeId === (props.staff.assignee?.id ?? null) ? {} : { assigneeId }),
    }
    if (Object.keys(body).length === 0) return
    void request.run(async () => {
      props.onChange(await updateTicket(props.ticket.id, body))
      toast('Ticket updated.', 'success')
    })
  }
  const assigneeOptions = () => {
    const list = admins() ?? []
    const current = props.staff.assignee
    const known = current === null || list.some((admin) => admin.id === current.id) ? list : [current, ...list]
    return [{ value: '', label: 'Unassigned' }, ...known.map((admin) => ({ value: admin.id, label: admin.name }))]
  }
  return (
    <form class="stack" onSubmit={submit} aria-label="Handling">
      <FormAlert error={request.error()} />
      <SelectField
        label="Status"
        name="status"
        value={props.ticket.status}
        options={[props.ticket.status, ...props.staff.statusMoves].map((value) => ({ value, label: QUEUE_STATUS_LABEL[value] }))}
        hint={props.ticket.status === 'closed' ? 'Closed is final.' : undefined}
      />
      <SelectField label="Priority" name="priority" value={props.staff.priority} options={TICKET_PRIORITIES.map((value) => ({ value, label: TICKET_PRIORITY_LABEL[value] }))} />
      <SelectField label="Assignee" name="assigneeId" value={props.staff.assignee?.id ?? ''} options={assigneeOptions()} />
      <div class="row row--end">
        <SubmitButton pending={request.pending()} pendingLabel="Saving…">
          Save
        </SubmitButton>
      </div>
    </form>
  )
}

/** Who asked, and the times the queue measures. */
function Facts(props: { ticket: Ticket; staff: StaffView }) {
  const s = () => props.staff
  return (
    <dl class="order-totals">
      <dt>From</dt>
      <dd>
        <Show when={s().requester.id} fallback={<>{s().requester.email} (visitor)</>}>
          {(id) => <A href={`/users/${id()}`}>{s().requester.name}</A>}
        </Show>
      </dd>
      <dt>About</dt>
      <dd>
        {TICKET_CATEGORY_LABEL[props.ticket.category]}
        <Show when={props.ticket.order}>
          {(order) => (
            <>
              {' '}
              · <A href={`/admin/orders/${order().id}`}>{order().invoiceNumber}</A>
            </>
          )}
        </Show>
      </dd>
      <dt>Opened</dt>
      <dd>{timeAgo(props.ticket.createdAt)}</dd>
      <dt>First response</dt>
      <dd>{durationText(s().firstResponseSeconds)}</dd>
      <dt>Resolution</dt>
      <dd>{durationText(s().resolutionSeconds)}</dd>
    </dl>
  )
}

function TicketCase(props: { id: string }) {
  // The requester's replies and status moves show live; notes by other admins on the next read.
  const { ticket, missing, show } = createTicketState(props.id, null)
  return (
    <Switch>
      <Match when={missing()}>
        <div class="card">
          <EmptyState icon="chat" title="No such ticket" actions={<ButtonLink href="/admin/support">All tickets</ButtonLink>}>
            It does not exist.
          </EmptyState>
        </div>
      </Match>
      <Match when={ticket()?.staff != null && ticket()}>
        {(t) => (
          <div class="order-layout">
            <PageMeta title={t().subject} description="Souk administration: a support ticket." noindex />
            <div class="stack">
              <section class="card card__body stack" aria-labelledby="ticket-heading">
                <div class="row" style={{ 'justify-content': 'space-between', 'flex-wrap': 'wrap' }}>
                  <h2 id="ticket-heading" class="section-title">
                    {t().subject}
                  </h2>
                  <span class="row">
                    <Badge tone={TICKET_PRIORITY_TONE[t().staff!.priority]}>{TICKET_PRIORITY_LABEL[t().staff!.priority]}</Badge>
                    <Badge tone={TICKET_STATUS_TONE[t().status]}>{QUEUE_STATUS_LABEL[t().status]}</Badge>
                  </span>
                </div>
                <TicketThread ticket={t()} token={null} onChange={show} />
              </section>
              <section class="card card__body stack" aria-label="Reply">
                <Show when={!t().canReply}>
                  <p class="muted">This ticket is closed: it takes internal notes only.</p>
                </Show>
                <ReplyForm ticket={t()} token={null} staff notesOnly={!t().canReply} onPosted={show} />
              </section>
            </div>
            <div class="stack">
              <section class="card card__body stack" aria-label="Facts">
                <Facts ticket={t()} staff={t().staff!} />
              </section>
              <section class="card card__body stack" aria-label="Handle">
                <Handling ticket={t()} staff={t().staff!} onChange={show} />
              </section>
            </div>
          </div>
        )}
      </Match>
      <Match when={ticket()?.staff === null && ticket()}>
        {(t) => (
          <div class="card card__body stack">
            <PageMeta title={t().subject} description="Souk administration: a support ticket." noindex />
            {/* The server answers the requester's view to its requester, admin or not: another admin handles it. */}
            <Callout tone="info">
              <p>You opened this ticket yourself, so another admin handles it here. Read it and reply as its requester.</p>
              <ButtonLink href={`/help/tickets/${t().id}`}>Open it in Help</ButtonLink>
            </Callout>
          </div>
        )}
      </Match>
      <Match when={true}>
        <Loading class="card card__body stack" label="Loading the ticket" heading rows={1} height="120px" />
      </Match>
    </Switch>
  )
}

export default function AdminTicket() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Support ticket" description="Souk administration: a support ticket." noindex />
      <div class="page-header">
        <div>
          <h1>Support ticket</h1>
          <p>The thread with internal notes, and its status, priority and assignee.</p>
        </div>
        <ButtonLink href="/admin/support">All tickets</ButtonLink>
      </div>
      <SignedIn role="admin">
        <Show when={params.id} keyed>
          {(id) => <TicketCase id={id} />}
        </Show>
      </SignedIn>
    </>
  )
}
