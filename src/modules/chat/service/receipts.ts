import { and, eq, lt, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import type { DurableEvent } from '../../events/kinds'
import { appendEvent, withEvents } from '../../events/service'
import type { ChatReceipt } from '../item'
import { conversationMembers, conversations } from '../table'
import { appendInboxEvent, type ChatDeps, conversationTopic, notFound, unreadCounts, unreadTotal } from './shared'

type MemberRow = typeof conversationMembers.$inferSelect

const member = (conversationId: string, userId: string) => and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId))!

/** `upTo`, but never past the conversation's newest message: a pointer cannot run ahead of it. */
const capped = (conversationId: string, upTo: number) => sql`least(${upTo}, (select ${conversations.lastSeq} from ${conversations} where ${conversations.id} = ${conversationId}))`

const receiptEvent = (tx: Tx, now: Date, row: MemberRow) =>
  appendEvent(tx, now, {
    topic: conversationTopic(row.conversationId),
    kind: 'read',
    data: { conversationId: row.conversationId, userId: row.userId, readSeq: row.readSeq, deliveredSeq: row.deliveredSeq },
  })

/**
 * Moves `userId`'s delivered pointer up to `upTo` inside the caller's transaction and answers its
 * `read` event, or null when it was there already (a late or repeated delivery changes nothing).
 */
export async function markDelivered(tx: Tx, now: Date, conversationId: string, userId: string, upTo: number): Promise<DurableEvent | null> {
  const [row] = await tx
    .update(conversationMembers)
    .set({ deliveredSeq: capped(conversationId, upTo) })
    .where(and(member(conversationId, userId), lt(conversationMembers.deliveredSeq, capped(conversationId, upTo))))
    .returning()
  return row === undefined ? null : receiptEvent(tx, now, row)
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
      .set({ readSeq: target, deliveredSeq: sql`greatest(${conversationMembers.deliveredSeq}, ${target})` })
      .where(and(member(conversationId, userId), lt(conversationMembers.readSeq, target)))
      .returning()
    let row = moved
    const events: DurableEvent[] = []
    if (moved === undefined) {
      ;[row] = await tx.select().from(conversationMembers).where(member(conversationId, userId))
      if (row === undefined) throw notFound()
    } else {
      events.push(await receiptEvent(tx, now, moved), await appendInboxEvent(tx, now, userId, conversationId))
    }
    const [perConversation, total] = await Promise.all([unreadCounts(tx, userId, [conversationId]), unreadTotal(tx, userId)])
    return {
      result: { conversationId, readSeq: row!.readSeq, deliveredSeq: row!.deliveredSeq, unread: perConversation.get(conversationId) ?? 0, unreadTotal: total },
      events,
    }
  })
}
