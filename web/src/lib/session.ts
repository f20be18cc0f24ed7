import { createSignal } from 'solid-js'
import { isServer } from 'solid-js/web'
import type { AccountsModel } from '../../../src/modules/accounts/model'
import { boot } from './boot'

/**
 * Who is signed in, in this tab. `restoring`: the page came with a refresh cookie and the session
 * is being restored from it; the server renders that state too, so hydration matches and a
 * signed-in visitor sees a placeholder, not a sign-in prompt, while it resolves.
 */
export type SessionStatus = 'restoring' | 'anonymous' | 'signed-in'

export type SessionUser = AccountsModel.Me

const initial = (): SessionStatus => (boot().session ? 'restoring' : 'anonymous')

// Module state is per tab in the browser; on the server it would be shared by every request, so
// the server answers from the request's boot data instead and never reads these signals.
const [status, setStatus] = createSignal<SessionStatus>(isServer ? 'anonymous' : initial())
const [user, setUser] = createSignal<SessionUser | null>(null)

export function sessionStatus(): SessionStatus {
  return isServer ? initial() : status()
}

export function currentUser(): SessionUser | null {
  return isServer ? null : user()
}

export const signedIn = () => sessionStatus() === 'signed-in'

// Hydration renders what the server rendered ('restoring' for a page with a refresh cookie). A
// session restored before a lazily loaded page hydrated would make that page hydrate another
// branch than the server's markup, and keep the placeholder for good: the user is recorded once
// the whole page has hydrated (entry-client calls pageHydrated).
let hydrating = !isServer
let recordedWhileHydrating: { user: SessionUser | null } | null = null

/** Records the signed-in user (after sign-in, a refresh or a profile change), or null when signed out. */
export function setSessionUser(next: SessionUser | null): void {
  if (hydrating) {
    recordedWhileHydrating = { user: next }
    return
  }
  setUser(next)
  setStatus(next === null ? 'anonymous' : 'signed-in')
  for (const resolve of waiting.splice(0)) resolve(next !== null)
}

const waiting: ((signedIn: boolean) => void)[] = []

/**
 * Whether the visitor is signed in, once that is known: a click made while the session is still
 * being restored (right after the page loaded) waits for it, so a signed-in visitor is never sent
 * to sign in for being quick.
 */
export function signedInOnceKnown(): Promise<boolean> {
  if (status() !== 'restoring') return Promise.resolve(status() === 'signed-in')
  return new Promise((resolve) => waiting.push(resolve))
}

/** The page has hydrated, its lazy parts included: what the session became meanwhile shows now. */
export function pageHydrated(): void {
  hydrating = false
  if (recordedWhileHydrating !== null) setSessionUser(recordedWhileHydrating.user)
  recordedWhileHydrating = null
}
