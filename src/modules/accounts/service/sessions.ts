import { createHash, createHmac, randomBytes } from 'node:crypto'
import { and, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import { SignJWT, jwtVerify } from 'jose'
import type { Config } from '../../../config'
import type { Db } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type Actor, actorOf, type Origin } from '../../../lib/request-origin'
import { type AccountsModel, SESSION_REVOKED_TOPIC } from '../model'
import { type Role, refreshTokens, sessions, users } from '../table'
import { type AccountsDeps, type ClientMeta, type Conn, DAY, MINUTE } from './shared'
import { toMe, type UserRow } from './users'
import { assertNotSuspended, notSuspended } from './standing'

export const ACCESS_TOKEN_TTL_MS = 15 * MINUTE
/** Absolute: a session ends 30 days after sign-in however often it is refreshed. */
export const SESSION_LIFETIME_MS = 30 * DAY
/**
 * A rotated refresh token presented again within this window is taken for an exchange whose
 * answer was lost or raced (a navigation aborted it, two tabs refreshed at once) and answered the
 * same successor again; later, it is reuse (theft).
 */
export const REFRESH_RACE_WINDOW_MS = 10_000
const AUDIENCE = 'souk-api'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const keyOf = (secret: string) => new TextEncoder().encode(secret)

type TokenConfig = { secrets: Pick<Config['secrets'], 'JWT_SECRET'>; publicUrl: string }

/** A short-lived HS256 access token naming the user (`sub`) and the session (`sid`). */
export async function signAccessToken(config: TokenConfig, clock: Clock, userId: string, sessionId: string) {
  const now = clock.now().getTime()
  const expiresAt = new Date(now + ACCESS_TOKEN_TTL_MS)
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(config.publicUrl)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keyOf(config.secrets.JWT_SECRET))
  return { token, expiresAt }
}

/**
 * The claims of a valid access token, or null. Only HS256 is accepted (so `alg: none` and key
 * confusion fail), and iss, aud and exp are checked against the app's clock.
 */
export async function verifyAccessToken(config: TokenConfig, clock: Clock, token: string): Promise<{ userId: string; sessionId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(config.secrets.JWT_SECRET), {
      algorithms: ['HS256'],
      issuer: config.publicUrl,
      audience: AUDIENCE,
      currentDate: clock.now(),
      requiredClaims: ['sub', 'exp'],
    })
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null
    return { userId: payload.sub, sessionId: payload.sid }
  } catch {
    return null
  }
}

/** Who a request is from: the user and the session of its access token. */
export interface CurrentUser {
  id: string
  role: Role
  sessionId: string
}

/**
 * Resolves a bearer token to its user, checking that the session is still open and the
 * account not deleted, so a revoked session stops working at once, not when its token expires.
 */
export async function authenticate(deps: { db: Db; config: TokenConfig; clock: Clock }, token: string | null): Promise<CurrentUser | null> {
  if (token === null) return null
  const claims = await verifyAccessToken(deps.config, deps.clock, token)
  if (claims === null) return null
  const [row] = await deps.db
    .select({ id: users.id, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, claims.sessionId),
        eq(sessions.userId, claims.userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, deps.clock.now()),
        isNull(users.deletedAt),
        // Suspension ends the sessions too; this closes the race with a sign-in in flight.
        notSuspended(deps.clock.now()),
      ),
    )
    .limit(1)
  return row === undefined ? null : { ...row, sessionId: claims.sessionId }
}

/** A signed-in answer for the client and the refresh token for its cookie. */
export interface SignIn {
  body: AccountsModel.SignedIn
  refresh: { token: string; expiresAt: Date }
}

async function signedIn(deps: AccountsDeps, user: UserRow, sessionId: string, refresh: SignIn['refresh']): Promise<SignIn> {
  const access = await signAccessToken(deps.config, deps.clock, user.id, sessionId)
  return { body: { accessToken: access.token, tokenType: 'Bearer', expiresAt: access.expiresAt, user: toMe(user) }, refresh }
}

async function issueRefreshToken(db: Conn, sessionId: string, now: Date, token = randomBytes(32).toString('base64url')): Promise<string> {
  await db.insert(refreshTokens).values({ tokenHash: sha256(token), sessionId, createdAt: now })
  return token
}

/**
 * The token a refresh token is exchanged for: derived from it with the server's secret, so the
 * same exchange repeated within REFRESH_RACE_WINDOW_MS can answer the same successor (only its
 * hash is stored).
 */
