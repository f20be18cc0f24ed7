import { and, desc, eq, lt, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../../lib/images'
import { decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import type { DurableEvent } from '../../events/kinds'
import { appendEvent, publishEvents, withEvents } from '../../events/service'
import type { ChatMessage } from '../item'
import type { ChatModel } from '../model'
import { blocks, conversations, messageImages, messages } from '../table'
import { markDelivered } from './receipts'
import {
  appendInboxEvent,
  type ChatDeps,
  type ConversationRow,
  conversationTopic,
  findConversation,
  isMember,
  lockInbox,
  type MessageRow,
  notFound,
  otherSide,
  refuseIfBlocked,
  requireConversation,
  toMessage,
} from './shared'

/** Image messages are stored at most this size (CSS px at 2×: a full-width phone bubble). */
const IMAGE_BOX = { width: 1600, height: 1600, fit: 'inside' } as const

/** Thrown inside the send transaction to roll it back when the client id was used already. */
class RetriedSend extends Error {}

export interface Sent {
  message: ChatMessage
  /** False when the client id was used before: this is the first send's message, nothing new happened. */
  created: boolean
}

type Draft = Pick<MessageRow, 'kind' | 'body' | 'imageWidth' | 'imageHeight'> & { clientId: string }

/**
 * Sends a message: one transaction that checks membership and blocks, takes the next seq (one
 * UPDATE, which also locks the conversation so seqs commit in order), inserts the message and
 * appends its `message` event; then publishes. That is all the sender waits for: the recipient's
 * notification, unread counts and delivery receipt follow in the background (see afterSend).
 * A retry with the same client id answers the first message and changes nothing.
 */
async function insertMessage(deps: ChatDeps, senderId: string, conversationId: string, draft: Draft, image: Uint8Array<ArrayBuffer> | null): Promise<Sent> {
  const now = deps.clock.now()
  let committed: { row: MessageRow; conversation: ConversationRow; event: DurableEvent }
  try {
    committed = await deps.db.transaction(async (tx) => {
      const [conversation] = await tx
        .update(conversations)
        .set({ lastSeq: sql`${conversations.lastSeq} + 1`, lastActivityAt: now })
        .where(
          and(
            eq(conversations.id, conversationId),
            isMember(senderId),
            sql`not exists (select 1 from ${blocks} where (${blocks.blockerId} = ${conversations.buyerId} and ${blocks.blockedId} = ${conversations.sellerId}) or (${blocks.blockerId} = ${conversations.sellerId} and ${blocks.blockedId} = ${conversations.buyerId}))`,
          ),
        )
        .returning()
      if (conversation === undefined) throw await refusal(tx, conversationId, senderId)
      const [row] = await tx
        .insert(messages)
        .values({ id: newId('msg'), conversationId, seq: conversation.lastSeq, senderId, ...draft, createdAt: now })
        .onConflictDoNothing({ target: [messages.conversationId, messages.senderId, messages.clientId] })
        .returning()
      if (row === undefined) throw new RetriedSend()
      if (image !== null) await tx.insert(messageImages).values({ messageId: row.id, contentType: 'image/webp', image })
      const event = await appendEvent(tx, now, { topic: conversationTopic(conversationId), kind: 'message', data: toMessage(row) })
      return { row, conversation, event }
    })
  } catch (error) {
    if (!(error instanceof RetriedSend)) throw error
    const [first] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.senderId, senderId), eq(messages.clientId, draft.clientId)))
    return { message: toMessage(first!), created: false }
  }
  await publishEvents(deps.bus, [committed.event])
  void afterSend(deps, committed.conversation, committed.row)
  return { message: toMessage(committed.row), created: true }
}

/** Why the send's UPDATE matched nothing: not a participant (404, as if absent) or a block (403). */
async function refusal(tx: Tx, conversationId: string, senderId: string): Promise<AppError> {
  const conversation = await findConversation(tx, conversationId, senderId)
  if (conversation === null) return notFound()
  try {
    await refuseIfBlocked(tx, senderId, otherSide(conversation, senderId))
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  // The block was lifted between the two statements: the client may simply retry.
  return new AppError('conflict', 'The conversation changed; send again')
}

const NOTIFICATION_TEXT: Record<string, string> = {
  text: 'sent you a message',
  image: 'sent you a photo',
  sale_confirmed: 'confirmed the sale',
  receipt_confirmed: 'confirmed receipt',
}

/**
 * What a new message means for the recipient, after the sender got their answer: if they have the
 * conversation open the message reached them (delivered receipt); otherwise they get a
 * notification, grouped per conversation. Either way their unread counts are pushed on `user:<id>`.
 * Failures are logged: the message itself is stored and published already.
 */
export async function afterSend(deps: ChatDeps, conversation: ConversationRow, message: MessageRow): Promise<void> {
  const recipientId = otherSide(conversation, message.senderId)
  const viewing = deps.isViewing(recipientId, conversationTopic(conversation.id))
  try {
    const { events, afterCommit } = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now()
      const events: DurableEvent[] = []
      let afterCommit = null
      if (viewing) {
        const receipt = await markDelivered(tx, now, conversation.id, recipientId, message.seq)
        if (receipt !== null) events.push(receipt)
      } else {
        await lockInbox(tx, recipientId)
        afterCommit = await deps.notify(tx, {
          userId: recipientId,
          type: 'message',
          actorId: message.senderId,
          subject: conversationTopic(conversation.id),
          text: NOTIFICATION_TEXT[message.system ?? message.kind]!,
          link: `/inbox/${conversation.id}`,
        })
      }
      events.push(await appendInboxEvent(tx, now, recipientId, conversation.id))
      return { events, afterCommit }
    })
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
  const before = query.cursor === undefined ? null : Number(decodeCursor(query.cursor, 1)[0])
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
    const deleted = await appendEvent(tx, now, {
      topic: conversationTopic(conversation.id),
      kind: 'message.deleted',
      data: { conversationId: conversation.id, messageId, seq: message.seq },
    })
    // An unread message leaves the other side's count.
    return { result: null, events: [deleted, await appendInboxEvent(tx, now, otherSide(conversation, userId), conversation.id)] }
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
