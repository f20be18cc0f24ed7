import { and, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm'
import { compiled, type Db, queryRows, type Tx } from '../../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { announceStatsMoved } from '../../../lib/admin-stats'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../../lib/images'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import type { ChatDurableEvent } from '../events'
import type { AfterCommit } from '../../notifications'
import { appendEvent, eventCtes, publishEvents, type StoredEvent, withEvents } from '../../../events/log'
import type { ChatMessage } from '../item'
import type { ChatModel } from '../model'
import { conversationMembers, conversations, messageImages, messages } from '../table'
import { GroupCommit } from './group-commit'
import { appendReceipts, markDelivered, moveDeliveredMany } from './receipts'
import {
  appendInboxEvent,
  appendInboxEvents,
  type ChatDeps,
  type ChatPorts,
  type Conn,
  type ConversationRow,
  conversationTopic,
  isMember,
  type MessageRow,
  otherSide,
  type Refusal,
  refusalError,
  refusalOf,
  requireConversation,
  requireSender,
  toMessage,
  unreadWhere,
} from './shared'

/** Image messages are stored at most this size (CSS px at 2×: a full-width phone bubble). */
const IMAGE_BOX = { width: 1600, height: 1600, fit: 'inside' } as const

export interface Sent {
  message: ChatMessage
  /** False when the client id was used before: this is the first send's message, nothing new happened. */
  created: boolean
}

type Draft = Pick<MessageRow, 'kind' | 'body' | 'imageWidth' | 'imageHeight'> & { clientId: string }
type Participants = Pick<ConversationRow, 'id' | 'buyerId' | 'sellerId'>

export interface Send {
  row: Omit<MessageRow, 'seq'>
  image: Uint8Array<ArrayBuffer> | null
}

/** Why a send wrote nothing: the send rule refused it (refusalOf), or its client id was used before. */
type Refused = Refusal | 'repeat'

/** A send's outcome in its batch: stored (with its event), or refused (see insertMessage). */
export type Written = { row: MessageRow; event: ChatDurableEvent; conversation: Participants } | { refused: Refused }

/** SQL: the message of a client id (the key of messages_client_key): a retry answers it. */
const sentWithClientId = (conversationId: string | SQL, senderId: string | SQL, clientId: string | SQL): SQL =>
  and(eq(messages.conversationId, conversationId), eq(messages.senderId, senderId), eq(messages.clientId, clientId))!

/** `items` with their indexes, ordered by `key` (stable: equal keys keep their order). */
const sortedBy = <T>(items: T[], key: (item: T) => string): [T, number][] =>
  items.map((item, i): [T, number] => [item, i]).sort(([a], [b]) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))

/**
 * A batch of sends as one statement. Each send is checked first (`refused`): a client id stored
 * already is a 'repeat' (a retry answers its first send, even after a block); then the send rule,
 * refusalOf; then a client id used by an earlier send of the batch is a 'repeat' too (that send
 * passed the same checks). Each conversation's seq is bumped once by its accepted sends, which
 * take the seqs in arrival order; the messages (and pictures) are inserted and their `message`
 * events appended. Answers a row per send (by `ord`, its index in the batch): its seq and event,
 * or why it was refused (nothing written).
 */
function sendsStatement(sends: Send[]): SQL {
  // The sends go as one JSON parameter, so the statement's text is the same for any batch of a
  // size; pictures, rare, go as bytea values in a text of their own.
  const batch = JSON.stringify(
    sends.map(({ row }, ord) => ({
      ord,
      id: row.id,
      conversation_id: row.conversationId,
      sender_id: row.senderId,
      client_id: row.clientId,
      kind: row.kind,
      body: row.body,
      image_width: row.imageWidth,
      image_height: row.imageHeight,
      created_at: row.createdAt.toISOString(),
      data: toMessage({ ...row, seq: 0 }),
    })),
  )
  const values = { batch, now: sends[0]!.row.createdAt.toISOString() }
  // The batch's size, rounded up to a power of two, is written into the text (`limit`): the
  // planner would otherwise assume 100 rows of a set-returning function. Each of those sizes (at
  // most 9: GroupCommit's max is 256) is one statement per connection that keeps a generic plan
  // made for it, after the five custom plans Postgres makes first (about 2 ms each: one text per
  // exact size had most batches under load planned anew).
  const limit = 2 ** Math.ceil(Math.log2(sends.length))
  const images = sends.filter((send) => send.image !== null).map(({ row, image }) => sql`(${row.id}::text, ${image}::bytea)`)
  if (images.length > 0) return compiled<'batch' | 'now'>(() => sendsSql(limit, images))(values)
  let statement = SENDS.get(limit)
  if (statement === undefined) SENDS.set(limit, (statement = compiled<'batch' | 'now'>(() => sendsSql(limit, []))))
  return statement(values)
}

