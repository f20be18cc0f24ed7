import { announceStatsMoved } from '../../../lib/admin-stats'
import { eq } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { actorOf } from '../../../lib/request-origin'
import { passwordHistory, users } from '../table'
import { withFreshHandle } from './handles'
import { accountKey, addressKey, assertNotLockedOut, clearFailures, recordFailure } from './lockout'
import { verifyAgainstNothing, verifyPassword } from './passwords'
import { openSession, type SignIn } from './sessions'
import { type AccountsDeps, type ClientMeta, normalizeEmail } from './shared'
import { findUserByEmail, type UserRow } from './users'

const wrongCredentials = () => new AppError('unauthorized', 'Wrong email or password')

/**
 * Email + password sign-in. Failures count per account and per client address; the 5th within
 * 15 minutes locks that key for 15 minutes (429 with the wait), checked before the password so
 * a locked account answers alike whether or not it exists. Unknown addresses spend the time of
 * a real verification and answer exactly like a wrong password.
 */
export async function signIn(deps: AccountsDeps, input: { email: string; password: string }, meta: ClientMeta): Promise<SignIn> {
  const email = normalizeEmail(input.email)
  const keys = [accountKey(email), addressKey(meta.ip)]
  await assertNotLockedOut(deps, keys, 'Too many failed sign-ins')
  const user = await findUserByEmail(deps.db, email)
  const valid = user?.passwordHash != null ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstNothing(input.password)
  if (user === null || !valid) {
    await recordFailure(deps, keys)
    throw wrongCredentials()
  }
  // Only the account's count: a success must not wipe an address's failures on other accounts.
  await clearFailures(deps, accountKey(email))
  if (user.emailVerifiedAt === null) {
    throw new AppError('forbidden', 'Confirm your email address first: enter the code we sent you', { reason: 'email_not_verified' })
  }
  return openSession(deps, user, meta, 'password')
}

/**
 * Google sign-in. Accounts are found by Google's `sub`; an address alone links only when Google
 * vouches for it. Linking an account that was never verified also drops its password: whoever
 * set it never proved the mailbox, and must not keep a way in.
 */
export async function signInWithGoogle(deps: AccountsDeps, idToken: string, meta: ClientMeta): Promise<SignIn> {
  if (deps.google === null) throw new AppError('not_found', 'Google sign-in is not enabled')
  const identity = await deps.google(idToken)
  if (identity === null) throw new AppError('unauthorized', 'The Google sign-in could not be verified')
  const now = deps.clock.now()
  const [linked] = await deps.db.select().from(users).where(eq(users.googleSub, identity.sub)).limit(1)
  if (linked !== undefined) {
    if (linked.deletedAt !== null) throw new AppError('unauthorized', 'This account was deleted')
    return openSession(deps, linked, meta, 'google')
  }
  if (!identity.emailVerified) throw new AppError('unauthorized', 'Google has not verified this email address')
  const existing = await findUserByEmail(deps.db, identity.email)
  let user: UserRow
  if (existing !== null) {
    // Linked to another Google account already: the address alone must not move it.
    if (existing.googleSub !== null) throw new AppError('conflict', 'This address belongs to an account linked to another Google account')
    const neverVerified = existing.emailVerifiedAt === null
    user = await deps.db.transaction(async (tx) => {
      if (neverVerified) await tx.delete(passwordHistory).where(eq(passwordHistory.userId, existing.id))
      const [row] = await tx
        .update(users)
        .set({
          googleSub: identity.sub,
          emailVerifiedAt: existing.emailVerifiedAt ?? now,
          passwordHash: neverVerified ? null : existing.passwordHash,
          updatedAt: now,
        })
        .where(eq(users.id, existing.id))
        .returning()
      // A new way into the account (and maybe one fewer): in its security events, as its owner's.
      await deps.audit(tx, { by: actorOf(existing, meta), kind: 'account.google_linked', userId: existing.id, summary: { emailLoginRemoved: neverVerified && existing.passwordHash !== null }, at: now })
      return row!
    })
  } else {
    const displayName = identity.name ?? identity.email.split('@')[0]!.slice(0, 60)
    const [row] = await deps.db.transaction((tx) =>
      withFreshHandle(tx, displayName, (conn, handle) =>
        conn
          .insert(users)
          .values({ id: newId('usr'), email: identity.email, emailVerifiedAt: now, googleSub: identity.sub, displayName, handle, createdAt: now, updatedAt: now })
          .returning(),
      ),
    )
    user = row!
    await announceStatsMoved(deps.bus, 'sign_up', now)
  }
  await clearFailures(deps, accountKey(identity.email))
  return openSession(deps, user, meta, 'google')
}
