import { A, useNavigate } from '@solidjs/router'
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js'
import { TICKET_CATEGORIES, TICKET_STATUSES, type TicketCategory, type TicketStatus } from '../../../src/modules/support/status'
import { createRequestState } from '../components/confirm-dialog'
import { Badge, Callout, EmptyState, Loading, Skeleton } from '../components/feedback'
import { SelectField, TextAreaField, TextField } from '../components/field'
import { createCursorPages, FilterButtons, LoadMore } from '../components/finance-parts'
import { FormAlert, SubmitButton } from '../components/form'
import { ImagePicker } from '../components/ticket-thread'
import { toast, toastError } from '../components/toast'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { sessionStatus } from '../lib/session'
import { addTicketImages, listMyOrdersForTicket, listMyTickets, openTicket, TICKET_CATEGORY_LABEL, TICKET_STATUS_LABEL, TICKET_STATUS_TONE } from '../lib/support'

const FIELDS = ['subject', 'category', 'orderId', 'body', 'email'] as const

/**
 * A new ticket: what it is about, one of my orders (signed in), the message and its images — or,
 * for a visitor, their email, where the link to the ticket is sent (images then go with a reply
 * from that link). Signed in, it opens the ticket's thread once sent.
 */
function NewTicket(props: { signedIn: boolean }) {
  const navigate = useNavigate()
  const [category, setCategory] = createSignal<TicketCategory>('order')
  const [files, setFiles] = createSignal<File[]>([])
  const [mailed, setMailed] = createSignal<string | null>(null)
  const request = createRequestState()
  const [orders] = createResource(
    () => props.signedIn,
    (signedIn) =>
      signedIn
        ? listMyOrdersForTicket().catch((error: unknown) => {
            toastError(error, 'Could not load your orders')
            return []
          })
        : [],
  )
  const orderOptions = () => [
    { value: '', label: 'No order' },
    ...(orders() ?? []).map((order) => ({ value: order.id, label: `${order.invoiceNumber} · ${order.vendor.name} · ${timeAgo(order.createdAt)}` })),
  ]
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const data = new FormData(form)
    const text = (name: string) => String(data.get(name) ?? '').trim()
    const orderId = text('orderId')
    void request.run(async () => {
      const opened = await openTicket({
        subject: text('subject'),
        category: category(),
        body: text('body'),
        ...(orderId === '' ? {} : { orderId }),
        ...(props.signedIn ? {} : { email: text('email') }),
      })
      if ('message' in opened) {
        form.reset()
        setMailed(opened.message)
        return
      }
      try {
        await addTicketImages(opened.ticket.id, opened.messageId, files(), null)
      } catch (error) {
        toastError(error, 'Your ticket is open, but an image was refused')
      }
      toast('Your ticket is open. Souk support answers here.', 'success')
      navigate(`/help/tickets/${opened.ticket.id}`)
    })
  }
  return (
    <section class="card card__body stack" aria-labelledby="new-ticket-heading">
      <h2 id="new-ticket-heading" class="section-title">
        Ask Souk support
      </h2>
      <Show when={mailed()}>
        {(message) => (
          <Callout tone="success">
            <p>{message()}</p>
          </Callout>
        )}
      </Show>
      <form class="stack" onSubmit={submit} aria-label="New ticket">
        <FormAlert error={request.error()} fields={FIELDS} />
        <TextField label="Subject" name="subject" required minLength={3} maxLength={150} error={fieldErrors(request.error()).subject} />
        <SelectField
          label="What is it about?"
          name="category"
          value={category()}
          onChange={(e) => setCategory(e.currentTarget.value as TicketCategory)}
          options={TICKET_CATEGORIES.map((value) => ({ value, label: TICKET_CATEGORY_LABEL[value] }))}
          error={fieldErrors(request.error()).category}
        />
        <Show when={props.signedIn}>
          <SelectField label="Which order? (optional)" name="orderId" options={orderOptions()} hint="One of your orders, if it is about one." error={fieldErrors(request.error()).orderId} />
        </Show>
        <TextAreaField label="Your message" name="body" required maxLength={5000} rows={5} error={fieldErrors(request.error()).body} />
        <Show
          when={props.signedIn}
          fallback={<TextField label="Your email" name="email" type="email" required maxLength={254} hint="We email you a link to your ticket: you read the answers and reply there, and add images." error={fieldErrors(request.error()).email} />}
        >
          <ImagePicker files={files()} onChange={setFiles} disabled={request.pending()} />
        </Show>
        <div class="row row--end">
          <SubmitButton pending={request.pending()} pendingLabel="Sending…">
            Open the ticket
          </SubmitButton>
        </div>
      </form>
    </section>
  )
}

