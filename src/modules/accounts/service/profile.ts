import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { Logger } from '../../../lib/log'
import { rateLimitedError } from '../../../lib/rate-limit'
import { actorOf, type Origin, SYSTEM } from '../../../lib/request-origin'
import type { AccountsModel } from '../model'
import { lockAdmins } from './admin'
import { emailCodes, passwordHistory, passwordResetTokens, type Role, userAvatars, users } from '../table'
import { consumeCode, issueCode } from './codes'
import { chosenHandle, claimingHandle, withFreshHandle } from './handles'
import { assertNotLockedOut, recordFailure } from './lockout'
import { addressInUseMail, emailChangeCodeMail, emailChangedMail, passwordChangedMail } from './mail-text'
import { assertPasswordAllowed, hashPassword, isRecentPassword, rememberPassword, verifyPassword } from './passwords'
import { announceRevoked, type CurrentUser, revokeSessionRows } from './sessions'
import { type AccountAudit, type AccountsDeps, maskEmail, normalizeEmail, SEND_COOLDOWN_MS } from './shared'
import { findUserByEmail, findUserById, toMe, type UserRow } from './users'

const DELETED_NAME = 'Deleted user'

/** The signed-in user's row; the auth plugin has just seen it live, so absence is a race (401). */
async function loadUser(deps: AccountsDeps, current: CurrentUser): Promise<UserRow> {
  const user = await findUserById(deps.db, current.id)
  if (user === null) throw new AppError('unauthorized', 'Your session has ended; sign in again')
  return user
}

/**
 * Checks the password of a signed-in user before a sensitive change. Wrong answers count toward a
 * per-account lock, so a stolen access token cannot be used to guess the password at leisure.
 */
async function confirmPassword(deps: AccountsDeps, user: UserRow, password: string, field: string): Promise<void> {
  if (user.passwordHash === null) {
    throw new AppError('invalid_data', 'This account has no password yet; set one with "forgot password" first', [{ field, message: 'no password is set' }])
  }
  const keys = [`confirm:${user.id}`]
  await assertNotLockedOut(deps, keys, 'Too many wrong passwords')
  if (!(await verifyPassword(password, user.passwordHash))) {
    await recordFailure(deps, keys)
    throw new AppError('invalid_data', 'The password is not right', [{ field, message: 'is not your current password' }])
  }
}

export async function getMe(deps: AccountsDeps, current: CurrentUser): Promise<AccountsModel.Me> {
  return toMe(await loadUser(deps, current))
}

const blankToNull = (value: string | null) => (value === null || value.trim() === '' ? null : value.trim())

/** Changes profile fields; only the fields named here can change, whatever the body holds. */
export async function updateMe(deps: AccountsDeps, current: CurrentUser, input: AccountsModel.UpdateMeBody): Promise<AccountsModel.Me> {
  const patch: Partial<typeof users.$inferInsert> = { updatedAt: deps.clock.now() }
  if (input.displayName !== undefined) {
    const name = input.displayName.trim()
    if (name === '') throw new AppError('invalid_data', 'A display name cannot be blank', [{ field: 'body.displayName', message: 'is blank' }])
    patch.displayName = name
  }
  if (input.bio !== undefined) patch.bio = blankToNull(input.bio)
  if (input.location !== undefined) patch.location = blankToNull(input.location)
  if (input.phone !== undefined) patch.phone = blankToNull(input.phone)
  if (input.handle !== undefined) patch.handle = chosenHandle(input.handle)
  const [row] = await claimingHandle(patch.handle, () => deps.db.update(users).set(patch).where(eq(users.id, current.id)).returning())
  if (row === undefined) throw new AppError('unauthorized', 'Your session has ended; sign in again')
  return toMe(row)
}

