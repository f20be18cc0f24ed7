import { type Cookie, Elysia, t } from 'elysia'
import type { Config } from '../../config'
import type { Db } from '../../db/client'
import { uploadGuard } from '../../lib/body-guard'
import type { Clock } from '../../lib/clock'
import { AppError, ErrorResponse } from '../../lib/errors'
import { fileResponse } from '../../lib/openapi'
import { UPLOAD_LIMITS } from '../../lib/images'
import type { Logger } from '../../lib/log'
import { type RateLimiter, rateLimitPlugin } from '../../lib/rate-limit'
import type { Bus } from '../../lib/bus'
import { invalidatePages } from '../../lib/page-invalidation'
import { requestIdOf } from '../../lib/http'
import { actorOf, originPlugin } from '../../lib/request-origin'
import type { Mailer } from '../mail'
import { authPlugin } from './auth'
import { ACCOUNTS_PREFIX, CSRF_HEADER, REFRESH_ROUTE } from './cookie-auth'
import { AccountsModel as M } from './model'
import { findAvatar, removeAvatar, setAvatar } from './service/avatars'
import { createGoogleVerifier } from './service/google'
import { changePassword, confirmEmailChange, deleteAccount, getMe, getPublicProfile, requestEmailChange, updateMe } from './service/profile'
import { RESET_REQUESTED, requestPasswordReset, resetPassword } from './service/recovery'
import { register, resendCode, verifyEmail } from './service/registration'
import { listSessions, refreshSession, revokeOwnSession, revokeSessions, type SignIn, signOut } from './service/sessions'
import { type AccountsDeps, MINUTE } from './service/shared'
import { signIn, signInWithGoogle } from './service/signin'

export { authPlugin, type AuthRule, type CurrentUser, type Role } from './auth'
export { CSRF_HEADER } from './cookie-auth'
export { ROLE_CHANGED_TOPIC, SESSION_REVOKED_TOPIC, AccountsModel } from './model'
export { bootstrapAdmin, ensureUser, hasNoUsers } from './service/profile'
export { announceRoleChanged, findRole, setRole } from './service/users'
export { announceSessionsRevoked, endAllSessions, guardAdminRemoval, liftSuspension, openSessionsOf, prepareVerification, searchUsers, type Standing, standingOf, suspendAccount, type UserListRow, type UserSearch } from './service/admin'
export { HANDLE_MAX, HANDLE_MIN } from './handle'
export { usersByHandle } from './service/handles'
export { displayNames, findUserById, listUsersWithRole, mailableAddresses, type UserCard, userCards } from './service/users'
export type { AccountAudit, AccountNotice } from './service/shared'
export { getPublicProfile } from './service/profile'
export { authenticate } from './service/sessions'
export { countActiveUsers, countSessionsOpened, countSignUps, listSignIns, type SignInRow } from './service/activity'
export { purgeEndedSessions, purgeExpiredCodes } from './service/housekeeping'
/** The tables other modules' tables reference (foreign keys) and the demo seed fills; services query them through this module's functions. */
export { ROLES, users } from './table'

/** What the accounts routes are built from; the Infrastructure plus the mailer fits. */
export interface AccountsContext {
  database: { db: Db }
  config: Config
  clock: Clock
  bus: Bus
  limiter: RateLimiter
  log: Logger
  mailer: Mailer
  notify: AccountsDeps['notify']
  audit: AccountsDeps['audit']
}

/** The refresh cookie's name: `__Host-` prefixed over https, where browsers then insist on Secure and Path=/. */
export function refreshCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? '__Host-souk_refresh' : 'souk_refresh'
}

/**
 * Whether a request carries a refresh cookie. The page renderer tells the client so: it restores
 * the session on load only then, and an anonymous visit never calls the refresh endpoint (a 401).
 */
export function hasRefreshCookie(request: Request, publicUrl: string): boolean {
  const prefix = `${refreshCookieName(publicUrl)}=`
  return (request.headers.get('cookie') ?? '').split(';').some((pair) => {
    const trimmed = pair.trim()
    return trimmed.startsWith(prefix) && trimmed.length > prefix.length
  })
}

