// User management for admins (issue #20): search, a user's page with what every module knows of
// them, and the actions on an account — role, suspension (at once on every instance and socket),
// lifting it, forced sign-out, a new verification code — each audited with the admin as actor.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { strictQueryPlugin } from '../../lib/query'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import type { Mailer } from '../mail'
import { AdminUsersModel as M } from './model'
import { JobSnapshot, jobsDepsOf, toSnapshot } from '../jobs'
import { requestUsersExport } from './export'
import { type AdminUsersDeps, changeRole, getUserDetail, listUsers, resendUserVerification, signOutUser, suspendUser, unsuspendUser } from './service'

export { AdminUsersModel } from './model'
export { ADMIN_USERS_JOB_KINDS } from './export'

export function adminUsersRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'limiter' | 'log' | 'queue'> & { mailer: Pick<Mailer, 'dispatch'> }) {
  const deps: AdminUsersDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, config: ctx.config, limiter: ctx.limiter, mailer: ctx.mailer }
  const jobs = jobsDepsOf(ctx)
  return new Elysia({ name: 'admin-users', prefix: '/api/v1/admin/users' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(originPlugin(ctx.config))
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('', ({ query }) => listUsers(deps, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.userPage, 400: ErrorResponse },
          detail: { summary: 'Users, newest first: search by id, name or email; filter by role and standing (active, suspended)' },
        })
        .post('/export', async ({ user, body, status }) => status(202, toSnapshot(await requestUsersExport(jobs, user.id, body))), {
          body: M.exportBody,
          response: { 202: JobSnapshot, 400: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Export the users the filters find as CSV in a job: 202 answers the job; follow it on job:<id>; its result links the download' },
        })
        .get('/:id', ({ params }) => getUserDetail(deps, params.id), {
          params: M.idParams,
          response: { 200: M.detail, 404: ErrorResponse },
          detail: { summary: 'A user: role, standing, open sessions, orders, shop, reports against them, wallet and latest audit entries' },
        })
        .post('/:id/role', ({ user, params, body, origin }) => changeRole(deps, user, origin, params.id, body.role), {
          params: M.idParams,
          body: M.roleBody,
          response: { 200: M.detail, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Change a user’s role (409 own_account or last_admin when it would demote oneself or the last admin)' },
        })
        .post('/:id/suspend', ({ user, params, body, origin }) => suspendUser(deps, user, origin, params.id, body), {
          params: M.idParams,
          body: M.suspendBody,
          response: { 200: M.detail, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Suspend a user with a reason, until a future time or until lifted: their sessions and sockets end at once and sign-in is refused' },
        })
        .post('/:id/unsuspend', ({ user, params, origin }) => unsuspendUser(deps, user, origin, params.id), {
          params: M.idParams,
          response: { 200: M.detail, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Lift a user’s suspension' },
        })
        .post('/:id/sign-out', ({ user, params, origin }) => signOutUser(deps, user, origin, params.id), {
          params: M.idParams,
          response: { 200: M.ended, 404: ErrorResponse },
          detail: { summary: 'End every session of a user (their sockets close on every instance)' },
        })
        .post('/:id/verification', ({ user, params, origin }) => resendUserVerification(deps, user, origin, params.id), {
          params: M.idParams,
          response: { 200: M.sent, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Send an unverified user a new sign-up code (409 when already verified)' },
        }),
    )
}
