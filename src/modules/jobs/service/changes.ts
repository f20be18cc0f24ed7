import { eq } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import type { JobEvent } from '../events'
import { appendEvent, withEvents } from '../../../events/log'
import { announceQueuesChanged } from '../../../lib/admin-queues'
import type { JobLogLine } from '../snapshot'
import { jobs } from '../table'
import { type JobRow, type JobsDeps, jobTopic, LOG_LIMIT, LOG_LINE_MAX, toSnapshot, userTopic } from './shared'

/** How one change edits a job: the columns it sets, the log lines it adds, work to commit with it. */
export interface JobEdit {
  set: Partial<Omit<JobRow, 'id' | 'log' | 'updatedAt'>>
  lines?: string[]
  /** Runs in the same transaction (e.g. storing the file a job produced, with its success). */
  save?: (tx: Tx) => Promise<void>
}

const FINISHED = new Set<JobRow['status']>(['succeeded', 'failed', 'cancelled'])

/**
 * The one way a job row changes after it is created: under the row's lock, `edit` sees the row as
 * it is and answers the change, or null when the change no longer applies (the job was cancelled,
 * finished, or moved on to another try), in which case nothing is written and null is answered.
 * Every change appends `job.progress` on `job:<id>`, and reaching a final status also appends
 * `job.finished` on the owner's `user:<id>` (for a toast anywhere in the app); both are published
 * after commit. A job failing, or a failed one retried, is announced to the admins' queues.
 */
export async function changeJob(deps: Pick<JobsDeps, 'db' | 'bus' | 'clock'>, jobId: string, edit: (row: JobRow) => JobEdit | null): Promise<JobRow | null> {
  let failedMoved = false
  const changed = await withEvents(deps, async (tx) => {
    const [row] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for('update')
    const change = row === undefined ? null : edit(row)
    if (row === undefined || change === null) return { result: null, events: [] }
    const now = deps.clock.now()
    const lines: JobLogLine[] = (change.lines ?? []).map((line) => ({ at: now.toISOString(), line: line.slice(0, LOG_LINE_MAX) }))
    const [updated] = await tx
      .update(jobs)
      .set({ ...change.set, log: [...row.log, ...lines].slice(-LOG_LIMIT), updatedAt: now })
      .where(eq(jobs.id, jobId))
      .returning()
    await change.save?.(tx)
    failedMoved = (row.status === 'failed') !== (updated!.status === 'failed')
    const job = toSnapshot(updated!)
    const events: JobEvent[] = [await appendEvent(tx, now, { topic: jobTopic(jobId), kind: 'job.progress', data: { job, log: lines } })]
    if (updated!.ownerId !== null && FINISHED.has(updated!.status) && !FINISHED.has(row.status)) {
      events.push(await appendEvent(tx, now, { topic: userTopic(updated!.ownerId), kind: 'job.finished', data: job }))
    }
    return { result: updated!, events }
  })
  if (failedMoved) await announceQueuesChanged(deps.bus, deps.clock.now())
  return changed
}
