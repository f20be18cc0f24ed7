import { treaty } from '@elysiajs/eden'
import { query } from '@solidjs/router'
import { getRequestEvent, isServer } from 'solid-js/web'
import type { App } from '../../../src/app'
import type { AccountsModel } from '../../../src/modules/accounts/model'
import type { BootConfig } from '../../../src/web/contract'
import { type AuthClient, CSRF_HEADERS, createAuthClient } from './auth'
import { toApiError } from './errors'
import { sessionStatus, setSessionUser } from './session'

/** The typed client: every path, body and response comes from the server's route schemas. */
export type Api = ReturnType<typeof treaty<App>>

/** Per-request state of a server render, kept on Solid's request event. */
export interface SsrScope {
  api: Api
  meta: PageMetaData | null
  publicUrl: string
  boot: BootConfig
  /** The page request's id (RenderInput.requestId). */
  requestId: string
}

export interface PageMetaData {
  title: string
  description: string
  /** Absolute or site-relative image for share cards. */
  image?: string
  type?: 'website' | 'product' | 'profile'
  /** Keep out of search engines (private screens, tools). */
  noindex?: boolean
  /** schema.org data for search engines (a product with its offer and rating), written into <head> as JSON-LD by the server. */
  structuredData?: Record<string, unknown>
}

declare module 'solid-js/web' {
  interface RequestEvent {
    souk?: SsrScope
  }
}

/** Headers of the page request that the API should see too: same identity (the request id is added below). */
const FORWARDED = ['cookie', 'authorization', 'accept-language', 'user-agent']

/**
 * During SSR the client calls the app in process; the origin only shapes the URLs. Calls carry the
 * page's request id (the one it was given, if sane, or the one made for it), so the log ties them to it.
 */
export function createServerApi(page: Request, handle: (request: Request) => Promise<Response>, requestId: string): Api {
  const origin = new URL(page.url).origin
  return treaty<App>(origin, {
    fetcher: ((input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers)
      for (const name of FORWARDED) {
        const value = page.headers.get(name)
        if (value !== null && !headers.has(name)) headers.set(name, value)
      }
      if (!headers.has('x-request-id')) headers.set('x-request-id', requestId)
      return handle(new Request(input, { ...init, headers }))
    }) as typeof fetch,
  })
}

let browser: { api: Api; auth: AuthClient } | null = null
// True while this tab itself ends its session (sign-out, account deletion): the server closing the
// socket and refusing refreshes is then expected, not a reason to send the visitor to sign in.
let ending = false