/** The send statement of each batch size without pictures, built once (see compiled). */
const SENDS = new Map<number, (values: { batch: string; now: string }) => SQL>()

/** sendsStatement's SQL, its batch and time as placeholders (`images`: the pictures' values). */
function sendsSql(limit: number, images: SQL[]): SQL {
  const pictures =
    images.length === 0
      ? sql``
      : sql`pictures as (insert into ${messageImages} (message_id, content_type, image) select p.id, 'image/webp', p.image from (values ${sql.join(images, sql`, `)}) as p (id, image) join inserted on inserted.id = p.id),`
  return sql`with input as (
      select * from jsonb_to_recordset(${sql.placeholder('batch')}::jsonb)
        as i (ord int, id text, conversation_id text, sender_id text, client_id text, kind text, body text, image_width int, image_height int, created_at timestamptz, data jsonb)
      limit ${sql.raw(String(limit))}),
    copies as (select *, row_number() over (partition by conversation_id, sender_id, client_id order by ord) as copy from input),
    checked as (
      select i.*, coalesce(
          case when exists (select 1 from ${messages} where ${sentWithClientId(sql`i.conversation_id`, sql`i.sender_id`, sql`i.client_id`)}) then 'repeat' end,
          ${refusalOf(sql`i.conversation_id`, sql`i.sender_id`)},
          case when i.copy > 1 then 'repeat' end) as refused
      from copies as i),
    accepted as (
      select *, 'conversation:' || conversation_id as topic,
        row_number() over (partition by conversation_id order by ord) as rank,
        count(*) over (partition by conversation_id) as sends
      from checked where refused is null),
    locked as (select id from ${conversations} where id in (select conversation_id from input) order by id for update),
    bumped as (
      update ${conversations} as c
      set last_seq = c.last_seq + n.sends, buyer_sent = c.buyer_sent + n.by_buyer, seller_sent = c.seller_sent + n.by_seller, last_activity_at = n.at
      from (
        select a.conversation_id, count(*) as sends, count(*) filter (where a.sender_id = o.buyer_id) as by_buyer,
          count(*) filter (where a.sender_id = o.seller_id) as by_seller, max(a.created_at) as at
        from accepted as a join ${conversations} as o on o.id = a.conversation_id group by a.conversation_id) as n
      where c.id = n.conversation_id and c.id in (select id from locked)
      returning c.id, c.last_seq, c.buyer_id, c.seller_id),
    sent as (select a.*, b.buyer_id, b.seller_id, b.last_seq - a.sends + a.rank as seq from accepted as a join bumped as b on b.id = a.conversation_id),
    inserted as (
      insert into ${messages} (id, conversation_id, seq, sender_id, client_id, kind, body, image_width, image_height, created_at)
      select id, conversation_id, seq, sender_id, client_id, kind, body, image_width, image_height, created_at from sent
      returning id),
    ${pictures}
    ${eventCtes('appended', sql`sent`, { kind: 'message', data: sql`s.data || jsonb_build_object('seq', s.seq)`, createdAt: sql`${sql.placeholder('now')}::timestamptz` })}
    select c.ord, c.refused, a.seq::int as seq, a.event_id, a.buyer_id, a.seller_id from checked as c left join appended as a on a.ord = c.ord`
}

/**
 * Writes a batch of sends as one statement, committed on its own (a statement is atomic: no
 * BEGIN and COMMIT round trips). It locks the batch's conversations in one order before bumping
 * them (batches in flight together cannot deadlock). Its duplicate check reads the snapshot the
 * statement started with: should a send with the same client id commit in another batch
 * meanwhile, the insert breaks the unique key, the batch fails and GroupCommit retries its sends
 * one by one, where the check sees it (a batch of one fails with the unique key itself:
 * insertMessage answers it as the repeat it is).
 */