/** My tickets, latest activity first, of one status or all, in cursor pages. */
function MyTickets() {
  const [status, setStatus] = createSignal<TicketStatus | undefined>(undefined)
  const pages = createCursorPages({
    query: () => (status() === undefined ? {} : { status: status() }),
    read: listMyTickets,
    pageSize: 20,
    failed: { load: 'Could not load your tickets', more: 'Could not load more tickets' },
  })
  return (
    <section class="card card__body stack" aria-labelledby="my-tickets-heading">
      <h2 id="my-tickets-heading" class="section-title">
        My tickets
      </h2>
      <FilterButtons label="Show tickets that are" options={TICKET_STATUSES} labels={TICKET_STATUS_LABEL} value={status()} all="All" onChange={setStatus} />
      <Show when={pages.items()} fallback={<Skeleton height="48px" />}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState icon="chat" title="No tickets" headingLevel={3}>
                Questions you ask Souk support show here with their answers.
              </EmptyState>
            }
          >
            <ul class="stack stack--tight" aria-label="My tickets">
              <For each={list()}>
                {(ticket) => (
                  <li class="row" style={{ 'justify-content': 'space-between', 'flex-wrap': 'wrap' }}>
                    <span>
                      <A href={`/help/tickets/${ticket.id}`}>{ticket.subject}</A>
                      <span class="muted">
                        {' '}
                        · {TICKET_CATEGORY_LABEL[ticket.category]}
                        <Show when={ticket.order}>{(order) => <> · order {order().invoiceNumber}</>}</Show> · {timeAgo(ticket.updatedAt)}
                      </span>
                    </span>
                    <Badge tone={TICKET_STATUS_TONE[ticket.status]}>{TICKET_STATUS_LABEL[ticket.status]}</Badge>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <LoadMore pages={pages} />
    </section>
  )
}

/** Help → Contact support (/help/contact): ask Souk support (anyone; a visitor with an email) and, signed in, my tickets. */
export default function Help() {
  return (
    <>
      <PageMeta title="Contact support" description="Ask Souk support about an order, a payment, your account or a listing." />
      <div class="page-header">
        <div>
          <p class="muted">
            <A href="/help">Help centre</A>
          </p>
          <h1>Contact support</h1>
          <p>Ask Souk support about an order, a payment, your account or a listing. Answers come here, and by email while you are away.</p>
        </div>
      </div>
      <Switch>
        <Match when={sessionStatus() === 'signed-in'}>
          <div class="stack">
            <NewTicket signedIn />
            <MyTickets />
          </div>
        </Match>
        <Match when={sessionStatus() === 'anonymous'}>
          <div class="stack">
            <Callout tone="info">
              <p>
                Have an account? <A href="/signin?next=%2Fhelp%2Fcontact">Sign in</A> to ask about one of your orders and see all your tickets.
              </p>
            </Callout>
            <NewTicket signedIn={false} />
          </div>
        </Match>
        <Match when={true}>
          <Loading class="card card__body stack" label="Loading" heading rows={1} height="120px" />
        </Match>
      </Switch>
    </>
  )
}
