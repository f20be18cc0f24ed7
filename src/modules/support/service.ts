// Support tickets: a signed-in user, or a visitor with an email, opens a ticket (subject, category,
// an optional order of their own, a message); the ticket is a thread between the requester and
// staff (admins), who also write internal notes the requester never sees. A staff reply makes it
// `pending` (waiting on the requester), the requester's reply `open` again (a solved ticket too,
// within REOPEN_DAYS); admins solve and close; the hourly job closes what stayed solved
// CLOSE_AFTER_DAYS. A visitor reaches their ticket only with the emailed link's token.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, max, or, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { type Committed, nothing, runCommitted } from '../../events/committed'
import { appendEvent, appendEvents } from '../../events/log'
import { defineJob } from '../../jobs/queue'
import { announceQueuesChanged, enteredBy } from '../../lib/admin-queues'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../lib/images'
import type { Logger } from '../../lib/log'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../lib/pagination'
import type { RateLimiter } from '../../lib/rate-limit'
import { displayNames, findRole, listUsersWithRole } from '../accounts'
import type { Mailer } from '../mail'
import { type AfterCommit, hasUnreadNotification, type NotifyInput } from '../notifications'
import { findOrder, invoiceNumbersOf } from '../orders'
import { findVendorOfUser } from '../vendors'
import type { NewSupportEvent } from './events'
import type { SupportModel } from './model'
import { CLOSE_AFTER_DAYS, REOPEN_DAYS, STATUS_STEPS, staffStatusMoves, TICKET_ATTACHMENT_LIMIT, TICKET_STEPS, type TicketStatus } from './status'
import { ticketAttachments, ticketMessages, tickets } from './table'

export interface SupportDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  limiter: RateLimiter
  mailer: Mailer
  /** Links in emails start with it (never with the request's Host). */
  publicUrl: string
  /** The secret the visitor links' tokens are derived from (TICKET_LINK_SECRET, used for nothing else). */
  linkSecret: string
  /** The notifications service's `notify`, inside the caller's transaction. */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** Whether the user has a socket following the topic (the ticket open): then nobody mails them. */
  isViewing(userId: string, topic: `ticket:${string}`): Promise<boolean>
}

type Conn = Db | Tx
type Viewer = { id: string; role: 'buyer' | 'vendor' | 'admin' }
type TicketRow = typeof tickets.$inferSelect
type MessageRow = typeof ticketMessages.$inferSelect

/**
 * How the caller stands to a ticket: its requester (signed in, or the visitor holding the link)
 * or staff (an admin who is not its requester).
 */
interface Access {
  row: TicketRow
  side: 'requester' | 'staff'
  /** The author kind of what the caller writes. */
  kind: 'user' | 'visitor' | 'staff'
  /** The caller's user id; null for a visitor. */
  userId: string | null
}

const DAY = 24 * 60 * 60_000
const HOUR = 60 * 60_000
/** Tickets one visitor address may open per hour (each mails it a link). */
const VISITOR_TICKETS_PER_HOUR = 5

const notFound = () => new AppError('not_found', 'No such ticket')
export const ticketTopic = (id: string) => `ticket:${id}` as const
/** A ticket's page on the web (a visitor's opens with the emailed link's token). */
export const ticketPath = (id: string) => `/help/tickets/${id}`
const adminPath = (id: string) => `/admin/support/${id}`

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/** The token of a visitor's link: keyed by the link secret, so every email about the ticket can carry it; only its hash is stored. */
export function linkToken(secret: string, ticketId: string): string {
  const key = createHmac('sha256', secret).update('souk:support-link').digest()
  return createHmac('sha256', key).update(ticketId).digest('base64url')
}

/** Constant-time: the hash of `given` against the stored one. */
function tokenMatches(given: string, storedHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex')
  const hash = sha256(given)
  return stored.length === hash.length && timingSafeEqual(stored, hash)
}

/**
 * The ticket and how the caller stands to it, or 404: its requester, the holder of a visitor
 * ticket's token, or an admin. `lock` takes the row for the caller's transaction.
 */
async function accessOf(db: Conn, viewer: Viewer | null, token: string | undefined, ticketId: string, lock = false): Promise<Access> {
  const query = db.select().from(tickets).where(eq(tickets.id, ticketId))
  const [row] = lock ? await query.for('update') : await query
  if (row === undefined) throw notFound()
  if (viewer !== null && row.requesterId === viewer.id) return { row, side: 'requester', kind: 'user', userId: viewer.id }
  if (viewer?.role === 'admin') return { row, side: 'staff', kind: 'staff', userId: viewer.id }
  if (token !== undefined && row.accessTokenHash !== null && tokenMatches(token, row.accessTokenHash)) return { row, side: 'requester', kind: 'visitor', userId: null }
  throw notFound()
}

