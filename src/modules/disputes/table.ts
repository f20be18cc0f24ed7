import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { orders } from '../orders'
import { DISPUTE_OUTCOMES, DISPUTE_PARTIES, DISPUTE_REASONS, DISPUTE_STATUSES } from './status'
import { at, bytea } from '../../db/columns'


/**
 * A buyer's dispute over a paid order whose payment is still held: it freezes the escrow until an
 * admin decides. One open dispute per order (a partial unique index).
 */
export const disputes = pgTable(
  'disputes',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    shopUserId: text('shop_user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason', { enum: DISPUTE_REASONS }).notNull(),
    status: text('status', { enum: DISPUTE_STATUSES }).notNull(),
    /** The held amount when opened (what a decision splits). */
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    outcome: text('outcome', { enum: DISPUTE_OUTCOMES }),
    toShopMinor: integer('to_shop_minor'),
    decision: text('decision'),
    decidedBy: text('decided_by').references(() => users.id),
    shopRespondedAt: at('shop_responded_at'),
    /** The shop answers by then; past it the buyer (and the queue) wait on an admin. */
    respondBy: at('respond_by').notNull(),
    /** When the buyer asked for a decision (the shop let `respond_by` pass without a word); first in the admins' queue then. */
    decisionRequestedAt: at('decision_requested_at'),
    createdAt: at('created_at').notNull(),
    resolvedAt: at('resolved_at'),
  },
  (table) => [
    uniqueIndex('disputes_open_key').on(table.orderId).where(sql`${table.status} = 'open'`),
    index('disputes_queue_idx').on(table.status, table.createdAt),
    check('disputes_split_check', sql`${table.toShopMinor} is null or (${table.toShopMinor} >= 0 and ${table.toShopMinor} <= ${table.amountMinor})`),
  ],
)

/** What each side (and the admin) says and shows: the dispute's thread, in order. */
export const disputeEvidence = pgTable(
  'dispute_evidence',
  {
    disputeId: text('dispute_id')
      .notNull()
      .references(() => disputes.id),
    seq: integer('seq').notNull(),
    authorId: text('author_id').references(() => users.id),
    party: text('party', { enum: DISPUTE_PARTIES }).notNull(),
    text: text('text').notNull(),
    /** A photo shown with it (re-encoded, no metadata). */
    photo: bytea('photo'),
    photoWidth: integer('photo_width'),
    photoHeight: integer('photo_height'),
    /** Messages of the buyer's conversations with the shop it quotes, for the operator to read. */
    messageIds: jsonb('message_ids').$type<string[]>().notNull().default([]),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.disputeId, table.seq] })],
)
