import { Elysia, t } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import type { Queue } from '../../jobs/queue'
import { BulkOutcome, eachItem } from '../../lib/admin-queues'
import { AppError, ErrorResponse } from '../../lib/errors'
import { privateDownload } from '../../lib/http'
import { fileResponse } from '../../lib/openapi'
import { authPlugin } from '../accounts'
import { JobsModel as M } from './model'
import { readDownload, requestExport } from './service/exports'
import { type AnyTrackedJob, createJobKinds, SCHEDULED_JOBS } from './service/kinds'
import { cancelJob, canReadJob, getJob, type JobViewer, listJobs, retryJob } from './service/records'
import { bindTrackedJob } from './service/runner'
import { type JobsDeps, toSnapshot } from './service/shared'

export { JobsModel } from './model'
export { csvDownload, type ExportPage, type JsonTimes, listExport, startListExport, timesFromJson, timesToJson } from './service/exports'
export { jobRunsBetween } from './service/maintenance'
export { deadLettersQueue, failedJobsQueue } from './service/queue'
export type { AnyTrackedJob } from './service/kinds'
export { readJobInputFile, startJob, trackedJob, type TrackedJobKind, type TrackedJobKinds } from './service/runner'
export { type JobRow, type JobsDeps, toSnapshot } from './service/shared'
export { type JobProblem, JobSnapshot } from './snapshot'

/** The access rule of the jobs' topic family: `job:<id>` is followed by the job's owner and admins. */
export const jobTopicRules = (db: Db) => ({ job: (viewer: JobViewer, id: string) => canReadJob(db, viewer, id) })

/** The most dead letters the admin view lists. */
const DEAD_LETTER_LIMIT = 100

/** What a job's handler and `startJob` need, from what one process shares (other modules' export routes too). */
export const jobsDepsOf = (ctx: Pick<Infrastructure, 'database' | 'bus' | 'clock' | 'log' | 'queue'>): JobsDeps => ({
  db: ctx.database.db,
  bus: ctx.bus,
  clock: ctx.clock,
  log: ctx.log,
  queue: ctx.queue,
})

/**
 * Registers every kind of user-visible job with the queue (workers too, unless the queue is
 * web-only) and their cron schedules: this module's and the `registered` kinds other modules
 * export (the composition root gathers them), those of `scheduled` on MAINTENANCE_CRON too. Called once at start, after the queue started.
 */
export async function startJobs(
  ctx: Pick<Infrastructure, 'database' | 'bus' | 'clock' | 'log' | 'config'> & { queue: Queue },
  registered: readonly AnyTrackedJob[],
  scheduled: readonly AnyTrackedJob[],
): Promise<void> {
  const deps = jobsDepsOf(ctx)
  for (const kind of createJobKinds(registered).all) await ctx.queue.register(bindTrackedJob(deps, kind))
  for (const kind of [...SCHEDULED_JOBS, ...scheduled]) await ctx.queue.schedule(kind, ctx.config.maintenanceCron, {})
}

/**
 * Jobs as people see them: my jobs with their steps and log, cancel, retry, data exports and their
 * downloads; and for admins, every job, queue depths and dead letters.
 */
export function jobsRoutes(ctx: Pick<Infrastructure, 'database' | 'bus' | 'clock' | 'log' | 'queue' | 'config'>, registered: readonly AnyTrackedJob[]) {
  const deps = jobsDepsOf(ctx)
  const kinds = createJobKinds(registered)
  const requireQueue = () => {
    if (deps.queue === null) throw new AppError('not_ready', 'Background jobs are not running on this server')
    return deps.queue
  }
  return new Elysia({ name: 'jobs', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .guard({ auth: true, detail: { tags: ['Jobs'] } }, (app) =>
      app
        .get('/jobs', ({ user, query }) => listJobs(deps.db, { ...query, ownerId: user.id }), {
          query: M.listQuery,
          response: { 200: M.page, 400: ErrorResponse },
          detail: { summary: 'My jobs, newest first (filter by status)' },
        })
        .get('/jobs/:id', ({ user, params }) => getJob(deps.db, user, params.id), {
          params: M.params,
          response: { 200: M.detail, 404: ErrorResponse },
          detail: { summary: 'A job with its steps and log (its owner or an admin); live updates on the job:<id> topic' },
        })
        .post('/jobs/:id/cancel', ({ user, params }) => cancelJob(deps, user, params.id), {
          params: M.params,
          response: { 200: M.snapshot, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Cancel a queued or running job (a running one stops at its next step)' },
        })
        .post('/jobs/:id/retry', ({ user, params }) => retryJob(deps, kinds, user, params.id), {
          params: M.params,
          response: { 200: M.snapshot, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Retry a failed job: a new try on the same job' },
        })
        .post(
          '/exports',
          async ({ user, body, status }) => {
            const { job, created } = await requestExport(deps, user.id, body)
            return created ? status(202, toSnapshot(job)) : status(200, toSnapshot(job))
          },
          {
            body: M.exportBody,
            response: { 200: M.snapshot, 202: M.snapshot, 400: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
            detail: {
              summary: 'Export my data as CSV (202: a new export job; 200: the one already queued or running)',
              description: 'Follow the job on job:<id> or GET /jobs/:id; once it succeeded, its result.download.url serves the file for 24 hours.',
            },
          },
        )
        .get(
          '/jobs/:id/download',
          async ({ user, params }) => {
            const file = await readDownload(deps, user.id, params.id)
            return privateDownload(file.content, file)
          },
          {
            params: M.params,
            response: { 404: ErrorResponse },
            detail: { summary: 'The file a finished export left (its owner only, for 24 hours)', ...fileResponse('The exported file', ['text/csv']) },
          },
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (app) =>
      app
        .get('/admin/jobs', ({ query }) => listJobs(deps.db, { ...query, ...(query.owner === undefined ? {} : { ownerId: query.owner }) }), {
          query: M.adminListQuery,
          response: { 200: M.page, 400: ErrorResponse },
          detail: { summary: 'Every job, newest first (filter by status, kind, owner); status=failed lists failures with their errors' },
        })
        .get(
          '/admin/jobs/queues',
          async () => {
            const queue = requireQueue()
            return { queues: await queue.depth(), deadLetters: await queue.deadLetters(DEAD_LETTER_LIMIT) }
          },
          {
            response: { 200: M.queues, 503: ErrorResponse },
            detail: { summary: 'Queue depth per kind, and dead letters with their errors' },
          },
        )
        .post('/admin/jobs/retry', ({ user, body }) => eachItem(body.ids, (id) => retryJob(deps, kinds, user, id)), {
          body: M.jobsBody,
          response: { 200: BulkOutcome, 400: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Retry several failed jobs at once (each as its own retry would; those not failed are listed as failed)' },
        })
        .post('/admin/jobs/:id/retry', ({ user, params }) => retryJob(deps, kinds, user, params.id), {
          params: M.params,
          response: { 200: M.snapshot, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Retry any failed job' },
        })
        .post(
          '/admin/jobs/dead-letters/:kind/:id/retry',
          async ({ params, status }) => {
            if (!(await requireQueue().redrive(params.kind, params.id))) throw new AppError('not_found', 'No such dead letter')
            return status(204, undefined)
          },
          {
            params: M.deadLetterParams,
            response: { 204: t.Undefined(), 404: ErrorResponse, 503: ErrorResponse },
            detail: { summary: 'Send a dead letter back to its queue for a new round of tries' },
          },
        ),
    )
}
