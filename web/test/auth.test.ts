import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import { CSRF_HEADER, REFRESH_PATH } from '../../src/modules/accounts/cookie-auth'
import { createAuthClient } from '../src/lib/auth'

/**
 * A real HTTP server standing in for the accounts API: `/api/v1/me` accepts only the current
 * token, the refresh endpoint rotates it (slowly, so concurrent 401s overlap) and counts calls.
 */
let refreshCalls = 0
let currentToken = 'token-1'
let refreshWorks = true
let conflicts = 0
let server: ReturnType<typeof Bun.serve>
let base: string

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const path = new URL(request.url).pathname
      if (path === REFRESH_PATH && request.method === 'POST') {
        refreshCalls++
        if (request.headers.get(CSRF_HEADER) === null) return Response.json({ error: { type: 'forbidden', message: 'CSRF', requestId: 'r' } }, { status: 403 })
        await Bun.sleep(50)
        if (conflicts > 0 && conflicts--) return Response.json({ error: { type: 'conflict', message: 'A concurrent refresh won', requestId: 'r' } }, { status: 409 })
        if (!refreshWorks) return Response.json({ error: { type: 'unauthorized', message: 'Session expired', requestId: 'r' } }, { status: 401 })
        currentToken = `token-${refreshCalls + 1}`
        return Response.json({ accessToken: currentToken })
      }
      if (path === '/api/v1/auth/login') return Response.json({ error: { type: 'unauthorized', message: 'Wrong email or password', requestId: 'r' } }, { status: 401 })
      if (request.headers.get('authorization') === `Bearer ${currentToken}`) return Response.json({ ok: true, path })
      return Response.json({ error: { type: 'unauthorized', message: 'Token expired', requestId: 'r' } }, { status: 401 })
    },
  })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(() => server.stop(true))

beforeEach(() => {
  refreshCalls = 0
  currentToken = 'token-1'
  refreshWorks = true
  conflicts = 0
})

function client() {
  const signedOut: number[] = []
  const refreshed: string[] = []
  const auth = createAuthClient({ baseUrl: base, onSignedOut: () => signedOut.push(Date.now()), onRefreshed: (session) => refreshed.push(session.accessToken) })
  return { auth, signedOut, refreshed }
}

describe('createAuthClient()', () => {
  it('sends the access token it holds', async () => {
    const { auth } = client()
    auth.setAccessToken('token-1')
    const res = await auth.fetch(`${base}/api/v1/me`)
    expect(res.status).toBe(200)
    expect(refreshCalls).toBe(0)
  })

  it('runs one refresh for many concurrent 401s and retries each request once', async () => {
    const { auth, signedOut } = client()
    auth.setAccessToken('expired')
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => auth.fetch(`${base}/api/v1/thing/${i}`)))
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200))
    expect(refreshCalls).toBe(1)
    expect(auth.accessToken()).toBe('token-2')
    expect(signedOut).toEqual([])
  })

  it('reuses a refresh that finished while a request was still in flight', async () => {
    const { auth } = client()
    auth.setAccessToken('expired')
    await auth.fetch(`${base}/api/v1/first`)
    // A request sent with the old token and answered 401 after the refresh must not refresh again.
    auth.setAccessToken('expired')
    const late = auth.fetch(`${base}/api/v1/late`)
    auth.setAccessToken(currentToken)
    expect((await late).status).toBe(200)
    expect(refreshCalls).toBe(1)
  })

  it('signs out once when the refresh fails, and returns the 401', async () => {
    refreshWorks = false
    const { auth, signedOut } = client()
    auth.setAccessToken('expired')
    const responses = await Promise.all([auth.fetch(`${base}/api/v1/a`), auth.fetch(`${base}/api/v1/b`), auth.fetch(`${base}/api/v1/c`)])
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401])
    expect(refreshCalls).toBe(1)
    expect(signedOut.length).toBe(1)
    expect(auth.accessToken()).toBeNull()
  })

  it('retries the refresh once when another tab rotated the cookie at the same moment', async () => {
    conflicts = 1
    const { auth, signedOut } = client()
    auth.setAccessToken('expired')
    expect((await auth.fetch(`${base}/api/v1/me`)).status).toBe(200)
    expect(refreshCalls).toBe(2)
    expect(signedOut).toEqual([])
  })

  it('restores a session for a tab without a token, and tells who is signed in', async () => {
    const { auth, signedOut, refreshed } = client()
    expect(await auth.refresh()).toBe('token-2')
    expect(refreshed).toEqual(['token-2'])
    expect(auth.accessToken()).toBe('token-2')
    expect(signedOut).toEqual([])
  })

  it('leaves a tab without a token signed out, without sending it to sign in, when the cookie is dead', async () => {
    refreshWorks = false
    const { auth, signedOut, refreshed } = client()
    expect(await auth.refresh()).toBeNull()
    expect([signedOut, refreshed]).toEqual([[], []])
  })

  it('hands each refreshed token to its listeners (the socket re-authenticates with it) until they stop', async () => {
    const { auth } = client()
    const heard: string[] = []
    const stop = auth.onAccessToken((token) => heard.push(token))
    auth.setAccessToken('expired')
    await auth.fetch(`${base}/api/v1/me`)
    expect(heard).toEqual(['token-2'])
    stop()
    await auth.refresh()
    expect(heard).toEqual(['token-2'])
  })

  it('does not treat a rejected sign-in as an expired session', async () => {
    const { auth, signedOut } = client()
    const res = await auth.fetch(`${base}/api/v1/auth/login`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(401)
    expect(refreshCalls).toBe(0)
    expect(signedOut).toEqual([])
  })
})
