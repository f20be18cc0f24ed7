import { and, asc, count, countDistinct, eq, gt, gte, lt } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { refreshTokens, sessions, users } from '../table'
import type { Conn } from './shared'

export type SignInRow = typeof sessions.$inferSelect

/**
 * Every session the user opened (one per sign-in), open or ended, oldest first, `limit` at a time
 * after the session id `after` (session ids sort by creation). For the user's own data export.
 */
export async function listSignIns(db: Conn, userId: string, after: string | null, limit: number): Promise<SignInRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), after === null ? undefined : gt(sessions.id, after)))
    .orderBy(asc(sessions.id))
    .limit(limit)
}

/** Accounts created in `[from, to)` (deleted ones included: they signed up). */
export async function countSignUps(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(gte(users.createdAt, from), lt(users.createdAt, to)))
  return row?.n ?? 0
}

/** Sessions opened (sign-ins, sign-ups, Google sign-ins) in `[from, to)`. */
export async function countSessionsOpened(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(gte(sessions.createdAt, from), lt(sessions.createdAt, to)))
  return row?.n ?? 0
}

/**
 * People active in `[from, to)`: distinct users whose session was opened or refreshed then (every
 * sign-in and every access-token renewal writes a refresh token, kept until the session is purged).
 */
export async function countActiveUsers(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: countDistinct(sessions.userId) })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(and(gte(refreshTokens.createdAt, from), lt(refreshTokens.createdAt, to)))
  return row?.n ?? 0
}
