import { sql } from 'drizzle-orm'
import { check, date, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { orders } from '../orders'
import { CARRIER_IDS, SHIPMENT_STATUSES } from './status'
import { at } from '../../db/columns'


/** A parcel of an order: some or all of its items, a carrier and tracking, a status. */
export const shipments = pgTable(
  'shipments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    carrier: text('carrier', { enum: CARRIER_IDS }).notNull(),
    /** The carrier's name when `other`. */
    carrierName: text('carrier_name'),
    trackingNumber: text('tracking_number'),
    trackingUrl: text('tracking_url'),
    estimatedDelivery: date('estimated_delivery', { mode: 'string' }),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    deliveredAt: at('delivered_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('shipments_order_idx').on(table.orderId, table.createdAt),
    uniqueIndex('shipments_tracking_key').on(table.carrier, table.trackingNumber).where(sql`${table.trackingNumber} is not null`),
  ],
)

/** Which of the order's items (by their position) and how many a shipment carries. */
export const shipmentItems = pgTable(
  'shipment_items',
  {
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    position: integer('position').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [primaryKey({ columns: [table.shipmentId, table.position] }), check('shipment_items_quantity_check', sql`${table.quantity} > 0`)],
)

/** A shipment's history: every status it took, who or what set it (a person, or the carrier's webhook). */
export const shipmentEvents = pgTable(
  'shipment_events',
  {
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    seq: integer('seq').notNull(),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    note: text('note'),
    by: text('by', { enum: ['shop', 'admin', 'carrier'] }).notNull(),
    actorId: text('actor_id').references(() => users.id),
    at: at('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.shipmentId, table.seq] })],
)

/** A carrier's webhook events, each applied once (its id). */
export const carrierEvents = pgTable(
  'carrier_events',
  {
    carrier: text('carrier', { enum: CARRIER_IDS }).notNull(),
    id: text('id').notNull(),
    receivedAt: at('received_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.carrier, table.id] })],
)
