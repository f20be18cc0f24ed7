// The audit log: an append-only record of sensitive steps (sign-ins, password and email changes,
// shop decisions, moderation, staff order steps, refunds, dispute decisions, withdrawals, settings),
// each written by its module inside the step's transaction with the real actor, the subject, a
// summary without secrets, the request id and the address. Admins search and export it; each user
// reads their own account's security events. No route changes an entry.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { privateDownload } from '../../lib/http'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { authPlugin } from '../accounts'
import { AuditModel as M } from './model'
import { auditCsv, searchAudit, securityEvents } from './service'

export { AUDIT_KINDS, type AuditKind, type AuditSubjectType, SECURITY_EVENT_KINDS } from './kinds'
export { AuditModel } from './model'
export { type AuditEntry, recordAudit, searchAudit } from './service'
export type { AuditSummary } from './table'

export function auditRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock'>) {
  const { db } = ctx.database
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
        .get('/admin/audit.csv', async ({ query }) => privateDownload(await auditCsv(db, query), { contentType: 'text/csv; charset=utf-8', fileName: 'souk-audit.csv' }), {
          query: M.exportQuery,
          strictQuery: { schema: M.exportQuery },
          response: { 400: ErrorResponse },
          detail: { summary: 'The audit log as CSV, with the same filters: at most 10,000 entries, then a last row `truncated` when more match', ...fileResponse('The entries', ['text/csv']) },
        }),
    )
}
