import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { users } from '../accounts'
import { products } from '../catalog'
import { vendors } from '../vendors'
import { CHARGE_KINDS, PLACEMENT_STATUSES, PLAN_INTERVALS, SUBSCRIPTION_STATUSES } from './status'

/** What a plan gives, as data (a subscription keeps a copy for its period: edits apply from the next one). */
export interface PlanTerms {
  name: string
  currency: string
  priceMinor: number
  /** Null: no limit. */
  maxActiveListings: number | null
  boostCreditsPerMonth: number
  featuredSlots: number
  /** Null: the platform's commission. */
  commissionBp: number | null
  prioritySupport: boolean
  badge: string | null
}

/**
 * Plans admins offer shops. The free plan (`is_free`, one row, made by the migration) is every
 * shop's without a subscription. A retired plan takes no new subscribers; its subscribers renew
 * onto it until they change.
 */
export const plans = pgTable(
  'plans',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    isFree: boolean('is_free').notNull().default(false),
    currency: text('currency').notNull(),
    monthlyPriceMinor: integer('monthly_price_minor').notNull(),
    yearlyPriceMinor: integer('yearly_price_minor').notNull(),
    maxActiveListings: integer('max_active_listings'),
    boostCreditsPerMonth: integer('boost_credits_per_month').notNull(),
    featuredSlots: integer('featured_slots').notNull(),
    commissionBp: integer('commission_bp'),
    prioritySupport: boolean('priority_support').notNull(),
    badge: text('badge'),
    position: integer('position').notNull().default(0),
    retiredAt: at('retired_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('plans_one_free').on(table.isFree).where(sql`${table.isFree}`),
    check(
      'plans_values_check',
      sql`${table.monthlyPriceMinor} >= 0 and ${table.yearlyPriceMinor} >= 0 and ${table.boostCreditsPerMonth} >= 0 and ${table.featuredSlots} >= 0 and (${table.maxActiveListings} is null or ${table.maxActiveListings} >= 0) and (${table.commissionBp} is null or ${table.commissionBp} between 0 and 5000)`,
    ),
  ],
)

/**
 * A shop's paid subscription, one row per shop, with the terms of its current period. Renewal,
 * grace and expiry move it; `version` grows with each change (a renewal and a cancel racing meet
 * on the row lock).
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    vendorId: text('vendor_id')
      .primaryKey()
      .references(() => vendors.id),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    terms: jsonb('terms').$type<PlanTerms>().notNull(),
    interval: text('interval', { enum: PLAN_INTERVALS }).notNull(),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull(),
    periodStart: at('period_start').notNull(),
    periodEnd: at('period_end').notNull(),
    /** Cancelled: no renewal; the perks stay until the period ends. */
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** A downgrade (or interval change) waiting for the period's end. */
    nextPlanId: text('next_plan_id').references(() => plans.id),
    nextInterval: text('next_interval', { enum: PLAN_INTERVALS }),
    /** Past due: the perks stay until then, while renewal is tried again. */
    graceUntil: at('grace_until'),
    boostCredits: integer('boost_credits').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [index('subscriptions_due_idx').on(table.status, table.periodEnd), check('subscriptions_credits_check', sql`${table.boostCredits} >= 0`)],
)

/** A plan payment from the shop's wallet, with its invoice number; one per shop, period start and kind (a retried renewal pays once). */
export const planCharges = pgTable(
  'plan_charges',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    kind: text('kind', { enum: CHARGE_KINDS }).notNull(),
    invoiceNumber: text('invoice_number').notNull().unique(),
    planName: text('plan_name').notNull(),
    interval: text('interval', { enum: PLAN_INTERVALS }).notNull(),
    priceMinor: integer('price_minor').notNull(),
    /** The unused part of the previous plan, credited on an upgrade. */
    creditMinor: integer('credit_minor').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** The platform's TVA rate when it was charged, and the TVA the amount includes (shown on the invoice). */
    tvaRateBp: integer('tva_rate_bp').notNull().default(0),
    tvaMinor: integer('tva_minor').notNull().default(0),
    currency: text('currency').notNull(),
    periodStart: at('period_start').notNull(),
    periodEnd: at('period_end').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('plan_charges_period_key').on(table.vendorId, table.periodStart, table.kind),
    index('plan_charges_vendor_idx').on(table.vendorId, table.createdAt),
    check('plan_charges_amounts_check', sql`${table.amountMinor} >= 0 and ${table.creditMinor} >= 0 and ${table.amountMinor} = ${table.priceMinor} - ${table.creditMinor}`),
  ],
)

/** Renewal and expiry warnings sent, once per subscription period and lead time. */
export const planNotices = pgTable(
  'plan_notices',
  {
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    periodEnd: at('period_end').notNull(),
    daysBefore: integer('days_before').notNull(),
    sentAt: at('sent_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.vendorId, table.periodEnd, table.daysBefore] })],
)

/** A boost bought with credits: the listing is promoted from `startsAt` to `endsAt`. */
export const boosts = pgTable(
  'boosts',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    days: integer('days').notNull(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('boosts_product_idx').on(table.productId, table.endsAt), check('boosts_days_check', sql`${table.days} > 0`)],
)

/** A shop asks to feature one of its listings; an admin grants it until a date (within the shop's featured slots) or declines. */
export const placementApplications = pgTable(
  'placement_applications',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    message: text('message'),
    status: text('status', { enum: PLACEMENT_STATUSES }).notNull(),
    featuredUntil: at('featured_until'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    declineReason: text('decline_reason'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    index('placement_applications_queue_idx').on(table.status, table.createdAt),
    uniqueIndex('placement_applications_open_key').on(table.productId).where(sql`${table.status} = 'pending'`),
  ],
)
