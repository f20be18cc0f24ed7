import { count, eq, min } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import type { Queue } from '../../../jobs/queue'
import type { QueueCount } from '../../../lib/admin-queues'
import { jobs } from '../table'

/**
 * The admins' queue of failed jobs: job records that failed (and were not retried since), the
 * oldest by when it failed. The partial index jobs_failed_idx holds only those.
 */
export async function failedJobsQueue(db: Db): Promise<QueueCount> {
  const [row] = await db.select({ waiting: count(), oldestAt: min(jobs.finishedAt) }).from(jobs).where(eq(jobs.status, 'failed'))
  return { waiting: row?.waiting ?? 0, oldestAt: row?.oldestAt ?? null }
}

/**
 * Dead letters of the kinds without job records (e.g. email.send), from pg-boss's own queue counts
 * (as of its last monitor pass, so they may lag by its interval); their age is not counted (that
 * would read every dead letter). Null where this process runs no queue.
 */
export async function deadLettersQueue(queue: Queue | null): Promise<{ waiting: number } | null> {
  if (queue === null) return null
  const depths = await queue.depth()
  return { waiting: depths.reduce((sum, kind) => sum + kind.dead, 0) }
}
