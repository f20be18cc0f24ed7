import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at, bytea } from '../../db/columns'
import { users } from '../accounts'
import { products } from '../catalog'
import { orders } from '../orders'
import { vendors } from '../vendors'
import { REVIEW_REPORT_REASONS, REVIEW_REPORT_STATUSES } from './status'

/**
 * A buyer's review of one item of a completed order (one per order item), with the shop's single
 * reply. Hidden by an admin with a reason: then it counts in no rating and only its author (with
 * the reason) and admins see it. Deleted by its author: kept, shown to nobody.
 */
export const reviews = pgTable(
  'reviews',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    position: integer('position').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    rating: integer('rating').notNull(),
    body: text('body').notNull(),
    helpfulCount: integer('helpful_count').notNull().default(0),
    createdAt: at('created_at').notNull(),
    editedAt: at('edited_at'),
    replyBody: text('reply_body'),
    replyAuthorId: text('reply_author_id').references(() => users.id),
    repliedAt: at('replied_at'),
    replyEditedAt: at('reply_edited_at'),
    hiddenAt: at('hidden_at'),
    hiddenReason: text('hidden_reason'),
    hiddenBy: text('hidden_by').references(() => users.id),
    /** Deleted by its author: kept (its order item stays reviewed once, its reports stay evidence) but shown nowhere and counted in no rating. */
    deletedAt: at('deleted_at'),
  },
  (table) => [
    uniqueIndex('reviews_order_item_key').on(table.orderId, table.position),
    index('reviews_product_idx').on(table.productId, table.createdAt),
    index('reviews_product_helpful_idx').on(table.productId, table.helpfulCount, table.createdAt),
    index('reviews_vendor_idx').on(table.vendorId, table.createdAt),
    index('reviews_author_idx').on(table.authorId, table.createdAt),
    check('reviews_rating_check', sql`${table.rating} between 1 and 5`),
    check('reviews_helpful_check', sql`${table.helpfulCount} >= 0`),
  ],
)

/** A review's photos, re-encoded at upload (src/lib/images.ts); public with the review. */
export const reviewPhotos = pgTable(
  'review_photos',
  {
    reviewId: text('review_id')
      .notNull()
      .references(() => reviews.id),
    position: integer('position').notNull(),
    data: bytea('data').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.reviewId, table.position] })],
)

/** One "helpful" per user and review; the review's `helpful_count` moves with these rows, in their transaction. */
export const reviewVotes = pgTable(
  'review_votes',
  {
    reviewId: text('review_id')
      .notNull()
      .references(() => reviews.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.reviewId, table.userId] })],
)

/** A report of a review into the admins' moderation queue; one open report per reporter and review. */
export const reviewReports = pgTable(
  'review_reports',
  {
    id: text('id').primaryKey(),
    reviewId: text('review_id')
      .notNull()
      .references(() => reviews.id),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason', { enum: REVIEW_REPORT_REASONS }).notNull(),
    details: text('details'),
    status: text('status', { enum: REVIEW_REPORT_STATUSES }).notNull().default('open'),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolvedAt: at('resolved_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    index('review_reports_queue_idx').on(table.status, table.createdAt),
    uniqueIndex('review_reports_open_key').on(table.reviewId, table.reporterId).where(sql`${table.status} = 'open'`),
  ],
)
