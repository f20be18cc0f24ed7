import { and, desc, eq, lt } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import type { JobDetail, JobSnapshot, JobStatus } from '../snapshot'
import { jobs } from '../table'
import { changeJob } from './changes'
import type { JobKinds } from './kinds'
import type { TrackedData } from './runner'
import { type JobRow, type JobsDeps, toDetail, toSnapshot } from './shared'

/** Who asks: an owner sees their jobs, an admin sees every job. */
export interface JobViewer {
  id: string
  role: string
}

const mayRead = (viewer: JobViewer, row: Pick<JobRow, 'ownerId'>) => viewer.role === 'admin' || row.ownerId === viewer.id

/**
 * Whether `user` may read job `jobId` (REST and the `job:<id>` topic): its owner or an admin.
 * A job that does not exist is unreadable.
 */
export async function canReadJob(db: Db, user: JobViewer, jobId: string): Promise<boolean> {
  const [row] = await db.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId))
  return row !== undefined && mayRead(user, row)
}

/** The job if `viewer` may read it; someone else's is "not found", never "forbidden" (ids are not probed). */
async function findReadable(db: Db, viewer: JobViewer, jobId: string): Promise<JobRow> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, jobId))
  if (row === undefined || !mayRead(viewer, row)) throw new AppError('not_found', 'No such job')
  return row
}

export async function getJob(db: Db, viewer: JobViewer, jobId: string): Promise<JobDetail> {
  return toDetail(await findReadable(db, viewer, jobId))
}

export interface JobFilter {
  status?: JobStatus
  kind?: string
  ownerId?: string
  cursor?: string
  limit?: number
}

/** Jobs matching `filter`, newest first, in cursor pages (ids are time-ordered, so the cursor is the last id). */
export async function listJobs(db: Db, filter: JobFilter): Promise<Page<JobSnapshot>> {
  const limit = filter.limit ?? DEFAULT_LIMIT
  const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor, [cursorPart.id('job')])[0]
  const rows = await db
    .select()
    .from(jobs)
    .where(
      and(
        filter.ownerId === undefined ? undefined : eq(jobs.ownerId, filter.ownerId),
        filter.status === undefined ? undefined : eq(jobs.status, filter.status),
        filter.kind === undefined ? undefined : eq(jobs.kind, filter.kind),
        after === null ? undefined : lt(jobs.id, after),
      ),
    )
    .orderBy(desc(jobs.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.id], toSnapshot)
}

/**
 * Cancels a queued or running job: it is marked cancelled at once, its pg-boss job is cancelled
 * in the same transaction (a queued one never starts), and a running handler stops at its next
 * progress call or check.
 */
export async function cancelJob(deps: JobsDeps, viewer: JobViewer, jobId: string): Promise<JobSnapshot> {
  await findReadable(deps.db, viewer, jobId)
  const changed = await changeJob(deps, jobId, (row) =>
    row.status === 'queued' || row.status === 'running'
      ? {
          set: { status: 'cancelled', finishedAt: deps.clock.now() },
          lines: ['Cancelled'],
          save: async (tx) => deps.queue?.cancel(row.kind, row.bossId, { tx }),
        }
      : null,
  )
  if (changed === null) throw new AppError('conflict', 'Only a queued or running job can be cancelled')
  return toSnapshot(changed)
}

/**
 * Retries a failed job: a new round of tries on the same record (same id and topic), through a
 * new pg-boss job enqueued in the same transaction. 409 when the job did not fail, or when its
 * kind is singleton and another job holds the key.
 */
export async function retryJob(deps: JobsDeps, kinds: JobKinds, viewer: JobViewer, jobId: string): Promise<JobSnapshot> {
  const found = await findReadable(deps.db, viewer, jobId)
  const kind = kinds.named(found.kind)
  const queue = deps.queue
  if (kind === null || queue === null) throw new AppError('not_ready', 'This kind of job cannot run on this server')
  const bossId = Bun.randomUUIDv7()
  const changed = await changeJob(deps, jobId, (row) =>
    row.status === 'failed'
      ? {
          set: { status: 'queued', bossId, progress: 0, step: null, steps: [], error: null, result: null, finishedAt: null },
          lines: [viewer.role === 'admin' && viewer.id !== row.ownerId ? 'Retried by an admin' : 'Retried'],
          save: async (tx) => {
            const sent = await queue.enqueue(kind, { jobId } satisfies TrackedData, {
              tx,
              id: bossId,
              ...(row.singletonKey === null ? {} : { singletonKey: row.singletonKey }),
            })
            if (sent === null) throw new AppError('conflict', 'Another job of this kind is already queued or running')
          },
        }
      : null,
  )
  if (changed === null) throw new AppError('conflict', 'Only a failed job can be retried')
  return toSnapshot(changed)
}
