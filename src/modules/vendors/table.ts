import { boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { at } from '../../db/columns'
import { VENDOR_STATUSES } from './status'

/**
 * A shop: one per user. It starts as an application (`pending`); an admin approves it (the user
 * becomes a vendor) or rejects it with a reason. Only `approved` shops sell: a suspended shop's
 * products leave the catalog until it is reinstated.
 */
export const vendors = pgTable(
  'vendors',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .unique()
      .references(() => users.id),
    companyName: text('company_name').notNull(),
    /** Public address of the storefront (`/vendors/<slug>`); unique, never reused. */
    slug: text('slug').notNull().unique(),
    description: text('description').notNull(),
    contactEmail: text('contact_email').notNull(),
    contactPhone: text('contact_phone').notNull(),
    address: text('address').notNull(),
    city: text('city').notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text('country').notNull(),
    website: text('website'),
    /** Upper-cased with spaces, dots and dashes removed, so one number cannot register twice. */
    taxNumber: text('tax_number').notNull(),
    logoUrl: text('logo_url'),
    status: text('status', { enum: VENDOR_STATUSES }).notNull().default('pending'),
    /** Why the application was rejected or the shop suspended (shown to its owner). */
    statusReason: text('status_reason'),
    reviewedBy: text('reviewed_by').references(() => users.id),
    reviewedAt: at('reviewed_at'),
    approvedAt: at('approved_at'),
    /** Visible reviews of the shop's products and the sum of their ratings (kept by the reviews module). */
    ratingCount: integer('rating_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    /**
     * The shop's plan perks that other modules enforce, kept by the plans module in the
     * subscription's transactions: the most active listings (null: no limit), the commission on its
     * sales (null: the platform's), the badge its storefront shows, and whether support answers its
     * owner first (their tickets open at high priority).
     */
    maxActiveListings: integer('max_active_listings'),
    commissionBp: integer('commission_bp'),
    planBadge: text('plan_badge'),
    prioritySupport: boolean('priority_support').notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [uniqueIndex('vendors_tax_number_key').on(table.taxNumber), index('vendors_status_idx').on(table.status, table.createdAt)],
)