/** Changes the password (current one required), keeping this session and ending the others. */
export async function changePassword(deps: AccountsDeps, current: CurrentUser, input: { currentPassword: string; newPassword: string }, origin: Origin): Promise<void> {
  const user = await loadUser(deps, current)
  await confirmPassword(deps, user, input.currentPassword, 'body.currentPassword')
  assertPasswordAllowed(input.newPassword, 'body.newPassword')
  if (await isRecentPassword(deps.db, user.id, input.newPassword)) {
    throw new AppError('invalid_data', 'Choose a password you have not used recently', [{ field: 'body.newPassword', message: 'was one of your last 5 passwords' }])
  }
  const hash = await hashPassword(input.newPassword)
  const now = deps.clock.now()
  const revoked = await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash: hash, updatedAt: now }).where(eq(users.id, user.id))
    await rememberPassword(tx, user.id, hash, now)
    const ended = await revokeSessionRows(tx, now, user.id, { except: current.sessionId }, 'password_changed')
    await deps.audit(tx, { by: actorOf(current, origin), kind: 'account.password_changed', userId: user.id, summary: { via: 'change', sessionsEnded: ended.length }, at: now })
    return ended
  })
  await announceRevoked(deps, user.id, revoked, 'password_changed')
  // The owner hears of it even when it was not them (a stolen session knows the password too).
  if (user.email !== null) deps.mailer.dispatch(passwordChangedMail(user.email, deps.config.publicUrl))
}

/**
 * Starts an address change: a code goes to the new address (the change happens on confirm).
 * If the address already has an account, its owner is told instead; the answer is the same.
 */
export async function requestEmailChange(
  deps: AccountsDeps,
  current: CurrentUser,
  input: { newEmail: string; password: string },
): Promise<AccountsModel.CodeSent> {
  const user = await loadUser(deps, current)
  await confirmPassword(deps, user, input.password, 'body.password')
  const newEmail = normalizeEmail(input.newEmail)
  if (newEmail === user.email) throw new AppError('invalid_data', 'That is already your address', [{ field: 'body.newEmail', message: 'is your current address' }])
  const slot = await deps.limiter.consume(`email-change:${user.id}`, 1, SEND_COOLDOWN_MS, deps.clock.now().getTime())
  if (!slot.allowed) throw rateLimitedError(slot.retryAfterMs, 'A code was sent a moment ago')
  if ((await findUserByEmail(deps.db, newEmail)) !== null) {
    deps.mailer.dispatch(addressInUseMail(newEmail))
  } else {
    deps.mailer.dispatch(emailChangeCodeMail(newEmail, await issueCode(deps, deps.db, user.id, 'change_email', newEmail)))
  }
  return { message: 'We sent a code to the new address. Enter it to finish the change.', resendAfter: SEND_COOLDOWN_MS / 1000 }
}

/** Finishes an address change with the code sent to the new address; the old one is told. */
export async function confirmEmailChange(deps: AccountsDeps, current: CurrentUser, code: string, origin: Origin): Promise<AccountsModel.Me> {
  const user = await loadUser(deps, current)
  const newEmail = await consumeCode(deps, user.id, 'change_email', code)
  const now = deps.clock.now()
  const row = await deps.db
    .transaction(async (tx) => {
      const [changed] = await tx.update(users).set({ email: newEmail, emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id)).returning()
      // The addresses masked: enough for the owner and an admin to recognise them, not a list of addresses.
      await deps.audit(tx, { by: actorOf(current, origin), kind: 'account.email_changed', userId: user.id, summary: { from: maskEmail(user.email), to: maskEmail(newEmail) }, at: now })
      return changed
    })
    .catch((error: unknown) => {
      // The address was taken between the request and the confirmation.
      if (pgErrorOf(error)?.code === UNIQUE_VIOLATION) throw new AppError('conflict', 'This address now belongs to another account')
      throw error
    })
  if (user.email !== null) deps.mailer.dispatch(emailChangedMail(user.email, newEmail))
  return toMe(row!)
}

/**
 * Deletes the account: password required; every session ends; personal data is erased while the
 * row stays, so orders and messages that point at it show "Deleted user". The handle, made from the
 * person's name, goes too (a random `deleted_…` takes its place); texts that mentioned it keep the
 * account they named (social stores mentions by user id).
 */