const HOUR = 60 * MINUTE
// Per client address, on top of the per-account rules inside the services.
const LIMITS = {
  register: { scope: 'register', limit: 10, windowMs: HOUR },
  verify: { scope: 'verify', limit: 30, windowMs: 15 * MINUTE },
  resend: { scope: 'resend', limit: 10, windowMs: HOUR },
  login: { scope: 'login', limit: 30, windowMs: 15 * MINUTE },
  google: { scope: 'google', limit: 30, windowMs: 15 * MINUTE },
  // Every full page load of a signed-in visitor restores the session once, and people behind one
  // NAT or proxy share an address: a token is unguessable, so this only caps the work per address.
  refresh: { scope: 'refresh', limit: 600, windowMs: 15 * MINUTE },
  forgot: { scope: 'forgot', limit: 10, windowMs: HOUR },
  reset: { scope: 'reset', limit: 30, windowMs: 15 * MINUTE },
  // Decoding images costs CPU; nobody needs to change their picture more often.
  avatar: { scope: 'avatar', limit: 20, windowMs: HOUR },
}

const AVATAR_CACHE = 'public, max-age=31536000, immutable'

/**
 * Register, verify, sign-in (password and Google), refresh, sign-out, password reset, the
 * signed-in user's account (/me) and public profiles. The refresh token lives only in an
 * HttpOnly SameSite=Strict cookie (`__Host-` prefixed over https); the two routes that act on
 * it alone (refresh, logout) also require the X-Souk-CSRF header, which a cross-site form cannot
 * send and a cross-site script cannot send without a CORS preflight this server never grants.
 */
