import { and, count, gte, inArray, lt } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { purgeEndedSessions, purgeExpiredCodes } from '../../accounts'
import { pruneEvents } from '../../../events/log'
import { purgeOldDigests, purgeReadNotifications } from '../../notifications'
import { jobFiles, jobs } from '../table'
import { trackedJob } from './runner'
import { DAY } from './shared'

/** Finished jobs are kept this long (their downloads expire far sooner). */
export const JOB_RETENTION_MS = 30 * DAY
/** Read notifications are kept this long; unread ones stay. */
export const READ_NOTIFICATION_RETENTION_MS = 30 * DAY
/** Records of digests sent are kept this long: a run only looks at the last week's. */
export const DIGEST_RETENTION_MS = 30 * DAY

/** Deletes expired downloads and jobs finished more than JOB_RETENTION_MS ago; answers how many rows went. */
export async function purgeJobs(db: Db, now: Date): Promise<number> {
  const files = await db.delete(jobFiles).where(lt(jobFiles.expiresAt, now)).returning({ id: jobFiles.jobId })
  const old = await db
    .delete(jobs)
    .where(lt(jobs.finishedAt, new Date(now.getTime() - JOB_RETENTION_MS)))
    .returning({ id: jobs.id })
  return files.length + old.length
}

/**
 * `maintenance.purge` (daily, on MAINTENANCE_CRON): each module deletes what has outlived its
 * use, through its own service. One step per module, with what it deleted in the result.
 */
export const maintenancePurge = trackedJob<Record<string, never>>(
  'maintenance.purge',
  async (deps, _input, progress) => {
    const now = deps.clock.now()
    const tasks: { step: string; name: string; run: () => Promise<number | void> }[] = [
      { step: 'Expired email codes and reset tokens', name: 'codes', run: () => purgeExpiredCodes(deps.db, now) },
      { step: 'Ended sessions', name: 'sessions', run: () => purgeEndedSessions(deps.db, now) },
      { step: 'Old read notifications', name: 'notifications', run: () => purgeReadNotifications(deps.db, new Date(now.getTime() - READ_NOTIFICATION_RETENTION_MS)) },
      { step: 'Old digest records', name: 'digests', run: () => purgeOldDigests(deps.db, new Date(now.getTime() - DIGEST_RETENTION_MS)) },
      { step: 'Events past retention', name: 'events', run: () => pruneEvents(deps.db, now) },
      { step: 'Expired downloads and old jobs', name: 'jobs', run: () => purgeJobs(deps.db, now) },
    ]
    const counts: Record<string, number> = {}
    for (const [i, task] of tasks.entries()) {
      await progress.step(task.step)
      const deleted = await task.run()
      if (typeof deleted === 'number') {
        counts[task.name] = deleted
        await progress.log(`${task.name}: ${deleted} deleted`)
      }
      await progress.percent(((i + 1) / tasks.length) * 100)
    }
    return { result: { counts } }
  },
  { concurrency: 1, retryLimit: 2, retryDelaySeconds: 60 },
)

/** Jobs that finished (either way) in `[from, to)`, per kind: a figure of the admin dashboard. */
export async function jobRunsBetween(db: Db, from: Date, to: Date): Promise<{ kind: string; n: number }[]> {
  return db
    .select({ kind: jobs.kind, n: count() })
    .from(jobs)
    .where(and(gte(jobs.finishedAt, from), lt(jobs.finishedAt, to), inArray(jobs.status, ['succeeded', 'failed'])))
    .groupBy(jobs.kind)
}