/** Why the requester may not reply now (a new ticket is the way), or null. */
function requesterRefusal(row: TicketRow, now: Date): string | null {
  if (row.status === 'closed') return 'This ticket is closed: open a new ticket to ask again.'
  if (row.status === 'solved' && row.solvedAt !== null && now.getTime() - row.solvedAt.getTime() > REOPEN_DAYS * DAY) {
    return `This ticket was solved more than ${REOPEN_DAYS} days ago: open a new ticket to ask again.`
  }
  return null
}

const seconds = (from: Date, to: Date | null) => (to === null ? null : Math.round((to.getTime() - from.getTime()) / 1000))

/**
 * Whether the caller wrote `message` and may still add images to it: until it is answered (a later
 * public message; for a note, any later message), while the caller may write on the ticket
 * (`canWrite`: not closed; for the requester, the rule of replying too, so not once solved more
 * than REOPEN_DAYS ago).
 */
function canAttachTo(access: Access, message: MessageRow, later: MessageRow[], count: number, canWrite: boolean): boolean {
  const mine = message.authorKind === access.kind && (access.kind === 'visitor' || message.authorId === access.userId)
  const answered = later.some((other) => message.internal || !other.internal)
  return mine && !answered && count < TICKET_ATTACHMENT_LIMIT && canWrite
}

/** The ticket as the caller sees it: the requester never sees internal notes nor staff's fields. */
async function toTicket(db: Conn, access: Access, now: Date): Promise<SupportModel.Ticket> {
  const { row } = access
  const staff = access.side === 'staff'
  const messages = await db
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, row.id), staff ? undefined : eq(ticketMessages.internal, false)))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id))
  const ids = messages.map((message) => message.id)
  const [attachments, names, invoices] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .select({ messageId: ticketAttachments.messageId, position: ticketAttachments.position, width: ticketAttachments.width, height: ticketAttachments.height })
          .from(ticketAttachments)
          .where(inArray(ticketAttachments.messageId, ids))
          .orderBy(asc(ticketAttachments.position)),
    displayNames(db, [row.requesterId, row.assigneeId, ...messages.map((message) => message.authorId)].filter((id): id is string => id !== null)),
    row.orderId === null ? new Map<string, string>() : invoiceNumbersOf(db, [row.orderId]),
  ])
  const authorName = (message: MessageRow) => {
    if (!staff) return message.authorKind === 'staff' ? 'Souk support' : 'You'
    if (message.authorKind === 'visitor') return row.visitorEmail ?? 'Visitor'
    return names.get(message.authorId ?? '') ?? 'Deleted user'
  }
  const refusal = staff ? null : requesterRefusal(row, now)
  const canReply = staff ? row.status !== 'closed' : refusal === null
  return {
    id: row.id,
    subject: row.subject,
    category: row.category,
    status: row.status,
    order: row.orderId === null ? null : { id: row.orderId, invoiceNumber: invoices.get(row.orderId) ?? '' },
    messages: messages.map((message, i) => {
      const own = attachments.filter((attachment) => attachment.messageId === message.id)
      return {
        id: message.id,
        author: { kind: message.authorKind, name: authorName(message) },
        body: message.body,
        internal: message.internal,
        attachments: own.map((a) => ({ position: a.position, url: `/api/v1/tickets/${row.id}/messages/${message.id}/attachments/${a.position}`, width: a.width, height: a.height })),
        canAttach: canAttachTo(access, message, messages.slice(i + 1), own.length, canReply),
        createdAt: message.createdAt,
      }
    }),
    canReply,
    replyRefusal: refusal,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    solvedAt: row.solvedAt,
    closedAt: row.closedAt,
    staff: staff
      ? {
          requester:
            row.requesterId === null
              ? { kind: 'visitor', id: null, name: row.visitorEmail ?? '', email: row.visitorEmail }
              : { kind: 'user', id: row.requesterId, name: names.get(row.requesterId) ?? 'Deleted user', email: null },
          priority: row.priority,
          assignee: row.assigneeId === null ? null : { id: row.assigneeId, name: names.get(row.assigneeId) ?? 'Deleted user' },
          firstResponseAt: row.firstResponseAt,
          firstResponseSeconds: seconds(row.createdAt, row.firstResponseAt),
          resolutionSeconds: seconds(row.createdAt, row.solvedAt),
          statusMoves: staffStatusMoves(row.status),
        }
      : null,
  }
}

