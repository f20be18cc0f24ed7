// The catalog's part of the admin dashboard's figures (issue #20): new listings, visitors, categories.
import { and, count, countDistinct, gte, inArray, lt, lte } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { categories, products, productViews } from '../table'
import { dayOf } from './shared'

/**
 * Listings created in `[from, to)`, and visitors: distinct people (signed in, or a visitor's hashed
 * address) who opened a product page on the days `from` to `to` touches (views are kept per day).
 */
export async function catalogBetween(db: Db, from: Date, to: Date): Promise<{ newListings: number; visitors: number }> {
  const [[listed], [seen]] = await Promise.all([
    db.select({ n: count() }).from(products).where(and(gte(products.createdAt, from), lt(products.createdAt, to))),
    db
      .select({ n: countDistinct(productViews.viewer) })
      .from(productViews)
      .where(and(gte(productViews.day, dayOf(from)), lte(productViews.day, dayOf(new Date(to.getTime() - 1))))),
  ])
  return { newListings: listed?.n ?? 0, visitors: seen?.n ?? 0 }
}

/** The category id of each product named (a product without one is left out). */
export async function categoriesOfProducts(db: Db, productIds: string[]): Promise<Map<string, string>> {
  if (productIds.length === 0) return new Map()
  const rows = await db
    .select({ productId: products.id, categoryId: products.categoryId })
    .from(products)
    .where(inArray(products.id, [...new Set(productIds)]))
  return new Map(rows.flatMap((r) => (r.categoryId === null ? [] : [[r.productId, r.categoryId] as const])))
}

/** The names of the categories named. */
export async function categoryNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ id: categories.id, name: categories.name }).from(categories).where(inArray(categories.id, [...new Set(ids)]))
  return new Map(rows.map((r) => [r.id, r.name]))
}
