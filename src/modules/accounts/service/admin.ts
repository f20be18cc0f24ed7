// What admins do to accounts, as building blocks for the admin console (which adds what other modules
// know of a user): search, the account's standing, role changes guarded so Souk always keeps an
// admin, suspension (checked on every sign-in, refresh and request) and a new verification code.
import { and, asc, desc, eq, gt, ilike, isNull, lt, or, sql } from 'drizzle-orm'
import type { Bus } from '../../../lib/bus'
import { AppError } from '../../../lib/errors'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { rateLimitedError } from '../../../lib/rate-limit'
import type { AccountsModel } from '../model'
import { type Role, sessions, users } from '../table'
import { issueCode } from './codes'
import { verificationMail } from './mail-text'
import { announceRevoked, revokeSessionRows } from './sessions'
import { type AccountsDeps, type Conn, SEND_COOLDOWN_MS } from './shared'
import type { UserRow } from './users'
import type { MailMessage } from '../../mail'
import { notSuspended, type SuspensionFields } from './standing'

export { standingOf, type Standing } from './standing'

export interface UserSearch {
  q?: string
  role?: Role
  status?: 'active' | 'suspended'
  cursor?: string
  limit?: number
}

/** A row of the admins' user list. */
export type UserListRow = Pick<UserRow, 'id' | 'email' | 'displayName' | 'role' | 'createdAt' | 'emailVerifiedAt'> & SuspensionFields

/**
 * Live accounts, newest first, in keyset pages: `q` is an exact id (`usr_…`), or a part of the name
 * or the email (case-insensitive); `status` is the standing at `now`.
 */
export async function searchUsers(db: Conn, query: UserSearch, now: Date): Promise<Page<UserListRow>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const q = query.q?.trim() ?? ''
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('usr')])
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
      emailVerifiedAt: users.emailVerifiedAt,
      suspendedAt: users.suspendedAt,
      suspendedUntil: users.suspendedUntil,
      suspensionReason: users.suspensionReason,
    })
    .from(users)
    .where(
      and(
        isNull(users.deletedAt),
        q === '' ? undefined : /^usr_[0-9a-f]{32}$/.test(q) ? eq(users.id, q) : or(ilike(users.displayName, like), ilike(users.email, like)),
        query.role === undefined ? undefined : eq(users.role, query.role),
        query.status === undefined ? undefined : query.status === 'active' ? notSuspended(now) : sql`not (${notSuspended(now)})`,
        after === null ? undefined : or(lt(users.createdAt, after[0]), and(eq(users.createdAt, after[0]), lt(users.id, after[1]))),
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
}

/** An account's open sessions (its signed-in devices), most recently used first. */
export async function openSessionsOf(db: Conn, userId: string, now: Date) {
  return db
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt, expiresAt: sessions.expiresAt, userAgent: sessions.userAgent, ip: sessions.ip })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastUsedAt), asc(sessions.id))
    .limit(50)
}

/**
 * Takes the lock that serialises every step which could leave Souk without an admin (a demotion,
 * a suspension), in the caller's transaction, and answers the admins standing at `now`. Two
 * concurrent demotions of the last two admins: the second waits here and then counts one.
 */
export async function lockAdmins(tx: Conn, now: Date): Promise<string[]> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('souk:admins'))`)
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.deletedAt), notSuspended(now)))
  return rows.map((row) => row.id)
}

/**
 * Refuses a step by `actorId` that takes `targetId` out of the standing admins (demotion or
 * suspension) when it is the actor's own account or the last admin. Call inside the step's transaction.
 */
export async function guardAdminRemoval(tx: Conn, actorId: string, targetId: string, now: Date): Promise<void> {
  if (actorId === targetId) throw new AppError('conflict', 'You cannot demote or suspend your own account', { reason: 'own_account' })
  const admins = await lockAdmins(tx, now)
  // The actor's own standing, read under the lock: an admin demoted or suspended meanwhile acts no more.
  if (!admins.includes(actorId)) throw new AppError('forbidden', 'Only a standing admin may do this')
  if (admins.includes(targetId) && admins.length <= 1) throw new AppError('conflict', 'This is the last admin: promote another admin first', { reason: 'last_admin' })
}

/**
 * Suspends a live account until `until` (null: until lifted), in the caller's transaction, and ends
 * its sessions (reason `suspended`): announce them after commit with `announceSessionsRevoked`, so
 * every instance closes its sockets; its access tokens are refused from the next request on.
 */
export async function suspendAccount(tx: Conn, userId: string, input: { reason: string; until: Date | null }, now: Date): Promise<string[]> {
  const updated = await tx
    .update(users)
    .set({ suspendedAt: now, suspendedUntil: input.until, suspensionReason: input.reason, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .returning({ id: users.id })
  if (updated.length === 0) throw new AppError('not_found', 'No such user')
  return revokeSessionRows(tx, now, userId, {}, 'suspended')
}

/** Lifts a suspension (standing or lapsed); answers whether one was set. */
export async function liftSuspension(tx: Conn, userId: string, now: Date): Promise<boolean> {
  const updated = await tx
    .update(users)
    .set({ suspendedAt: null, suspendedUntil: null, suspensionReason: null, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.deletedAt), sql`${users.suspendedAt} is not null`))
    .returning({ id: users.id })
  return updated.length > 0
}

/** Ends every open session of an account (an admin's forced sign-out), in the caller's transaction. */
export const endAllSessions = (tx: Conn, userId: string, now: Date) => revokeSessionRows(tx, now, userId, {}, 'admin_sign_out')

/** Tells every instance that these sessions ended (after commit): their sockets close. */
export const announceSessionsRevoked = (bus: Bus, userId: string, sessionIds: string[], reason: AccountsModel.RevokeReason) =>
  announceRevoked({ bus }, userId, sessionIds, reason)

/**
 * A new sign-up code for an unverified account (the flow of `POST /auth/resend`, started by an
 * admin), issued in the caller's transaction; answers the mail to dispatch once it committed. 409
 * when already verified, 429 within a minute of the last code to the address.
 */
export async function prepareVerification(deps: Pick<AccountsDeps, 'clock' | 'config' | 'limiter'>, tx: Conn, user: UserRow): Promise<MailMessage> {
  if (user.email === null) throw new AppError('not_found', 'No such user')
  if (user.emailVerifiedAt !== null) throw new AppError('conflict', 'This account’s email address is already verified')
  const slot = await deps.limiter.consume(`code:${user.email}`, 1, SEND_COOLDOWN_MS, deps.clock.now().getTime())
  if (!slot.allowed) throw rateLimitedError(slot.retryAfterMs, 'A code was sent a moment ago')
  return verificationMail(user.email, await issueCode(deps, tx, user.id, 'verify_email', user.email))
}