async function writeSends(db: Db, sends: Send[]): Promise<Written[]> {
  type Result = { ord: number } & ({ refused: null; seq: number; event_id: string | number; buyer_id: string; seller_id: string } | { refused: Refused })
  const rows = await queryRows<Result>(db, sendsStatement(sends))
  const written: Written[] = []
  for (const result of rows) {
    if (result.refused !== null) {
      written[result.ord] = { refused: result.refused }
      continue
    }
    const row = { ...sends[result.ord]!.row, seq: result.seq }
    written[result.ord] = {
      row,
      event: { type: 'event', topic: conversationTopic(row.conversationId), id: Number(result.event_id), kind: 'message', data: toMessage(row) },
      conversation: { id: row.conversationId, buyerId: result.buyer_id, sellerId: result.seller_id },
    }
  }
  return written
}

/**
 * Sends commit with a few batches in flight at once: while one waits on the database, the next is
 * on its way. Deliveries run one batch at a time.
 */
const SEND_BATCHES = 4

/**
 * How long each batch of deliveries waits for more to join it (ms). A delivery batch is a
 * transaction of several round trips whatever its size: at 500 sends/s this wait makes batches of
 * about 5 deliveries rather than 2, and the server's and Postgres's CPU per message fall by a sixth
 * (README, S2 notes). Receipts and unread counts go out that much later; the message
 * itself does not wait for it.
 */
const DELIVERY_LINGER_MS = 5

/**
 * The chat service of one process, built once by the composition root: its ports and its two
 * group commits, of sends (see insertMessage) and of deliveries (see afterSend).
 */
export function createChat(ports: ChatPorts): ChatDeps {
  const deps: ChatDeps = {
    ...ports,
    // A batch of sends is one statement: no transaction around it.
    sends: new GroupCommit((sends) => writeSends(ports.db, sends), { concurrency: SEND_BATCHES }),
    deliveries: new GroupCommit((deliveries) => ports.db.transaction((tx) => writeDeliveries(deps, tx, deliveries)), { linger: DELIVERY_LINGER_MS }),
    statsAnnounced: { at: 0, pending: false },
  }
  return deps
}

/**
 * Sends a message: written with the other sends of its moment in one transaction (see
 * GroupCommit and sendsStatement), answered once that committed, then published. That is all the
 * sender waits for: the recipient's notification, unread counts and delivery receipt follow in
 * the background (see afterSend). A retry with the same client id answers the first message and
 * changes nothing.
 */
async function insertMessage(deps: ChatDeps, senderId: string, conversationId: string, draft: Draft, image: Uint8Array<ArrayBuffer> | null): Promise<Sent> {
  const row = { id: newId('msg'), conversationId, senderId, system: null, createdAt: deps.clock.now(), deletedAt: null, ...draft }
  const written = await deps.sends.submit({ row, image }).catch((error: unknown): Written => {
    // A send with the same client id committed in another batch after this one's check (a
    // batch of one is not retried): it is a repeat, answered below like one.
    if (isRepeatedClientId(error)) return { refused: 'repeat' }
    throw error
  })
  if ('refused' in written) {
    if (written.refused !== 'repeat') throw refusalError(written.refused)
    // The first send committed before this answer, and messages are never removed (a deleted one keeps its row).
    const [first] = await deps.db.select().from(messages).where(sentWithClientId(conversationId, senderId, draft.clientId))
    return { message: toMessage(first!), created: false }
  }
  await publishEvents(deps.bus, [written.event])
  void afterSend(deps, written.conversation, written.row)
  return { message: toMessage(written.row), created: true }
}

const isRepeatedClientId = (error: unknown) => {
  const pg = pgErrorOf(error)
  return pg?.code === UNIQUE_VIOLATION && pg.constraint === 'messages_client_key'
}

const NOTIFICATION_TEXT: Record<string, string> = {
  text: 'sent you a message',
  image: 'sent you a photo',
  sale_confirmed: 'confirmed the sale',
  receipt_confirmed: 'confirmed receipt',
}

