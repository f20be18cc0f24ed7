// The rating a product shows: the reviews module moves it, in the transaction of the review that
// changes it, by adding to the count and the sum (one conditional statement: concurrent reviews
// never lose an update), and reads a product's rating with the product's visibility rules.
import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import type { Bus } from '../../../lib/bus'
import { invalidatePages } from '../../../lib/page-invalidation'
import { type Rating, ratingOf } from '../../../lib/rating'
import type { CurrentUser } from '../../accounts'
import { products } from '../table'
import { accessProduct } from './shared'

/** Adds `count` reviews summing `sum` to a product's rating (negative to take them away). */
export async function addProductRating(tx: Tx, productId: string, count: number, sum: number): Promise<void> {
  await tx
    .update(products)
    .set({ ratingCount: sql`${products.ratingCount} + ${count}`, ratingSum: sql`${products.ratingSum} + ${sum}` })
    .where(eq(products.id, productId))
}

/** A product's reviews are read where the product is: its public page, or its shop and admins for one that is not public (404 otherwise). */
export async function productOfReviews(db: Db, slug: string, viewer: CurrentUser | null): Promise<{ id: string; vendorId: string; title: string; rating: Rating }> {
  const { product } = await accessProduct(db, slug, viewer)
  return { id: product.id, vendorId: product.vendorId, title: product.title, rating: ratingOf(product.ratingCount, product.ratingSum) }
}

/** After a rating moved: cached pages showing the product (its page, cards on lists, the storefront) are rendered again. */
export const ratingChanged = (bus: Bus) => invalidatePages(bus)
