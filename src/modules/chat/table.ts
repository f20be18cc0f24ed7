import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { products, REPORT_STATUSES } from '../catalog'
import { MESSAGE_KINDS, SYSTEM_MESSAGES, TRANSACTION_STATUSES } from './item'
import { at, bytea } from '../../db/columns'

// As in accounts' and jobs' tables: a column type is declared where its table is.

/**
 * One conversation per product and buyer (the unique key makes get-or-create race-free); the
 * seller is the product's vendor's owner. `last_seq` numbers its messages: sending bumps it with
 * an UPDATE that also checks membership and locks the row, so seqs follow commit order.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    sellerId: text('seller_id')
      .notNull()
      .references(() => users.id),
    lastSeq: integer('last_seq').notNull().default(0),
    // Messages each side sent (of last_seq; a third party's notes are neither's): with a member's
    // read_received they give its unread count without counting messages (see unreadOf).
    buyerSent: integer('buyer_sent').notNull().default(0),
    sellerSent: integer('seller_sent').notNull().default(0),
    transactionStatus: text('transaction_status', { enum: TRANSACTION_STATUSES }).notNull().default('none'),
    createdAt: at('created_at').notNull(),
    lastActivityAt: at('last_activity_at').notNull(),
  },
  (table) => [uniqueIndex('conversations_product_buyer_key').on(table.productId, table.buyerId), check('conversations_not_self', sql`${table.buyerId} <> ${table.sellerId}`)],
)

/** Each participant's side: their read and delivered pointers (seqs), which only move forward. */
export const conversationMembers = pgTable(
  'conversation_members',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    readSeq: integer('read_seq').notNull().default(0),
    deliveredSeq: integer('delivered_seq').notNull().default(0),
    /** Messages of others (deleted ones too) with seq <= read_seq: moved with read_seq (see markRead). */
    readReceived: integer('read_received').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.userId] }), index('conversation_members_user_idx').on(table.userId)],
)

/**
 * A message. `(conversation, sender, client_id)` is unique: a send retried with the same client
 * id finds the first one instead of making another. System messages (transaction steps) have no
 * client id. Deleting blanks the body and keeps the row, so both sides see "message deleted".
 */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    seq: integer('seq').notNull(),
    senderId: text('sender_id')
      .notNull()
      .references(() => users.id),
    clientId: text('client_id'),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    body: text('body'),
    system: text('system', { enum: SYSTEM_MESSAGES }),
    imageWidth: integer('image_width'),
    imageHeight: integer('image_height'),
    createdAt: at('created_at').notNull(),
    deletedAt: at('deleted_at'),
  },
  (table) => [
    uniqueIndex('messages_conversation_seq_key').on(table.conversationId, table.seq),
    uniqueIndex('messages_client_key').on(table.conversationId, table.senderId, table.clientId),
    // Deleted messages are few: an unread count subtracts those after a read pointer through this.
    index('messages_deleted_idx').on(table.conversationId, table.seq).where(sql`${table.deletedAt} is not null`),
    // Messages sent in a time range (the admin dashboard): BRIN, nearly free on the chat's write path.
    index('messages_created_brin').using('brin', table.createdAt).with({ autosummarize: true }),
  ],
)

/**
 * The picture of an image message, re-encoded by processImage (no metadata). In the database like
 * avatars, so any instance serves it; apart from `messages` so history pages stay small.
 */
export const messageImages = pgTable('message_images', {
  messageId: text('message_id')
    .primaryKey()
    .references(() => messages.id),
  contentType: text('content_type').notNull(),
  image: bytea('image').notNull(),
})

/** `blocker` blocked `blocked`: neither can message the other until it is lifted. */
export const blocks = pgTable(
  'blocks',
  {
    id: text('id').primaryKey(),
    blockerId: text('blocker_id')
      .notNull()
      .references(() => users.id),
    blockedId: text('blocked_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [uniqueIndex('blocks_pair_key').on(table.blockerId, table.blockedId)],
)

export const MESSAGE_REPORT_REASONS = ['spam', 'harassment', 'scam', 'offensive', 'other'] as const
/**
 * What a moderator did: nothing (`dismiss`), deleted the message for both sides
 * (`delete_message`), or blocked its sender for the reporter (`block_sender`: a chat block, so
 * neither can message the other again).
 */
export const MESSAGE_REPORT_RESOLUTIONS = ['dismiss', 'delete_message', 'block_sender'] as const

/**
 * A reported message, for the admin moderation list. Chat owns it rather than catalog's
 * `reports`, whose rows name a shop (not null) and a product: a message has neither. The text is
 * copied, so deleting the message does not erase the evidence. One report per reporter and message.
 */
export const messageReports = pgTable(
  'message_reports',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id),
    senderId: text('sender_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason', { enum: MESSAGE_REPORT_REASONS }).notNull(),
    details: text('details'),
    body: text('body'),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('open'),
    resolution: text('resolution', { enum: MESSAGE_REPORT_RESOLUTIONS }),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolvedAt: at('resolved_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('message_reports_reporter_key').on(table.reporterId, table.messageId),
    index('message_reports_queue_idx').on(table.status, table.createdAt, table.id),
  ],
)