/** A ticket for the caller (its requester, the visitor with the link's token, an admin); 404 for anyone else. */
export async function getTicket(deps: Pick<SupportDeps, 'db' | 'clock'>, viewer: Viewer | null, token: string | undefined, ticketId: string): Promise<SupportModel.Ticket> {
  return toTicket(deps.db, await accessOf(deps.db, viewer, token, ticketId), deps.clock.now())
}

const ticketUpdated = (tx: Tx, row: Pick<TicketRow, 'id' | 'status'>, messageId: string | null, now: Date) =>
  appendEvent<NewSupportEvent>(tx, now, { topic: ticketTopic(row.id), kind: 'ticket.updated', data: { ticketId: row.id, status: row.status, messageId, at: now.toISOString() } })

const publish = (deps: SupportDeps, committed: Committed) => runCommitted(deps, 'support', committed)

/** What a visitor is emailed, with their link: the ticket opened, answered by staff, solved. */
const VISITOR_MAIL = {
  opened: { subject: 'Souk support: we received your request', text: 'We received your request and will answer here.' },
  answered: { subject: 'Souk support answered your request', text: 'Souk support answered your request.' },
  solved: {
    subject: 'Souk support marked your request solved',
    text: `Souk support marked your request solved. If it is not, reply with the link within ${REOPEN_DAYS} days to open it again.`,
  },
} as const

/**
 * An email to a visitor's address. Anyone may type any address in the form, so it never repeats
 * what the form was given (the subject, the message): it says "your request" and names the ticket.
 */
function visitorMail(deps: SupportDeps, row: TicketRow, kind: keyof typeof VISITOR_MAIL) {
  const link = `${deps.publicUrl}${ticketPath(row.id)}#token=${linkToken(deps.linkSecret, row.id)}`
  return {
    to: row.visitorEmail!,
    subject: VISITOR_MAIL[kind].subject,
    text: `${VISITOR_MAIL[kind].text}\n\nYour ticket: ${row.id}\nRead and reply with this link (keep it to yourself: it opens your ticket):\n${link}\n`,
  }
}

/** C0 and C1 control characters (CR and LF among them) and Unicode's line separators: a subject is one line. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** The mailbox an address reaches, for counting a visitor's tickets: lower-cased, without a `+tag` (`ana+1@x` is `ana@x`). */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@')
  return `${email.slice(0, at).split('+')[0]}${email.slice(at)}`.toLowerCase()
}

/** The staff to tell of a requester's step: the assignee, or every admin while nobody is assigned. */
async function staffToTell(db: Conn, row: Pick<TicketRow, 'assigneeId'>): Promise<string[]> {
  return row.assigneeId !== null ? [row.assigneeId] : (await listUsersWithRole(db, 'admin')).map((admin) => admin.id)
}

/**
 * The subject of the notices every admin gets about an unassigned ticket (in the app only): they
 * group apart from the ticket's own (`ticket:<id>`), so an unread one never holds back an email.
 */
const queueSubject = (id: string) => `ticket-queue:${id}` as const

/** Of `userIds`, those who do not have the ticket open (asked before a transaction, as chat does). */
async function awayFrom(deps: Pick<SupportDeps, 'isViewing'>, ticketId: string, userIds: string[]): Promise<string[]> {
  const viewing = await Promise.all(userIds.map((id) => deps.isViewing(id, ticketTopic(ticketId))))
  return userIds.filter((_, i) => !viewing[i])
}

type Notice = { userId: string; actorId: string | null; text: string; link: string }

/**
 * Tells the requester or the assignee about a ticket, in the app (grouped per ticket) and by email
 * unless `email` is false or an earlier notice about the ticket is still unread: as chat mails only
 * the first message of an unread streak, the next ones join the notice silently.
 */
async function tell(deps: SupportDeps, tx: Tx, done: Committed, ticketId: string, notice: Notice & { email?: boolean }) {
  const subject = ticketTopic(ticketId)
  const email = notice.email !== false && !(await hasUnreadNotification(tx, notice.userId, 'message', subject))
  const sent = await deps.notify(tx, { ...notice, type: 'message', subject, email })
  if (sent !== null) done.afterCommit.push(sent)
}

