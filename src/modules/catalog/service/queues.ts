import { and, count, eq, inArray, isNull, min, sql } from 'drizzle-orm'
import type { QueueCount } from '../../../lib/admin-queues'
import { products, reports } from '../table'
import type { Conn } from './shared'

/**
 * The admins' queue of listings waiting for review, as `pendingListings` lists them (wanted public,
 * not deleted), oldest by when they were submitted; the partial index products_review_queue_idx
 * holds exactly the pending ones.
 */
export async function listingApprovalsQueue(db: Conn): Promise<QueueCount> {
  const [row] = await db
    .select({ waiting: count(), oldestAt: min(products.submittedAt) })
    .from(products)
    .where(and(eq(products.reviewState, 'pending'), isNull(products.deletedAt), inArray(products.status, ['active', 'sold'])))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}

/** The open reports of products and of shops (one table, one read on reports_queue_idx), each a queue of its own. */
export async function reportQueues(db: Conn): Promise<{ products: QueueCount; shops: QueueCount }> {
  const ofProducts = sql`${reports.productId} is not null`
  const ofShops = sql`${reports.productId} is null`
  const [row] = await db
    .select({
      products: sql<number>`count(*) filter (where ${ofProducts})`.mapWith(Number),
      productsSince: sql<Date | null>`min(${reports.createdAt}) filter (where ${ofProducts})`.mapWith(reports.createdAt),
      shops: sql<number>`count(*) filter (where ${ofShops})`.mapWith(Number),
      shopsSince: sql<Date | null>`min(${reports.createdAt}) filter (where ${ofShops})`.mapWith(reports.createdAt),
    })
    .from(reports)
    .where(eq(reports.status, 'open'))
  return {
    products: { waiting: row?.products ?? 0, oldestAt: row?.productsSince ?? null },
    shops: { waiting: row?.shops ?? 0, oldestAt: row?.shopsSince ?? null },
  }
}
