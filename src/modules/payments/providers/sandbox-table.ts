import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core'
import { at } from '../../../db/columns'

/**
 * The sandbox provider's own books. It stands in for an external provider, so nothing here refers
 * to Souk's tables and Souk never reads these: it learns of payments through signed webhooks only.
 */


/**
 * Where a sandbox payment is, as Stripe's PaymentIntent statuses go: a declined card leaves it
 * `requires_payment` (the buyer may try another card); `succeeded` and `failed` are final.
 */
export const SANDBOX_PAYMENT_STATUSES = ['requires_payment', 'requires_confirmation', 'succeeded', 'failed'] as const
export type SandboxPaymentStatus = (typeof SANDBOX_PAYMENT_STATUSES)[number]

export const SANDBOX_EVENT_TYPES = ['payment.succeeded', 'payment.failed', 'refund.succeeded'] as const

export const sandboxPayments = pgTable(
  'sandbox_payments',
  {
    /** `sbx_…`: the providerRef Souk keeps. */
    id: text('id').primaryKey(),
    /** Souk's payment id: creating a payment again for it answers the same one. */
    reference: text('reference').notNull().unique(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull(),
    returnUrl: text('return_url').notNull(),
    status: text('status', { enum: SANDBOX_PAYMENT_STATUSES }).notNull(),
    /** Why the last attempt failed (a declined card), shown to the buyer. */
    failureMessage: text('failure_message'),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    check('sandbox_payments_amount_check', sql`${table.amountMinor} > 0`),
    // Refunds never exceed what was paid, however they race.
    check('sandbox_payments_refunded_check', sql`${table.refundedMinor} between 0 and ${table.amountMinor}`),
  ],
)

export const sandboxRefunds = pgTable(
  'sandbox_refunds',
  {
    /** `sbxre_…`: the refundRef. */
    id: text('id').primaryKey(),
    /** The caller's key: a retried refund finds its first attempt here and changes nothing. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => sandboxPayments.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('sandbox_refunds_payment_idx').on(table.paymentId), check('sandbox_refunds_amount_check', sql`${table.amountMinor} > 0`)],
)

/**
 * Every webhook event, written in the transaction of the change it announces and before its
 * delivery is queued: a retried delivery re-sends these exact bytes, under the same event id.
 */
export const sandboxEvents = pgTable(
  'sandbox_events',
  {
    /** `evt_…` */
    id: text('id').primaryKey(),
    type: text('type', { enum: SANDBOX_EVENT_TYPES }).notNull(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => sandboxPayments.id),
    /** The JSON body as sent (text, not jsonb, which would reorder its keys). */
    body: text('body').notNull(),
    createdAt: at('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    deliveredAt: at('delivered_at'),
  },
  (table) => [index('sandbox_events_payment_idx').on(table.paymentId, table.createdAt)],
)
