// A job as clients see it, over REST and on the socket (`job.progress` on `job:<id>`,
// `job.finished` on `user:<id>`). The web client bundles this file (through
// its events.ts and src/realtime/protocol.ts), so it holds schemas only: `t` from
// 'elysia/type-system' and no server-only import.
import { t } from 'elysia/type-system'

// A union of literals rather than t.UnionEnum: Elysia fills an optional UnionEnum query parameter
// with its first value, which would turn "no status filter" into status=queued.
export const jobStatus = t.Union([t.Literal('queued'), t.Literal('running'), t.Literal('succeeded'), t.Literal('failed'), t.Literal('cancelled')])
export type JobStatus = typeof jobStatus.static
export const JOB_STATUSES = jobStatus.anyOf.map((literal) => literal.const) as [JobStatus, ...JobStatus[]]
/** Statuses a job can still leave: it may be cancelled, and it is what a singleton kind counts as "already running". */
export const ACTIVE_STATUSES = ['queued', 'running'] as const satisfies JobStatus[]

const date = t.String({ format: 'date-time' })
const nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()])

export const JobLogLine = t.Object({ at: date, line: t.String() })
export type JobLogLine = typeof JobLogLine.static

export const JobDownload = t.Object({
  url: t.String({ description: 'GET it with the owner’s access token' }),
  fileName: t.String(),
  contentType: t.String(),
  bytes: t.Integer({ minimum: 0 }),
  rows: t.Integer({ minimum: 0 }),
  expiresAt: date,
})
export type JobDownload = typeof JobDownload.static

/** One line of an imported file the job refused, and why (`column` null when the whole line is at fault). */
export const JobProblem = t.Object({
  line: t.Integer({ minimum: 1 }),
  column: nullable(t.String()),
  message: t.String(),
})
export type JobProblem = typeof JobProblem.static

export const JobResult = t.Object({
  download: t.Optional(JobDownload),
  counts: t.Optional(t.Record(t.String(), t.Integer({ minimum: 0 }), { description: 'what the job did, by name (e.g. rows purged per table)' })),
  problems: t.Optional(
    t.Object(
      {
        total: t.Integer({ minimum: 0 }),
        items: t.Array(JobProblem, { description: 'the first ones, in line order' }),
      },
      { description: 'what an import could not take, line by line' },
    ),
  ),
})
export type JobResult = typeof JobResult.static

export const JobSnapshot = t.Object({
  id: t.String({ description: 'job_ id' }),
  kind: t.String({ description: 'e.g. exports.csv, maintenance.purge' }),
  ownerId: nullable(t.String({ description: 'null for system jobs (scheduled maintenance)' })),
  status: jobStatus,
  progress: t.Integer({ minimum: 0, maximum: 100 }),
  step: nullable(t.String({ description: 'the step running now' })),
  steps: t.Array(t.String(), { description: 'the steps of the current attempt so far, in order' }),
  attempts: t.Integer({ minimum: 0, description: 'tries started, across retries' }),
  result: nullable(JobResult),
  error: nullable(t.String({ description: 'why the last try failed' })),
  createdAt: date,
  startedAt: nullable(date),
  finishedAt: nullable(date),
  updatedAt: date,
})
export type JobSnapshot = typeof JobSnapshot.static

/** A job with its log, as `GET /jobs/:id` answers it. */
export const JobDetail = t.Composite([JobSnapshot, t.Object({ log: t.Array(JobLogLine, { description: 'the latest lines, oldest first' }) })])
export type JobDetail = typeof JobDetail.static

/** Data of `job.progress`: the job after the change, and the log lines the change added. */
export const JobProgressData = t.Object({ job: JobSnapshot, log: t.Array(JobLogLine) })
export type JobProgressData = typeof JobProgressData.static
