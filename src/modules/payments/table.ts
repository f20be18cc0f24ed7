import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { ledgerTransfers } from '../ledger'
import { orderGroups, orders } from '../orders'
import { ESCROW_SOURCES, PAYMENT_PROVIDERS, PAYMENT_PURPOSES, PAYMENT_STATUSES, PROVIDER_EVENT_STATES, REFUND_STATUSES, WITHDRAWAL_STATUSES } from './status'
import { at } from '../../db/columns'


/**
 * A payment: of an order group (by card through a provider, or from the wallet), or a deposit into
 * the wallet (by card). `key` is the caller's Idempotency-Key: a retried request answers the first.
 * Its money moves in the ledger (reference `payment:<id>`); this row says where the provider is.
 */
export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: PAYMENT_PURPOSES }).notNull(),
    groupId: text('group_id').references(() => orderGroups.id),
    provider: text('provider', { enum: PAYMENT_PROVIDERS }).notNull(),
    providerRef: text('provider_ref'),
    redirectUrl: text('redirect_url'),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    failureMessage: text('failure_message'),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('payments_key').on(table.userId, table.key),
    uniqueIndex('payments_provider_ref_key').on(table.provider, table.providerRef),
    index('payments_group_idx').on(table.groupId),
    index('payments_user_idx').on(table.userId, table.createdAt),
    check('payments_amount_check', sql`${table.amountMinor} > 0`),
    check('payments_purpose_check', sql`(${table.groupId} is not null) = (${table.purpose} = 'order')`),
  ],
)

/**
 * A provider's webhook events, each kept once (its id): a replay changes nothing. Received and
 * stored by the webhook route, processed by a job; an event that cannot apply yet (a refund before
 * its payment succeeded) waits and is processed again when its payment moves.
 */
export const providerEvents = pgTable(
  'provider_events',
  {
    provider: text('provider', { enum: PAYMENT_PROVIDERS }).notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    providerRef: text('provider_ref').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: PROVIDER_EVENT_STATES }).notNull(),
    note: text('note'),
    occurredAt: at('occurred_at').notNull(),
    receivedAt: at('received_at').notNull(),
    processedAt: at('processed_at'),
  },
  (table) => [primaryKey({ columns: [table.provider, table.id] }), index('provider_events_ref_idx').on(table.provider, table.providerRef), index('provider_events_received_idx').on(table.receivedAt)],
)

/**
 * The escrow of a paid order: its amount is a pending ledger transfer from the buyer's `held`
 * account to the shop's wallet. Whether it is still held, released or refunded is the ledger's
 * answer (the pending transfer's state), not a column here. `releaseAfter` is set when the order
 * is delivered; `frozenAt` while a dispute is open (after-sale).
 */
export const escrows = pgTable(
  'escrows',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => orders.id),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => users.id),
    shopUserId: text('shop_user_id')
      .notNull()
      .references(() => users.id),
    source: text('source', { enum: ESCROW_SOURCES }).notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    /** The platform's commission rate when it was paid (basis points), charged on release. */
    commissionBp: integer('commission_bp').notNull(),
    pendingTransferId: text('pending_transfer_id')
      .notNull()
      .references(() => ledgerTransfers.id),
    releaseAfter: at('release_after'),
    frozenAt: at('frozen_at'),
    /** Paid back from the shop's wallet after release (returns), and the commission given back with it. */
    refundedMinor: integer('refunded_minor').notNull().default(0),
    commissionReturnedMinor: integer('commission_returned_minor').notNull().default(0),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('escrows_release_idx').on(table.releaseAfter).where(sql`${table.releaseAfter} is not null`), index('escrows_shop_idx').on(table.shopUserId, table.createdAt)],
)

/** A card refund asked of the provider (the ledger moved when it was decided); succeeded when its webhook arrives. */
export const refunds = pgTable(
  'refunds',
  {
    id: text('id').primaryKey(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    orderId: text('order_id').references(() => orders.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: REFUND_STATUSES }).notNull(),
    providerRefundRef: text('provider_refund_ref'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [index('refunds_payment_idx').on(table.paymentId), check('refunds_amount_check', sql`${table.amountMinor} > 0`)],
)

/**
 * Where a user's withdrawals go: a bank account, its details encrypted at rest (AES-256-GCM with
 * a key from the secrets); only the holder, label and last four characters are kept in clear.
 */
export const payoutMethods = pgTable(
  'payout_methods',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    holderName: text('holder_name').notNull(),
    last4: text('last4').notNull(),
    detailsEncrypted: text('details_encrypted').notNull(),
    createdAt: at('created_at').notNull(),
    deletedAt: at('deleted_at'),
  },
  (table) => [index('payout_methods_user_idx').on(table.userId)],
)

/**
 * A withdrawal: a pending ledger transfer from the user's wallet to payouts in transit, posted when
 * an admin marks it paid (with the bank's reference), voided when rejected (the funds return).
 */
export const withdrawals = pgTable(
  'withdrawals',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    payoutMethodId: text('payout_method_id')
      .notNull()
      .references(() => payoutMethods.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: WITHDRAWAL_STATUSES }).notNull(),
    pendingTransferId: text('pending_transfer_id')
      .notNull()
      .references(() => ledgerTransfers.id),
    key: text('key').notNull(),
    reference: text('reference'),
    reason: text('reason'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('withdrawals_key').on(table.userId, table.key),
    index('withdrawals_status_idx').on(table.status, table.createdAt),
    index('withdrawals_user_idx').on(table.userId, table.createdAt),
    check('withdrawals_amount_check', sql`${table.amountMinor} > 0`),
  ],
)

/**
 * An order paid cash on delivery, settled: the shop collected the cash from the courier or the
 * buyer, and the platform's commission on it moved from the shop's wallet to platform revenue in
 * the same transaction (ledger key `cod-commission:<order>`). Made when the order is delivered
 * (`collectedAt` null: the cash is due, at the rate of that moment) and settled once by the shop's
 * "cash collected" step.
 */
export const cashSettlements = pgTable(
  'cash_settlements',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => orders.id),
    shopUserId: text('shop_user_id')
      .notNull()
      .references(() => users.id),
    /** The shop's rate when the order was delivered (basis points): the moment the cash changes hands. */
    commissionBp: integer('commission_bp').notNull(),
    currency: text('currency').notNull(),
    /** What the buyer paid in cash (the order less items cancelled), and the commission on it: set when collected. */
    amountMinor: integer('amount_minor'),
    commissionMinor: integer('commission_minor'),
    collectedBy: text('collected_by').references(() => users.id),
    collectedAt: at('collected_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    index('cash_settlements_shop_idx').on(table.shopUserId, table.collectedAt),
    check('cash_settlements_collected_check', sql`(${table.collectedAt} is null) = (${table.amountMinor} is null) and (${table.collectedAt} is null) = (${table.commissionMinor} is null)`),
  ],
)
