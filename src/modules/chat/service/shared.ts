import { and, eq, gt, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm'
import { compiled, type Db, lockName, queryRows, type Tx } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import type { Logger } from '../../../lib/log'
import type { Bus } from '../../../lib/bus'
import { findUserById } from '../../accounts'
import { findProductsByIds, primaryImagesOf } from '../../catalog'
import type { ChatDurableEvent } from '../events'
import { appendEvents, type StoredEvent } from '../../../events/log'
import type { AfterCommit, NotifyInput } from '../../notifications'
import type { ChatMessage, Conversation, TransactionStep } from '../item'
import { blocks, conversationMembers, conversations, messages } from '../table'
import type { GroupCommit } from './group-commit'
import type { Delivered, Delivery, Send, Written } from './messages'

/** What the chat services are built from: the composition root hands these to createChat. */
export interface ChatPorts {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** The notifications service's `notify`, inside the caller's transaction. */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /**
   * Whether the user has a socket (on any instance) following the topic, i.e. has the conversation
   * open. Answered by the realtime layer, handed in by createApp: modules never import it.
   */
  isViewing(userId: string, topic: `conversation:${string}`): Promise<boolean>
  /**
   * Called inside the transaction of a transaction step taken in the chat (the seller confirming
   * the sale, the buyer confirming receipt), so a module with its own record of the sale (orders) takes the same step in it.
   * Answers what to publish after commit and what to run then. Bound by the composition root.
   */
  onTransactionStep?(tx: Tx, step: { buyerId: string; sellerId: string; productId: string; step: TransactionStep }): Promise<{ events: StoredEvent[]; afterCommit(): Promise<void> }>
}

/** The chat service of one process (see createChat): its ports and its group commits. */
export interface ChatDeps extends ChatPorts {
  readonly sends: GroupCommit<Send, Written>
  readonly deliveries: GroupCommit<Delivery, Delivered>
  /** When this instance last told admins' live strips that messages were sent, and whether a later announce waits (see announceMessages). */
  readonly statsAnnounced: { at: number; pending: boolean }
}

export type Conn = Db | Tx
export type ConversationRow = typeof conversations.$inferSelect
export type MessageRow = typeof messages.$inferSelect

export const conversationTopic = (id: string) => `conversation:${id}` as const
export const userTopic = (id: string) => `user:${id}` as const
export const imagePath = (messageId: string) => `/api/v1/messages/${messageId}/image.webp`

export const otherSide = (conversation: Pick<ConversationRow, 'buyerId' | 'sellerId'>, userId: string) => (conversation.buyerId === userId ? conversation.sellerId : conversation.buyerId)

/** SQL: `userId` (a value or a column) is a participant of the conversation row in scope. */
export const isMember = (userId: string | SQL): SQL => or(eq(conversations.buyerId, userId), eq(conversations.sellerId, userId))!

/** SQL: otherSide of the conversation row in scope, for `userId`, a participant. */
const otherSideIn = (userId: string | SQL): SQL => sql`case when ${conversations.buyerId} = ${userId} then ${conversations.sellerId} else ${conversations.buyerId} end`


export const notFound = () => new AppError('not_found', 'No such conversation')

export function toMessage(row: MessageRow): ChatMessage {
  const deleted = row.deletedAt !== null
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    kind: row.kind,
    body: deleted ? null : row.body,
    image: deleted || row.imageWidth === null || row.imageHeight === null ? null : { url: imagePath(row.id), width: row.imageWidth, height: row.imageHeight },
    system: row.system,
    clientId: row.clientId,
    deleted,
    createdAt: row.createdAt.toISOString(),
  }
}

/**
 * The conversation if `userId` takes part in it, else null: a stranger cannot tell a conversation
 * of others from one that does not exist. Every read and write starts here (or folds isMember
 * into its own statement; sends fold refusalOf).
 */
export async function findConversation(db: Conn, conversationId: string, userId: string): Promise<ConversationRow | null> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), isMember(userId)))
    .limit(1)
  return row ?? null
}

export async function requireConversation(db: Conn, conversationId: string, userId: string): Promise<ConversationRow> {
  const row = await findConversation(db, conversationId, userId)
  if (row === null) throw notFound()
  return row
}

