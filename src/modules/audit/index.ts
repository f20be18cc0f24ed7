// The audit log: an append-only record of sensitive steps (sign-ins, password and email changes,
// shop decisions, moderation, staff order steps, refunds, dispute decisions, withdrawals, settings),
// each written by its module inside the step's transaction with the real actor, the subject, a
// summary without secrets, the request id and the address. Admins search and export it; each user
// reads their own account's security events. No route changes an entry.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { strictQueryPlugin } from '../../lib/query'
import { authPlugin } from '../accounts'
import { JobSnapshot, jobsDepsOf, toSnapshot } from '../jobs'
import { AuditModel as M } from './model'
import { requestAuditExport } from './export'
import { searchAudit, securityEvents } from './service'

export { AUDIT_KINDS, type AuditKind, type AuditSubjectType, SECURITY_EVENT_KINDS } from './kinds'
export { AuditModel } from './model'
export { AUDIT_JOB_KINDS } from './export'
export { type AuditEntry, recordAudit, searchAudit } from './service'
export type { AuditSummary } from './table'

export function auditRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'log' | 'queue'>) {
  const { db } = ctx.database
  const jobs = jobsDepsOf(ctx)
  return new Elysia({ name: 'audit', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .get('/me/security-events', ({ user, query }) => securityEvents(db, user.id, query), {
      auth: true,
      query: M.securityEventsQuery,
      strictQuery: { schema: M.securityEventsQuery },
      response: { 200: M.securityEventPage, 400: ErrorResponse },
      detail: { tags: ['Me'], summary: 'My account’s security events, newest first: sign-ins and sign-outs, password, email and payout changes, Google sign-in linked, with address and time' },
    })
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/audit', ({ query }) => searchAudit(db, query), {
          query: M.searchQuery,
          strictQuery: { schema: M.searchQuery },
          response: { 200: M.entryPage, 400: ErrorResponse },
          detail: { summary: 'The audit log, newest first, by actor, subject, kind and time' },
        })
        .post('/admin/audit/export', async ({ user, body, status }) => status(202, toSnapshot(await requestAuditExport(jobs, user.id, body))), {
          body: M.exportBody,
          response: { 202: JobSnapshot, 400: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Export the entries the filters find as CSV in a job, newest first: 202 answers the job; follow it on job:<id>; its result links the download' },
        }),
    )
}
