import type { Db } from '../../../db/client'
import type { Queue } from '../../../jobs/queue'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { Bus } from '../../../lib/bus'
import type { JobDetail, JobSnapshot } from '../snapshot'
import type { jobs } from '../table'

/** What the jobs services need, handed in by the plugin (or a test). */
export interface JobsDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** Null where no queue runs (unit tests): starting a job is then refused. */
  queue: Queue | null
}

export type JobRow = typeof jobs.$inferSelect

export const DAY = 24 * 60 * 60_000

/** Log lines a job keeps (the latest); older ones are dropped as new ones come. */
export const LOG_LIMIT = 200
/** Characters one log line keeps. */
export const LOG_LINE_MAX = 500

export const jobTopic = (jobId: string) => `job:${jobId}` as const
export const userTopic = (userId: string) => `user:${userId}` as const

export function toSnapshot(row: JobRow): JobSnapshot {
  return {
    id: row.id,
    kind: row.kind,
    ownerId: row.ownerId,
    status: row.status,
    progress: row.progress,
    step: row.step,
    steps: row.steps,
    attempts: row.attempts,
    result: row.result ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  }
}

export const toDetail = (row: JobRow): JobDetail => ({ ...toSnapshot(row), log: row.log })