const successorOf = (config: TokenConfig, token: string) => createHmac('sha256', keyOf(config.secrets.JWT_SECRET)).update(`refresh:${token}`).digest('base64url')

/** How a user proved who they are: their password, Google, or the code that confirmed their sign-up. */
export type SignInMethod = 'password' | 'google' | 'sign_up'

/** Opens a session (a new refresh-token family) for a user who just proved who they are; the sign-in is in the audit log. */
export async function openSession(deps: AccountsDeps, user: UserRow, meta: ClientMeta, method: SignInMethod): Promise<SignIn> {
  const now = deps.clock.now()
  const sessionId = newId('ses')
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS)
  const { token, notice } = await deps.db.transaction(async (tx) => {
    // The account as it stands now, share-locked: a suspension committed since `user` was read is
    // seen, and one racing this waits for the session and then ends it with the others.
    const [standing] = await tx.select({ suspendedAt: users.suspendedAt, suspendedUntil: users.suspendedUntil, suspensionReason: users.suspensionReason }).from(users).where(eq(users.id, user.id)).for('share')
    assertNotSuspended(standing ?? user, now)
    const newDevice = await isNewDevice(tx, user.id, meta)
    await tx.insert(sessions).values({ id: sessionId, userId: user.id, createdAt: now, lastUsedAt: now, expiresAt, userAgent: meta.userAgent, ip: meta.ip })
    const token = await issueRefreshToken(tx, sessionId, now)
    await deps.audit(tx, { by: actorOf(user, meta), kind: 'auth.sign_in', userId: user.id, summary: { method, sessionId, userAgent: meta.userAgent, newDevice }, at: now })
    // The security notice is written with the session it reports, and sent once that committed.
    const notice = newDevice
      ? await deps.notify(tx, {
          userId: user.id,
          text: `New sign-in to your account from ${meta.userAgent?.slice(0, 120) ?? 'an unknown browser'} (${meta.ip}). Not you? Sign that device out and change your password.`,
          link: '/account',
        })
      : null
    return { token, notice }
  })
  await notice?.()
  return signedIn(deps, user, sessionId, { token, expiresAt })
}

/** A sign-in from a browser (user agent) none of the account's earlier sessions used; never the first one. */
async function isNewDevice(db: Conn, userId: string, meta: ClientMeta): Promise<boolean> {
  const [row] = await db
    .select({ total: count(), same: count(sql`case when ${sessions.userAgent} is not distinct from ${meta.userAgent} then 1 end`) })
    .from(sessions)
    .where(eq(sessions.userId, userId))
  return (row?.total ?? 0) > 0 && row?.same === 0
}

type Rotation =
  | { kind: 'rotated'; user: UserRow; sessionId: string; token: string; expiresAt: Date }
  | { kind: 'raced' }
  | { kind: 'reused'; userId: string; sessionId: string }
  | { kind: 'invalid' }

/**
 * Exchanges a refresh token for a new one and a new access token. Exactly one of several
 * concurrent exchanges of the same token rotates it (the row update is the arbiter). The same
 * token presented again within REFRESH_RACE_WINDOW_MS (a concurrent exchange, or one whose answer
 * never reached the browser) gets the same successor, unless that was exchanged in turn (409,
 * and the family lives on). A rotated token presented after that window revokes its whole
 * session (401).
 */
