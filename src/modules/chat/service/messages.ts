import { and, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm'
import { type Db, queryRows, type Tx } from '../../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../../lib/images'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import type { DurableEvent } from '../../events/kinds'
import type { AfterCommit } from '../../notifications'
import { appendEvent, eventCtes, publishEvents, withEvents } from '../../events/service'
import type { ChatMessage } from '../item'
import type { ChatModel } from '../model'
import { blocks, conversationMembers, conversations, messageImages, messages } from '../table'
import { GroupCommit } from './group-commit'
import { appendReceipts, markDelivered, moveDeliveredMany } from './receipts'
import {
  appendInboxEvent,
  appendInboxEvents,
  type ChatDeps,
  type ConversationRow,
  conversationTopic,
  findConversation,
  isMember,
  type MessageRow,
  notFound,
  otherSide,
  refuseIfBlocked,
  requireConversation,
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

interface Send {
  row: Omit<MessageRow, 'seq'>
  image: Uint8Array<ArrayBuffer> | null
}

/** A send's outcome in its batch: stored (with its event), or refused (nothing written; see insertMessage). */
type Written = { row: MessageRow; event: DurableEvent; conversation: Participants } | null

/** `items` with their indexes, ordered by `key` (stable: equal keys keep their order). */
const sortedBy = <T>(items: T[], key: (item: T) => string): [T, number][] =>
  items.map((item, i): [T, number] => [item, i]).sort(([a], [b]) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))

/**
 * A batch of sends as one statement. A send is accepted when its sender takes part in the
 * conversation, neither side blocked the other and its client id is new (also within the batch);
 * each conversation's seq is bumped once by its accepted sends, which take the seqs in arrival
 * order; the messages (and pictures) are inserted and their `message` events appended. Answers a
 * row per accepted send (by `ord`, its index in the batch); a refused send writes nothing.
 */
function sendsStatement(sends: Send[]): SQL {
  const rows = sends.map(({ row }, ord) => {
    const data = JSON.stringify(toMessage({ ...row, seq: 0 }))
    return sql`(${ord}::int, ${row.id}::text, ${row.conversationId}::text, ${row.senderId}::text, ${row.clientId}::text, ${row.kind}::text, ${row.body}::text, ${row.imageWidth}::int, ${row.imageHeight}::int, ${row.createdAt.toISOString()}::timestamptz, ${data}::jsonb)`
  })
  const images = sends.filter((send) => send.image !== null).map(({ row, image }) => sql`(${row.id}::text, ${image}::bytea)`)
  const pictures =
    images.length === 0
      ? sql``
      : sql`pictures as (insert into ${messageImages} (message_id, content_type, image) select p.id, 'image/webp', p.image from (values ${sql.join(images, sql`, `)}) as p (id, image) join inserted on inserted.id = p.id),`
  return sql`with input (ord, id, conversation_id, sender_id, client_id, kind, body, image_width, image_height, created_at, data) as (values ${sql.join(rows, sql`, `)}),
    copies as (select *, row_number() over (partition by conversation_id, sender_id, client_id order by ord) as copy from input),
    accepted as (
      select i.*, c.buyer_id, c.seller_id, 'conversation:' || i.conversation_id as topic,
        row_number() over (partition by i.conversation_id order by i.ord) as rank,
        count(*) over (partition by i.conversation_id) as sends
      from copies as i join ${conversations} as c on c.id = i.conversation_id and (c.buyer_id = i.sender_id or c.seller_id = i.sender_id)
      where i.copy = 1
        and not exists (select 1 from ${blocks} as b where (b.blocker_id = c.buyer_id and b.blocked_id = c.seller_id) or (b.blocker_id = c.seller_id and b.blocked_id = c.buyer_id))
        and not exists (select 1 from ${messages} as m where m.conversation_id = i.conversation_id and m.sender_id = i.sender_id and m.client_id = i.client_id)),
    locked as (select id from ${conversations} where ${inArray(conversations.id, [...new Set(sends.map((send) => send.row.conversationId))])} order by id for update),
    bumped as (
      update ${conversations} as c set last_seq = c.last_seq + n.sends, last_activity_at = n.at
      from (select conversation_id, count(*) as sends, max(created_at) as at from accepted group by conversation_id) as n
      where c.id = n.conversation_id and c.id in (select id from locked)
      returning c.id, c.last_seq),
    sent as (select a.*, b.last_seq - a.sends + a.rank as seq from accepted as a join bumped as b on b.id = a.conversation_id),
    inserted as (
      insert into ${messages} (id, conversation_id, seq, sender_id, client_id, kind, body, image_width, image_height, created_at)
      select id, conversation_id, seq, sender_id, client_id, kind, body, image_width, image_height, created_at from sent
      returning id),
    ${pictures}
    ${eventCtes('appended', sql`sent`, { kind: 'message', data: sql`s.data || jsonb_build_object('seq', s.seq)`, now: sends[0]!.row.createdAt })}
    select ord, seq::int as seq, event_id, buyer_id, seller_id from appended`
}

/**
 * Writes a batch of sends in the group commit's transaction. The statement locks the batch's
 * conversations in one order before bumping them (batches in flight together cannot deadlock).
 * Its duplicate check reads the snapshot the statement started with: should a send with the same
 * client id commit in another batch meanwhile, the insert breaks the unique key, the batch fails
 * and GroupCommit retries its sends one by one, where the check sees it (a batch of one fails
 * with the unique key itself: insertMessage answers it as the repeat it is).
 */
async function writeSends(tx: Tx, sends: Send[]): Promise<Written[]> {
  const rows = await queryRows<{ ord: number; seq: number; event_id: string | number; buyer_id: string; seller_id: string }>(tx, sendsStatement(sends))
  const written: Written[] = sends.map(() => null)
  for (const result of rows) {
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
 * One group commit of sends per database (per process), with a few batches in flight at once:
 * while one waits on the database, the next is on its way. Deliveries run one batch at a time.
 */
const SEND_BATCHES = 4
const batches = new WeakMap<Db, GroupCommit<Send, Written>>()

/**
 * Sends a message: written with the other sends of its moment in one transaction (see
 * GroupCommit and sendsStatement), answered once that committed, then published. That is all the
 * sender waits for: the recipient's notification, unread counts and delivery receipt follow in
 * the background (see afterSend). A retry with the same client id answers the first message and
 * changes nothing.
 */
async function insertMessage(deps: ChatDeps, senderId: string, conversationId: string, draft: Draft, image: Uint8Array<ArrayBuffer> | null): Promise<Sent> {
  let batch = batches.get(deps.db)
  if (batch === undefined) batches.set(deps.db, (batch = new GroupCommit(deps.db, writeSends, { concurrency: SEND_BATCHES })))
  const row = { id: newId('msg'), conversationId, senderId, system: null, createdAt: deps.clock.now(), deletedAt: null, ...draft }
  const written = await batch.submit({ row, image }).catch((error: unknown) => {
    // A send with the same client id committed in another batch after this one's check (a
    // batch of one is not retried): it is a repeat, answered below like one.
    if (isRepeatedClientId(error)) return null
    throw error
  })
  if (written === null) {
    const [first] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.senderId, senderId), eq(messages.clientId, draft.clientId)))
    if (first !== undefined) return { message: toMessage(first), created: false }
    throw await refusal(deps.db, conversationId, senderId)
  }
  await publishEvents(deps.bus, [written.event])
  void afterSend(deps, written.conversation, written.row)
  return { message: toMessage(written.row), created: true }
}

