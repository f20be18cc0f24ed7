import { eq } from 'drizzle-orm'
import { newId } from '../../../lib/ids'
import { rateLimitedError } from '../../../lib/rate-limit'
import type { AccountsModel } from '../model'
import { passwordHistory, users } from '../table'
import { consumeCode, invalidCode, issueCode } from './codes'
import { accountExistsMail, verificationMail } from './mail-text'
import { assertPasswordAllowed, hashPassword, rememberPassword } from './passwords'
import { openSession, type SignIn } from './sessions'
import { type AccountsDeps, type ClientMeta, normalizeEmail, SEND_COOLDOWN_MS } from './shared'
import { findUserByEmail } from './users'

const CODE_SENT = 'If this address can be used, we sent a 6-digit code to it. Enter it to finish signing up.'

/** Takes the address's send slot; counts by address, so it behaves alike for unknown ones. */
const takeSendSlot = (deps: AccountsDeps, email: string) =>
  deps.limiter.consume(`code:${email}`, 1, SEND_COOLDOWN_MS, deps.clock.now().getTime())

const seconds = (ms: number) => Math.ceil(ms / 1000)

/**
 * Starts a sign-up. The answer is the same whether or not the address has an account (the owner
 * of a verified one gets a notice instead of a code), and the password is hashed either way so
 * the time is alike. An unverified account is taken over by the new sign-up: it belongs to
 * whoever proves the mailbox.
 */
export async function register(deps: AccountsDeps, input: AccountsModel.RegisterBody): Promise<AccountsModel.CodeSent> {
  const email = normalizeEmail(input.email)
  assertPasswordAllowed(input.password, 'body.password')
  const hash = await hashPassword(input.password)
  const now = deps.clock.now()
  const existing = await findUserByEmail(deps.db, email)
  const slot = await takeSendSlot(deps, email)
  const resendAfter = seconds(slot.allowed ? SEND_COOLDOWN_MS : slot.retryAfterMs)
  if (existing !== null && existing.emailVerifiedAt !== null) {
    if (slot.allowed) deps.mailer.dispatch(accountExistsMail(email))
    return { message: CODE_SENT, resendAfter }
  }
  const code = await deps.db.transaction(async (tx) => {
    let userId = existing?.id
    if (userId === undefined) {
      const [created] = await tx
        .insert(users)
        .values({ id: newId('usr'), email, passwordHash: hash, displayName: input.displayName.trim(), createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id })
      // A concurrent sign-up for the same address won; its code is on the way.
      if (created === undefined) return null
      userId = created.id
    } else {
      await tx.update(users).set({ passwordHash: hash, displayName: input.displayName.trim(), updatedAt: now }).where(eq(users.id, userId))
      await tx.delete(passwordHistory).where(eq(passwordHistory.userId, userId))
    }
    await rememberPassword(tx, userId, hash, now)
    return slot.allowed ? issueCode(deps, tx, userId, 'verify_email', email) : null
  })
  if (code !== null) deps.mailer.dispatch(verificationMail(email, code))
  return { message: CODE_SENT, resendAfter }
}

/** Confirms a sign-up with its code and signs the new user in. */
export async function verifyEmail(deps: AccountsDeps, input: { email: string; code: string }, meta: ClientMeta): Promise<SignIn> {
  const user = await findUserByEmail(deps.db, normalizeEmail(input.email))
  if (user === null || user.emailVerifiedAt !== null) throw invalidCode()
  await consumeCode(deps, user.id, 'verify_email', input.code)
  const now = deps.clock.now()
  await deps.db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id))
  return openSession(deps, { ...user, emailVerifiedAt: now, updatedAt: now }, meta)
}

/** Sends a new sign-up code, at most once a minute per address (429 with the wait otherwise). */
export async function resendCode(deps: AccountsDeps, rawEmail: string): Promise<AccountsModel.CodeSent> {
  const email = normalizeEmail(rawEmail)
  const slot = await takeSendSlot(deps, email)
  if (!slot.allowed) throw rateLimitedError(slot.retryAfterMs, 'A code was sent a moment ago')
  const user = await findUserByEmail(deps.db, email)
  if (user !== null && user.emailVerifiedAt === null) {
    deps.mailer.dispatch(verificationMail(email, await issueCode(deps, deps.db, user.id, 'verify_email', email)))
  }
  return { message: CODE_SENT, resendAfter: seconds(SEND_COOLDOWN_MS) }
}
