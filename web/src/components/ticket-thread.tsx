import { createEffect, createSignal, For, Index, type JSX, onMount, Show } from 'solid-js'
import { TICKET_ATTACHMENT_LIMIT } from '../../../src/modules/support/status'
import { ApiError, fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { rereading, useTopic } from '../lib/live'
import { addTicketImage, addTicketImages, addTicketNote, getTicket, imageHeaders, replyToTicket, type Ticket, type TicketMessage } from '../lib/support'
import { Button } from './button'
import { createRequestState } from './confirm-dialog'
import { Badge } from './feedback'
import { TextAreaField } from './field'
import { FileButton, PHOTO_TYPES } from './file-button'
import { FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { PrivatePhoto } from './private-photo'
import { toast, toastError } from './toast'

/**
 * A ticket as the caller reads it (its requester, a visitor with the link's `token`, staff), read
 * once mounted and again on each event of `ticket:<id>` — followed when signed in (`token` null):
 * an answer, a status move. `missing` once the server says there is no such ticket for the caller;
 * `show` puts in a ticket a step answered, newer than any read still on its way.
 */
export function createTicketState(id: string, token: string | null) {
  const [ticket, setTicket] = createSignal<Ticket | null>(null)
  const [missing, setMissing] = createSignal(false)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getTicket(id, token)
      if (read === reads) setTicket(fresh)
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setMissing(true)
      else toastError(error, 'Could not load the ticket')
    }
  }
  const show = (fresh: Ticket) => {
    reads += 1
    setTicket(fresh)
  }
  onMount(() => void load())
  useTopic(() => (token === null ? `ticket:${id}` : null), { onEvent: () => void load(), ...rereading(() => void load()) })
  return { ticket, missing, show }
}

const TEXT: JSX.CSSProperties = { 'white-space': 'pre-line', 'overflow-wrap': 'anywhere', margin: '4px 0 0' }
const NOTE: JSX.CSSProperties = { 'border-left': '3px solid var(--warning, #b7791f)', 'padding-left': '10px' }

