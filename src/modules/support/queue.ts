import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { QueueCount } from '../../lib/admin-queues'
import { tickets } from './table'

/**
 * The admins' queue of tickets: those waiting on staff (`open`), the oldest by when it was opened,
 * and how many of them nobody is assigned to. One read on tickets_queue_idx.
 */
export async function supportTicketsQueue(db: Db | Tx): Promise<QueueCount & { unassigned: number }> {
  const [row] = await db
    .select({
      waiting: sql<number>`count(*)`.mapWith(Number),
      oldestAt: sql<Date | null>`min(${tickets.createdAt})`.mapWith(tickets.createdAt),
      unassigned: sql<number>`count(*) filter (where ${tickets.assigneeId} is null)`.mapWith(Number),
    })
    .from(tickets)
    .where(eq(tickets.status, 'open'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null, unassigned: row?.unassigned ?? 0 }
}
