import { and, eq, lt, sql } from 'drizzle-orm'
import { compiled, queryRows, type Tx } from '../../../db/client'
import type { ChatDurableEvent, NewChatEvent } from '../events'
import { appendEvent, appendEvents, withEvents } from '../../../events/log'
import type { ChatReceipt } from '../item'
import { conversationMembers, conversations, messages } from '../table'
import { appendInboxEvent, type ChatDeps, conversationTopic, notFound, unreadCounts, unreadTotal } from './shared'

type MemberRow = typeof conversationMembers.$inferSelect

const member = (conversationId: string, userId: string) => and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId))!

/** `upTo`, but never past the conversation's newest message: a pointer cannot run ahead of it. */
const capped = (conversationId: string, upTo: number) => sql`least(${upTo}, (select ${conversations.lastSeq} from ${conversations} where ${conversations.id} = ${conversationId}))`

const receiptOf = (row: MemberRow): NewChatEvent => ({
  topic: conversationTopic(row.conversationId),
  kind: 'read',
  data: { conversationId: row.conversationId, userId: row.userId, readSeq: row.readSeq, deliveredSeq: row.deliveredSeq },
})

/** Appends the `read` events of member rows whose pointers moved: take them after inbox locks (see lockInbox). */
export const appendReceipts = (tx: Tx, now: Date, rows: MemberRow[]) => appendEvents(tx, now, rows.map(receiptOf))

const receiptEvent = (tx: Tx, now: Date, row: MemberRow) => appendEvent(tx, now, receiptOf(row))

/** moveDeliveredMany's statement, built once (see compiled). */
const moveDeliveredStatement = compiled<'batch'>(
  () => sql`update ${conversationMembers} as m set delivered_seq = v.target
      from (
        select t.conversation_id, t.user_id, least(max(t.up_to), max(c.last_seq)) as target
        from jsonb_to_recordset(${sql.placeholder('batch')}::jsonb) as t (conversation_id text, user_id text, up_to int)
          cross join lateral (select last_seq from ${conversations} where id = t.conversation_id offset 0) as c
        group by t.conversation_id, t.user_id) as v
      where m.conversation_id = v.conversation_id and m.user_id = v.user_id and m.delivered_seq < v.target
      returning m.conversation_id, m.user_id, m.read_seq, m.delivered_seq, m.read_received`,
)

/**
 * Moves delivered pointers of many (conversation, user) pairs in one statement, each to the
 * highest `upTo` given for it (never past the conversation's newest message, never backwards);
 * answers the rows that moved. Announce them with appendReceipts.
 */
export async function moveDeliveredMany(tx: Tx, targets: { conversationId: string; userId: string; upTo: number }[]): Promise<MemberRow[]> {
  if (targets.length === 0) return []
  // One JSON parameter: the same statement text for any number of targets.
  const batch = JSON.stringify(targets.map((t) => ({ conversation_id: t.conversationId, user_id: t.userId, up_to: t.upTo })))
  const rows = await queryRows<{ conversation_id: string; user_id: string; read_seq: number; delivered_seq: number; read_received: number }>(tx, moveDeliveredStatement({ batch }))
  return rows.map((r) => ({ conversationId: r.conversation_id, userId: r.user_id, readSeq: r.read_seq, deliveredSeq: r.delivered_seq, readReceived: r.read_received }))
}

/**
 * Moves `userId`'s delivered pointer up to `upTo` inside the caller's transaction and answers the
 * moved row, or null when it was there already (a late or repeated delivery changes nothing).
 * Announce it with receiptEvent.
 */
async function moveDelivered(tx: Tx, conversationId: string, userId: string, upTo: number): Promise<MemberRow | null> {
  const [row] = await tx
    .update(conversationMembers)
    .set({ deliveredSeq: capped(conversationId, upTo) })
    .where(and(member(conversationId, userId), lt(conversationMembers.deliveredSeq, capped(conversationId, upTo))))
    .returning()
  return row ?? null
}

/** moveDelivered and its `read` event, when it moved. */
export async function markDelivered(tx: Tx, now: Date, conversationId: string, userId: string, upTo: number): Promise<ChatDurableEvent | null> {
  const row = await moveDelivered(tx, conversationId, userId, upTo)
  return row === null ? null : receiptEvent(tx, now, row)
}

/**
 * Moves my read pointer (and delivered, which reading implies) forward to `upTo`, in one UPDATE
 * whose WHERE only lets it grow: a late or duplicate receipt matches nothing and changes nothing.
 * When it moved, the other side hears it (`read` on the conversation) and my other tabs get my
 * new unread counts (`inbox` on `user:<me>`). 404 for someone else's conversation.
 */
export async function markRead(deps: ChatDeps, userId: string, conversationId: string, upTo: number): Promise<ChatReceipt> {
  return withEvents(deps, async (tx) => {
    const now = deps.clock.now()
    const target = capped(conversationId, upTo)
    const [moved] = await tx
      .update(conversationMembers)
      .set({
        readSeq: target,
        deliveredSeq: sql`greatest(${conversationMembers.deliveredSeq}, ${target})`,
        // Others' messages the pointer moves over (only those: reading costs what it reads).
        readReceived: sql`${conversationMembers.readReceived} + (select count(*)::int from ${messages} as r
          where r.conversation_id = ${conversationId} and r.sender_id <> ${userId} and r.seq > ${conversationMembers.readSeq} and r.seq <= ${target})`,
      })
      .where(and(member(conversationId, userId), lt(conversationMembers.readSeq, target)))
      .returning()
    let row = moved
    const events: ChatDurableEvent[] = []
    if (moved === undefined) {
      ;[row] = await tx.select().from(conversationMembers).where(member(conversationId, userId))
      if (row === undefined) throw notFound()
    } else {
      // The inbox event before the receipt: conversation topics are taken last (see lockInbox).
      const inbox = await appendInboxEvent(tx, now, userId, conversationId)
      events.push(await receiptEvent(tx, now, moved), inbox)
    }
    const [perConversation, total] = await Promise.all([unreadCounts(tx, userId, [conversationId]), unreadTotal(tx, userId)])
    return {
      result: { conversationId, readSeq: row!.readSeq, deliveredSeq: row!.deliveredSeq, unread: perConversation.get(conversationId) ?? 0, unreadTotal: total },
      events,
    }
  })
}