/** Tells an admin, in the app only, about a ticket nobody is assigned (see queueSubject). */
async function tellQueue(deps: SupportDeps, tx: Tx, done: Committed, ticketId: string, notice: Notice) {
  const sent = await deps.notify(tx, { ...notice, type: 'message', subject: queueSubject(ticketId), email: false })
  if (sent !== null) done.afterCommit.push(sent)
}

/** A ticket opens at high priority for the owner of a shop whose plan gives priority support, else normal. */
async function openingPriority(db: Conn, viewer: Viewer | null): Promise<TicketRow['priority']> {
  if (viewer === null) return 'normal'
  const shop = await findVendorOfUser(db, viewer.id)
  return shop?.status === 'approved' && shop.prioritySupport ? 'high' : 'normal'
}

/**
 * Opens a ticket in the caller's transaction (the route's, or another module's step that records
 * the ticket with its own change: the help assistant's hand-off), with `id` when the caller chose
 * it. Signed in: about one of the caller's own orders if any (anything else is refused alike,
 * 400, whether or not it exists). A visitor gives an email instead (no order) and is mailed the
 * ticket's link after commit. Answers the ticket and what to run once committed.
 */
export async function openTicketIn(
  deps: SupportDeps,
  tx: Tx,
  viewer: Viewer | null,
  body: SupportModel.OpenBody,
  id: string = newId('tkt'),
): Promise<{ row: TicketRow; messageId: string; committed: Committed }> {
  const subject = body.subject.trim()
  const text = body.body.trim()
  if (CONTROL_CHARACTERS.test(body.subject)) {
    throw new AppError('invalid_data', 'Write the subject on one line, without control characters', [{ field: 'body.subject', message: 'must not contain line breaks or control characters' }])
  }
  if (subject.length < 3) throw new AppError('invalid_data', 'Say what it is about', [{ field: 'body.subject', message: 'must be at least 3 characters' }])
  if (text.length === 0) throw new AppError('invalid_data', 'Write your message', [{ field: 'body.body', message: 'must not be blank' }])
  const now = deps.clock.now()
  let email: string | null = null
  if (viewer === null) {
    email = body.email?.trim().toLowerCase() ?? null
    if (email === null || email === '') throw new AppError('invalid_data', 'Give your email: we send you the link to your ticket', [{ field: 'body.email', message: 'is required without signing in' }])
    if (body.orderId !== undefined) throw new AppError('invalid_data', 'Sign in to ask about one of your orders', [{ field: 'body.orderId', message: 'is not one of your orders' }])
    // Per mailbox: `ana+1@x`, `ana+2@x`… all reach ana@x.
    const slot = await deps.limiter.consume(`support-visitor:${mailboxOf(email)}`, VISITOR_TICKETS_PER_HOUR, HOUR, now.getTime())
    if (!slot.allowed) throw new AppError('rate_limited', 'Too many requests from this address: try again later', { retryAfter: Math.max(1, Math.ceil(slot.retryAfterMs / 1000)) })
  } else if (body.orderId !== undefined) {
    const order = await findOrder(tx, body.orderId)
    if (order === null || order.buyerId !== viewer.id) throw new AppError('invalid_data', 'Choose one of your own orders', [{ field: 'body.orderId', message: 'is not one of your orders' }])
  }
  const row: TicketRow = {
    id,
    requesterId: viewer?.id ?? null,
    visitorEmail: email,
    accessTokenHash: email === null ? null : sha256(linkToken(deps.linkSecret, id)).toString('hex'),
    subject,
    category: body.category,
    orderId: body.orderId ?? null,
    status: 'open',
    priority: await openingPriority(tx, viewer),
    assigneeId: null,
    createdAt: now,
    firstResponseAt: null,
    solvedAt: null,
    closedAt: null,
    updatedAt: now,
  }
  const messageId = newId('tkm')
  await tx.insert(tickets).values(row)
  await tx.insert(ticketMessages).values({ id: messageId, ticketId: id, authorKind: viewer === null ? 'visitor' : 'user', authorId: viewer?.id ?? null, body: text, internal: false, createdAt: now })
  // Nobody is assigned yet: every admin is told, in the app (an admin opening one is not told of their own: the actor).
  const committed = nothing()
  for (const adminId of await staffToTell(tx, row)) {
    await tellQueue(deps, tx, committed, id, { userId: adminId, actorId: viewer?.id ?? null, text: `${viewer === null ? 'A visitor opened' : 'opened'} the ticket “${subject}”`, link: adminPath(id) })
  }
  committed.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
  if (viewer === null) committed.afterCommit.push(async () => deps.mailer.dispatch(visitorMail(deps, row, 'opened')))
  return { row, messageId, committed }
}

