// Listing review: under the platform's rule (off | new_shops | all, one row of listing_rules), a
// listing created or materially changed (title, description, photos, price beyond ±50 % of the
// price last approved) waits as `pending` and is not public until an admin approves it, or is
// `rejected` with a reason its shop sees. Under `new_shops` a trusted shop (enough approved
// listings, no upheld report) skips the wait.
import { and, asc, count, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm'
import { enteredBy } from '../../../lib/admin-queues'
import { AppError } from '../../../lib/errors'
import { cursorPart, DEFAULT_LIMIT, decodeCursor, toPage } from '../../../lib/pagination'
import { actorOf, type Origin } from '../../../lib/request-origin'
import type { CurrentUser } from '../../accounts'
import { recordAudit } from '../../audit'
import { findVendorById } from '../../vendors'
import type { ListingApprovalMode, ListingReviewState } from '../live'
import type { CatalogModel } from '../model'
import { listingRules, products, reports } from '../table'
import { announceProductChange, type CatalogDeps, type Conn, type ProductRow, productColumns, rowIsPublic, toSummaries } from './shared'

export const LISTING_RULE_DEFAULTS = { approval: 'off' as ListingApprovalMode, trustedAfter: 5 }

export async function listingRulesOf(db: Conn): Promise<CatalogModel.ListingRules> {
  const [row] = await db.select({ approval: listingRules.approval, trustedAfter: listingRules.trustedAfter }).from(listingRules)
  return row ?? LISTING_RULE_DEFAULTS
}

/** An admin sets the rule; it applies to listings created or changed from now on. */
export async function setListingRules(deps: CatalogDeps, admin: CurrentUser, origin: Origin, body: CatalogModel.ListingRules): Promise<CatalogModel.ListingRules> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const before = await listingRulesOf(tx)
    await tx
      .insert(listingRules)
      .values({ id: 1, ...body, updatedAt: now, updatedBy: admin.id })
      .onConflictDoUpdate({ target: listingRules.id, set: { ...body, updatedAt: now, updatedBy: admin.id } })
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'settings.changed', subject: { type: 'setting', id: 'listing_rules' }, summary: { from: `${before.approval}/${before.trustedAfter}`, to: `${body.approval}/${body.trustedAfter}` }, at: now })
  })
  return listingRulesOf(deps.db)
}

/** Whether a new or materially changed listing of this shop waits for an admin. */
async function mustWait(db: Conn, vendorId: string): Promise<boolean> {
  const rules = await listingRulesOf(db)
  if (rules.approval !== 'new_shops') return rules.approval === 'all'
  const [[approved], [upheld]] = await Promise.all([
    db
      .select({ n: count() })
      .from(products)
      .where(and(eq(products.vendorId, vendorId), eq(products.reviewState, 'approved'), isNull(products.deletedAt))),
    db
      .select({ n: count() })
      .from(reports)
      .where(and(eq(reports.vendorId, vendorId), eq(reports.status, 'resolved'), ne(reports.resolution, 'dismiss'))),
  ])
  return (approved?.n ?? 0) < rules.trustedAfter || (upheld?.n ?? 0) > 0
}

/** The review columns of a listing being created (approved at once, or waiting). */
export async function reviewOnCreate(db: Conn, vendorId: string, priceMinor: number, now: Date) {
  return (await mustWait(db, vendorId))
    ? { reviewState: 'pending' as const, submittedAt: now, approvedPriceMinor: null }
    : { reviewState: 'approved' as const, submittedAt: null, approvedPriceMinor: priceMinor }
}

/** A price this far from the one last approved is a material change (a listing bait-and-switched after approval). */
const materialPrice = (price: number, approved: number) => price * 2 < approved || price * 2 > approved * 3

/**
 * The review columns after a change of `before` into `patch`: a material change sends it back to
 * review when the rule says so (a rejected listing is resubmitted this way); otherwise an approved
 * listing keeps its approval and the price it now has becomes the reference.
 */
export async function reviewOnChange(
  db: Conn,
  before: ProductRow,
  patch: { title?: string; description?: string; priceMinor?: number; photos?: true },
  now: Date,
): Promise<Partial<Pick<ProductRow, 'reviewState' | 'submittedAt' | 'reviewReason' | 'approvedPriceMinor'>>> {
  const reference = before.approvedPriceMinor ?? before.priceMinor
  const material =
    (patch.title !== undefined && patch.title !== before.title) ||
    (patch.description !== undefined && patch.description !== before.description) ||
    patch.photos === true ||
    (patch.priceMinor !== undefined && materialPrice(patch.priceMinor, reference))
  if (!material) return {}
  if (await mustWait(db, before.vendorId)) return before.reviewState === 'pending' ? {} : { reviewState: 'pending', submittedAt: now, reviewReason: null }
  return before.reviewState === 'approved' ? { approvedPriceMinor: patch.priceMinor ?? before.priceMinor } : {}
}

