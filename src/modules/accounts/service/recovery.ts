import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { passwordResetTokens, users } from '../table'
import { accountKey, clearFailures } from './lockout'
import { passwordResetDoneMail, passwordResetMail } from './mail-text'
import { assertPasswordAllowed, hashPassword, isRecentPassword, rememberPassword } from './passwords'
import { announceRevoked, revokeSessionRows } from './sessions'
import { type AccountsDeps, MINUTE, normalizeEmail, SEND_COOLDOWN_MS } from './shared'
import { findUserById, findUserByEmail } from './users'

export const RESET_TOKEN_TTL_MS = 30 * MINUTE

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export const RESET_REQUESTED = 'If an account uses this address, we sent it a link to choose a new password. The link works once, for 30 minutes.'

const invalidLink = () =>
  new AppError('invalid_data', 'This reset link is not valid; it may have expired or been used. Ask for a new one.', [
    { field: 'body.token', message: 'is not valid' },
  ])

/**
 * Emails a single-use reset link built from PUBLIC_URL (never the Host header, which a client
 * chooses). Same answer for every address; at most one link a minute per address.
 */
export async function requestPasswordReset(deps: AccountsDeps, rawEmail: string): Promise<void> {
  const email = normalizeEmail(rawEmail)
  const now = deps.clock.now()
  const slot = await deps.limiter.consume(`reset:${email}`, 1, SEND_COOLDOWN_MS, now.getTime())
  if (!slot.allowed) return
  const user = await findUserByEmail(deps.db, email)
  if (user === null) return
  const token = randomBytes(32).toString('base64url')
  await deps.db.transaction(async (tx) => {
    // One live link at a time: asking again retires the older ones.
    await tx.delete(passwordResetTokens).where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)))
    await tx.insert(passwordResetTokens).values({
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MS),
    })
  })
  const link = `${deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`
  deps.mailer.dispatch(passwordResetMail(email, link))
}

/**
 * Sets a new password with a reset token: spends the token, ends every session, confirms the
 * address (the link proved it) and lifts a sign-in lockout, so a locked-out owner gets back in.
 */
export async function resetPassword(deps: AccountsDeps, input: { token: string; password: string }, origin: Origin): Promise<void> {
  const now = deps.clock.now()
  const tokenHash = sha256(input.token)
  const live = and(eq(passwordResetTokens.tokenHash, tokenHash), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now))
  const [found] = await deps.db.select({ userId: passwordResetTokens.userId }).from(passwordResetTokens).where(live)
  const user = found === undefined ? null : await findUserById(deps.db, found.userId)
  if (user === null) throw invalidLink()
  assertPasswordAllowed(input.password, 'body.password')
  if (await isRecentPassword(deps.db, user.id, input.password)) {
    throw new AppError('invalid_data', 'Choose a password you have not used recently', [{ field: 'body.password', message: 'was one of your last 5 passwords' }])
  }
  const hash = await hashPassword(input.password)
  const revoked = await deps.db.transaction(async (tx) => {
    const [spent] = await tx.update(passwordResetTokens).set({ usedAt: now }).where(live).returning({ userId: passwordResetTokens.userId })
    if (spent === undefined) throw invalidLink()
    await tx
      .update(users)
      .set({ passwordHash: hash, emailVerifiedAt: user.emailVerifiedAt ?? now, updatedAt: now })
      .where(eq(users.id, user.id))
    await rememberPassword(tx, user.id, hash, now)
    const ended = await revokeSessionRows(tx, now, user.id, {}, 'password_reset')
    // The holder of the emailed link acts as the account's owner.
    await deps.audit(tx, { by: actorOf(user, origin), kind: 'account.password_changed', userId: user.id, summary: { via: 'reset', sessionsEnded: ended.length }, at: now })
    return ended
  })
  await announceRevoked(deps, user.id, revoked, 'password_reset')
  if (user.email !== null) {
    await clearFailures(deps, accountKey(user.email))
    deps.mailer.dispatch(passwordResetDoneMail(user.email, deps.config.publicUrl))
  }
}