/** Opens a ticket (see openTicketIn): signed in, 201 with the ticket; a visitor is answered only that the link was emailed (202): the ticket is theirs through the link. */
export async function openTicket(
  deps: SupportDeps,
  viewer: Viewer | null,
  body: SupportModel.OpenBody,
): Promise<{ kind: 'user'; posted: SupportModel.Posted } | { kind: 'visitor'; email: string }> {
  const { row, messageId, committed } = await deps.db.transaction((tx) => openTicketIn(deps, tx, viewer, body))
  await publish(deps, committed)
  if (viewer === null) return { kind: 'visitor', email: row.visitorEmail! }
  return { kind: 'user', posted: { ticket: await toTicket(deps.db, { row, side: 'requester', kind: 'user', userId: viewer.id }, row.createdAt), messageId } }
}

/**
 * A public reply, by the requester (the ticket is `open` again: a solved one within REOPEN_DAYS
 * of solving, else 409 naming a new ticket as the way) or by staff (`pending`; the first one sets
 * the first response, once, under the row's lock). The other side is told unless they have the
 * ticket open: the requester in the app and by email (a visitor by email, with the link); the
 * assignee in the app and by email, or, while nobody is assigned, every admin in the app. No
 * second email while the notice of an earlier one about the ticket is unread.
 */
export async function replyToTicket(deps: SupportDeps, viewer: Viewer | null, token: string | undefined, ticketId: string, body: string): Promise<SupportModel.Posted> {
  const text = body.trim()
  if (text.length === 0) throw new AppError('invalid_data', 'Write your reply', [{ field: 'body.body', message: 'must not be blank' }])
  const seen = await accessOf(deps.db, viewer, token, ticketId)
  // Asked before the transaction (as chat does): who has the ticket open is not told.
  const others = seen.side === 'staff' ? (seen.row.requesterId === null ? [] : [seen.row.requesterId]) : await staffToTell(deps.db, seen.row)
  const away = await awayFrom(deps, ticketId, others.filter((id) => id !== seen.userId))
  const result = await deps.db.transaction(async (tx) => {
    const access = await accessOf(tx, viewer, token, ticketId, true)
    const { row } = access
    // After the lock: of two replies at once, the first to lock is the earlier.
    const now = deps.clock.now()
    const step = TICKET_STEPS[access.side === 'staff' ? 'staff_reply' : 'requester_reply']
    if (access.side === 'requester') {
      const refusal = requesterRefusal(row, now)
      if (refusal !== null) throw new AppError('conflict', refusal, { status: row.status })
    } else if (!(step.from as readonly TicketStatus[]).includes(row.status)) {
      throw new AppError('conflict', `This ticket is ${row.status}: it takes no more replies`, { status: row.status })
    }
    const messageId = newId('tkm')
    await tx.insert(ticketMessages).values({ id: messageId, ticketId, authorKind: access.kind, authorId: access.userId, body: text, internal: false, createdAt: now })
    const [updated] = await tx
      .update(tickets)
      .set({ status: step.to, solvedAt: null, updatedAt: now, ...(access.side === 'staff' && row.firstResponseAt === null ? { firstResponseAt: now } : {}) })
      .where(eq(tickets.id, ticketId))
      .returning()
    const done = nothing()
    done.events.push(await ticketUpdated(tx, updated!, messageId, now))
    // Into the staff's queue (open) or out of it (pending).
    if (row.status !== updated!.status) done.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
    for (const userId of away) {
      if (access.side === 'staff') {
        await tell(deps, tx, done, ticketId, { userId, actorId: null, text: `Souk support replied to your ticket “${row.subject}”`, link: ticketPath(ticketId) })
        continue
      }
      const notice = { userId, actorId: access.userId, text: `${access.userId === null ? 'A visitor replied to' : 'replied to'} the ticket “${row.subject}”`, link: adminPath(ticketId) }
      await (seen.row.assigneeId === null ? tellQueue : tell)(deps, tx, done, ticketId, notice)
    }
    if (access.side === 'staff' && row.visitorEmail !== null) done.afterCommit.push(async () => deps.mailer.dispatch(visitorMail(deps, updated!, 'answered')))
    return { done, access: { ...access, row: updated! }, messageId, now }
  })
  await publish(deps, result.done)
  return { ticket: await toTicket(deps.db, result.access, result.now), messageId: result.messageId }
}

