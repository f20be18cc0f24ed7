import { treaty } from '@elysiajs/eden'
import { query } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { getRequestEvent, isServer } from 'solid-js/web'
import type { App } from '../../../src/app'
import { type AuthClient, createAuthClient } from './auth'
import { toApiError } from './errors'

/** The typed client: every path, body and response comes from the server's route schemas. */
export type Api = ReturnType<typeof treaty<App>>

/** Per-request state of a server render, kept on Solid's request event. */
export interface SsrScope {
  api: Api
  meta: PageMetaData | null
  publicUrl: string
}

export interface PageMetaData {
  title: string
  description: string
  /** Absolute or site-relative image for share cards. */
  image?: string
  type?: 'website' | 'product' | 'profile'
  /** Keep out of search engines (private screens, tools). */
  noindex?: boolean
}

declare module 'solid-js/web' {
  interface RequestEvent {
    souk?: SsrScope
  }
}

/** Headers of the page request that the API should see too: same identity, same request id. */
const FORWARDED = ['cookie', 'authorization', 'x-request-id', 'accept-language', 'user-agent']

/** During SSR the client calls the app in process; the origin only shapes the URLs. */
export function createServerApi(page: Request, handle: (request: Request) => Promise<Response>): Api {
  const origin = new URL(page.url).origin
  return treaty<App>(origin, {
    fetcher: ((input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers)
      for (const name of FORWARDED) {
        const value = page.headers.get(name)
        if (value !== null && !headers.has(name)) headers.set(name, value)
      }
      return handle(new Request(input, { ...init, headers }))
    }) as typeof fetch,
  })
}

const [accessToken, setAccessTokenSignal] = createSignal<string | null>(null)
/** True while this tab holds an access token. */
export const signedIn = () => accessToken() !== null

let browser: { api: Api; auth: AuthClient } | null = null

function browserClients() {
  if (browser === null) {
    const auth = createAuthClient({
      baseUrl: window.location.origin,
      onTokenChange: setAccessTokenSignal,
      onSignedOut: () => {
        const next = window.location.pathname + window.location.search
        window.location.assign(`/signin?next=${encodeURIComponent(next)}`)
      },
    })
    browser = { auth, api: treaty<App>(window.location.origin, { fetcher: auth.fetch as typeof fetch }) }
  }
  return browser
}

export function api(): Api {
  if (!isServer) return browserClients().api
  const scope = getRequestEvent()?.souk
  if (scope === undefined) throw new Error('api() called outside a server render')
  return scope.api
}

/** The browser's session handling (sign-in screens set the token through it). */
export function authClient(): AuthClient {
  if (isServer) throw new Error('authClient() is browser-only')
  return browserClients().auth
}

/** Readiness of the server's dependencies; a 503 is an answer here, not an error. */
export const getSystemStatus = query(async () => {
  const res = await api().readyz.get()
  if (res.error === null) return res.data
  if (res.error.status === 503) return res.error.value
  throw toApiError(res.status, res.error.value)
}, 'system-status')