/**
 * Whether `message` starts an unread streak for `userId`: nothing the other side sent before it is
 * unread. Decided by seq, not by when this runs, so of two messages sent at once only the first
 * starts it.
 */
async function startsUnreadStreak(tx: Tx, userId: string, message: MessageRow): Promise<boolean> {
  const [earlier] = await tx
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversationMembers, and(eq(conversationMembers.conversationId, messages.conversationId), eq(conversationMembers.userId, userId)))
    .where(and(eq(messages.conversationId, message.conversationId), lt(messages.seq, message.seq), unreadWhere(userId)))
    .limit(1)
  return earlier === undefined
}

/** Every inbox lock of some users (a JSON array) at once, in one order (see lockInbox); built once. */
const lockInboxes = compiled<'users'>(
  () => sql`select pg_advisory_xact_lock(h) from (select hashtext('inbox:' || u) as h from jsonb_array_elements_text(${sql.placeholder('users')}::jsonb) as u order by h) as locks`,
)

export interface Delivery {
  conversation: Participants
  message: MessageRow
  recipientId: string
  /** Whether the recipient has the conversation open (asked before the batch). */
  viewing: boolean
}

export interface Delivered {
  events: ChatDurableEvent[]
  afterCommit: AfterCommit | null
}

/**
 * The recipients' side of a batch of new messages, in one transaction and in chat's lock order
 * (see lockInbox; never a deadlock with a send, a read receipt or a notification): member rows
 * first; every recipient's inbox lock at once, in one order; user topics; and conversation
 * topics last, so a send waits on them only briefly. A handful of statements per batch. A
 * viewer's delivered pointer moves (a `read` event); anyone else gets a notification. Each
 * recipient's unread counts go out on `user:<id>` either way, once per conversation and batch.
 */
async function writeDeliveries(deps: ChatDeps, tx: Tx, deliveries: Delivery[]): Promise<Delivered[]> {
  const now = deps.clock.now()
  const out: Delivered[] = deliveries.map(() => ({ events: [], afterCommit: null }))
  // The first delivery of each (recipient, conversation) pair carries the pair's events.
  const pairs = new Map<string, number>()
  for (const [i, d] of deliveries.entries()) {
    const key = `${d.recipientId}:${d.conversation.id}`
    if (!pairs.has(key)) pairs.set(key, i)
  }
  const carrier = (userId: string, conversationId: string) => out[pairs.get(`${userId}:${conversationId}`)!]!
  const viewed = deliveries.filter((d) => d.viewing)
  const moved = await moveDeliveredMany(
    tx,
    viewed.map((d) => ({ conversationId: d.conversation.id, userId: d.recipientId, upTo: d.message.seq })),
  )
  const inboxes = [...new Set(deliveries.map((d) => d.recipientId))]
  await tx.execute(lockInboxes({ users: JSON.stringify(inboxes) }))
  for (const [d, i] of sortedBy(deliveries, (d) => d.recipientId)) {
    if (d.viewing) continue
    out[i]!.afterCommit = await deps.notify(tx, {
      userId: d.recipientId,
      type: 'message',
      actorId: d.message.senderId,
      subject: conversationTopic(d.conversation.id),
      text: NOTIFICATION_TEXT[d.message.system ?? d.message.kind]!,
      link: `/inbox/${d.conversation.id}`,
      email: await startsUnreadStreak(tx, d.recipientId, d.message),
    })
  }
  const inbox = [...pairs.keys()].map((key) => deliveries[pairs.get(key)!]!).map((d) => ({ userId: d.recipientId, conversationId: d.conversation.id }))
  for (const event of await appendInboxEvents(tx, now, inbox)) carrier(event.topic.slice('user:'.length), (event.data as { conversationId: string }).conversationId).events.push(event)
  // In carrier order, so that ids on a topic grow in the order the carriers publish them.
  const index = (row: { userId: string; conversationId: string }) => pairs.get(`${row.userId}:${row.conversationId}`)!
  const receipts = await appendReceipts(tx, now, moved.sort((a, b) => index(a) - index(b)))
  receipts.forEach((receipt, j) => carrier(moved[j]!.userId, moved[j]!.conversationId).events.push(receipt))
  return out
}

