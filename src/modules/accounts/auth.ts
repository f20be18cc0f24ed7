import { Elysia } from 'elysia'
import type { Config } from '../../config'
import type { Db } from '../../db/client'
import type { Clock } from '../../lib/clock'
import { AppError, ErrorResponse } from '../../lib/errors'
import { authenticate } from './service/sessions'
import type { Role } from './table'

export type { CurrentUser } from './service/sessions'
export type { Role } from './table'

/** `true`: any signed-in user; a role or a list of roles: only those. */
export type AuthRule = true | Role | Role[]

/** What the auth plugin needs; the Infrastructure fits. */
export interface AuthDeps {
  database: { db: Db }
  config: Pick<Config, 'secrets' | 'publicUrl'>
  clock: Clock
}

function bearerToken(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header)
  return match?.[1] ?? null
}

/**
 * The `auth` macro every module uses: `{ auth: true }`, `{ auth: 'admin' }`, `{ auth: 'vendor' }`
 * or `{ auth: ['vendor', 'admin'] }`. It resolves `user` ({ id, role, sessionId }) from the
 * bearer access token, checking the session is still open, and throws AppError 'unauthorized'
 * (no valid token) or 'forbidden' (wrong role). It also documents 401/403 and the bearer scheme.
 */
export function authPlugin(deps: AuthDeps) {
  const resolver = { db: deps.database.db, config: deps.config, clock: deps.clock }
  return new Elysia({ name: 'auth' }).macro({
    auth: (rule: AuthRule) => ({
      // `x-souk-auth` names who may call it, for the OpenAPI reader and the integration report.
      detail: { security: [{ bearerAuth: [] }], 'x-souk-auth': rule === true ? 'signed-in' : [rule].flat().join(' or ') },
      response: { 401: ErrorResponse, 403: ErrorResponse },
      async resolve({ headers }) {
        const user = await authenticate(resolver, bearerToken(headers.authorization))
        if (user === null) throw new AppError('unauthorized', 'Sign in to continue')
        const allowed = rule === true || (Array.isArray(rule) ? rule : [rule]).includes(user.role)
        if (!allowed) throw new AppError('forbidden', 'Your account cannot do this')
        return { user }
      },
    }),
    /**
     * `{ viewer: true }`: for public routes that answer more to a signed-in caller. Resolves
     * `viewer` (CurrentUser or null); a missing or invalid token means anonymous, never 401.
     */
    viewer: {
      async resolve({ headers }) {
        return { viewer: await authenticate(resolver, bearerToken(headers.authorization)) }
      },
    },
  })
}
