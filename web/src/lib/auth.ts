import { treaty } from '@elysiajs/eden'
import type { App } from '../../../src/app'
import { CSRF_HEADER } from '../../../src/modules/accounts/cookie-auth'
import type { AccountsModel } from '../../../src/modules/accounts/model'

/**
 * Client-side session handling, in one place: the access token lives in memory only; the refresh
 * token is an HttpOnly cookie the browser sends to the refresh endpoint. On a 401 every caller
 * waits on one shared refresh, then retries once. No Solid in here, so Bun's test runner runs it.
 */

/** What the two cookie-only routes (refresh, logout) are sent with (see CSRF_HEADER); the value does not matter. */
export const CSRF_HEADERS = { [CSRF_HEADER]: '1' } as const

export interface AuthClientOptions {
  /** Origin the API lives on. */
  baseUrl: string
  /**
   * Called once a refresh has failed while the tab held a token: the session is over. A tab
   * without one (restoring a session on page load) just stays signed out.
   */
  onSignedOut(): void
  /** Called with each session a refresh opens, so the UI can follow the signed-in user. */
  onRefreshed?(session: AccountsModel.SignedIn): void
  fetch?: typeof fetch
}

export interface AuthClient {
  /** A fetch that adds the bearer token and survives one expired token; `transport` sends it instead of the client's fetch (an upload reporting progress). */
  fetch(input: string | URL, init?: RequestInit, transport?: typeof fetch): Promise<Response>
  accessToken(): string | null
  /** Set by sign-in (and cleared by sign-out) — the accounts screens call this. */
  setAccessToken(token: string | null): void
  /** Runs (or joins) the one refresh in flight; resolves to the new token or null. */
  refresh(): Promise<string | null>
  /**
   * Calls `listener` with every new access token a refresh brings (the socket re-authenticates
   * with it, lib/live.ts); answers the function that stops it.
   */
  onAccessToken(listener: (token: string) => void): () => void
}

function isAuthEndpoint(input: string | URL): boolean {
  const path = new URL(input, 'http://x').pathname
  // A 401 from sign-in means wrong credentials, not an expired session: never refresh on it.
  return path.startsWith('/api/v1/auth/')
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  let token: string | null = null
  let inFlight: Promise<string | null> | null = null
  const tokenListeners = new Set<(token: string) => void>()

  // The refresh call goes through the typed client too: its path, CSRF header and answer are checked
  // against the accounts routes at compile time.
  const server = treaty<App>(options.baseUrl, { fetcher: baseFetch as typeof fetch, fetch: { credentials: 'include' } })

  async function runRefresh(retryOnConflict = true): Promise<AccountsModel.SignedIn | null> {
    try {
      const res = await server.api.v1.auth.refresh.post(undefined, { headers: CSRF_HEADERS })
      // 409: another tab rotated the cookie at the same moment; the browser now holds the new one.
      if (res.status === 409 && retryOnConflict) return runRefresh(false)
      return res.data
    } catch {
      return null
    }
  }

  function refresh(): Promise<string | null> {
    if (inFlight !== null) return inFlight
    const hadToken = token !== null
    inFlight = runRefresh().then((session) => {
      token = session?.accessToken ?? null
      inFlight = null
      if (session !== null) {
        options.onRefreshed?.(session)
        for (const listener of tokenListeners) listener(session.accessToken)
      } else if (hadToken) options.onSignedOut()
      return token
    })
    return inFlight
  }

  function send(input: string | URL, init: RequestInit | undefined, bearer: string | null, transport: typeof fetch) {
    const headers = new Headers(init?.headers)
    if (bearer !== null) headers.set('authorization', `Bearer ${bearer}`)
    return transport(input, { ...init, headers, credentials: 'include' })
  }

  return {
    accessToken: () => token,
    setAccessToken: (next) => {
      token = next
    },
    refresh,
    onAccessToken: (listener) => {
      tokenListeners.add(listener)
      return () => void tokenListeners.delete(listener)
    },
    async fetch(input, init, transport = baseFetch as typeof fetch) {
      const used = token
      const first = await send(input, init, used, transport)
      if (first.status !== 401 || isAuthEndpoint(input)) return first
      // Another request may have refreshed while this one was in flight: reuse its token.
      const next = token !== null && token !== used ? token : await refresh()
      if (next === null) return first
      return send(input, init, next, transport)
    },
  }
}
