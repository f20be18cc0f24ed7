import { and, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { users } from '../table'
import type { UserRow } from './users'

/** The standing of an account at `now`: a suspension past its end has lapsed (no job needed). */
export type Standing = { state: 'active' } | { state: 'suspended'; since: Date; until: Date | null; reason: string }

export type SuspensionFields = Pick<UserRow, 'suspendedAt' | 'suspendedUntil' | 'suspensionReason'>

export function standingOf(user: SuspensionFields, now: Date): Standing {
  if (user.suspendedAt === null) return { state: 'active' }
  if (user.suspendedUntil !== null && user.suspendedUntil.getTime() <= now.getTime()) return { state: 'active' }
  return { state: 'suspended', since: user.suspendedAt, until: user.suspendedUntil, reason: user.suspensionReason ?? '' }
}

/** SQL: the account is not under a standing suspension at `now` (a join on users adds it for free). */
// Never null (a null would make `not (...)` drop indefinite suspensions from a list of suspended users).
export const notSuspended = (now: Date): SQL => or(isNull(users.suspendedAt), and(isNotNull(users.suspendedUntil), lte(users.suspendedUntil, now)))!

/** Refuses a suspended account's sign-in: 403 saying until when and why. */
export function assertNotSuspended(user: SuspensionFields, now: Date): void {
  const standing = standingOf(user, now)
  if (standing.state === 'active') return
  const until = standing.until === null ? 'until an admin lifts it' : `until ${standing.until.toISOString()}`
  throw new AppError('forbidden', `This account is suspended ${until}: ${standing.reason}`, {
    reason: 'account_suspended',
    suspendedUntil: standing.until?.toISOString() ?? null,
    suspensionReason: standing.reason,
  })
}

