// User management for admins: the user list and a user's page, put together from what each module
// knows of them (accounts: role, standing, sessions; orders; the shop; reports; the wallet; the audit
// log), and the actions on an account, each audited in its own transaction with the admin as actor.
import type { Db, Tx } from '../../db/client'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Config } from '../../config'
import { actorOf, type Origin } from '../../lib/request-origin'
import {
  announceRoleChanged,
  announceSessionsRevoked,
  type CurrentUser,
  endAllSessions,
  findUserById,
  guardAdminRemoval,
  liftSuspension,
  openSessionsOf,
  prepareVerification,
  type Role,
  searchUsers,
  setRole,
  standingOf,
  suspendAccount,
  type UserListRow,
} from '../accounts'
import { recordAudit, searchAudit } from '../audit'
import { reportsAgainstShop } from '../catalog'
import { reportsAgainstSender } from '../chat'
import { reportsAgainstAuthor } from '../reviews'
import { allBalancesOf } from '../ledger'
import type { Mailer } from '../mail'
import { buyerOrderSummary } from '../orders'
import { findVendorOfUser } from '../vendors'
import type { Page } from '../../lib/pagination'
import { AdminUsersModel as M } from './model'

export interface AdminUsersDeps {
  db: Db
  bus: Bus
  clock: Clock
  config: Pick<Config, 'secrets' | 'publicUrl'>
  limiter: RateLimiter
  mailer: Pick<Mailer, 'dispatch'>
}

function toRow(row: UserListRow, now: Date): M.UserRow {
  const standing = standingOf(row, now)
  return {
    id: row.id,
    email: row.email ?? '',
    displayName: row.displayName,
    role: row.role,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt,
    standing: standing.state === 'active' ? { state: 'active', since: null, until: null, reason: null } : standing,
  }
}

export async function listUsers(deps: Pick<AdminUsersDeps, 'db' | 'clock'>, query: M.ListQuery): Promise<Page<M.UserRow>> {
  const now = deps.clock.now()
  const page = await searchUsers(deps.db, query, now)
  return { items: page.items.map((row) => toRow(row, now)), nextCursor: page.nextCursor }
}

async function requireUser(db: Db | Tx, id: string) {
  const user = await findUserById(db, id)
  if (user === null) throw new AppError('not_found', 'No such user')
  return user
}

export async function getUserDetail(deps: AdminUsersDeps, id: string): Promise<M.Detail> {
  const { db } = deps
  const now = deps.clock.now()
  const user = await requireUser(db, id)
  const shop = await findVendorOfUser(db, id)
  const [sessions, orders, shopReports, messageReports, reviewReports, wallet, audit] = await Promise.all([
    openSessionsOf(db, id, now),
    buyerOrderSummary(db, id, 5),
    shop === null ? { total: 0, open: 0 } : reportsAgainstShop(db, shop.id),
    reportsAgainstSender(db, id),
    reportsAgainstAuthor(db, id),
    allBalancesOf(db, id),
    searchAudit(db, { subjectId: id, limit: 10 }),
  ])
  return {
    user: toRow(user, now),
    sessions,
    orders,
    shop: shop === null ? null : { id: shop.id, name: shop.companyName, slug: shop.slug, status: shop.status },
    reports: { shop: shopReports, messages: messageReports, reviews: reviewReports },
    wallet,
    audit: audit.items,
  }
}

/**
 * Gives a user another role. Taking an admin's role away is refused for oneself and for the last
 * admin (409), under the admins' lock so two concurrent demotions leave one admin.
 */
export async function changeRole(deps: AdminUsersDeps, admin: CurrentUser, origin: Origin, id: string, role: Role): Promise<M.Detail> {
  const now = deps.clock.now()
  const changed = await deps.db.transaction(async (tx) => {
    // The admins' lock first, then the target as it stands under it: a promotion committed meanwhile is seen.
    await guardAdminRemoval(tx, admin.id, id, now)
    const user = await requireUser(tx, id)
    if (user.role === role) return false
    if (!(await setRole(tx, id, role, [user.role], now))) throw new AppError('conflict', 'The role changed meanwhile; reload and retry')
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'account.role_changed', subject: { type: 'user', id }, summary: { from: user.role, to: role }, at: now })
    return true
  })
  if (changed) await announceRoleChanged(deps.bus, id)
  return getUserDetail(deps, id)
}

