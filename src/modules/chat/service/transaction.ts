import { and, eq, inArray } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { ChatDurableEvent, NewChatEvent } from '../events'
import { appendEvent, publishEvents } from '../../../events/log'
import type { AfterSaleNote, Conversation, TransactionStatus, TransactionStep } from '../item'
import { conversationMembers, conversations, messages } from '../table'
import { afterSend } from './messages'
import { type ChatDeps, type ConversationRow, conversationTopic, isMember, type MessageRow, notFound, oneMoreMessage, toConversations, toMessage } from './shared'

/**
 * The transaction state machine of a conversation (seed 000): none → sale_confirmed (the seller
 * confirms the sale) → completed (the buyer confirms receipt). Each step is taken once, by its
 * side, in this order.
 */
const STEPS: Record<TransactionStep, { by: 'buyer' | 'seller'; from: TransactionStatus; to: TransactionStatus }> = {
  sale_confirmed: { by: 'seller', from: 'none', to: 'sale_confirmed' },
  receipt_confirmed: { by: 'buyer', from: 'sale_confirmed', to: 'completed' },
}

export interface TransactionStepResult {
  conversation: ConversationRow
  /** The system message the step put in the thread. */
  message: MessageRow
  /** To publish once the caller's transaction committed (`publishEvents`). */
  events: ChatDurableEvent[]
}

/**
 * THE HOOK for other modules (commerce: orders and escrow). Takes `step` in the conversation for
 * `actorId`, inside the caller's transaction, so the order change and the conversation's state
 * commit or fail together: the status moves, a system message goes into the thread, and the
 * `message` and `transaction` events are appended. The caller publishes `events` after commit
 * (and may call `afterTransactionStep` to notify the other side).
 *
 * Throws AppError: 404 when the conversation is not the actor's; 409 when the actor is the wrong
 * side for the step or the conversation is not in the state the step leaves from (a step is never
 * taken twice).
 */
export async function takeTransactionStep(deps: Pick<ChatDeps, 'clock'>, tx: Tx, input: { conversationId: string; actorId: string; step: TransactionStep }): Promise<TransactionStepResult> {
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), isMember(input.actorId)))
    .for('update')
  if (conversation === undefined) throw notFound()
  const rule = STEPS[input.step]
  const side = conversation.sellerId === input.actorId ? 'seller' : 'buyer'
  if (side !== rule.by) throw new AppError('conflict', `Only the ${rule.by} can take this step`, { step: input.step, status: conversation.transactionStatus })
  if (conversation.transactionStatus !== rule.from) {
    throw new AppError('conflict', `The transaction is ${conversation.transactionStatus.replace('_', ' ')}: this step needs it ${rule.from.replace('_', ' ')}`, {
      step: input.step,
      status: conversation.transactionStatus,
    })
  }
  const now = deps.clock.now()
  const [updated] = await tx
    .update(conversations)
    .set({ transactionStatus: rule.to, ...oneMoreMessage(input.actorId), lastActivityAt: now })
    .where(eq(conversations.id, conversation.id))
    .returning()
  const seq = updated!.lastSeq
  const [message] = await tx
    .insert(messages)
    .values({ id: newId('msg'), conversationId: conversation.id, seq, senderId: input.actorId, clientId: null, kind: 'system', body: null, system: input.step, createdAt: now })
    .returning()
  const topic = conversationTopic(conversation.id)
  const events: ChatDurableEvent[] = [
    await appendEvent<NewChatEvent>(tx, now, { topic, kind: 'message', data: toMessage(message!) }),
    await appendEvent<NewChatEvent>(tx, now, { topic, kind: 'transaction', data: { conversationId: conversation.id, status: rule.to, step: input.step, by: input.actorId, at: now.toISOString() } }),
  ]
  return { conversation: updated!, message: message!, events }
}

