import { t, type TSchema } from 'elysia'
import { bulkIds } from '../../lib/admin-queues'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { EXPORT_SECTIONS } from './service/exports'
import { JobDetail, JobSnapshot, jobStatus } from './snapshot'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const kindName = t.String({ pattern: '^[a-z][a-z0-9_.-]*$', maxLength: 64, description: 'a job kind, e.g. exports.csv' })

export namespace JobsModel {
  export const snapshot = JobSnapshot
  export const detail = JobDetail
  export const page = pageOf(JobSnapshot)
  export const params = t.Object({ id: idSchema('job') })
  export const jobsBody = t.Object({ ids: bulkIds(idSchema('job')) })

  export const listQuery = t.Object({ ...pageQuery, status: t.Optional(jobStatus) })
  export const adminListQuery = t.Object({
    ...pageQuery,
    status: t.Optional(jobStatus),
    kind: t.Optional(kindName),
    owner: t.Optional(idSchema('usr', { description: 'only this user’s jobs' })),
  })

  export const exportBody = t.Object({
    sections: t.Array(t.UnionEnum(EXPORT_SECTIONS), {
      minItems: 1,
      maxItems: EXPORT_SECTIONS.length,
      uniqueItems: true,
      description: 'what to export: sessions (sign-ins and devices), notifications',
    }),
  })
  export type ExportBody = typeof exportBody.static

  export const queueDepth = t.Object({
    kind: t.String(),
    ready: t.Integer({ description: 'waiting to run now' }),
    deferred: t.Integer({ description: 'waiting for a later start (e.g. a retry backing off)' }),
    active: t.Integer(),
    failed: t.Integer({ description: 'failed for good, still retained by the queue' }),
    dead: t.Integer({ description: 'in the dead-letter queue' }),
  })
  export const deadLetter = t.Object({
    id: t.String({ format: 'uuid', description: 'its id in the dead-letter queue' }),
    kind: t.String(),
    error: nullable(t.String()),
    attempts: t.Integer({ minimum: 1 }),
    failedAt: t.Date(),
  })
  export const queues = t.Object({
    queues: t.Array(queueDepth, { description: 'per kind; counts lag by up to the supervisor interval (10 s)' }),
    deadLetters: t.Array(deadLetter, { description: 'the newest 100, of kinds without job records (e.g. email.send); failed jobs with records are listed with status=failed' }),
  })
  export const deadLetterParams = t.Object({ kind: kindName, id: t.String({ format: 'uuid' }) })
}
