// The events of chat, on `conversation:<id>` and (the inbox) `user:<id>`, and the schemas chat's
// socket messages carry. Browser-safe (schemas only): the protocol union in
// src/realtime/protocol.ts assembles every module's events, and the web client bundles it.
import { t } from 'elysia/type-system'
import { durable, ephemeral, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { ChatMessage, InboxData, MessageDeletedData, ReceiptData, TransactionData } from './item'

export { ChatMessage, ChatReceipt, MAX_MESSAGE_LENGTH } from './item'

export const TypingData = t.Object({
  userId: t.String(),
  typing: t.Boolean(),
  expiresAt: t.String({ format: 'date-time' }),
})
export type TypingData = typeof TypingData.static

export const CHAT_EVENTS = [
  ephemeral('conversation', 'typing', TypingData),
  durable('conversation', 'message', ChatMessage),
  durable('conversation', 'message.deleted', MessageDeletedData),
  durable('conversation', 'read', ReceiptData),
  durable('conversation', 'transaction', TransactionData),
  durable('user', 'inbox', InboxData),
] as const
export type ChatEvent = EventsOf<typeof CHAT_EVENTS>
export type ChatDurableEvent = Extract<ChatEvent, { id: number }>
export type NewChatEvent = NewEventOf<ChatEvent>