export async function deleteAccount(deps: AccountsDeps, current: CurrentUser, password: string, origin: Origin): Promise<void> {
  const user = await loadUser(deps, current)
  await confirmPassword(deps, user, password, 'body.password')
  const now = deps.clock.now()
  const revoked = await deps.db.transaction(async (tx) => {
    // The last admin cannot leave Souk without one (under the admins' lock, like a demotion).
    if (user.role === 'admin') {
      const admins = await lockAdmins(tx, now)
      if (admins.length <= 1 && admins.includes(user.id)) throw new AppError('conflict', 'This is the last admin: promote another admin before deleting this account', { reason: 'last_admin' })
    }
    await tx
      .update(users)
      .set({
        email: null,
        emailVerifiedAt: null,
        passwordHash: null,
        googleSub: null,
        displayName: DELETED_NAME,
        // 80 random bits: unique in practice, and a valid handle (lower-case hex after `deleted_`).
        handle: `deleted_${randomBytes(10).toString('hex')}`,
        bio: null,
        location: null,
        phone: null,
        avatarUrl: null,
        deletedAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, user.id))
    await tx.delete(passwordHistory).where(eq(passwordHistory.userId, user.id))
    await tx.delete(emailCodes).where(eq(emailCodes.userId, user.id))
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))
    await tx.delete(userAvatars).where(eq(userAvatars.userId, user.id))
    const ended = await revokeSessionRows(tx, now, user.id, {}, 'account_deleted')
    // The log keeps its entries (append-only, no personal data but ids and addresses): they are about the account, not of it.
    await deps.audit(tx, { by: actorOf(current, origin), kind: 'account.deleted', userId: user.id, summary: { sessionsEnded: ended.length }, at: now })
    return ended
  })
  await announceRevoked(deps, user.id, revoked, 'account_deleted')
}

/** Anyone's public profile; a deleted account answers as "Deleted user". */
export async function getPublicProfile(db: Db, id: string): Promise<AccountsModel.PublicProfile> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1)
  if (user === undefined) throw new AppError('not_found', 'No such user')
  return {
    id: user.id,
    handle: user.handle,
    displayName: user.displayName,
    bio: user.bio,
    location: user.location,
    avatarUrl: user.avatarUrl,
    role: user.role,
    createdAt: user.createdAt,
    deleted: user.deletedAt !== null,
  }
}

/**
 * Makes sure an account exists for `email`, verified, with `role` and this password (rehashed only
 * when it changed). Used for the configured admin at every start and for demo accounts.
 */
export async function ensureUser(
  deps: { db: Db; clock: Clock; log: Logger; audit?: AccountAudit },
  account: { email: string; password: string; role: Role; displayName: string },
  passwordVariable = 'password',
): Promise<void> {
  const email = normalizeEmail(account.email)
  assertPasswordAllowed(account.password, passwordVariable)
  const now = deps.clock.now()
  const existing = await findUserByEmail(deps.db, email)
  const samePassword = existing?.passwordHash != null && (await verifyPassword(account.password, existing.passwordHash))
  const hash = samePassword ? null : await hashPassword(account.password)
  const verifiedAt = existing?.emailVerifiedAt ?? now
  await deps.db.transaction(async (tx) => {
    let id = existing?.id
    if (id === undefined) {
      id = newId('usr')
      const values = { id, email, emailVerifiedAt: verifiedAt, passwordHash: hash, role: account.role, displayName: account.displayName, createdAt: now, updatedAt: now }
      await withFreshHandle(tx, account.displayName, (conn, handle) => conn.insert(users).values({ ...values, handle }))
    } else {
      await tx
        .update(users)
        .set({ role: account.role, emailVerifiedAt: verifiedAt, updatedAt: now, ...(hash === null ? {} : { passwordHash: hash }) })
        .where(eq(users.id, id))
    }
    if (hash !== null) await rememberPassword(tx, id, hash, now)
    // Souk gave the role at start-up (ADMIN_EMAIL): a role change like any other, in the log.
    const before = existing?.role ?? null
    if (deps.audit !== undefined && before !== account.role) await deps.audit(tx, { by: SYSTEM, kind: 'account.role_changed', userId: id, summary: { from: before, to: account.role }, at: now })
    // A configured password replacing the account's (ADMIN_PASSWORD changed): a way in, in its security events.
    if (deps.audit !== undefined && existing !== null && hash !== null) await deps.audit(tx, { by: SYSTEM, kind: 'account.password_changed', userId: id, summary: { via: 'start_up' }, at: now })
  })
  deps.log.info('account ready', { email, role: account.role, created: existing === null })
}

/** The configured admin (ADMIN_EMAIL, ADMIN_PASSWORD), made sure of at every start. */
export function bootstrapAdmin(deps: { db: Db; clock: Clock; log: Logger; audit?: AccountAudit }, admin: { email: string; password: string }): Promise<void> {
  return ensureUser(deps, { ...admin, role: 'admin', displayName: 'Admin' }, 'ADMIN_PASSWORD')
}

/** True when no account exists yet (a first start). */
export async function hasNoUsers(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).limit(1)
  return row === undefined
}