/** An internal note by an admin: on the thread for staff only, never announced on the ticket's topic nor shown to the requester. */
export async function addNote(deps: SupportDeps, viewer: Viewer, ticketId: string, body: string): Promise<SupportModel.Posted> {
  const text = body.trim()
  if (text.length === 0) throw new AppError('invalid_data', 'Write the note', [{ field: 'body.body', message: 'must not be blank' }])
  return deps.db.transaction(async (tx) => {
    const access = await accessOf(tx, viewer, undefined, ticketId, true)
    if (access.side !== 'staff') throw notFound()
    const now = deps.clock.now()
    const messageId = newId('tkm')
    // The ticket's updatedAt stays: the requester's list would otherwise move for a note they never see.
    await tx.insert(ticketMessages).values({ id: messageId, ticketId, authorKind: 'staff', authorId: viewer.id, body: text, internal: true, createdAt: now })
    return { ticket: await toTicket(tx, access, now), messageId }
  })
}

/**
 * Adds an image to a message, by its author, until it is answered (at most TICKET_ATTACHMENT_LIMIT);
 * checked by content and re-encoded like return photos. Only a caller who may read the ticket and
 * wrote the message makes the server decode an image.
 */
export async function addAttachment(deps: SupportDeps, viewer: Viewer | null, token: string | undefined, ticketId: string, messageId: string, file: Blob): Promise<SupportModel.Ticket> {
  const check = (ticket: SupportModel.Ticket) => {
    const message = ticket.messages.find((m) => m.id === messageId)
    if (message === undefined) throw new AppError('not_found', 'No such message')
    if (!message.canAttach) {
      if (message.attachments.length >= TICKET_ATTACHMENT_LIMIT) throw new AppError('conflict', `A message has at most ${TICKET_ATTACHMENT_LIMIT} images`, { max: TICKET_ATTACHMENT_LIMIT })
      throw new AppError('forbidden', 'Images are added to your own message, until it is answered')
    }
    return message
  }
  check(await getTicket(deps, viewer, token, ticketId))
  const image = await processImage(file, { field: 'body.file', ...UPLOAD_LIMITS, resize: { width: 1600, height: 1600, fit: 'inside' } })
  const result = await deps.db.transaction(async (tx) => {
    // The ticket's lock orders attachments with replies: none lands on a message answered meanwhile.
    const access = await accessOf(tx, viewer, token, ticketId, true)
    const now = deps.clock.now()
    const message = check(await toTicket(tx, access, now))
    const [last] = await tx.select({ position: max(ticketAttachments.position) }).from(ticketAttachments).where(eq(ticketAttachments.messageId, messageId))
    await tx.insert(ticketAttachments).values({ messageId, position: (last?.position ?? -1) + 1, data: image.data, width: image.width, height: image.height, createdAt: now })
    const done = nothing()
    if (!message.internal) done.events.push(await ticketUpdated(tx, access.row, messageId, now))
    return { done, access, now }
  })
  await publish(deps, result.done)
  return toTicket(deps.db, result.access, result.now)
}

/** An image of a message, for those who may read the message (internal notes' for staff only); null otherwise. */
export async function attachmentOf(deps: Pick<SupportDeps, 'db'>, viewer: Viewer | null, token: string | undefined, ticketId: string, messageId: string, position: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const access = await accessOf(deps.db, viewer, token, ticketId).catch((error: unknown) => {
    if (error instanceof AppError && error.type === 'not_found') return null
    throw error
  })
  if (access === null) return null
  const [found] = await deps.db
    .select({ data: ticketAttachments.data, internal: ticketMessages.internal })
    .from(ticketAttachments)
    .innerJoin(ticketMessages, eq(ticketMessages.id, ticketAttachments.messageId))
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketAttachments.messageId, messageId), eq(ticketAttachments.position, position)))
  if (found === undefined || (found.internal && access.side !== 'staff')) return null
  return found.data
}

/**
 * An admin sets a ticket's status (from where STATUS_STEPS allow; closed is final: 409), its
 * priority, its assignee (an admin, or null). Solving stamps the resolution time, reopening clears
 * it. A status move is announced on the ticket's topic; the new assignee is told in the app;
 * the requester is told when it is solved (a visitor by email, with the link and the reopen window).
 */