/** How often an instance tells admins' live strips that messages were sent, at most. */
const STATS_ANNOUNCE_MS = 5_000

/**
 * The admins' live strip counts messages; on the chat's hot path it hears of them at most every
 * STATS_ANNOUNCE_MS per instance: at once after a quiet spell, else once at the end of the window
 * (so the last messages of a burst are announced too).
 */
function announceMessages(deps: ChatDeps): void {
  const state = deps.statsAnnounced
  if (state.pending) return
  const wait = state.at + STATS_ANNOUNCE_MS - deps.clock.now().getTime()
  const announce = () => {
    state.pending = false
    state.at = deps.clock.now().getTime()
    announceStatsMoved(deps.bus, 'message', deps.clock.now()).catch((error: unknown) => deps.log.warn('chat: announcing messages to admins failed', { error }))
  }
  if (wait <= 0) return announce()
  state.pending = true
  setTimeout(announce, wait).unref()
}

/**
 * What a new message means for the recipient, after the sender got their answer: if they have the
 * conversation open the message reached them (delivered receipt); otherwise they get a
 * notification, grouped per conversation, and an email only for the first message of an unread
 * streak (until they read the conversation, later messages join the notification silently).
 * Either way their unread counts are pushed on `user:<id>`. Written with the other deliveries of
 * its moment (see writeDeliveries). Failures are logged: the message itself is stored and
 * published already.
 */
export async function afterSend(deps: ChatDeps, conversation: Participants, message: MessageRow): Promise<void> {
  const recipientId = otherSide(conversation, message.senderId)
  try {
    const viewing = await deps.isViewing(recipientId, conversationTopic(conversation.id))
    const { events, afterCommit } = await deps.deliveries.submit({ conversation, message, recipientId, viewing })
    await publishEvents(deps.bus, events)
    await afterCommit?.()
    if (message.kind !== 'system') announceMessages(deps)
  } catch (error) {
    deps.log.error('chat: after-send work failed', { conversationId: conversation.id, messageId: message.id, error })
  }
}

/** Sends a text message (socket `chat.send` or REST); see insertMessage. */
export function sendMessage(deps: ChatDeps, senderId: string, conversationId: string, input: ChatModel.SendBody): Promise<Sent> {
  const body = input.body.trim()
  if (body.length === 0) throw new AppError('invalid_data', 'A message needs some text', [{ field: 'body.body', message: 'must not be blank' }])
  return insertMessage(deps, senderId, conversationId, { kind: 'text', body, clientId: input.clientId, imageWidth: null, imageHeight: null }, null)
}

/**
 * Sends a photo with an optional caption. The image is checked and re-encoded by processImage
 * (no metadata kept) after the send rule (requireSender: membership and blocks), so a stranger
 * cannot make the server decode images for nothing.
 */
export async function sendImage(deps: ChatDeps, senderId: string, conversationId: string, input: { clientId: string; file: Blob; caption?: string }): Promise<Sent> {
  await requireSender(deps.db, conversationId, senderId)
  const image = await processImage(input.file, { field: 'body.file', ...UPLOAD_LIMITS, resize: IMAGE_BOX })
  const caption = input.caption?.trim() || null
  return insertMessage(deps, senderId, conversationId, { kind: 'image', body: caption, clientId: input.clientId, imageWidth: image.width, imageHeight: image.height }, image.data)
}

/**
 * A page of one conversation's messages, newest first (cursor: the seq to continue below). Only
 * ever that conversation's, and only for its participants. Reading the newest page counts as
 * delivery of what it shows.
 */
export async function listMessages(deps: ChatDeps, userId: string, conversationId: string, query: ChatModel.HistoryQuery): Promise<Page<ChatMessage>> {
  await requireConversation(deps.db, conversationId, userId)
  const limit = query.limit ?? DEFAULT_LIMIT
  const before = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.integer()])[0]
  const rows = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), before === null ? undefined : lt(messages.seq, before)))
    .orderBy(desc(messages.seq))
    .limit(limit + 1)
  const newest = rows[0]
  if (before === null && newest !== undefined) {
    await withEvents(deps, async (tx) => {
      const receipt = await markDelivered(tx, deps.clock.now(), conversationId, userId, newest.seq)
      return { result: null, events: receipt === null ? [] : [receipt] }
    })
  }
  return toPage(rows, limit, (row) => [row.seq], toMessage)
}