/** Whether the socket may follow `conversation:<id>`: participants only. */
export async function canReadConversation(db: Db, conversationId: string, userId: string): Promise<boolean> {
  return (await findConversation(db, conversationId, userId)) !== null
}

/** Why two users cannot message each other, worded for the one asking. */
type Block = 'blocked_by_me' | 'blocked_by_them'

/**
 * SQL, the block rule (the one place that knows a block stops messages both ways): why `userId`
 * and `otherId` (values or columns) cannot message each other, or null when they can. Mine comes
 * first when both blocked.
 */
const blockBetween = (userId: string | SQL, otherId: string | SQL): SQL<Block | null> =>
  sql`case when exists (select 1 from ${blocks} where ${and(eq(blocks.blockerId, userId), eq(blocks.blockedId, otherId))}) then 'blocked_by_me'
    when exists (select 1 from ${blocks} where ${and(eq(blocks.blockerId, otherId), eq(blocks.blockedId, userId))}) then 'blocked_by_them' end`

/**
 * SQL condition, blockBetween as a yes/no: `a` and `b` (values or columns, as `sql`) blocked each
 * other, either way. For what other modules hide between a blocked pair (social's posts and follows).
 */
export const blockedEitherWay = (a: string | SQL, b: string | SQL): SQL<boolean> => sql<boolean>`(${blockBetween(a, b)}) is not null`

/** SQL: blockBetween `userId` and the other side of the conversation row in scope (what `blocked` shows). */
const blockIn = (userId: string | SQL): SQL<Block | null> => blockBetween(userId, otherSideIn(userId))

/** Why a user may not send in a conversation; refusalError answers each. */
export type Refusal = 'not_found' | Block

/**
 * SQL, the send rule of chat: why `userId` may not send in conversation `conversationId` (values
 * or columns), or null when they may. A stranger gets 'not_found', as if it did not exist (the
 * left join makes a missing conversation a row of nulls); a participant is refused when either
 * side blocked the other. A scalar subquery, so the batched send evaluates it per send inside its
 * one statement (sendsStatement), an index lookup each, and requireSender asks it alone.
 */
export const refusalOf = (conversationId: string | SQL, userId: string | SQL): SQL<Refusal | null> =>
  sql`(select case when ${isMember(userId)} then ${blockIn(userId)} else 'not_found' end from (values (1)) as one left join ${conversations} on ${eq(conversations.id, conversationId)})`

const REFUSALS: Record<Refusal, () => AppError> = {
  not_found: notFound,
  blocked_by_me: () => new AppError('forbidden', 'You blocked this user; unblock them to send messages'),
  blocked_by_them: () => new AppError('forbidden', 'This user is not accepting messages from you'),
}

/** The error of each refusal: 404 as if absent, or the 403 of a block worded for the side asking. */
export const refusalError = (refusal: Refusal): AppError => REFUSALS[refusal]()

/** Throws the refusalError of a one-row query answering `refused`, if it refuses. */
async function refuse(db: Conn, query: SQL): Promise<void> {
  const [row] = await queryRows<{ refused: Refusal | null }>(db, query)
  const refused = row?.refused ?? null
  if (refused !== null) throw refusalError(refused)
}

/** Throws when `userId` may not send in the conversation (refusalOf, one query). */
export const requireSender = (db: Conn, conversationId: string, userId: string) => refuse(db, sql`select ${refusalOf(conversationId, userId)} as refused`)

/** Throws the 403 of a block between `userId` and `otherId` (blockBetween), worded for `userId`. */
export const refuseIfBlocked = (db: Conn, userId: string, otherId: string) => refuse(db, sql`select ${blockBetween(userId, otherId)} as refused`)

/**
 * SQL condition: messages `userId` has not read (the other side's, after their read pointer, not
 * deleted), with `conversation_members` of `userId` joined on the message's conversation.
 */
export function unreadWhere(userId: string | typeof conversationMembers.userId): SQL {
  return and(gt(messages.seq, conversationMembers.readSeq), ne(messages.senderId, userId), isNull(messages.deletedAt))!
}

