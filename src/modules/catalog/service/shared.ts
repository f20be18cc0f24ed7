import { and, count, eq, getTableColumns, inArray, isNull, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import { announceQueuesChanged } from '../../../lib/admin-queues'
import type { Bus } from '../../../lib/bus'
import { invalidatePages } from '../../../lib/page-invalidation'
import type { CurrentUser } from '../../accounts'
import { findVendorById, sellingVendorIds, vendorSummaries } from '../../vendors'
import { type CatalogModel, productTopic } from '../model'
import { categories, products, productShares } from '../table'
import { primaryImagesOf } from './images'
import { ratingOf } from '../../../lib/rating'

export interface CatalogDeps {
  db: Db
  clock: Clock
  bus: Bus
  /** Base of the links shares hand out. */
  publicUrl: string
}

export type Conn = Db | Tx

/** Every column but the search vector, which is large and never shown. */
const { search: _search, ...columns } = getTableColumns(products)
export const productColumns = columns
export type ProductRow = Omit<typeof products.$inferSelect, 'search'>

export const DAY_MS = 86_400_000
/** The UTC day of `date` as YYYY-MM-DD (views are deduplicated and stats kept per day). */
export const dayOf = (date: Date) => date.toISOString().slice(0, 10)

/** Anyone may see a product page in these states (a sold one stays reachable by its link). */
const PUBLIC_STATUSES = ['active', 'sold'] as const

/** SQL: the product is public: live, published, approved by admins when they review listings, not unpublished by a moderator, its shop approved. */
export function isPublic(db: Conn): SQL {
  return and(
    isNull(products.deletedAt),
    isNull(products.unpublishedAt),
    eq(products.reviewState, 'approved'),
    inArray(products.status, [...PUBLIC_STATUSES]),
    inArray(products.vendorId, sellingVendorIds(db)),
  )!
}

/** The ids of public products, as a subquery (`inArray(column, publicProductIds(db))`): other modules filter on it without reading this table. */
export const publicProductIds = (db: Conn) => db.select({ id: products.id }).from(products).where(isPublic(db))

/** SQL: the product is in the catalog (public and for sale). */
export function isListed(db: Conn): SQL {
  return and(isPublic(db), eq(products.status, 'active'))!
}

/** The same rule as isPublic, for a row in hand (its shop's status passed in). */
export function rowIsPublic(row: ProductRow, vendorApproved: boolean): boolean {
  return vendorApproved && row.deletedAt === null && row.unpublishedAt === null && row.reviewState === 'approved' && (PUBLIC_STATUSES as readonly string[]).includes(row.status)
}

export async function findProductBySlug(db: Conn, slug: string, options: { forUpdate?: boolean } = {}): Promise<ProductRow | null> {
  const query = db.select(productColumns).from(products).where(and(eq(products.slug, slug), isNull(products.deletedAt))).limit(1)
  const [row] = await (options.forUpdate === true ? query.for('update') : query)
  return row ?? null
}

/** Products by id, deleted ones included: a conversation keeps showing what it was about. */
export async function findProductsByIds(db: Conn, ids: string[]): Promise<ProductRow[]> {
  return ids.length === 0 ? [] : db.select(productColumns).from(products).where(inArray(products.id, [...new Set(ids)]))
}

/** What the caller may do with one product: see it, change it. */
export interface ProductAccess {
  product: ProductRow
  vendorUserId: string
  isOwner: boolean
  canEdit: boolean
  isPublic: boolean
  vendorApproved: boolean
}

/**
 * Loads a product for `viewer` (null: anonymous). Its vendor and admins see it in every state;
 * anyone else only while it is public, and otherwise gets 404, as if it did not exist.
 */
export async function accessProduct(db: Conn, slug: string, viewer: CurrentUser | null, options: { forUpdate?: boolean } = {}): Promise<ProductAccess> {
  const product = await findProductBySlug(db, slug, options)
  const vendor = product === null ? null : await findVendorById(db, product.vendorId)
  if (product === null || vendor === null) throw new AppError('not_found', 'No such product')
  const isOwner = viewer !== null && vendor.userId === viewer.id
  // A suspended vendor cannot change their products (an admin still can).
  const canEdit = viewer?.role === 'admin' || (isOwner && vendor.status === 'approved')
  const visible = rowIsPublic(product, vendor.status === 'approved')
  if (!visible && !isOwner && viewer?.role !== 'admin') throw new AppError('not_found', 'No such product')
  return { product, vendorUserId: vendor.userId, isOwner, canEdit, isPublic: visible, vendorApproved: vendor.status === 'approved' }
}

/** Like accessProduct, but the caller must be allowed to change it (403 otherwise). */
export async function editableProduct(db: Conn, slug: string, user: CurrentUser, options: { forUpdate?: boolean } = {}): Promise<ProductAccess> {
  const access = await accessProduct(db, slug, user, options)
  if (!access.canEdit) {
    throw new AppError('forbidden', access.isOwner ? 'Your shop is not approved to sell right now' : 'Only its vendor can change this product')
  }
  return access
}

/** Whether a placement ending at `until` (featuredUntil, boostedUntil) runs at `now`. */
export const isActiveUntil = (until: Date | null, now: Date) => until !== null && until > now

/** The columns of a product a card shows (ProductSummary), for a query that builds cards itself (the catalog search). */
export const summaryColumns = {
  id: products.id,
  slug: products.slug,
  title: products.title,
  priceMinor: products.priceMinor,
  currency: products.currency,
  stock: products.stock,
  condition: products.condition,
  location: products.location,
  status: products.status,
  categoryId: products.categoryId,
  vendorId: products.vendorId,
  featuredUntil: products.featuredUntil,
  boostedUntil: products.boostedUntil,
  viewsCount: products.viewsCount,
  favoritesCount: products.favoritesCount,
  ratingCount: products.ratingCount,
  ratingSum: products.ratingSum,
  reviewState: products.reviewState,
  reviewReason: products.reviewReason,
  submittedAt: products.submittedAt,
  createdAt: products.createdAt,
}
export type SummaryRow = Pick<ProductRow, keyof typeof summaryColumns>

/** What a card shows of its product's category, shop and primary photo. */
interface CardParts {
  category: CatalogModel.ProductSummary['category']
  vendor: CatalogModel.ProductSummary['vendor']
  image: CatalogModel.ProductImage | null
}

/** A product card from its row and its parts, as of `now` (placements that ran out are off). */
export function toSummary(row: SummaryRow, parts: CardParts, now: Date): CatalogModel.ProductSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    priceMinor: row.priceMinor,
    currency: row.currency,
    stock: row.stock,
    condition: row.condition,
    location: row.location,
    status: row.status,
    category: parts.category,
    vendor: parts.vendor,
    featured: isActiveUntil(row.featuredUntil, now),
    boosted: isActiveUntil(row.boostedUntil, now),
    viewsCount: row.viewsCount,
    favoritesCount: row.favoritesCount,
    rating: ratingOf(row.ratingCount, row.ratingSum),
    review: { state: row.reviewState, reason: row.reviewReason, submittedAt: row.submittedAt },
    image: parts.image,
    createdAt: row.createdAt,
  }
}

