import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import type { AddressSnapshot } from '../addresses'
import { categories, products } from '../catalog'
import { vendors } from '../vendors'
import { ORDER_ACTORS, ORDER_STATUSES, PAYMENT_METHODS, TIMELINE_KINDS } from './status'
import { at } from '../../db/columns'


/**
 * A shop's delivery options, offered at checkout (the buyer picks one per shop). Free when the
 * shop's items total reaches `freeAboveMinor`. A pickup option means the buyer collects it.
 */
export const shippingOptions = pgTable(
  'shipping_options',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    name: text('name').notNull(),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    freeAboveMinor: integer('free_above_minor'),
    handlingDays: integer('handling_days').notNull(),
    pickup: boolean('pickup').notNull().default(false),
    position: integer('position').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    index('shipping_options_vendor_idx').on(table.vendorId, table.position),
    check('shipping_options_price_check', sql`${table.priceMinor} >= 0 and (${table.freeAboveMinor} is null or ${table.freeAboveMinor} >= 0)`),
    check('shipping_options_days_check', sql`${table.handlingDays} between 0 and 60`),
  ],
)

/**
 * TVA rates in basis points (1900 = 19 %): one row per category that has its own, and one row
 * without a category, the platform default. A product takes its category's rate, else the
 * nearest ancestor's, else the default. Prices shown to buyers include TVA.
 */
export const taxRates = pgTable(
  'tax_rates',
  {
    id: text('id').primaryKey(),
    categoryId: text('category_id')
      .unique()
      .references(() => categories.id, { onDelete: 'cascade' }),
    rateBp: integer('rate_bp').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('tax_rates_default_key').on(sql`(${table.categoryId} is null)`).where(sql`${table.categoryId} is null`),
    check('tax_rates_rate_check', sql`${table.rateBp} between 0 and 10000`),
  ],
)

/** What a buyer placed at once (one checkout): one order per shop hangs from it. */
export const orderGroups = pgTable(
  'order_groups',
  {
    id: text('id').primaryKey(),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    currency: text('currency').notNull(),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHODS }).notNull(),
    itemsMinor: integer('items_minor').notNull(),
    shippingMinor: integer('shipping_minor').notNull(),
    tvaMinor: integer('tva_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('order_groups_buyer_idx').on(table.buyerId, table.createdAt)],
)

/**
 * One shop's part of a checkout, with its own state machine (see status.ts), the addresses and
 * delivery option as they were when placed, and its invoice number (per shop and year, without
 * gaps). `holdUntil`: an unpaid order keeps its stock until then.
 */
export const orders = pgTable(
  'orders',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => orderGroups.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    currency: text('currency').notNull(),
    itemsMinor: integer('items_minor').notNull(),
    shippingMinor: integer('shipping_minor').notNull(),
    tvaMinor: integer('tva_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    shipping: jsonb('shipping').$type<{ optionId: string; name: string; priceMinor: number; handlingDays: number; pickup: boolean }>().notNull(),
    shippingAddress: jsonb('shipping_address').$type<AddressSnapshot>().notNull(),
    billingAddress: jsonb('billing_address').$type<AddressSnapshot>().notNull(),
    invoiceNumber: text('invoice_number').notNull().unique(),
    cancelReason: text('cancel_reason'),
    holdUntil: at('hold_until'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('orders_group_idx').on(table.groupId),
    index('orders_buyer_idx').on(table.buyerId, table.createdAt, table.id),
    index('orders_vendor_idx').on(table.vendorId, table.createdAt, table.id),
    // Time ranges over every order (the admin dashboard's figures): BRIN, small and cheap to keep, as orders arrive in time order.
    index('orders_created_brin').using('brin', table.createdAt).with({ autosummarize: true }),
    index('orders_hold_idx').on(table.holdUntil).where(sql`${table.status} = 'pending_payment'`),
    check('orders_amounts_check', sql`${table.itemsMinor} >= 0 and ${table.shippingMinor} >= 0 and ${table.tvaMinor} >= 0 and ${table.totalMinor} = ${table.itemsMinor} + ${table.shippingMinor}`),
  ],
)

/** A line of an order: the product as it was sold (title, SKU, price, TVA, image). */
export const orderItems = pgTable(
  'order_items',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    position: integer('position').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    title: text('title').notNull(),
    sku: text('sku'),
    imageUrl: text('image_url'),
    unitPriceMinor: integer('unit_price_minor').notNull(),
    quantity: integer('quantity').notNull(),
    /** unit price × quantity, TVA included. */
    lineMinor: integer('line_minor').notNull(),
    tvaRateBp: integer('tva_rate_bp').notNull(),
    /** The TVA included in `lineMinor`. */
    tvaMinor: integer('tva_minor').notNull(),
    /** How many of `quantity` were cancelled before shipping (refunded, back in stock). */
    cancelledQuantity: integer('cancelled_quantity').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.position] }),
    index('order_items_product_idx').on(table.productId),
    check('order_items_quantity_check', sql`${table.quantity} > 0 and ${table.lineMinor} = ${table.unitPriceMinor} * ${table.quantity}`),
    check('order_items_cancelled_check', sql`${table.cancelledQuantity} between 0 and ${table.quantity}`),
  ],
)

/**
 * Items of an order cancelled before shipping (the rest ships): each under the Idempotency-Key it
 * was asked with, so a retry answers the first cancellation and refunds nothing twice.
 */
export const orderCancellations = pgTable(
  'order_cancellations',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    key: text('key').notNull(),
    actorId: text('actor_id').references(() => users.id),
    items: jsonb('items').$type<{ position: number; quantity: number }[]>().notNull(),
    reason: text('reason'),
    refundMinor: integer('refund_minor').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [uniqueIndex('order_cancellations_key').on(table.orderId, table.key)],
)

/** An order's timeline: every transition, who made it and why, written with the change itself. */
export const orderEvents = pgTable(
  'order_events',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    seq: integer('seq').notNull(),
    fromStatus: text('from_status', { enum: ORDER_STATUSES }),
    toStatus: text('to_status', { enum: ORDER_STATUSES }).notNull(),
    /** Null for the system (an unpaid order's expiry). */
    actorId: text('actor_id').references(() => users.id),
    actorRole: text('actor_role', { enum: ORDER_ACTORS }).notNull(),
    kind: text('kind', { enum: TIMELINE_KINDS }).notNull().default('status'),
    note: text('note'),
    at: at('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.seq] })],
)

/** The last invoice number given out per shop and year: numbers follow each other without gaps. */
export const invoiceCounters = pgTable(
  'invoice_counters',
  {
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    year: integer('year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (table) => [primaryKey({ columns: [table.vendorId, table.year] })],
)

/**
 * A checkout's Idempotency-Key, per user, for 24 hours: a repeat with the same body answers the
 * first order group; another body is refused. Inserted first in the checkout's transaction, so a
 * concurrent repeat waits on its unique key, then reads the result (or, if that checkout failed
 * and rolled back, does the work itself).
 */
export const checkoutKeys = pgTable(
  'checkout_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the checkout that inserted the key is running (a concurrent repeat waits on the row). */
    groupId: text('group_id').references(() => orderGroups.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.key] }), index('checkout_keys_created_idx').on(table.createdAt)],
)
