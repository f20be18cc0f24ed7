import { count, eq, min } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { QueueCount } from '../../lib/admin-queues'
import { vendors } from './table'

/** The admins' queue of shop applications: pending ones, oldest by when they were made (as the screen orders them; vendors_status_idx). */
export async function shopApplicationsQueue(db: Db | Tx): Promise<QueueCount> {
  const [row] = await db.select({ waiting: count(), oldestAt: min(vendors.createdAt) }).from(vendors).where(eq(vendors.status, 'pending'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}
