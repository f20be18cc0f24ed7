import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgColumn, check, customType, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { vendors } from '../vendors'
import { LISTING_APPROVAL_MODES, LISTING_REVIEW_STATES, PRODUCT_STATUSES } from './live'
import { at, bytea, photoColumns } from '../../db/columns'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'select'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

/** One attribute a category's products may (or must) carry, e.g. `{ key: 'material', type: 'select', options: [...] }`. */
export interface AttributeDefinition {
  key: string
  label: string
  type: AttributeType
  /** The allowed values of a `select`. */
  options?: string[]
  required?: boolean
}

export type AttributeValue = string | number | boolean

/**
 * The category tree (any depth). A category's products must carry its attribute definitions and
 * those of its ancestors. A category with products or children cannot be deleted.
 */
export const categories = pgTable(
  'categories',
  {
    id: text('id').primaryKey(),
    parentId: text('parent_id').references((): AnyPgColumn => categories.id),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description'),
    imageUrl: text('image_url'),
    attributes: jsonb('attributes').$type<AttributeDefinition[]>().notNull().default([]),
    /** Order among siblings (then name). */
    position: integer('position').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [index('categories_parent_idx').on(table.parentId)],
)

export { PRODUCT_STATUSES, type ProductStatus } from './live'
export const CONDITIONS = ['new', 'like_new', 'good', 'fair', 'handmade'] as const
export type Condition = (typeof CONDITIONS)[number]

/**
 * A listing. The catalog shows `active` ones whose shop is approved; the page of a `sold` one
 * stays reachable. Deletion is soft (`deleted_at`): the slug is never reused, so a shared link
 * never points at another product. `version` grows with every change, so live clients can drop
 * an update that arrives after a newer one.
 */
export const products = pgTable(
  'products',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    /** Null only on deleted products, so their category can be deleted (see deleteCategory). */
    categoryId: text('category_id').references(() => categories.id),
    title: text('title').notNull(),
    slug: text('slug').notNull().unique(),
    description: text('description').notNull(),
    /** Integer minor units of `currency` (12550 MAD = 125.50 MAD). */
    priceMinor: integer('price_minor').notNull(),
    /** ISO 4217, e.g. MAD, EUR, USD. */
    currency: text('currency').notNull(),
    stock: integer('stock').notNull(),
    sku: text('sku'),
    condition: text('condition', { enum: CONDITIONS }).notNull(),
    location: text('location').notNull(),
    attributes: jsonb('attributes').$type<Record<string, AttributeValue>>().notNull().default({}),
    status: text('status', { enum: PRODUCT_STATUSES }).notNull().default('draft'),
    featuredUntil: at('featured_until'),
    boostedUntil: at('boosted_until'),
    /**
     * When the running boost started (set as a boost starts on a listing not boosted then, kept
     * when it is extended or ends): search pages judge "promoted at the first page's time" by it.
     * Null on boosts older than the column: taken as boosted since ever.
     */
    boostedSince: at('boosted_since'),
    /** Set when a moderator unpublishes it (a report); its vendor cannot publish it again. */
    unpublishedAt: at('unpublished_at'),
    viewsCount: integer('views_count').notNull().default(0),
    favoritesCount: integer('favorites_count').notNull().default(0),
    /** Visible reviews of the product and the sum of their ratings (the reviews module keeps both, in its transactions). */
    ratingCount: integer('rating_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    /** Public only once approved (LISTING_APPROVAL); `pending` since `submittedAt`, `rejected` with a reason the shop sees. */
    reviewState: text('review_state', { enum: LISTING_REVIEW_STATES }).notNull().default('approved'),
    reviewReason: text('review_reason'),
    submittedAt: at('submitted_at'),
    reviewedAt: at('reviewed_at'),
    reviewedBy: text('reviewed_by').references((): AnyPgColumn => users.id),
    /** The price when last approved: a change beyond ±50 % of it is material and sends the listing back to review. */
    approvedPriceMinor: integer('approved_price_minor'),
    version: integer('version').notNull().default(1),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    deletedAt: at('deleted_at'),
    /**
     * What `q` searches, weighted: title (A), description (B), attribute values (C). English
     * stemming, so "rugs" finds "rug". Generated and stored, so it cannot drift from the row.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', ${products.title}), 'A') || setweight(to_tsvector('english', ${products.description}), 'B') || setweight(jsonb_to_tsvector('english', ${products.attributes}, '["string", "numeric"]'), 'C')`,
      ),
  },
  (table) => [
    index('products_search_idx').using('gin', table.search),
    index('products_vendor_idx').on(table.vendorId, table.createdAt),
    index('products_category_idx').on(table.categoryId),
    index('products_created_idx').on(table.createdAt, table.id),
    index('products_price_idx').on(table.priceMinor, table.id),
    index('products_review_queue_idx').on(table.submittedAt, table.id).where(sql`${table.reviewState} = 'pending'`),
    // A SKU names one live product of its shop; a deleted product frees it.
    uniqueIndex('products_vendor_sku_key').on(table.vendorId, table.sku).where(sql`${table.sku} is not null and ${table.deletedAt} is null`),
    check('products_stock_check', sql`${table.stock} >= 0`),
    check('products_price_check', sql`${table.priceMinor} >= 0`),
  ],
)

/** A signed-in user's favorite products; the product keeps the count. */
export const favorites = pgTable(
  'favorites',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.productId] }), index('favorites_product_idx').on(table.productId)],
)