/**
 * Suspends a user at once: their sessions end (refresh refused, access tokens refused on the next
 * request, sockets closed on every instance through the bus) and sign-in answers 403 with until
 * when and why. `until` must be in the future; null: until lifted.
 */
export async function suspendUser(deps: AdminUsersDeps, admin: CurrentUser, origin: Origin, id: string, input: M.SuspendBody): Promise<M.Detail> {
  const now = deps.clock.now()
  const until = input.until ?? null
  if (until !== null && until.getTime() <= now.getTime()) {
    throw new AppError('invalid_data', 'The end of a suspension must be in the future', [{ field: 'body.until', message: 'must be in the future' }])
  }
  const reason = input.reason.trim()
  if (reason.length < 3) throw new AppError('invalid_data', 'Say why the account is suspended', [{ field: 'body.reason', message: 'must be at least 3 characters besides spaces' }])
  const ended = await deps.db.transaction(async (tx) => {
    // The admins' lock first, then the target as it stands under it.
    await guardAdminRemoval(tx, admin.id, id, now)
    await requireUser(tx, id)
    const sessionIds = await suspendAccount(tx, id, { reason, until }, now)
    await recordAudit(tx, {
      by: actorOf(admin, origin),
      kind: 'account.suspended',
      subject: { type: 'user', id },
      summary: { reason, until: until?.toISOString() ?? null, sessionsEnded: sessionIds.length },
      at: now,
    })
    return sessionIds
  })
  await announceSessionsRevoked(deps.bus, id, ended, 'suspended')
  return getUserDetail(deps, id)
}

/** Lifts a user's suspension (409 when there is none standing). */
export async function unsuspendUser(deps: AdminUsersDeps, admin: CurrentUser, origin: Origin, id: string): Promise<M.Detail> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const user = await requireUser(tx, id)
    const was = standingOf(user, now)
    if (!(await liftSuspension(tx, id, now)) || was.state !== 'suspended') throw new AppError('conflict', 'This account is not suspended', { status: 'active' })
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'account.unsuspended', subject: { type: 'user', id }, summary: { reason: was.reason }, at: now })
  })
  return getUserDetail(deps, id)
}

/** Ends every open session of a user (their sockets close on every instance); answers how many. */
export async function signOutUser(deps: AdminUsersDeps, admin: CurrentUser, origin: Origin, id: string): Promise<typeof M.ended.static> {
  const now = deps.clock.now()
  const ended = await deps.db.transaction(async (tx) => {
    await requireUser(tx, id)
    const sessionIds = await endAllSessions(tx, id, now)
    if (sessionIds.length > 0) {
      await recordAudit(tx, { by: actorOf(admin, origin), kind: 'account.signed_out_by_admin', subject: { type: 'user', id }, summary: { sessions: sessionIds.length }, at: now })
    }
    return sessionIds
  })
  await announceSessionsRevoked(deps.bus, id, ended, 'admin_sign_out')
  return { ended: ended.length }
}

/** Sends an unverified user a new sign-up code (409 when verified, 429 within a minute of the last). */
export async function resendUserVerification(deps: AdminUsersDeps, admin: CurrentUser, origin: Origin, id: string): Promise<{ message: string }> {
  const now = deps.clock.now()
  const mail = await deps.db.transaction(async (tx) => {
    const user = await requireUser(tx, id)
    const message = await prepareVerification(deps, tx, user)
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'account.verification_sent', subject: { type: 'user', id }, summary: {}, at: now })
    return message
  })
  deps.mailer.dispatch(mail)
  return { message: 'A new verification code is on its way' }
}
