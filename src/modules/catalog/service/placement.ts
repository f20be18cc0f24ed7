// The product side of placement a shop buys or is granted (the plans module sells boosts and
// grants features; catalog owns the columns): a boost extended in the caller's transaction, the
// features running now, and the ends the schedule looks for. `featured` and `boosted` are computed
// from the dates wherever a product is shown, so an end takes effect on time by itself.
import { and, asc, count, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import type { CatalogModel } from '../model'
import { products } from '../table'
import { type Conn, DAY_MS, findProductBySlug, findProductsByIds, isActiveUntil, isListed, productColumns, toSummaries } from './shared'

/**
 * A shop boosts its own listed product for `days`, in the caller's transaction (which spends its
 * credits): the end moves from the later of now and the current end; a boost of a listing not
 * boosted now starts now (boostedSince), an extension keeps its start. Locks the product row, so
 * boosts of one product extend one after the other. 404 unless it is the shop's product; 409
 * unless it is listed (active, public, its shop approved).
 */
export async function extendBoost(tx: Tx, slug: string, vendorId: string, days: number, now: Date): Promise<{ productId: string; from: Date; until: Date }> {
  const row = await findProductBySlug(tx, slug, { forUpdate: true })
  if (row === null || row.vendorId !== vendorId) throw new AppError('not_found', 'No such product')
  const [listed] = await tx.select({ id: products.id }).from(products).where(and(eq(products.id, row.id), isListed(tx)))
  if (listed === undefined) throw new AppError('conflict', 'Only a listing on sale in the catalog can be boosted', { status: row.status })
  const running = isActiveUntil(row.boostedUntil, now)
  const from = running ? row.boostedUntil! : now
  const until = new Date(from.getTime() + days * DAY_MS)
  await tx
    .update(products)
    .set({ boostedUntil: until, ...(running ? {} : { boostedSince: now }), version: sql`${products.version} + 1`, updatedAt: now })
    .where(eq(products.id, row.id))
  return { productId: row.id, from, until }
}

/** How many products of each shop are featured now, `except` one (a grant extending it). */
export async function featuredCounts(db: Conn, vendorIds: string[], now: Date, except?: string): Promise<Map<string, number>> {
  if (vendorIds.length === 0) return new Map()
  const rows = await db
    .select({ vendorId: products.vendorId, n: count() })
    .from(products)
    .where(and(inArray(products.vendorId, [...new Set(vendorIds)]), gt(products.featuredUntil, now), isNull(products.deletedAt), except === undefined ? undefined : ne(products.id, except)))
    .groupBy(products.vendorId)
  return new Map(rows.map((row) => [row.vendorId, row.n]))
}

/** Every product featured now (deleted ones aside), the soonest end first, with its end. */
export async function featuredProducts(db: Db, now: Date): Promise<{ product: CatalogModel.ProductSummary; featuredUntil: Date }[]> {
  const rows = await db
    .select(productColumns)
    .from(products)
    .where(and(gt(products.featuredUntil, now), isNull(products.deletedAt)))
    .orderBy(asc(products.featuredUntil), asc(products.id))
  const summaries = await toSummaries(db, rows, now)
  return rows.map((row, i) => ({ product: summaries[i]!, featuredUntil: row.featuredUntil! }))
}

/** Cards of products by id (deleted ones included). */
export async function productSummariesOf(db: Conn, ids: string[], now: Date): Promise<Map<string, CatalogModel.ProductSummary>> {
  const rows = await findProductsByIds(db, ids)
  const summaries = await toSummaries(db, rows, now)
  return new Map(summaries.map((summary) => [summary.id, summary]))
}

/** Whether a feature or a boost ended in (from, to]: what the schedule drops cached pages for. */
export async function placementsEndedBetween(db: Db, from: Date, to: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: products.id })
    .from(products)
    .where(or(and(gt(products.boostedUntil, from), lte(products.boostedUntil, to)), and(gt(products.featuredUntil, from), lte(products.featuredUntil, to))))
    .limit(1)
  return row !== undefined
}
