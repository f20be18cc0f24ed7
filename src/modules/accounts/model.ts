import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { HANDLE_MAX, HANDLE_MIN } from './handle'
import { ROLES } from './table'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace AccountsModel {
  export const email = t.String({ format: 'email', maxLength: 254 })
  /** Rules for a new password; the common-password check runs in the service. */
  export const newPassword = t.String({ minLength: 8, maxLength: 128, description: '8 to 128 characters, not a common password' })
  /** A password being checked, not set: no rules beyond a sane size. */
  export const givenPassword = t.String({ minLength: 1, maxLength: 1024 })
  export const code = t.String({ pattern: '^[0-9]{6}$', description: 'the 6-digit code from the email' })
  export const displayName = t.String({ minLength: 1, maxLength: 60 })
  /** A handle as given: any case (stored lower-case); reserved words are refused by the service. */
  export const handle = t.String({
    pattern: `^[A-Za-z0-9_]{${HANDLE_MIN},${HANDLE_MAX}}$`,
    description: `the @name others mention: ${HANDLE_MIN} to ${HANDLE_MAX} letters (a-z), digits or _, any case (stored lower-case); unique; words such as admin or souk are reserved`,
  })
  export const role = t.UnionEnum(ROLES)

  // Bodies list only what a client may set: anything else (role, emailVerified, id, ...) is
  // dropped by validation before a handler runs, and services never spread a body into a row.
  export const registerBody = t.Object({ email, password: newPassword, displayName })
  export type RegisterBody = typeof registerBody.static
  export const verifyBody = t.Object({ email, code })
  export const emailBody = t.Object({ email })
  export const loginBody = t.Object({ email, password: givenPassword })
  export const googleBody = t.Object({ idToken: t.String({ minLength: 1, maxLength: 8192, description: 'a Google ID token (JWT)' }) })
  export const resetBody = t.Object({ token: t.String({ minLength: 16, maxLength: 128 }), password: newPassword })
  export const updateMeBody = t.Object({
    displayName: t.Optional(displayName),
    handle: t.Optional(handle),
    bio: t.Optional(nullable(t.String({ maxLength: 500 }))),
    location: t.Optional(nullable(t.String({ maxLength: 100 }))),
    phone: t.Optional(nullable(t.String({ pattern: '^\\+?[0-9 ()-]{6,32}$', description: 'digits, spaces, ()- and an optional leading +' }))),
  })
  export type UpdateMeBody = typeof updateMeBody.static
  export const changePasswordBody = t.Object({ currentPassword: givenPassword, newPassword })
  export const changeEmailBody = t.Object({ newEmail: email, password: givenPassword })
  export const codeBody = t.Object({ code })
  export const passwordBody = t.Object({ password: givenPassword })

  export const codeSent = t.Object({
    message: t.String(),
    resendAfter: t.Integer({ description: 'seconds before another code can be requested' }),
  })
  export type CodeSent = typeof codeSent.static
  export const accepted = t.Object({ message: t.String() })

  export const me = t.Object({
    id: idSchema('usr'),
    email: t.String(),
    emailVerified: t.Boolean(),
    role,
    handle: t.String({ description: 'the @name others mention, lower-case' }),
    displayName: t.String(),
    bio: nullable(t.String()),
    location: nullable(t.String()),
    phone: nullable(t.String()),
    avatarUrl: nullable(t.String()),
    hasPassword: t.Boolean(),
    googleLinked: t.Boolean(),
    createdAt: t.Date(),
  })
  export type Me = typeof me.static

  /** Sign-in, verification, Google and refresh all answer this; the refresh token is in the cookie. */
  export const signedIn = t.Object({
    accessToken: t.String({ description: 'JWT for `Authorization: Bearer`' }),
    tokenType: t.Literal('Bearer'),
    expiresAt: t.Date({ description: 'when the access token expires (15 minutes)' }),
    user: me,
  })
  export type SignedIn = typeof signedIn.static

  export const session = t.Object({
    id: idSchema('ses'),
    createdAt: t.Date(),
    lastUsedAt: t.Date(),
    expiresAt: t.Date(),
    userAgent: nullable(t.String()),
    ip: nullable(t.String()),
    current: t.Boolean({ description: 'the session of the token making this request' }),
  })
  export type Session = typeof session.static
  export const sessionList = t.Object({ items: t.Array(session) })
  export const sessionParams = t.Object({ id: idSchema('ses') })
  export const revoked = t.Object({ revoked: t.Integer({ description: 'how many sessions were ended' }) })

  export const avatarBody = t.Object({
    file: t.File({ description: 'a JPEG, PNG, WebP or GIF image of at most 5 MB and 40 megapixels, recognised by its content' }),
  })
  export const avatarParams = t.Object({
    id: idSchema('usr'),
    file: t.String({ pattern: '^[0-9a-f]{16}\\.webp$', description: 'the version in the avatarUrl of a profile' }),
  })

  export const publicProfile = t.Object({
    id: idSchema('usr'),
    handle: t.String({ description: 'the @name others mention, lower-case; a deleted account keeps it (no one else may take it)' }),
    displayName: t.String(),
    bio: nullable(t.String()),
    location: nullable(t.String()),
    avatarUrl: nullable(t.String()),
    role,
    createdAt: t.Date(),
    deleted: t.Boolean({ description: 'a deleted account keeps its id; its personal fields are gone' }),
  })
  export type PublicProfile = typeof publicProfile.static
  export const userParams = t.Object({ id: idSchema('usr') })

  export const REVOKE_REASONS = ['logout', 'revoked', 'password_changed', 'password_reset', 'refresh_reuse', 'account_deleted', 'suspended', 'admin_sign_out'] as const
  export type RevokeReason = (typeof REVOKE_REASONS)[number]

  /**
   * Published on the bus topic `SESSION_REVOKED_TOPIC` after sessions are ended (sign-out,
   * revoke, password change or reset, refresh-token reuse, deletion). The realtime gateway closes
   * sockets authenticated with these sessions.
   */
  export const sessionRevoked = t.Object({
    userId: idSchema('usr'),
    sessionIds: t.Array(idSchema('ses'), { minItems: 1 }),
    reason: t.UnionEnum(REVOKE_REASONS),
  })
  export type SessionRevoked = typeof sessionRevoked.static

  /**
   * Published on the bus topic `ROLE_CHANGED_TOPIC` after a user's role changed. The realtime
   * gateway re-reads it and stops the topics that user's sockets may no longer follow.
   */
  export const roleChanged = t.Object({ userId: idSchema('usr') })
  export type RoleChanged = typeof roleChanged.static
}

export const SESSION_REVOKED_TOPIC = 'session:revoked'
export const ROLE_CHANGED_TOPIC = 'role:changed'
