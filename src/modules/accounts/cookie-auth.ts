// What the accounts routes and the web client (web/src/lib/auth.ts, api.ts) must spell alike about
// the routes a browser calls with its refresh cookie alone. The web client bundles this file, so
// it holds plain data and no import.

/** Where the accounts routes are mounted (their plugin's prefix). */
export const ACCOUNTS_PREFIX = '/api/v1'

/** The route that trades the refresh cookie for an access token, under ACCOUNTS_PREFIX. */
export const REFRESH_ROUTE = '/auth/refresh'

/** The refresh route's full path. */
export const REFRESH_PATH = `${ACCOUNTS_PREFIX}${REFRESH_ROUTE}` as const

/**
 * The header the cookie-only routes (refresh, logout) require, with any value: a cross-site form
 * cannot send it, so a forged request is refused.
 */
export const CSRF_HEADER = 'x-souk-csrf'