/** The start of `text`, to tell of it: at most `max` characters, with an ellipsis when cut. */
const excerpt = (text: string, max: number) => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`
}

/** One message: who wrote it and when, its words and images; "Add an image" while the caller may. */
function Message(props: { ticket: Ticket; message: TicketMessage; position: number; token: string | null; onChange: (ticket: Ticket) => void }) {
  const m = () => props.message
  const [adding, setAdding] = createSignal(false)
  const add = async (file: File) => {
    setAdding(true)
    try {
      props.onChange(await addTicketImage(props.ticket.id, m().id, file, props.token))
    } catch (error) {
      toastError(error, 'Could not add the image')
    } finally {
      setAdding(false)
    }
  }
  return (
    <li style={m().internal ? NOTE : undefined} data-kind={m().internal ? 'note' : m().author.kind}>
      <strong>
        {m().author.name}
        <Show when={m().internal}>
          {' '}
          <Badge tone="warning">Internal note</Badge>
        </Show>
      </strong>{' '}
      <time class="muted" datetime={new Date(m().createdAt).toISOString()}>
        {timeAgo(m().createdAt)}
      </time>
      <p style={TEXT}>{m().body}</p>
      <Show when={m().attachments.length > 0 || m().canAttach}>
        <div class="row" style={{ 'margin-top': '6px', 'flex-wrap': 'wrap' }}>
          {/* By position (images are only ever added): a ticket read again keeps the images it has. */}
          <Index each={m().attachments}>
            {(image) => (
              <PrivatePhoto url={image().url} width={image().width} height={image().height} alt={`Image ${image().position + 1} of the message`} label="Open the image" class="gallery__thumb" headers={imageHeaders(props.token)} />
            )}
          </Index>
          <Show when={m().canAttach}>
            <FileButton accept={PHOTO_TYPES} disabled={adding()} onFile={(file) => void add(file)}>
              {/* Named for its message (a thread may offer several), without repeating its words to a screen reader. */}
              <Icon name="camera" /> Add an image<span class="visually-hidden"> to {m().internal ? 'note' : 'message'} {props.position} (yours)</span>
            </FileButton>
          </Show>
        </div>
      </Show>
    </li>
  )
}

/**
 * What a screen reader is told of the other side's messages in `ticket` that `seen` did not have
 * (the requester hears staff's replies; staff hear the requester's), or null for none.
 */
function arrivals(ticket: Ticket, seen: ReadonlySet<string>): string | null {
  const staffSide = ticket.staff !== null
  const theirs = ticket.messages.filter((m) => !seen.has(m.id) && !m.internal && (m.author.kind === 'staff') !== staffSide)
  const last = theirs[theirs.length - 1]
  if (last === undefined) return null
  const more = theirs.length > 1 ? `${theirs.length} new replies. ` : ''
  return `${more}${last.author.name} replied: ${excerpt(last.body, 200)}`
}

/**
 * The thread, oldest first (staff see internal notes among the messages, marked). A reply of the
 * other side that arrives while it is shown (live, or with a later read) is announced politely.
 */
export function TicketThread(props: { ticket: Ticket; token: string | null; onChange: (ticket: Ticket) => void }) {
  const [news, setNews] = createSignal('')
  let seen: Set<string> | null = null
  createEffect(() => {
    const ticket = props.ticket
    const text = seen === null ? null : arrivals(ticket, seen)
    if (text !== null) setNews(text)
    seen = new Set(ticket.messages.map((m) => m.id))
  })
  return (
    <>
      <ol class="order-timeline" aria-label="Messages">
        {/* By place (messages are only ever added, oldest first): a ticket read again on a live event
            updates each message in place, so an open photo or an image being added is kept. */}
        <Index each={props.ticket.messages}>{(message, i) => <Message ticket={props.ticket} message={message()} position={i + 1} token={props.token} onChange={props.onChange} />}</Index>
      </ol>
      <p class="visually-hidden" role="status" aria-live="polite" data-testid="ticket-news">
        {news()}
      </p>
    </>
  )
}

/** Chosen images waiting to go with the next message: at most TICKET_ATTACHMENT_LIMIT. */
export function ImagePicker(props: { files: File[]; onChange: (files: File[]) => void; disabled?: boolean; for?: string }) {
  return (
    <div class="stack stack--tight">
      <div class="row" style={{ 'flex-wrap': 'wrap' }}>
        <FileButton accept={PHOTO_TYPES} disabled={props.disabled === true || props.files.length >= TICKET_ATTACHMENT_LIMIT} onFile={(file) => props.onChange([...props.files, file])}>
          <Icon name="camera" /> Add an image<span class="visually-hidden"> to {props.for ?? 'your message'}</span>
        </FileButton>
        <span class="muted">Up to {TICKET_ATTACHMENT_LIMIT} JPEG, PNG, WebP or GIF images of 5 MB.</span>
      </div>
      <Show when={props.files.length > 0}>
        <ul class="stack stack--tight" aria-label="Images to send">
          <For each={props.files}>
            {(file, i) => (
              <li class="row">
                <span>{file.name}</span>
                <Button variant="ghost" size="sm" onClick={() => props.onChange(props.files.filter((_, j) => j !== i()))} aria-label={`Remove ${file.name}`}>
                  Remove
                </Button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}

/**
 * Writes on a ticket: a reply (the requester's or staff's) with images, or — for staff, with
 * "Internal note" checked, or always with `notesOnly` (a closed ticket) — a note the requester
 * never sees. The server's refusal (a ticket closed meanwhile) shows above the words; each ticket
 * it answers goes to `onPosted`.
 */
export function ReplyForm(props: { ticket: Ticket; token: string | null; staff: boolean; notesOnly?: boolean; onPosted: (ticket: Ticket) => void }) {
  const [text, setText] = createSignal('')
  const [files, setFiles] = createSignal<File[]>([])
  const [checked, setNote] = createSignal(false)
  const note = () => props.notesOnly === true || (props.staff && checked())
  const request = createRequestState()
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const body = text().trim()
    const internal = note()
    void request.run(async () => {
      const posted = internal ? await addTicketNote(props.ticket.id, body) : await replyToTicket(props.ticket.id, body, props.token)
      props.onPosted(posted.ticket)
      setText('')
      const chosen = files()
      setFiles([])
      try {
        const last = await addTicketImages(props.ticket.id, posted.messageId, chosen, props.token)
        if (last !== null) props.onPosted(last)
      } catch (error) {
        toastError(error, 'The message was sent, but an image was refused')
      }
      toast(internal ? 'Note added: only staff see it.' : 'Reply sent.', 'success')
    })
  }
  return (
    <form class="stack" onSubmit={submit} aria-label={props.staff ? 'Reply or add a note' : 'Reply'}>
      <FormAlert error={request.error()} fields={['body']} />
      <TextAreaField
        label={note() ? 'Internal note' : 'Your reply'}
        name="body"
        required
        maxLength={5000}
        rows={4}
        hint={note() ? 'Only staff read this. The requester is not told.' : props.staff ? 'The requester reads this and is told.' : 'Souk support reads this.'}
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        error={fieldErrors(request.error()).body}
      />
      {/* A closed ticket takes no images (nor replies: staff's notes only). */}
      <Show when={props.ticket.status !== 'closed'}>
        <ImagePicker files={files()} onChange={setFiles} disabled={request.pending()} for={note() ? 'your note' : 'your reply'} />
      </Show>
      <div class="row" style={{ 'justify-content': 'space-between', 'flex-wrap': 'wrap' }}>
        <Show when={props.staff && props.notesOnly !== true} fallback={<span />}>
          <label class="check">
            <input type="checkbox" name="internal" checked={checked()} onChange={(e) => setNote(e.currentTarget.checked)} /> Internal note
          </label>
        </Show>
        <SubmitButton pending={request.pending()} pendingLabel="Sending…">
          {note() ? 'Add the note' : 'Send the reply'}
        </SubmitButton>
      </div>
    </form>
  )
}