/**
 * The conversations of a buyer with a seller about any of `productIds` that wait for `step`: where
 * a step made elsewhere (an accepted order: sale confirmed; a completed one: receipt confirmed)
 * is taken too. Locked for the caller's transaction; one a chat step holds is skipped (that step
 * is taking it already, and would otherwise wait for the caller's order while the caller waits
 * for it).
 */
export async function conversationsAwaitingStep(tx: Tx, input: { buyerId: string; sellerId: string; productIds: string[]; step: TransactionStep }): Promise<string[]> {
  if (input.productIds.length === 0) return []
  const rows = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.buyerId, input.buyerId),
        eq(conversations.sellerId, input.sellerId),
        inArray(conversations.productId, input.productIds),
        eq(conversations.transactionStatus, STEPS[input.step].from),
      ),
    )
    .for('update', { skipLocked: true })
  return rows.map((row) => row.id)
}

/** After a committed step: the other side is notified and their unread counts pushed, as for a message. */
export const afterTransactionStep = (deps: ChatDeps, result: TransactionStepResult) => afterSend(deps, result.conversation, result.message)

/** The routes' way in: one step in its own transaction, published, answered as the updated conversation. */
export async function confirmStep(deps: ChatDeps, userId: string, conversationId: string, step: TransactionStep): Promise<Conversation> {
  const { result, hooked } = await deps.db.transaction(async (tx) => {
    const taken = await takeTransactionStep(deps, tx, { conversationId, actorId: userId, step })
    const { buyerId, sellerId, productId } = taken.conversation
    return { result: taken, hooked: (await deps.onTransactionStep?.(tx, { buyerId, sellerId, productId, step })) ?? null }
  })
  await publishEvents(deps.bus, [...result.events, ...(hooked?.events ?? [])])
  await afterTransactionStep(deps, result)
  await hooked?.afterCommit()
  return (await toConversations(deps.db, userId, [result.conversation]))[0]!
}

/**
 * THE HOOK for after-sale (returns, disputes), run once their step committed: puts `note` into the
 * conversation of the order's buyer with its shop about `productId` — made now if they never
 * wrote — as a system message by `actorId` whose body says what it is about, in its own
 * transaction, then publishes it. Never inside the step's transaction: a chat step locks its
 * conversation before the order, so an order step must not wait for a conversation.
 */
export async function postAfterSaleNote(
  deps: Pick<ChatDeps, 'db' | 'clock' | 'bus'>,
  input: { buyerId: string; sellerId: string; productId: string; actorId: string; note: AfterSaleNote; text: string },
): Promise<void> {
  const now = deps.clock.now()
  const events = await deps.db.transaction(async (tx) => {
    const [made] = await tx
      .insert(conversations)
      .values({ id: newId('cnv'), productId: input.productId, buyerId: input.buyerId, sellerId: input.sellerId, createdAt: now, lastActivityAt: now })
      .onConflictDoNothing({ target: [conversations.productId, conversations.buyerId] })
      .returning({ id: conversations.id })
    if (made !== undefined) {
      await tx.insert(conversationMembers).values([
        { conversationId: made.id, userId: input.buyerId },
        { conversationId: made.id, userId: input.sellerId },
      ])
    }
    const [conversation] = await tx
      .update(conversations)
      .set({ ...oneMoreMessage(input.actorId), lastActivityAt: now })
      .where(and(eq(conversations.productId, input.productId), eq(conversations.buyerId, input.buyerId)))
      .returning()
    const [message] = await tx
      .insert(messages)
      .values({ id: newId('msg'), conversationId: conversation!.id, seq: conversation!.lastSeq, senderId: input.actorId, clientId: null, kind: 'system', body: input.text, system: input.note, createdAt: now })
      .returning()
    return [await appendEvent<NewChatEvent>(tx, now, { topic: conversationTopic(conversation!.id), kind: 'message', data: toMessage(message!) })]
  })
  await publishEvents(deps.bus, events)
}
