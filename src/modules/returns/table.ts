import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { orders } from '../orders'
import { vendors } from '../vendors'
import { RETURN_REASONS, RETURN_STATUSES } from './status'
import { at, bytea } from '../../db/columns'


/**
 * A buyer's request to send items of a delivered order back. The refund is computed when asked
 * (unit price paid × quantity, plus the delivery fee with the last items when the shop's policy or
 * the reason says so) and paid when the shop confirms it has them. One open return per order.
 */
export const returns = pgTable(
  'returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    shopUserId: text('shop_user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: RETURN_STATUSES }).notNull(),
    reason: text('reason', { enum: RETURN_REASONS }).notNull(),
    description: text('description').notNull(),
    itemsMinor: integer('items_minor').notNull(),
    shippingMinor: integer('shipping_minor').notNull(),
    currency: text('currency').notNull(),
    instructions: text('instructions'),
    rejectReason: text('reject_reason'),
    sentNote: text('sent_note'),
    /** The dispute a rejected return was taken to. */
    disputeId: text('dispute_id'),
    createdAt: at('created_at').notNull(),
    decidedAt: at('decided_at'),
    sentAt: at('sent_at'),
    receivedAt: at('received_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('returns_open_key').on(table.orderId).where(sql`${table.status} in ('requested', 'approved', 'sent')`),
    index('returns_order_idx').on(table.orderId, table.createdAt),
    index('returns_buyer_idx').on(table.buyerId, table.createdAt),
    index('returns_vendor_idx').on(table.vendorId, table.status, table.createdAt),
    check('returns_amounts_check', sql`${table.itemsMinor} > 0 and ${table.shippingMinor} >= 0`),
  ],
)

/** Which items of the order come back, at the price they were paid. */
export const returnItems = pgTable(
  'return_items',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => returns.id),
    /** The order item's position. */
    position: integer('position').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: integer('unit_price_minor').notNull(),
  },
  (table) => [primaryKey({ columns: [table.returnId, table.position] }), check('return_items_quantity_check', sql`${table.quantity} > 0`)],
)

/** The buyer's photos of a return, re-encoded (no metadata), served to its two sides and admins. */
export const returnPhotos = pgTable(
  'return_photos',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => returns.id),
    position: integer('position').notNull(),
    data: bytea('data').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.returnId, table.position] })],
)

/** A shop's return policy; a shop without a row takes the default (the platform's return window setting, the delivery fee kept). */
export const returnPolicies = pgTable(
  'return_policies',
  {
    vendorId: text('vendor_id')
      .primaryKey()
      .references(() => vendors.id),
    windowDays: integer('window_days').notNull(),
    refundsShipping: boolean('refunds_shipping').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [check('return_policies_window_check', sql`${table.windowDays} between 0 and 90`)],
)