export async function updateTicket(deps: SupportDeps, viewer: Viewer, ticketId: string, body: SupportModel.PatchBody): Promise<SupportModel.Ticket> {
  if (body.assigneeId != null && (await findRole(deps.db, body.assigneeId)) !== 'admin') {
    throw new AppError('invalid_data', 'Assign the ticket to an admin', [{ field: 'body.assigneeId', message: 'must be an admin' }])
  }
  const result = await deps.db.transaction(async (tx) => {
    const access = await accessOf(tx, viewer, undefined, ticketId, true)
    if (access.side !== 'staff') throw new AppError('forbidden', 'Staff handle tickets; you opened this one')
    const { row } = access
    const now = deps.clock.now()
    const changes: Partial<TicketRow> = {}
    if (body.priority !== undefined) changes.priority = body.priority
    if (body.assigneeId !== undefined) changes.assigneeId = body.assigneeId
    const moved = body.status !== undefined && body.status !== row.status
    if (moved) {
      const name = STATUS_STEPS.find((step) => TICKET_STEPS[step].to === body.status && (TICKET_STEPS[step].from as readonly TicketStatus[]).includes(row.status))
      if (name === undefined) throw new AppError('conflict', row.status === 'closed' ? 'This ticket is closed: that is final' : `A ${row.status} ticket cannot be set ${body.status}`, { status: row.status, step: body.status })
      Object.assign(changes, { status: body.status, updatedAt: now, solvedAt: body.status === 'solved' ? now : body.status === 'closed' ? row.solvedAt : null, closedAt: body.status === 'closed' ? now : null })
    }
    const [updated] = Object.keys(changes).length === 0 ? [row] : await tx.update(tickets).set(changes).where(eq(tickets.id, ticketId)).returning()
    const done = nothing()
    if (moved) done.events.push(await ticketUpdated(tx, updated!, null, now))
    if (moved || updated!.assigneeId !== row.assigneeId) done.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
    if (body.assigneeId != null && body.assigneeId !== row.assigneeId) {
      // Mailed as the user prefers, unread notices or not: being given a ticket is news.
      const sent = await deps.notify(tx, { userId: body.assigneeId, type: 'message', actorId: viewer.id, subject: ticketTopic(ticketId), text: `assigned you the ticket “${row.subject}”`, link: adminPath(ticketId) })
      if (sent !== null) done.afterCommit.push(sent)
    }
    if (moved && updated!.status === 'solved' && row.requesterId !== null) {
      await tell(deps, tx, done, ticketId, { userId: row.requesterId, actorId: null, text: `Souk support marked your ticket “${row.subject}” solved`, link: ticketPath(ticketId), email: false })
    }
    if (moved && updated!.status === 'solved' && row.visitorEmail !== null) done.afterCommit.push(async () => deps.mailer.dispatch(visitorMail(deps, updated!, 'solved')))
    return { done, access: { ...access, row: updated! }, now }
  })
  await publish(deps, result.done)
  return toTicket(deps.db, result.access, result.now)
}

/** The signed-in user's tickets, latest public activity first. */
export async function listMyTickets(deps: Pick<SupportDeps, 'db'>, viewer: Viewer, query: typeof SupportModel.myListQuery.static): Promise<Page<typeof SupportModel.summary.static>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'tkt')
  const rows = await deps.db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.requesterId, viewer.id),
        query.status === undefined ? undefined : eq(tickets.status, query.status),
        after === null ? undefined : or(lt(tickets.updatedAt, after.time), and(eq(tickets.updatedAt, after.time), lt(tickets.id, after.id))),
      ),
    )
    .orderBy(desc(tickets.updatedAt), desc(tickets.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.updatedAt.toISOString(), row.id])
  const invoices = await invoiceNumbersOf(deps.db, page.items.flatMap((row) => (row.orderId === null ? [] : [row.orderId])))
  return {
    items: page.items.map((row) => ({
      id: row.id,
      subject: row.subject,
      category: row.category,
      status: row.status,
      order: row.orderId === null ? null : { id: row.orderId, invoiceNumber: invoices.get(row.orderId) ?? '' },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    })),
    nextCursor: page.nextCursor,
  }
}

