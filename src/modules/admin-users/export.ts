// The users list as a CSV, made in a tracked job (progress on job:<id>, a download when done), with
// the list's own filters (issue #20, exports).
import { type AnyTrackedJob, type JobsDeps, listExport, startListExport } from '../jobs'
import type { AdminUsersModel as M } from './model'
import { listUsers } from './service'

declare module '../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'exports.users': true
  }
}

export type UsersExportInput = Omit<M.ListQuery, 'cursor' | 'limit'>

/** `exports.users`: the users the filters find, newest first, one row each. */
export const exportUsers = listExport<UsersExportInput>('exports.users', {
  fileName: 'users',
  noun: 'users',
  header: ['id', 'email', 'display_name', 'role', 'email_verified', 'signed_up_at', 'standing', 'suspended_until', 'suspension_reason'],
  page: async (deps, input, cursor) => {
    const page = await listUsers(deps, { ...input, limit: 100, ...(cursor === null ? {} : { cursor }) })
    return {
      rows: page.items.map((u) => [
        u.id,
        u.email,
        u.displayName,
        u.role,
        u.emailVerified ? 'yes' : 'no',
        u.createdAt.toISOString(),
        u.standing.state,
        u.standing.until?.toISOString() ?? null,
        u.standing.reason,
      ]),
      nextCursor: page.nextCursor,
    }
  },
})

/** The admin-users module's tracked job kinds, for the jobs module's registry. */
export const ADMIN_USERS_JOB_KINDS: AnyTrackedJob[] = [exportUsers]

/** Starts a CSV export of the users the filters find, for an admin; the job is theirs. */
export const requestUsersExport = (deps: JobsDeps, adminId: string, input: UsersExportInput) => startListExport(deps, adminId, exportUsers, input)