/**
 * SQL, the unread count of the `conversation_members` row in scope, with its conversation joined:
 * the messages others sent (last_seq less the member's own side's), less those up to the read
 * pointer (read_received), less the deleted ones after it (an index of deleted messages only). It
 * costs the same at a conversation's 10th message and its 100,000th. The same count as unreadWhere.
 */
const unreadOf = sql<number>`(${conversations.lastSeq}
    - case when ${conversationMembers.userId} = ${conversations.buyerId} then ${conversations.buyerSent}
           when ${conversationMembers.userId} = ${conversations.sellerId} then ${conversations.sellerSent} else 0 end
    - ${conversationMembers.readReceived}
    - (select count(*) from ${messages} as gone
       where gone.conversation_id = ${conversationMembers.conversationId} and gone.deleted_at is not null
         and gone.seq > ${conversationMembers.readSeq} and gone.sender_id <> ${conversationMembers.userId}))::int`.mapWith(Number)

/** SQL, the fields of a conversation bumped by one message of `senderId`: its seq and its side's count (see unreadOf). */
export const oneMoreMessage = (senderId: string) => ({
  lastSeq: sql`${conversations.lastSeq} + 1`,
  buyerSent: sql`${conversations.buyerSent} + (case when ${conversations.buyerId} = ${senderId} then 1 else 0 end)`,
  sellerSent: sql`${conversations.sellerSent} + (case when ${conversations.sellerId} = ${senderId} then 1 else 0 end)`,
})

/** Unread messages of `userId` per conversation (only those with any), optionally limited to some. */
export async function unreadCounts(db: Conn, userId: string, conversationIds?: string[]): Promise<Map<string, number>> {
  if (conversationIds?.length === 0) return new Map()
  const rows = await db
    .select({ conversationId: conversationMembers.conversationId, n: unreadOf })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(and(eq(conversationMembers.userId, userId), conversationIds === undefined ? undefined : inArray(conversationMembers.conversationId, conversationIds)))
  return new Map(rows.filter((r) => r.n > 0).map((r) => [r.conversationId, r.n]))
}

