import { count, eq, min } from 'drizzle-orm'
import type { QueueCount } from '../../../lib/admin-queues'
import { messageReports } from '../table'
import type { Conn } from './shared'

/** The admins' queue of reported messages: open reports, oldest first (message_reports_queue_idx). */
export async function messageReportsQueue(db: Conn): Promise<QueueCount> {
  const [row] = await db.select({ waiting: count(), oldestAt: min(messageReports.createdAt) }).from(messageReports).where(eq(messageReports.status, 'open'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}