/** The admins' queue: oldest first, by status, priority, assignee (`me`, `none`, an id) and age. */
export async function ticketQueue(deps: Pick<SupportDeps, 'db' | 'clock'>, viewer: Viewer, query: SupportModel.QueueQuery): Promise<Page<typeof SupportModel.queueItem.static>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'tkt')
  const by = enteredBy(deps.clock.now(), query.minAgeHours)
  const assignee: SQL | undefined =
    query.assignee === undefined ? undefined : query.assignee === 'none' ? isNull(tickets.assigneeId) : eq(tickets.assigneeId, query.assignee === 'me' ? viewer.id : query.assignee)
  const rows = await deps.db
    .select()
    .from(tickets)
    .where(
      and(
        query.status === undefined ? undefined : eq(tickets.status, query.status),
        query.priority === undefined ? undefined : eq(tickets.priority, query.priority),
        assignee,
        by === undefined ? undefined : lte(tickets.createdAt, by),
        after === null ? undefined : or(gt(tickets.createdAt, after.time), and(eq(tickets.createdAt, after.time), gt(tickets.id, after.id))),
      ),
    )
    .orderBy(asc(tickets.createdAt), asc(tickets.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  const names = await displayNames(deps.db, page.items.flatMap((row) => [row.requesterId, row.assigneeId].filter((id): id is string => id !== null)))
  return {
    items: page.items.map((row) => ({
      id: row.id,
      subject: row.subject,
      category: row.category,
      status: row.status,
      priority: row.priority,
      requester: row.requesterId === null ? (row.visitorEmail ?? '') : (names.get(row.requesterId) ?? 'Deleted user'),
      assignee: row.assigneeId === null ? null : { id: row.assigneeId, name: names.get(row.assigneeId) ?? 'Deleted user' },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      firstResponseSeconds: seconds(row.createdAt, row.firstResponseAt),
      resolutionSeconds: seconds(row.createdAt, row.solvedAt),
    })),
    nextCursor: page.nextCursor,
  }
}

/** Who a ticket may be assigned to: the admins. */
export async function listAssignees(deps: Pick<SupportDeps, 'db'>): Promise<typeof SupportModel.assignees.static> {
  return { items: (await listUsersWithRole(deps.db, 'admin')).map((user) => ({ id: user.id, name: user.displayName })) }
}

/** Whether `viewer` may follow `ticket:<id>`: its signed-in requester and admins (a visitor has no socket). */
export async function canFollowTicket(db: Db, viewer: Viewer, ticketId: string): Promise<boolean> {
  const [row] = await db.select({ requesterId: tickets.requesterId }).from(tickets).where(eq(tickets.id, ticketId))
  return row !== undefined && (row.requesterId === viewer.id || viewer.role === 'admin')
}

/**
 * Closes the tickets solved CLOSE_AFTER_DAYS ago or more, in one conditional update (a reply that
 * reopened one meanwhile holds its row, and the update then finds it open and leaves it), each
 * announced on its topic. Answers how many it closed; a second instance finds none left.
 */
export async function closeSolvedTickets(deps: Pick<SupportDeps, 'db' | 'bus' | 'clock' | 'log'>): Promise<number> {
  const now = deps.clock.now()
  const cutoff = new Date(now.getTime() - CLOSE_AFTER_DAYS * DAY)
  const events = await deps.db.transaction(async (tx) => {
    const due = tx.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.status, 'solved'), lte(tickets.solvedAt, cutoff))).orderBy(asc(tickets.solvedAt)).limit(500)
    const closed = await tx
      .update(tickets)
      .set({ status: TICKET_STEPS.expire.to, closedAt: now, updatedAt: now })
      .where(and(inArray(tickets.id, due), eq(tickets.status, 'solved'), lte(tickets.solvedAt, cutoff)))
      .returning({ id: tickets.id, status: tickets.status })
    return appendEvents<NewSupportEvent>(
      tx,
      now,
      closed.map((row) => ({ topic: ticketTopic(row.id), kind: 'ticket.updated', data: { ticketId: row.id, status: row.status, messageId: null, at: now.toISOString() } })),
    )
  })
  await runCommitted(deps, 'support', { events, afterCommit: [] })
  return events.length
}

export const closeSolvedTicketsJob = (deps: Pick<SupportDeps, 'db' | 'bus' | 'clock' | 'log'>) =>
  defineJob<object>('support.close-solved', () => closeSolvedTickets(deps), { retryLimit: 0, expireInSeconds: 10 * 60 })

/** Hourly. */
export const TICKET_CLOSE_CRON = '41 * * * *'