const isRepeatedClientId = (error: unknown) => {
  const pg = pgErrorOf(error)
  return pg?.code === UNIQUE_VIOLATION && pg.constraint === 'messages_client_key'
}

/** Why a send was refused: not a participant (404, as if absent) or a block (403). */
async function refusal(db: Db, conversationId: string, senderId: string): Promise<AppError> {
  const conversation = await findConversation(db, conversationId, senderId)
  if (conversation === null) return notFound()
  try {
    await refuseIfBlocked(db, senderId, otherSide(conversation, senderId))
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  // The block was lifted since the send: the client may simply retry.
  return new AppError('conflict', 'The conversation changed; send again')
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

interface Delivery {
  conversation: Participants
  message: MessageRow
  recipientId: string
  /** Whether the recipient has the conversation open (asked before the batch). */
  viewing: boolean
}

interface Delivered {
  events: DurableEvent[]
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
  await tx.execute(sql`select pg_advisory_xact_lock(h) from (select hashtext('inbox:' || u) as h from unnest(array[${sql.join(inboxes.map((u) => sql`${u}`), sql`, `)}]::text[]) as u order by h) as locks`)
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

/** One group commit of deliveries per chat service (per process). */
const deliveryBatches = new WeakMap<ChatDeps, GroupCommit<Delivery, Delivered>>()

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
    let batch = deliveryBatches.get(deps)
    if (batch === undefined) deliveryBatches.set(deps, (batch = new GroupCommit(deps.db, (tx, deliveries) => writeDeliveries(deps, tx, deliveries))))
    const viewing = await deps.isViewing(recipientId, conversationTopic(conversation.id))
    const { events, afterCommit } = await batch.submit({ conversation, message, recipientId, viewing })
    await publishEvents(deps.bus, events)
    await afterCommit?.()
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
 * (no metadata kept) after a membership and block check, so a stranger cannot make the server
 * decode images for nothing.
 */
export async function sendImage(deps: ChatDeps, senderId: string, conversationId: string, input: { clientId: string; file: Blob; caption?: string }): Promise<Sent> {
  const conversation = await requireConversation(deps.db, conversationId, senderId)
  await refuseIfBlocked(deps.db, senderId, otherSide(conversation, senderId))
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
  await withEvents(deps, async (tx) => {
    const [found] = await tx
      .select({ message: messages, conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.id, messageId), isMember(userId)))
      .for('update', { of: messages })
    if (found === undefined) throw new AppError('not_found', 'No such message')
    const { message, conversation } = found
    if (message.senderId !== userId || message.kind === 'system') throw new AppError('forbidden', 'You can delete only your own messages')
    if (message.deletedAt !== null) return { result: null, events: [] }
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
    return { result: null, events: [deleted, inbox] }
  })
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