function browserClients() {
  if (browser === null) {
    const auth = createAuthClient({
      baseUrl: window.location.origin,
      onRefreshed: (session) => setSessionUser(session.user),
      // The session ended under the visitor's feet (revoked, expired): sign in again, then come back.
      onSignedOut: () => {
        if (ending || sessionStatus() !== 'signed-in') return
        setSessionUser(null)
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

/** The typed client sending through `transport` (lib/upload.ts: an upload reporting its progress), with the session's token. Browser only. */
export function apiOver(transport: typeof fetch): Api {
  const auth = authClient()
  return treaty<App>(window.location.origin, { fetcher: ((input: string | URL, init?: RequestInit) => auth.fetch(input, init, transport)) as typeof fetch })
}

function authClient(): AuthClient {
  if (isServer) throw new Error('the session is browser-only')
  return browserClients().auth
}

/** Follows the access token through refreshes (the socket re-authenticates with each); answers the stop function. */
export function onAccessToken(listener: (token: string) => void): () => void {
  return authClient().onAccessToken(listener)
}

/** Starts the session a sign-in, a verified sign-up or a Google sign-in answered. */
export function completeSignIn(session: AccountsModel.SignedIn): void {
  authClient().setAccessToken(session.accessToken)
  setSessionUser(session.user)
}

/**
 * On page load with a refresh cookie (see BootConfig.session): trades it for an access token.
 * A cookie that no longer works leaves the visitor signed out, where they were.
 */
export async function restoreSession(): Promise<void> {
  if (sessionStatus() !== 'restoring') return
  if ((await authClient().refresh()) === null) setSessionUser(null)
}

/**
 * Runs a request that ends this tab's session on the server (sign-out, account deletion) and, once
 * it succeeded, forgets the session here. A request that fails leaves the session as it was.
 */
export async function endSessionWith<T>(request: () => Promise<T>): Promise<T> {
  ending = true
  try {
    const result = await request()
    authClient().setAccessToken(null)
    setSessionUser(null)
    return result
  } finally {
    ending = false
  }
}

/** Ends this device's session on the server (which clears the cookie), then here. */
export async function signOut(): Promise<void> {
  await endSessionWith(async () => {
    const res = await api().api.v1.auth.logout.post(undefined, { headers: CSRF_HEADERS })
    if (res.error !== null) throw toApiError(res.status, res.error.value)
  })
}

/** Readiness of the server's dependencies; a 503 is an answer here, not an error. */
export const getSystemStatus = query(async () => {
  const res = await api().readyz.get()
  if (res.error === null) return res.data
  if (res.error.status === 503) return res.error.value
  throw toApiError(res.status, res.error.value)
}, 'system-status')

/** Someone's public profile; a 404 is an answer here (the page shows "not found"), not an error. */
export const getPublicProfile = query(async (id: string) => {
  const res = await api().api.v1.users({ id }).get()
  if (res.error === null) return res.data
  // 400: not even a user id; 404: no such user. Either way there is no profile to show.
  if (res.status === 404 || res.status === 400) return null
  throw toApiError(res.status, res.error.value)
}, 'public-profile')

/** The signed-in user's open sessions (devices), most recently used first. */
export const getMySessions = query(async () => {
  const res = await api().api.v1.me.sessions.get()
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return res.data.items
}, 'my-sessions')

/** Mail captured for one address by the development mailbox, newest first. */
export const getDevMail = query(async (to: string) => {
  const res = await api().api.v1.dev.mail.get({ query: { to, limit: 50 } })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return res.data.items
}, 'dev-mail')

// ---- notifications and jobs (browser-only: they need the signed-in user's access token) ----

/** A typed-client answer (Eden's envelope): the data, or the server's error value. */
export type Answer<T> = { data: T; error: null; status: number } | { data: null; error: { value: unknown }; status: number }

/** The data of a typed-client answer, or the server's error thrown as an ApiError. */
export function must<T>(res: Answer<T>): T {
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return res.data
}

/** The data, or null for a 404 or a malformed id (400): pages show "not found" for it rather than an error. */
export function orMissing<T>(res: Answer<T>): T | null {
  if (res.error !== null && (res.status === 404 || res.status === 400)) return null
  return must(res)
}

/** `must` for an answer still on its way. */
const answered = async <T>(call: Promise<Answer<T>>): Promise<T> => must(await call)

const notifications = () => api().api.v1.notifications

export const getUnreadCount = async () => (await answered(notifications()['unread-count'].get())).unreadCount
export const listNotifications = (query: { unread?: boolean; cursor?: string; limit?: number }) => answered(notifications().get({ query }))
export const markNotificationRead = (id: string) => answered(notifications()({ id }).read.post())
export const markAllNotificationsRead = () => answered(notifications()['read-all'].post())
export const deleteNotification = (id: string) => answered(notifications()({ id }).delete())
export const getNotificationPreferences = () => answered(notifications().preferences.get())
/** Some types' choices and/or the digest's; answers them all. */
export const updateNotificationPreferences = (change: NonNullable<Parameters<ReturnType<typeof notifications>['preferences']['put']>[0]>) =>
  answered(notifications().preferences.put(change))

const jobs = () => api().api.v1.jobs

export const listMyJobs = (query: { cursor?: string; limit?: number }) => answered(jobs().get({ query }))
export const getJob = (id: string) => answered(jobs()({ id }).get())
export const cancelJob = (id: string) => answered(jobs()({ id }).cancel.post())
export const retryJob = (id: string) => answered(jobs()({ id }).retry.post())
export const startExport = (sections: Parameters<ReturnType<typeof api>['api']['v1']['exports']['post']>[0]['sections']) =>
  answered(api().api.v1.exports.post({ sections }))
/** A finished export's file (it needs the owner's token, so it is fetched, not linked). */
export const downloadJobFile = async (id: string, contentType: string) => {
  // The route answers a raw Response (so it is typed); Eden reads a text body into a string.
  const body: unknown = await answered(jobs()({ id }).download.get())
  return new Blob([typeof body === 'string' ? body : ''], { type: contentType })
}

const adminJobs = () => api().api.v1.admin.jobs

export const listAllJobs = (query: { status?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'; kind?: string; cursor?: string; limit?: number }) => answered(adminJobs().get({ query }))
export const getJobQueues = () => answered(adminJobs().queues.get())
export const retryAnyJob = (id: string) => answered(adminJobs()({ id }).retry.post())
export const retryJobs = (ids: string[]) => answered(adminJobs().retry.post({ ids }))
export const retryDeadLetter = (kind: string, id: string) => answered(adminJobs()['dead-letters']({ kind })({ id }).retry.post())

// ---- chat (browser-only, like notifications) ----

const conversations = () => api().api.v1.conversations

/** My conversation about a product, made on first contact ("Message seller"). */
export const openConversationAbout = (productId: string) => answered(conversations().post({ productId }))
export const listConversations = (query: { productId?: string; cursor?: string; limit?: number }) => answered(conversations().get({ query }))
export const getConversation = (id: string) => answered(conversations()({ id }).get())
export const listMessages = (id: string, query: { cursor?: string; limit?: number }) => answered(conversations()({ id }).messages.get({ query }))
/** The REST fallback of the socket's `chat.send`; the same clientId again answers the first message. */
export const sendChatText = (id: string, clientId: string, body: string) => answered(conversations()({ id }).messages.post({ clientId, body }))
export const sendChatImage = (id: string, clientId: string, file: File, caption?: string) =>
  answered(conversations()({ id }).images.post({ clientId, file, ...(caption === undefined ? {} : { caption }) }))
export const markConversationRead = (id: string, upTo: number) => answered(conversations()({ id }).read.post({ upTo }))
export const confirmSale = (id: string) => answered(conversations()({ id })['confirm-sale'].post())
export const confirmReceipt = (id: string) => answered(conversations()({ id })['confirm-receipt'].post())
export const deleteChatMessage = (id: string) => answered(api().api.v1.messages({ id }).delete())
export const reportChatMessage = (id: string, body: Parameters<ReturnType<ReturnType<typeof api>['api']['v1']['messages']>['report']['post']>[0]) =>
  answered(api().api.v1.messages({ id }).report.post(body))
export const blockUser = (userId: string) => answered(api().api.v1.blocks({ userId }).post())
export const unblockUser = (userId: string) => answered(api().api.v1.blocks({ userId }).delete())
export const getInboxUnread = async () => (await answered(api().api.v1.inbox['unread-count'].get())).unreadTotal

/**
 * A photo only participants may see: fetched with the access token (and `headers`, e.g. a support
 * ticket link's token), answered as an object URL (revoke it when done).
 */
export async function fetchPrivateImage(url: string, headers?: Record<string, string>): Promise<string> {
  const res = await authClient().fetch(url, headers === undefined ? undefined : { headers })
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => null))
  return URL.createObjectURL(await res.blob())
}
