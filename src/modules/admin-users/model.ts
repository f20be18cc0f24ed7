import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { pageOf, pageQuery } from '../../lib/pagination'
import { AccountsModel, ROLES } from '../accounts'
import { AuditModel } from '../audit'
import { Balances } from '../ledger'
import { ORDER_STATUSES } from '../orders'
import { VENDOR_STATUSES } from '../vendors'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export const USER_STATES = ['active', 'suspended'] as const

export namespace AdminUsersModel {
  export const listQuery = t.Object({
    q: t.Optional(t.String({ maxLength: 200, description: 'an exact user id, or part of the name or email' })),
    // enumOf: a bare UnionEnum fills a missing filter with its first member (the list was buyers only).
    role: t.Optional(enumOf(ROLES)),
    status: t.Optional(t.UnionEnum(USER_STATES, { default: undefined })),
    ...pageQuery,
  })
  export type ListQuery = typeof listQuery.static
  export const exportBody = t.Object({ q: listQuery.properties.q, role: listQuery.properties.role, status: listQuery.properties.status })

  /** Active, or suspended since when, until when (null: until lifted) and why. */
  export const standing = t.Object({
    state: t.UnionEnum(USER_STATES),
    since: nullable(t.Date()),
    until: nullable(t.Date({ description: 'when the suspension lapses by itself; null: until lifted' })),
    reason: nullable(t.String()),
  })
  export type Standing = typeof standing.static

  export const userRow = t.Object({
    id: idSchema('usr'),
    email: t.String(),
    displayName: t.String(),
    role: AccountsModel.role,
    emailVerified: t.Boolean(),
    createdAt: t.Date(),
    standing,
  })
  export type UserRow = typeof userRow.static
  export const userPage = pageOf(userRow)

  export const detail = t.Object({
    user: userRow,
    sessions: t.Array(
      t.Object({ id: idSchema('ses'), createdAt: t.Date(), lastUsedAt: t.Date(), expiresAt: t.Date(), userAgent: nullable(t.String()), ip: nullable(t.String()) }),
      { description: 'open sessions (signed-in devices), most recently used first' },
    ),
    orders: t.Object({
      count: t.Integer({ description: 'orders placed as a buyer' }),
      latest: t.Array(t.Object({ id: idSchema('ord'), status: t.UnionEnum(ORDER_STATUSES), totalMinor: t.Integer(), currency: t.String(), createdAt: t.Date() })),
    }),
    shop: nullable(t.Object({ id: idSchema('ven'), name: t.String(), slug: t.String(), status: t.UnionEnum(VENDOR_STATUSES) })),
    reports: t.Object({
      shop: t.Object({ total: t.Integer(), open: t.Integer() }, { description: 'reports against their shop and its listings' }),
      messages: t.Object({ total: t.Integer(), open: t.Integer() }, { description: 'reports against chat messages they sent' }),
      reviews: t.Object({ total: t.Integer(), open: t.Integer() }, { description: 'reports against reviews they wrote' }),
    }),
    wallet: t.Array(Balances, { description: 'balances per currency' }),
    audit: t.Array(AuditModel.entry, { description: 'the latest entries about this account, newest first' }),
  })
  export type Detail = typeof detail.static

  export const idParams = t.Object({ id: idSchema('usr') })
  export const roleBody = t.Object({ role: AccountsModel.role })
  export const suspendBody = t.Object({
    reason: t.String({ minLength: 3, maxLength: 500, description: 'shown to the user when they try to sign in' }),
    until: t.Optional(nullable(t.Date({ description: 'a future time when it lapses by itself; null or absent: until lifted' }))),
  })
  export type SuspendBody = typeof suspendBody.static
  export const ended = t.Object({ ended: t.Integer({ description: 'how many sessions were ended' }) })
  export const sent = t.Object({ message: t.String() })
}
