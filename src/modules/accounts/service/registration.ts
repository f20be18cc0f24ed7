import { eq } from 'drizzle-orm'
import { announceStatsMoved } from '../../../lib/admin-stats'
import { newId } from '../../../lib/ids'
import { rateLimitedError } from '../../../lib/rate-limit'
import type { MailMessage } from '../../mail'
import type { AccountsModel } from '../model'
import { passwordHistory, users } from '../table'
import { consumeCode, invalidCode, issueCode } from './codes'
import { withFreshHandle } from './handles'
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
 * of a verified one gets a notice instead of a code), and so is its time: it hashes the password
 * and takes the address's send slot, alike for every address, and answers before anything that
 * depends on the account (reading it, creating it, issuing a code), which runs behind the answer
 * with the mail it leads to. An unverified account is taken over by the new sign-up: it belongs
 * to whoever proves the mailbox.
 */
export async function register(deps: AccountsDeps, input: AccountsModel.RegisterBody): Promise<AccountsModel.CodeSent> {
  const email = normalizeEmail(input.email)
  assertPasswordAllowed(input.password, 'body.password')
  const hash = await hashPassword(input.password)
  const slot = await takeSendSlot(deps, email)
  deps.mailer.dispatchAfter(() => prepareSignUp(deps, { email, hash, displayName: input.displayName.trim() }, slot.allowed))
  return { message: CODE_SENT, resendAfter: seconds(slot.allowed ? SEND_COOLDOWN_MS : slot.retryAfterMs) }
}

/**
 * The sign-up's work on the account: a new unverified one, or an unverified one taken over, with a
 * code to send when the send slot allows; for a verified account, only the notice to its owner.
 */
async function prepareSignUp(deps: AccountsDeps, input: { email: string; hash: string; displayName: string }, mayMail: boolean): Promise<MailMessage | null> {
  const { email, hash, displayName } = input
  const now = deps.clock.now()
  const existing = await findUserByEmail(deps.db, email)
  if (existing !== null && existing.emailVerifiedAt !== null) return mayMail ? accountExistsMail(email) : null
  let created = false
  const code = await deps.db.transaction(async (tx) => {
    let userId = existing?.id
    if (userId === undefined) {
      // A handle taken meanwhile raises (the conflict target is the email only): the next one is tried.
      const [inserted] = await withFreshHandle(tx, displayName, (conn, handle) =>
        conn
          .insert(users)
          .values({ id: newId('usr'), email, passwordHash: hash, displayName, handle, createdAt: now, updatedAt: now })
          .onConflictDoNothing({ target: users.email })
          .returning({ id: users.id }),
      )
      // A concurrent sign-up for the same address won; its code is on the way.
      if (inserted === undefined) return null
      userId = inserted.id
      created = true
    } else {
      // The name given last is the account's: so is the handle it suggests (the unverified one's is not kept).
      const id = userId
      await withFreshHandle(tx, displayName, (conn, handle) => conn.update(users).set({ passwordHash: hash, displayName, handle, updatedAt: now }).where(eq(users.id, id)), id)
      await tx.delete(passwordHistory).where(eq(passwordHistory.userId, userId))
    }
    await rememberPassword(tx, userId, hash, now)
    return mayMail ? issueCode(deps, tx, userId, 'verify_email', email) : null
  })
  // A new account: the admins' live strip counts it.
  if (created) await announceStatsMoved(deps.bus, 'sign_up', now)
  return code === null ? null : verificationMail(email, code)
}

/** Confirms a sign-up with its code and signs the new user in. */
export async function verifyEmail(deps: AccountsDeps, input: { email: string; code: string }, meta: ClientMeta): Promise<SignIn> {
  const user = await findUserByEmail(deps.db, normalizeEmail(input.email))
  if (user === null || user.emailVerifiedAt !== null) throw invalidCode()
  await consumeCode(deps, user.id, 'verify_email', input.code)
  const now = deps.clock.now()
  await deps.db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id))
  return openSession(deps, { ...user, emailVerifiedAt: now, updatedAt: now }, meta, 'sign_up')
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
