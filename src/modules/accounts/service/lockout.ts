import { rateLimitedError } from '../../../lib/rate-limit'
import { type AccountsDeps, MINUTE } from './shared'

/** Failures within the window that lock a key (an account, an address, a password check). */
export const FAILURE_LIMIT = 5
export const FAILURE_WINDOW_MS = 15 * MINUTE
export const LOCKOUT_MS = 15 * MINUTE

/** Throws 429 (with the seconds left) while any of `keys` is locked. */
export async function assertNotLockedOut(deps: AccountsDeps, keys: string[], message: string): Promise<void> {
  const now = deps.clock.now().getTime()
  for (const key of keys) {
    const until = await deps.limiter.lockedUntil(key, now)
    if (until !== null) throw rateLimitedError(until - now, message)
  }
}

/** Counts one failure against each key; the FAILURE_LIMIT-th within the window locks it. */
export async function recordFailure(deps: AccountsDeps, keys: string[]): Promise<void> {
  const now = deps.clock.now().getTime()
  for (const key of keys) {
    if ((await deps.limiter.hit(key, FAILURE_WINDOW_MS, now)) < FAILURE_LIMIT) continue
    await deps.limiter.reset(key)
    await deps.limiter.lock(key, now + LOCKOUT_MS, now)
  }
}

export const clearFailures = (deps: AccountsDeps, key: string) => deps.limiter.reset(key)

export const accountKey = (email: string) => `login:account:${email}`
export const addressKey = (ip: string) => `login:ip:${ip}`