/** Unread messages of `userId` across every conversation (the header badge). */
export async function unreadTotal(db: Conn, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${unreadOf}), 0)::int`.mapWith(Number) })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(eq(conversationMembers.userId, userId))
  return row?.n ?? 0
}

/**
 * Takes the user's inbox lock until commit. Counting unread messages and appending the `inbox`
 * event happen under it, so events carry counts in the order they were counted: otherwise two
 * writers could count in one order and append in the other, and the newest event would carry the
 * older count. Lock order, to never deadlock: a member row first, then this lock, then anything
 * appended on `user:<id>` (the notification too), then conversation topics (whose counters sends
 * wait on). Taking it twice in one transaction is a no-op.
 */
export async function lockInbox(tx: Tx, userId: string): Promise<void> {
  await lockName(tx, `inbox:${userId}`)
}

/** Appends the `inbox` event of `userId`: the conversation's and the total unread counts (under lockInbox). */
export async function appendInboxEvent(tx: Tx, now: Date, userId: string, conversationId: string): Promise<ChatDurableEvent> {
  await lockInbox(tx, userId)
  const [event] = await appendInboxEvents(tx, now, [{ userId, conversationId }])
  return event!
}

/**
 * The unread count of every conversation of some users (a JSON array of distinct ids), built once
 * (see compiled). Each user's member rows are a lateral subquery the planner may not flatten
 * (`offset 0`), so it can look them up by index whatever it guesses of the batch's size against
 * the tables' (it takes a JSON array for 100 rows, and would rather scan a small table whole than
 * probe it 100 times).
 */
const inboxCountsStatement = compiled<'users'>(
  () => sql`select ${conversationMembers.userId} as "userId", ${conversationMembers.conversationId} as "conversationId", ${unreadOf} as n
    from jsonb_array_elements_text(${sql.placeholder('users')}::jsonb) as u (id)
      cross join lateral (select * from ${conversationMembers} as mine where mine.user_id = u.id offset 0) as ${conversationMembers}
      join ${conversations} on ${eq(conversations.id, conversationMembers.conversationId)}`,
)

/**
 * appendInboxEvent for many (user, conversation) pairs, in one count and one append; the caller
 * holds every user's inbox lock.
 */
export async function appendInboxEvents(tx: Tx, now: Date, pairs: { userId: string; conversationId: string }[]): Promise<ChatDurableEvent[]> {
  if (pairs.length === 0) return []
  const users = JSON.stringify([...new Set(pairs.map((p) => p.userId))])
  const counts = await queryRows<{ userId: string; conversationId: string; n: number }>(tx, inboxCountsStatement({ users }))
  const unread = new Map(counts.map((c) => [`${c.userId}:${c.conversationId}`, c.n]))
  const total = new Map<string, number>()
  for (const c of counts) total.set(c.userId, (total.get(c.userId) ?? 0) + c.n)
  return appendEvents(
    tx,
    now,
    pairs.map(({ userId, conversationId }) => ({
      topic: userTopic(userId),
      kind: 'inbox' as const,
      data: { conversationId, unread: unread.get(`${userId}:${conversationId}`) ?? 0, unreadTotal: total.get(userId) ?? 0 },
    })),
  )
}

/** Conversation rows as `viewerId` sees them: product header, other side, last message, unread, receipts, blocks. */
export async function toConversations(db: Conn, viewerId: string, rows: ConversationRow[]): Promise<Conversation[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const others = [...new Set(rows.map((r) => otherSide(r, viewerId)))]
  const withMessages = rows.filter((r) => r.lastSeq > 0)
  const productIds = rows.map((r) => r.productId)
  const [members, lastMessages, unread, productRows, photos, people, blocked] = await Promise.all([
    db.select().from(conversationMembers).where(inArray(conversationMembers.conversationId, ids)),
    withMessages.length === 0
      ? []
      : db
          .select()
          .from(messages)
          .where(or(...withMessages.map((r) => and(eq(messages.conversationId, r.id), eq(messages.seq, r.lastSeq))))),
    unreadCounts(db, viewerId, ids),
    findProductsByIds(db, productIds),
    primaryImagesOf(db, productIds),
    Promise.all(others.map((id) => findUserById(db, id))),
    db.select({ id: conversations.id, block: blockIn(viewerId) }).from(conversations).where(inArray(conversations.id, ids)),
  ])
  const member = new Map(members.map((m) => [`${m.conversationId}:${m.userId}`, m]))
  const last = new Map(lastMessages.map((m) => [m.conversationId, m]))
  const product = new Map(productRows.map((p) => [p.id, p]))
  const person = new Map(people.filter((p) => p !== null).map((p) => [p.id, p]))
  const block = new Map(blocked.map((b) => [b.id, b.block]))
  return rows.map((row) => {
    const otherId = otherSide(row, viewerId)
    const p = product.get(row.productId)!
    const other = person.get(otherId)
    const lastMessage = last.get(row.id)
    const theirs = member.get(`${row.id}:${otherId}`)
    return {
      id: row.id,
      product: { id: p.id, slug: p.slug, title: p.title, imageUrl: photos.get(p.id)?.thumbnailUrl ?? null, priceMinor: p.priceMinor, currency: p.currency, status: p.deletedAt === null ? p.status : 'deleted' },
      buyerId: row.buyerId,
      sellerId: row.sellerId,
      role: row.buyerId === viewerId ? 'buyer' : 'seller',
      // A deleted account keeps its id; its name is gone.
      other: other === undefined ? { id: otherId, displayName: 'Deleted account', avatarUrl: null } : { id: other.id, displayName: other.displayName, avatarUrl: other.avatarUrl },
      lastMessage: lastMessage === undefined ? null : toMessage(lastMessage),
      lastSeq: row.lastSeq,
      unread: unread.get(row.id) ?? 0,
      myReadSeq: member.get(`${row.id}:${viewerId}`)?.readSeq ?? 0,
      otherReadSeq: theirs?.readSeq ?? 0,
      otherDeliveredSeq: theirs?.deliveredSeq ?? 0,
      blocked: (block.get(row.id) ?? null) !== null,
      blockedByMe: block.get(row.id) === 'blocked_by_me',
      transaction: row.transactionStatus,
      lastActivityAt: row.lastActivityAt.toISOString(),
      createdAt: row.createdAt.toISOString(),
    }
  })
}