/**
 * Deletes one of my messages: the text and picture go, the row stays, and both sides see
 * "message deleted" (a durable `message.deleted` event). Deleting it again changes nothing.
 */
export async function deleteMessage(deps: ChatDeps, userId: string, messageId: string): Promise<void> {
  await withEvents(deps, async (tx) => ({ result: null, events: await deleteMessageIn(deps, tx, userId, messageId) }))
}

/** deleteMessage inside the caller's transaction (a moderator's resolution): answers the events to publish after commit. */
export async function deleteMessageIn(deps: Pick<ChatDeps, 'clock'>, tx: Tx, userId: string, messageId: string): Promise<StoredEvent[]> {
  const [found] = await tx
    .select({ message: messages, conversation: conversations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.id, messageId), isMember(userId)))
    .for('update', { of: messages })
  if (found === undefined) throw new AppError('not_found', 'No such message')
  const { message, conversation } = found
  if (message.senderId !== userId || message.kind === 'system') throw new AppError('forbidden', 'You can delete only your own messages')
  if (message.deletedAt !== null) return []
  const now = deps.clock.now()
  await tx.update(messages).set({ deletedAt: now, body: null }).where(eq(messages.id, messageId))
  await tx.delete(messageImages).where(eq(messageImages.messageId, messageId))
  // An unread message leaves the other side's count (appended first: conversation topics come last, see lockInbox).
  const inbox = await appendInboxEvent(tx, now, otherSide(conversation, userId), conversation.id)
  const deleted = await appendEvent(tx, now, {
    topic: conversationTopic(conversation.id),
    kind: 'message.deleted',
    data: { conversationId: conversation.id, messageId, seq: message.seq },
  })
  return [deleted, inbox]
}

/** The picture of an image message, for a participant; null when absent, deleted or not theirs. */
export async function findMessageImage(deps: ChatDeps, userId: string, messageId: string): Promise<{ contentType: string; image: Uint8Array<ArrayBuffer> } | null> {
  const [row] = await deps.db
    .select({ contentType: messageImages.contentType, image: messageImages.image })
    .from(messageImages)
    .innerJoin(messages, eq(messages.id, messageImages.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messageImages.messageId, messageId), isMember(userId)))
    .limit(1)
  return row ?? null
}

/** A message a participant can see (for reports), with its conversation; 404 otherwise. */
export async function requireVisibleMessage(deps: Pick<ChatDeps, 'db'>, userId: string, messageId: string): Promise<{ message: MessageRow; conversation: ConversationRow }> {
  const [found] = await deps.db
    .select({ message: messages, conversation: conversations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.id, messageId), isMember(userId)))
    .limit(1)
  if (found === undefined) throw new AppError('not_found', 'No such message')
  return found
}

/**
 * Messages a buyer and a seller exchanged (in any of their conversations), by id, for evidence
 * quoting them (disputes): what each said and when, a deleted one as deleted, a photo as a photo.
 * Ids of other conversations are left out (the caller refuses them).
 */
export async function messagesBetween(db: Conn, input: { buyerId: string; sellerId: string; messageIds: string[] }): Promise<QuotedMessage[]> {
  if (input.messageIds.length === 0) return []
  const rows = await db
    .select({ id: messages.id, senderId: messages.senderId, kind: messages.kind, body: messages.body, deletedAt: messages.deletedAt, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(inArray(messages.id, input.messageIds), eq(conversations.buyerId, input.buyerId), eq(conversations.sellerId, input.sellerId)))
  return rows.map((row) => ({
    id: row.id,
    from: row.senderId === input.buyerId ? 'buyer' : 'seller',
    text: row.deletedAt !== null ? null : row.kind === 'image' ? `[photo]${row.body === null ? '' : ` ${row.body}`}` : row.body,
    at: row.createdAt,
  }))
}

/** A chat message quoted elsewhere: who wrote it, its words (null once deleted), when. */
export interface QuotedMessage {
  id: string
  from: 'buyer' | 'seller'
  text: string | null
  at: Date
}
