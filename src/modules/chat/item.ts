// A conversation and its messages as clients see them, over REST and on the socket (`message`,
// `message.deleted`, `read` and `transaction` on `conversation:<id>`, `inbox` on `user:<id>`).
// The web client bundles this file (through events.ts and src/realtime/protocol.ts), so it holds schemas
// only: `t` from 'elysia/type-system' and no server-only import.
import { t } from 'elysia/type-system'

const date = t.String({ format: 'date-time' })
const nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()])

export const MAX_MESSAGE_LENGTH = 4000

export const TRANSACTION_STATUSES = ['none', 'sale_confirmed', 'completed'] as const
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number]
/** The steps of the transaction state machine, each shown in the thread as a system message. */
export const TRANSACTION_STEPS = ['sale_confirmed', 'receipt_confirmed'] as const
export type TransactionStep = (typeof TRANSACTION_STEPS)[number]
/**
 * After-sale steps of an order (returns, disputes) the conversation of its buyer with its shop
 * shows too, so both read one history; they do not move the transaction's status.
 */
export const AFTER_SALE_NOTES = ['return_requested', 'return_approved', 'return_rejected', 'return_cancelled', 'return_sent', 'return_received', 'dispute_opened', 'dispute_responded', 'dispute_evidence', 'dispute_decision_requested', 'dispute_resolved'] as const
export type AfterSaleNote = (typeof AFTER_SALE_NOTES)[number]
/** What a system message announces: a transaction step or an after-sale note. */
export const SYSTEM_MESSAGES = [...TRANSACTION_STEPS, ...AFTER_SALE_NOTES] as const
export type SystemMessage = (typeof SYSTEM_MESSAGES)[number]

export const MESSAGE_KINDS = ['text', 'image', 'system'] as const

export const ChatImage = t.Object({
  url: t.String({ description: 'GET it with a participant’s access token' }),
  width: t.Integer({ minimum: 1 }),
  height: t.Integer({ minimum: 1 }),
})

export const ChatMessage = t.Object({
  id: t.String({ description: 'msg_ id' }),
  conversationId: t.String(),
  seq: t.Integer({ minimum: 1, description: 'position in the conversation (1, 2, 3…); receipts and `chat.read` use it' }),
  senderId: t.String({ description: 'for a system message, who took the step' }),
  kind: t.UnionEnum(MESSAGE_KINDS),
  body: nullable(t.String({ description: 'the text (the caption of an image); null once deleted; for an after-sale note, what it is about (the order and amount)' })),
  image: nullable(ChatImage),
  system: nullable(t.UnionEnum(SYSTEM_MESSAGES, { description: 'what a system message announces' })),
  clientId: nullable(t.String({ description: 'the id the sender chose; a retry with it never makes a second message' })),
  deleted: t.Boolean({ description: 'deleted by its sender: show "message deleted"' }),
  createdAt: date,
})
export type ChatMessage = typeof ChatMessage.static

export const ChatParticipant = t.Object({
  id: t.String(),
  displayName: t.String(),
  avatarUrl: nullable(t.String()),
})

/** The product a conversation is about, for its header and the inbox list. */
export const ChatProduct = t.Object({
  id: t.String(),
  slug: t.String(),
  title: t.String(),
  imageUrl: nullable(t.String({ description: 'thumbnail of the primary photo; null when the product has none' })),
  priceMinor: t.Integer(),
  currency: t.String(),
  status: t.String({ description: 'draft, active, sold, archived, or deleted' }),
})

export const Conversation = t.Object({
  id: t.String({ description: 'cnv_ id; its live topic is conversation:<id>' }),
  product: ChatProduct,
  buyerId: t.String(),
  sellerId: t.String(),
  role: t.UnionEnum(['buyer', 'seller'] as const, { description: 'the caller’s side' }),
  other: ChatParticipant,
  lastMessage: nullable(ChatMessage),
  lastSeq: t.Integer({ minimum: 0, description: 'seq of the newest message (0: none yet)' }),
  unread: t.Integer({ minimum: 0, description: 'messages of the other side after my read pointer' }),
  myReadSeq: t.Integer({ minimum: 0 }),
  otherReadSeq: t.Integer({ minimum: 0, description: 'my messages up to this seq were read' }),
  otherDeliveredSeq: t.Integer({ minimum: 0, description: 'my messages up to this seq reached the other side' }),
  blocked: t.Boolean({ description: 'either side blocked the other: no new messages' }),
  blockedByMe: t.Boolean(),
  transaction: t.UnionEnum(TRANSACTION_STATUSES, { description: 'none → sale_confirmed (seller) → completed (buyer)' }),
  lastActivityAt: date,
  createdAt: date,
})
export type Conversation = typeof Conversation.static

export const MessageDeletedData = t.Object({ conversationId: t.String(), messageId: t.String(), seq: t.Integer({ minimum: 1 }) })
export type MessageDeletedData = typeof MessageDeletedData.static

export const ReceiptData = t.Object({
  conversationId: t.String(),
  userId: t.String({ description: 'whose pointers moved' }),
  readSeq: t.Integer({ minimum: 0 }),
  deliveredSeq: t.Integer({ minimum: 0 }),
})
export type ReceiptData = typeof ReceiptData.static

export const TransactionData = t.Object({
  conversationId: t.String(),
  status: t.UnionEnum(TRANSACTION_STATUSES),
  step: t.UnionEnum(TRANSACTION_STEPS),
  by: t.String({ description: 'the user who took the step' }),
  at: date,
})
export type TransactionData = typeof TransactionData.static

/** My side of a conversation after a read receipt (answer to `chat.read` and POST …/read). */
export const ChatReceipt = t.Object({
  conversationId: t.String(),
  readSeq: t.Integer({ minimum: 0, description: 'my read pointer after the call (never lower than before)' }),
  deliveredSeq: t.Integer({ minimum: 0 }),
  unread: t.Integer({ minimum: 0 }),
  unreadTotal: t.Integer({ minimum: 0 }),
})
export type ChatReceipt = typeof ChatReceipt.static

export const InboxData = t.Object({
  conversationId: t.String({ description: 'the conversation whose unread count changed' }),
  unread: t.Integer({ minimum: 0 }),
  unreadTotal: t.Integer({ minimum: 0, description: 'across all my conversations (the header badge)' }),
})
export type InboxData = typeof InboxData.static