export function accountsRoutes(ctx: AccountsContext) {
  const deps: AccountsDeps = {
    db: ctx.database.db,
    config: ctx.config,
    clock: ctx.clock,
    bus: ctx.bus,
    mailer: ctx.mailer,
    limiter: ctx.limiter,
    log: ctx.log,
    google: ctx.config.google === null ? null : createGoogleVerifier(ctx.config.google, ctx.clock),
    notify: ctx.notify,
    audit: ctx.audit,
  }
  const secure = ctx.config.publicUrl.startsWith('https://')
  const cookieName = refreshCookieName(ctx.config.publicUrl)
  const refreshCookie = t.Cookie({ [cookieName]: t.Optional(t.String()) })
  const cookieOptions = { httpOnly: true, secure, sameSite: 'strict', path: '/' } as const
  // Validation keeps only declared headers, so Sec-Fetch-Site is declared to be seen.
  const csrfHeaders = t.Object({
    [CSRF_HEADER]: t.Optional(t.String({ description: 'required: any value' })),
    'sec-fetch-site': t.Optional(t.String({ description: 'sent by browsers; cross-site is refused' })),
  })

  type Jar = Record<string, Cookie<string | undefined>>
  const jarOf = (cookie: Jar) => cookie[cookieName]!
  /** Puts the refresh token in its cookie and answers the access token. */
  const grant = (cookie: Jar, signedIn: SignIn) => {
    jarOf(cookie).set({ ...cookieOptions, value: signedIn.refresh.token, expires: signedIn.refresh.expiresAt })
    return signedIn.body
  }
  // Elysia's remove() drops Secure, and a browser ignores a __Host- cookie set without it.
  const clearRefresh = (cookie: Jar) => jarOf(cookie).set({ ...cookieOptions, value: '', maxAge: 0 })
  const requireCsrf = ({ headers }: { headers: Record<string, string | undefined> }) => {
    if (headers[CSRF_HEADER] === undefined || headers['sec-fetch-site'] === 'cross-site') {
      throw new AppError('forbidden', `This request needs the ${CSRF_HEADER} header`)
    }
  }
  const clientOf = (request: Request, clientIp: string) => ({ ip: clientIp, requestId: requestIdOf(request), userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null })
  /** Drops cached renders of a public profile page after the data on it changed. */
  const profileChanged = async <T>(userId: string, result: T): Promise<T> => {
    await invalidatePages(ctx.bus, [`/users/${userId}`])
    return result
  }

  return new Elysia({ name: 'accounts', prefix: ACCOUNTS_PREFIX })
    .use(authPlugin(ctx))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .use(uploadGuard)
    .guard({ detail: { tags: ['Auth'] } }, (auth) =>
      auth
        .post('/auth/register', async ({ body, status }) => status(202, await register(deps, body)), {
          body: M.registerBody,
          rateLimit: LIMITS.register,
          response: { 202: M.codeSent, 400: ErrorResponse },
          detail: { summary: 'Start a sign-up: a 6-digit code is emailed (same answer for every address)' },
        })
        .post('/auth/verify', async ({ body, cookie, request, clientIp }) => grant(cookie, await verifyEmail(deps, body, clientOf(request, clientIp))), {
          body: M.verifyBody,
          cookie: refreshCookie,
          rateLimit: LIMITS.verify,
          response: { 200: M.signedIn, 400: ErrorResponse },
          detail: { summary: 'Confirm a sign-up with its code; signs in' },
        })
        .post('/auth/resend', async ({ body, status }) => status(202, await resendCode(deps, body.email)), {
          body: M.emailBody,
          rateLimit: LIMITS.resend,
          response: { 202: M.codeSent, 400: ErrorResponse },
          detail: { summary: 'Send a new sign-up code (once a minute per address)' },
        })
        .post('/auth/login', async ({ body, cookie, request, clientIp }) => grant(cookie, await signIn(deps, body, clientOf(request, clientIp))), {
          body: M.loginBody,
          cookie: refreshCookie,
          rateLimit: LIMITS.login,
          response: { 200: M.signedIn, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
          detail: { summary: 'Sign in with email and password (403 email_not_verified, 429 when locked out)' },
        })
        .post('/auth/google', async ({ body, cookie, request, clientIp }) => grant(cookie, await signInWithGoogle(deps, body.idToken, clientOf(request, clientIp))), {
          body: M.googleBody,
          cookie: refreshCookie,
          rateLimit: LIMITS.google,
          response: { 200: M.signedIn, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Sign in with a Google ID token (404 when Google sign-in is not configured)' },
        })
        .post(
          REFRESH_ROUTE,
          async ({ cookie, request, clientIp }) => {
            const token = jarOf(cookie).value
            try {
              if (token === undefined || token === '') throw new AppError('unauthorized', 'Not signed in')
              return grant(cookie, await refreshSession(deps, token, clientOf(request, clientIp)))
            } catch (error) {
              // A dead cookie is dropped, so the next page load does not try to restore it again.
              if (error instanceof AppError && error.type === 'unauthorized') clearRefresh(cookie)
              throw error
            }
          },
          {
            cookie: refreshCookie,
            headers: csrfHeaders,
            beforeHandle: requireCsrf,
            rateLimit: LIMITS.refresh,
            response: { 200: M.signedIn, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
            detail: { summary: 'Exchange the refresh cookie for a new access token and a rotated cookie (409: a concurrent refresh won; retry)' },
          },
        )
        .post(
          '/auth/logout',
          async ({ cookie, origin, status }) => {
            await signOut(deps, jarOf(cookie).value || null, origin)
            clearRefresh(cookie)
            return status(204, undefined)
          },
          {
            cookie: refreshCookie,
            headers: csrfHeaders,
            beforeHandle: requireCsrf,
            response: { 204: t.Undefined(), 403: ErrorResponse },
            detail: { summary: "Sign out: ends the refresh cookie's session and clears the cookie" },
          },
        )
        .post(
          '/auth/password/forgot',
          async ({ body, status }) => {
            await requestPasswordReset(deps, body.email)
            return status(202, { message: RESET_REQUESTED })
          },
          {
            body: M.emailBody,
            rateLimit: LIMITS.forgot,
            response: { 202: M.accepted, 400: ErrorResponse },
            detail: { summary: 'Email a password-reset link (same answer for every address)' },
          },
        )
        .post(
          '/auth/password/reset',
          async ({ body, origin, status }) => {
            await resetPassword(deps, body, origin)
            return status(204, undefined)
          },
          {
            body: M.resetBody,
            rateLimit: LIMITS.reset,
            response: { 204: t.Undefined(), 400: ErrorResponse },
            detail: { summary: 'Choose a new password with a reset token; ends every session' },
          },
        ),
    )
    .guard({ auth: true, detail: { tags: ['Me'] } }, (me) =>
      me
        .get('/me', ({ user }) => getMe(deps, user), {
          response: { 200: M.me },
          detail: { summary: 'The signed-in account' },
        })
        .patch('/me', async ({ user, body }) => profileChanged(user.id, await updateMe(deps, user, body)), {
          body: M.updateMeBody,
          response: { 200: M.me, 400: ErrorResponse, 409: ErrorResponse },
          detail: {
            summary: 'Change profile fields (display name, handle, bio, location, phone); anything else in the body is ignored',
            description: '400 for a malformed or reserved handle; 409 `conflict` when another account has it.',
          },
        })
        .post(
          '/me/password',
          async ({ user, body, origin, status }) => {
            await changePassword(deps, user, body, origin)
            return status(204, undefined)
          },
          {
            body: M.changePasswordBody,
            response: { 204: t.Undefined(), 400: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Change the password (current one required); ends the other sessions' },
          },
        )
        .post('/me/email', async ({ user, body, status }) => status(202, await requestEmailChange(deps, user, body)), {
          body: M.changeEmailBody,
          response: { 202: M.codeSent, 400: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Start an email change: a code goes to the new address' },
        })
        .post('/me/email/confirm', ({ user, body, origin }) => confirmEmailChange(deps, user, body.code, origin), {
          body: M.codeBody,
          response: { 200: M.me, 400: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Finish an email change with the code sent to the new address' },
        })
        .post('/me/avatar', async ({ user, body }) => profileChanged(user.id, await setAvatar(deps, user, body.file)), {
          body: M.avatarBody,
          upload: UPLOAD_LIMITS.maxBytes,
          rateLimit: LIMITS.avatar,
          response: { 200: M.me, 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
          detail: {
            summary: 'Upload my avatar (multipart, field "file")',
            description:
              'Checked by content (JPEG, PNG, WebP or GIF), at most 5 MB and 40 megapixels, then re-encoded as a 256 px square WebP without metadata. 413: too large; 415: not an accepted image; 400: too many pixels or undecodable.',
          },
        })
        .delete('/me/avatar', async ({ user }) => profileChanged(user.id, await removeAvatar(deps, user)), {
          response: { 200: M.me },
          detail: { summary: 'Remove my avatar' },
        })
        .get('/me/sessions', async ({ user }) => ({ items: await listSessions(deps, user) }), {
          response: { 200: M.sessionList },
          detail: { summary: 'My open sessions (signed-in devices)' },
        })
        .delete('/me/sessions', async ({ user, origin }) => ({ revoked: await revokeSessions(deps, user.id, { except: user.sessionId }, 'revoked', actorOf(user, origin)) }), {
          response: { 200: M.revoked },
          detail: { summary: 'End every session but this one' },
        })
        .delete(
          '/me/sessions/:id',
          async ({ user, params, origin, status }) => {
            await revokeOwnSession(deps, user, params.id, origin)
            return status(204, undefined)
          },
          {
            params: M.sessionParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'End one of my sessions' },
          },
        )
        .delete(
          '/me',
          async ({ user, body, cookie, origin, status }) => {
            await deleteAccount(deps, user, body.password, origin)
            clearRefresh(cookie)
            return profileChanged(user.id, status(204, undefined))
          },
          {
            body: M.passwordBody,
            cookie: refreshCookie,
            response: { 204: t.Undefined(), 400: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Delete my account (password required): personal data is erased, sessions end' },
          },
        ),
    )
    .get('/users/:id', ({ params }) => getPublicProfile(deps.db, params.id), {
      params: M.userParams,
      response: { 200: M.publicProfile, 404: ErrorResponse },
      detail: { tags: ['Users'], summary: 'A public profile' },
    })
    .get(
      '/users/:id/avatar/:file',
      async ({ params }) => {
        const avatar = await findAvatar(deps.db, params.id, params.file.slice(0, -'.webp'.length))
        if (avatar === null) throw new AppError('not_found', 'No such avatar')
        // The URL names the content (its hash), so it can be cached for good.
        return new Response(avatar.image, {
          headers: { 'content-type': avatar.contentType, 'cache-control': AVATAR_CACHE, 'x-content-type-options': 'nosniff' },
        })
      },
      {
        params: M.avatarParams,
        response: { 404: ErrorResponse },
        detail: { tags: ['Users'], summary: 'An avatar image (the avatarUrl of a profile); immutable, cached for a year', ...fileResponse('The avatar', ['image/webp']) },
      },
    )
}
