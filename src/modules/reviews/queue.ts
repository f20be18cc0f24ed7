import { countDistinct, eq, min } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { QueueCount } from '../../lib/admin-queues'
import { reviewReports } from './table'

/**
 * The admins' queue of reported reviews: reviews with open reports (as listReportedReviews groups
 * them), the oldest by its open report's time. One read on review_reports_queue_idx.
 */
export async function reviewReportsQueue(db: Db | Tx): Promise<QueueCount> {
  const [row] = await db
    .select({ waiting: countDistinct(reviewReports.reviewId), oldestAt: min(reviewReports.createdAt) })
    .from(reviewReports)
    .where(eq(reviewReports.status, 'open'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}