/** The admins' queue: listings waiting for review that their shops want public (active or sold), oldest first. */
export async function pendingListings(deps: CatalogDeps, query: typeof CatalogModel.pendingQuery.static): Promise<typeof CatalogModel.pendingListings.static> {
  const db = deps.db
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('prd')])
  const by = enteredBy(deps.clock.now(), query.minAgeHours)
  const rows = await db
    .select(productColumns)
    .from(products)
    .where(
      and(
        eq(products.reviewState, 'pending'),
        isNull(products.deletedAt),
        inArray(products.status, ['active', 'sold']),
        by === undefined ? undefined : lte(products.submittedAt, by),
        after === null ? undefined : or(gt(products.submittedAt, after[0]), and(eq(products.submittedAt, after[0]), gt(products.id, after[1]))),
      ),
    )
    .orderBy(asc(products.submittedAt), asc(products.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.submittedAt!.toISOString(), row.id])
  const cards = await toSummaries(db, page.items, deps.clock.now())
  return { items: page.items.map((row, i) => ({ product: cards[i]!, description: row.description })), nextCursor: page.nextCursor }
}

/**
 * An admin approves a waiting listing (it becomes public, at its current price as the reference)
 * or rejects it with a reason its shop sees. Only a `pending` listing is decided (409 otherwise).
 */
export async function decideListing(deps: CatalogDeps, admin: CurrentUser, origin: Origin, productId: string, decision: 'approve' | 'reject', reason: string | null): Promise<CatalogModel.ProductSummary> {
  const now = deps.clock.now()
  const { before, after, vendorApproved } = await deps.db.transaction(async (tx) => {
    const [before] = await tx.select(productColumns).from(products).where(and(eq(products.id, productId), isNull(products.deletedAt))).for('update')
    if (before === undefined) throw new AppError('not_found', 'No such listing')
    if (before.reviewState !== 'pending') throw new AppError('conflict', `This listing is ${before.reviewState}, not waiting for review`)
    const state: ListingReviewState = decision === 'approve' ? 'approved' : 'rejected'
    const [after] = await tx
      .update(products)
      .set({
        reviewState: state,
        reviewReason: reason,
        reviewedAt: now,
        reviewedBy: admin.id,
        ...(decision === 'approve' ? { approvedPriceMinor: before.priceMinor } : {}),
        version: sql`${products.version} + 1`,
        updatedAt: now,
      })
      .where(eq(products.id, productId))
      .returning(productColumns)
    const shop = await findVendorById(tx, before.vendorId)
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'listing.moderated', subject: { type: 'product', id: productId }, summary: { action: decision, vendorId: before.vendorId, ...(reason === null ? {} : { reason }) }, at: now })
    return { before, after: after!, vendorApproved: shop?.status === 'approved' }
  })
  await announceProductChange(deps.bus, before, after, rowIsPublic(before, vendorApproved), rowIsPublic(after, vendorApproved), now)
  return (await toSummaries(deps.db, [after], now))[0]!
}

/**
 * A photo added by the listing's shop is new content: the listing may go back to review (its order
 * or a deletion is not). Answers whether it went back (the caller tells the admins' queues after commit).
 */
export async function photoAdded(tx: Conn, user: CurrentUser, product: ProductRow, now: Date): Promise<boolean> {
  if (user.role === 'admin') return false
  const review = await reviewOnChange(tx, product, { photos: true }, now)
  if (review.reviewState !== 'pending') return false
  await tx.update(products).set({ ...review, version: sql`${products.version} + 1`, updatedAt: now }).where(eq(products.id, product.id))
  return product.reviewState !== 'pending'
}

/** Reports against a shop and its listings (the admins' user page): how many, and how many still open. */
export async function reportsAgainstShop(db: Conn, vendorId: string): Promise<{ total: number; open: number }> {
  const [row] = await db
    .select({ total: count(), open: count(sql`case when ${reports.status} = 'open' then 1 end`) })
    .from(reports)
    .where(eq(reports.vendorId, vendorId))
  return { total: row?.total ?? 0, open: row?.open ?? 0 }
}
