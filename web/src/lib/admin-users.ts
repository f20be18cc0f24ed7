import type { AdminUsersModel } from '../../../src/modules/admin-users/model'
import type { Role } from '../../../src/modules/accounts/auth'
import { api, must } from './api'

/**
 * User management for admins (browser-only calls: they need the signed-in admin's token). Shapes
 * come from the server's AdminUsersModel.
 */

export type AdminUserRow = AdminUsersModel.UserRow
export type AdminUserDetail = AdminUsersModel.Detail
export type UserQuery = AdminUsersModel.ListQuery

const users = () => api().api.v1.admin.users

export const searchUsers = async (query: UserQuery) => must(await users().get({ query }))
export const exportUsers = async (query: UserQuery) => must(await users().export.post({ ...(query.q === undefined ? {} : { q: query.q }), ...(query.role === undefined ? {} : { role: query.role }), ...(query.status === undefined ? {} : { status: query.status }) }))
export const getUser = async (id: string) => must(await users()({ id }).get())
export const setUserRole = async (id: string, role: Role) => must(await users()({ id }).role.post({ role }))
export const suspendUser = async (id: string, body: AdminUsersModel.SuspendBody) => must(await users()({ id }).suspend.post(body))
export const unsuspendUser = async (id: string) => must(await users()({ id }).unsuspend.post())
export const signOutUser = async (id: string) => must(await users()({ id })['sign-out'].post())
export const resendVerification = async (id: string) => must(await users()({ id }).verification.post())

export const ROLE_LABEL: Record<Role, string> = { buyer: 'Buyer', vendor: 'Vendor', admin: 'Admin' }
