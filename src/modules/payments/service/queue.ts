import { count, eq, min } from 'drizzle-orm'
import type { QueueCount } from '../../../lib/admin-queues'
import { withdrawals } from '../table'
import type { Conn } from './shared'

/** The admins' queue of withdrawals to pay or reject: requested ones, oldest first (withdrawals_status_idx). */
export async function withdrawalsQueue(db: Conn): Promise<QueueCount> {
  const [row] = await db.select({ waiting: count(), oldestAt: min(withdrawals.createdAt) }).from(withdrawals).where(eq(withdrawals.status, 'requested'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}