export async function refreshSession(deps: AccountsDeps, token: string, meta: ClientMeta): Promise<SignIn> {
  const now = deps.clock.now()
  const hash = sha256(token)
  const next = successorOf(deps.config, token)
  const rotation = await deps.db.transaction(async (tx): Promise<Rotation> => {
    const [claimed] = await tx
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.rotatedAt)))
      .returning({ sessionId: refreshTokens.sessionId })
    if (claimed === undefined) {
      const [seen] = await tx
        .select({ rotatedAt: refreshTokens.rotatedAt, sessionId: sessions.id, userId: sessions.userId })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, hash))
      if (seen?.rotatedAt == null) return { kind: 'invalid' }
      if (now.getTime() - seen.rotatedAt.getTime() >= REFRESH_RACE_WINDOW_MS) return { kind: 'reused', userId: seen.userId, sessionId: seen.sessionId }
      const [successor] = await tx.select({ rotatedAt: refreshTokens.rotatedAt }).from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(next)))
      if (successor === undefined || successor.rotatedAt !== null) return { kind: 'raced' }
      return rotated(tx, seen.sessionId, false)
    }
    return rotated(tx, claimed.sessionId, true)
  })
  async function rotated(tx: Conn, sessionId: string, issue: boolean): Promise<Rotation> {
    const [row] = await tx
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.deletedAt), notSuspended(now)))
    if (row === undefined) return { kind: 'invalid' }
    await tx.update(sessions).set({ lastUsedAt: now, ip: meta.ip, userAgent: meta.userAgent }).where(eq(sessions.id, row.session.id))
    if (issue) await issueRefreshToken(tx, row.session.id, now, next)
    return { kind: 'rotated', user: row.user, sessionId: row.session.id, token: next, expiresAt: row.session.expiresAt }
  }
  switch (rotation.kind) {
    case 'rotated':
      return signedIn(deps, rotation.user, rotation.sessionId, { token: rotation.token, expiresAt: rotation.expiresAt })
    case 'raced':
      throw new AppError('conflict', 'This refresh token was just exchanged, and its successor too; retry with the current cookie')
    case 'reused':
      deps.log.warn('refresh token reused; session revoked', { userId: rotation.userId, sessionId: rotation.sessionId })
      // Souk ends it, on seeing this request (whoever sent it holds a stolen or stale token).
      await revokeSessions(deps, rotation.userId, { only: rotation.sessionId }, 'refresh_reuse', actorOf(null, meta))
      throw new AppError('unauthorized', 'Your session has ended; sign in again')
    case 'invalid':
      throw new AppError('unauthorized', 'Your session has ended; sign in again')
  }
}

/**
 * Ends open sessions of one user (`only` one, or all `except` one, or all) and announces them
 * on the bus. Pass `db` to run inside a caller's transaction; the caller then announces after
 * commit with `announceRevoked`.
 */
export async function revokeSessionRows(
  db: Conn,
  now: Date,
  userId: string,
  filter: { only?: string; except?: string },
  reason: AccountsModel.RevokeReason,
): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        filter.only === undefined ? undefined : eq(sessions.id, filter.only),
        filter.except === undefined ? undefined : ne(sessions.id, filter.except),
      ),
    )
    .returning({ id: sessions.id })
  return rows.map((row) => row.id)
}

export async function announceRevoked(deps: Pick<AccountsDeps, 'bus'>, userId: string, sessionIds: string[], reason: AccountsModel.RevokeReason): Promise<void> {
  if (sessionIds.length === 0) return
  const event: AccountsModel.SessionRevoked = { userId, sessionIds, reason }
  await deps.bus.publish(SESSION_REVOKED_TOPIC, event)
}

/**
 * revokeSessionRows in a transaction of its own, with its `auth.sign_out` entry by `by` when any
 * ended, then announceRevoked. Answers how many ended.
 */
export async function revokeSessions(
  deps: AccountsDeps,
  userId: string,
  filter: { only?: string; except?: string },
  reason: AccountsModel.RevokeReason,
  by: Actor,
): Promise<number> {
  const now = deps.clock.now()
  const ids = await deps.db.transaction(async (tx) => {
    const ended = await revokeSessionRows(tx, now, userId, filter, reason)
    if (ended.length > 0) await deps.audit(tx, { by, kind: 'auth.sign_out', userId, summary: { reason, sessions: ended.length, sessionId: ended.length === 1 ? ended[0]! : null }, at: now })
    return ended
  })
  await announceRevoked(deps, userId, ids, reason)
  return ids.length
}

/** Signs out the session a refresh token belongs to (whatever the token's state), as its user. */
export async function signOut(deps: AccountsDeps, token: string | null, origin: Origin): Promise<void> {
  if (token === null) return
  const [row] = await deps.db
    .select({ sessionId: sessions.id, userId: sessions.userId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, sha256(token)))
  if (row !== undefined) await revokeSessions(deps, row.userId, { only: row.sessionId }, 'logout', actorOf({ id: row.userId }, origin))
}

/** The user's open sessions, most recently used first. */
export async function listSessions(deps: AccountsDeps, user: CurrentUser): Promise<AccountsModel.Session[]> {
  const rows = await deps.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, deps.clock.now())))
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.id))
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent,
    ip: row.ip,
    current: row.id === user.sessionId,
  }))
}

/** Ends one of the user's own sessions; someone else's is "not found", never "forbidden". */
export async function revokeOwnSession(deps: AccountsDeps, user: CurrentUser, sessionId: string, origin: Origin): Promise<void> {
  const revoked = await revokeSessions(deps, user.id, { only: sessionId }, 'revoked', actorOf(user, origin))
  if (revoked === 0) throw new AppError('not_found', 'No such open session')
}