/** Rows to cards: their categories, shops and primary photos are read in one query each. */
export async function toSummaries(db: Conn, rows: SummaryRow[], now: Date): Promise<CatalogModel.ProductSummary[]> {
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((id) => id !== null))]
  const [cats, shops, images] = await Promise.all([
    categoryIds.length === 0
      ? []
      : db.select({ id: categories.id, slug: categories.slug, name: categories.name }).from(categories).where(inArray(categories.id, categoryIds)),
    vendorSummaries(db, rows.map((r) => r.vendorId)),
    primaryImagesOf(db, rows.map((r) => r.id)),
  ])
  const byId = new Map(cats.map((c) => [c.id, c]))
  return rows.map((row) =>
    toSummary(
      row,
      // Products cannot exist without their shop (foreign key).
      { category: (row.categoryId === null ? null : byId.get(row.categoryId)) ?? null, vendor: shops.get(row.vendorId)!, image: images.get(row.id) ?? null },
      now,
    ),
  )
}

/** Share events of a product: `sharesCount` is derived from them, never stored. */
export async function countShares(db: Conn, productId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(productShares).where(eq(productShares.productId, productId))
  return row?.n ?? 0
}

/**
 * After a product write commits: its live topic hears about price, stock and status changes, and
 * cached public pages are dropped when the product was or is public. Every page is dropped, not a
 * list of paths: the home page shows products too, and a path prefix of `/` would match all anyway.
 */
export async function announceProductChange(bus: Bus, before: ProductRow | null, after: ProductRow, publicBefore: boolean, publicAfter: boolean, now: Date): Promise<void> {
  const changes: CatalogModel.ProductUpdated['changes'] = {}
  if (before !== null) {
    if (before.priceMinor !== after.priceMinor) changes.priceMinor = after.priceMinor
    if (before.currency !== after.currency) changes.currency = after.currency
    if (before.stock !== after.stock) changes.stock = after.stock
    if (before.status !== after.status) changes.status = after.status
  }
  if (Object.keys(changes).length > 0) {
    await publishProductUpdated(bus, { productId: after.id, version: after.version, changes, at: now.toISOString() })
  }
  if (publicBefore || publicAfter) await invalidatePages(bus)
  if (awaitsReview(before) !== awaitsReview(after)) await announceQueuesChanged(bus, now)
}

/** In the admins' queue of listings to review (as pendingListings and listingApprovalsQueue count them). */
const awaitsReview = (row: ProductRow | null) => row !== null && row.reviewState === 'pending' && row.deletedAt === null && (row.status === 'active' || row.status === 'sold')

/** Publishes a product's live change on its topic: an ephemeral event (id null), a late page reads the product itself. */
export async function publishProductUpdated(bus: Bus, data: CatalogModel.ProductUpdated): Promise<void> {
  const topic = productTopic(data.productId)
  await bus.publish(topic, { type: 'event', topic, id: null, kind: 'product.updated', data })
}
