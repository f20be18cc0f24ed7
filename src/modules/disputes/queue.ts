import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { QueueCount } from '../../lib/admin-queues'
import { disputes } from './table'

/**
 * The admins' queue of disputes: the open ones, the oldest by when it was opened, and how many of
 * them wait on an admin now (the shop responded or the buyer asked for a decision: waitingOnOf's
 * rule). One read on disputes_queue_idx.
 */
export async function disputesQueue(db: Db | Tx): Promise<QueueCount & { waitingOnAdmin: number }> {
  const [row] = await db
    .select({
      waiting: sql<number>`count(*)`.mapWith(Number),
      oldestAt: sql<Date | null>`min(${disputes.createdAt})`.mapWith(disputes.createdAt),
      waitingOnAdmin: sql<number>`count(*) filter (where ${disputes.shopRespondedAt} is not null or ${disputes.decisionRequestedAt} is not null)`.mapWith(Number),
    })
    .from(disputes)
    .where(eq(disputes.status, 'open'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null, waitingOnAdmin: row?.waitingOnAdmin ?? 0 }
}