/**
 * One row per product, viewer and day: the primary key is the deduplication, so concurrent views
 * insert once (on conflict do nothing). `viewer` is a user id, or a hash of the address of an
 * anonymous visitor. It is also the evidence the share policy reads ("has this buyer viewed it").
 */
export const productViews = pgTable(
  'product_views',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    viewer: text('viewer').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    viewedAt: at('viewed_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.productId, table.viewer, table.day] }), index('product_views_day_idx').on(table.day, table.viewer)],
)

/** The latest view of each product by each signed-in user ("recently viewed"). */
export const recentViews = pgTable(
  'recent_views',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    viewedAt: at('viewed_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.productId] }), index('recent_views_user_idx').on(table.userId, table.viewedAt)],
)

export const SHARE_CHANNELS = ['link', 'whatsapp', 'facebook', 'x', 'telegram', 'email', 'other'] as const
export type ShareChannel = (typeof SHARE_CHANNELS)[number]

/** Every share, as an immutable event (never updated or deleted): `sharesCount` is their count. */
export const productShares = pgTable(
  'product_shares',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    channel: text('channel', { enum: SHARE_CHANNELS }).notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('product_shares_product_idx').on(table.productId, table.createdAt)],
)

/**
 * Per product and day, for the owner's charts. Each counter is bumped with an upsert in the
 * transaction of the event it counts. `chats` is for the chat module (conversations started).
 */
export const productDailyStats = pgTable(
  'product_daily_stats',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    day: date('day', { mode: 'string' }).notNull(),
    views: integer('views').notNull().default(0),
    favorites: integer('favorites').notNull().default(0),
    shares: integer('shares').notNull().default(0),
    chats: integer('chats').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.productId, table.day] })],
)

export const REPORT_REASONS = ['spam', 'prohibited_item', 'counterfeit', 'fraud', 'offensive', 'wrong_category', 'other'] as const
export type ReportReason = (typeof REPORT_REASONS)[number]
export const REPORT_STATUSES = ['open', 'resolved'] as const
export const REPORT_RESOLUTIONS = ['dismiss', 'unpublish', 'suspend_vendor'] as const
export type ReportResolution = (typeof REPORT_RESOLUTIONS)[number]

/**
 * A report of a product or a shop, waiting in the admin moderation queue. One open report per
 * reporter and target (a second is a 409). A product report also names the product's shop.
 */
export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey(),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id),
    productId: text('product_id').references(() => products.id),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    reason: text('reason', { enum: REPORT_REASONS }).notNull(),
    details: text('details'),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('open'),
    resolution: text('resolution', { enum: REPORT_RESOLUTIONS }),
    resolutionNote: text('resolution_note'),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolvedAt: at('resolved_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    index('reports_queue_idx').on(table.status, table.createdAt),
    // coalesce: a shop report has no product, and NULLs never collide in a unique index.
    uniqueIndex('reports_open_key')
      .on(table.reporterId, table.vendorId, sql`coalesce(${table.productId}, '')`)
      .where(sql`${table.status} = 'open'`),
  ],
)

/**
 * A product's photos, re-encoded at upload (src/lib/images.ts) into a display size and a square
 * thumbnail. Kept in Postgres like avatars, so any instance serves them. `position` is dense from
 * 0 within a product and the photo at 0 is the primary one (cards and share previews show it).
 */
export const productImages = pgTable(
  'product_images',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    position: integer('position').notNull(),
    // The version (a hash of the display image) is part of both URLs, so they can be cached for good.
    ...photoColumns(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('product_images_product_idx').on(table.productId, table.position)],
)

export const VIDEO_CONTENT_TYPES = ['video/mp4', 'video/webm'] as const

/**
 * A product's videos, stored as uploaded (checked by content: MP4 or WebM, src/lib/video.ts) in
 * Postgres, so any instance serves them. `bytes` is stored uncompressed out of line (see the
 * migration), so a range request reads only the chunks it needs. `position` orders them from 0.
 */
export const productVideos = pgTable(
  'product_videos',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    position: integer('position').notNull(),
    contentType: text('content_type', { enum: VIDEO_CONTENT_TYPES }).notNull(),
    /** Hash of the bytes; part of the URL, so it can be cached for good. */
    version: text('version').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('product_videos_product_idx').on(table.productId, table.position)],
)

/**
 * The platform's listing review rule, one row (absent: `off`). Under `new_shops` a shop is trusted
 * once it has `trusted_after` approved listings and no upheld report: its listings skip review.
 */
export const listingRules = pgTable(
  'listing_rules',
  {
    id: integer('id').primaryKey().default(1),
    approval: text('approval', { enum: LISTING_APPROVAL_MODES }).notNull(),
    trustedAfter: integer('trusted_after').notNull(),
    updatedAt: at('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (table) => [check('listing_rules_one_row', sql`${table.id} = 1`), check('listing_rules_trusted_after_check', sql`${table.trustedAfter} between 1 and 1000`)],
)
