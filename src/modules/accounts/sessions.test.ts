import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { SignJWT } from 'jose'
import { ManualClock } from '../../lib/clock'
import { createTestApp, postJson, refreshCookieOf, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import { CSRF_HEADER } from './index'
import { type AccountsModel, SESSION_REVOKED_TOPIC } from './model'

const clock = new ManualClock()
let t: TestApp
let alice: TestUser
let bob: TestUser
const events: AccountsModel.SessionRevoked[] = []

beforeAll(async () => {
  t = await createTestApp({ clock })
  t.ctx.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => events.push(message as AccountsModel.SessionRevoked))
  alice = await signUpAndSignIn(t)
  bob = await signUpAndSignIn(t)
})
afterAll(() => t.close())

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const me = (token: string) => t.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })
const refresh = (cookie: string, headers: Record<string, string> = { [CSRF_HEADER]: '1' }) =>
  t.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie, ...headers } })
const logout = (cookie: string, headers: Record<string, string> = { [CSRF_HEADER]: '1' }) =>
  t.request('/api/v1/auth/logout', { method: 'POST', headers: { cookie, ...headers } })
/** A fresh session (device) for `user`: its access token and refresh cookie. */
async function signIn(user: TestUser, userAgent = 'test-agent') {
  const response = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp(), 'user-agent': userAgent })
  expect(response.status).toBe(200)
  const body = (await response.json()) as AccountsModel.SignedIn
  return { accessToken: body.accessToken, cookie: refreshCookieOf(response)!, auth: { authorization: `Bearer ${body.accessToken}` } }
}
const eventsFor = (userId: string) => events.filter((e) => e.userId === userId)

describe('access tokens', () => {
  // Runs first: later tests move the clock past the 15 minutes of the sign-up tokens.
  it('open /me with a valid token and 401 without one', async () => {
    expect((await me(alice.accessToken)).status).toBe(200)
    const anonymous = await t.request('/api/v1/me')
    expect(anonymous.status).toBe(401)
    expect((await anonymous.json()).error.type).toBe('unauthorized')
  })

  it('reject alg: none', async () => {
    const [, payload] = alice.accessToken.split('.')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`
    expect((await me(none)).status).toBe(401)
  })

  it('reject a tampered payload', async () => {
    const [head, payload, signature] = alice.accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: bob.id })).toString('base64url')
    expect((await me(`${head}.${forged}.${signature}`)).status).toBe(401)
  })

  it('reject a token signed with another key, or for another issuer or audience', async () => {
    const claims = JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString())
    const sign = (secret: string, iss: string, aud: string) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(alice.id)
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
        .setExpirationTime(Math.floor(clock.now().getTime() / 1000) + 600)
        .sign(new TextEncoder().encode(secret))
    const secret = t.ctx.config.secrets.JWT_SECRET
    expect((await me(await sign(secret, claims.iss, claims.aud))).status).toBe(200)
    expect((await me(await sign('another secret of at least thirty-two chars', claims.iss, claims.aud))).status).toBe(401)
    expect((await me(await sign(secret, 'https://elsewhere.example', claims.aud))).status).toBe(401)
    expect((await me(await sign(secret, claims.iss, 'another-api'))).status).toBe(401)
  })

  it('expire after 15 minutes', async () => {
    const session = await signIn(alice)
    clock.advance(15 * MINUTE - 1_000)
    expect((await me(session.accessToken)).status).toBe(200)
    clock.advance(2_000)
    expect((await me(session.accessToken)).status).toBe(401)
    expect((await refresh(session.cookie)).status).toBe(200)
  })

  it('reject a refresh token used as an access token', async () => {
    const session = await signIn(alice)
    expect((await me(session.cookie.split('=')[1]!)).status).toBe(401)
  })
})

describe('POST /auth/refresh', () => {
  it('rotates the refresh token and answers a new access token', async () => {
    const session = await signIn(alice)
    const response = await refresh(session.cookie)
    expect(response.status).toBe(200)
    const next = refreshCookieOf(response)!
    expect(next).not.toBe(session.cookie)
    const body = (await response.json()) as AccountsModel.SignedIn
    expect(body.user.id).toBe(alice.id)
    expect((await me(body.accessToken)).status).toBe(200)
    expect((await refresh(next)).status).toBe(200)
  })

  it('restores the session on every page load of a busy visitor: 100 in a few minutes from one address', async () => {
    // Each full page load of a signed-in visitor restores the session once (the access token lives in memory).
    let cookie = (await signIn(alice)).cookie
    const ip = testIp()
    for (let load = 0; load < 100; load++) {
      const response = await refresh(cookie, { [CSRF_HEADER]: '1', 'x-forwarded-for': ip })
      expect({ load, status: response.status }).toEqual({ load, status: 200 })
      cookie = refreshCookieOf(response)!
      clock.advance(2_000)
    }
  })

  it('revokes the whole family when a rotated token is reused', async () => {
    const session = await signIn(alice)
    const rotated = await refresh(session.cookie)
    const current = refreshCookieOf(rotated)!
    const { accessToken } = (await rotated.json()) as AccountsModel.SignedIn
    clock.advance(11_000)
    expect((await refresh(session.cookie)).status).toBe(401)
    expect((await refresh(current)).status).toBe(401)
    expect((await me(accessToken)).status).toBe(401)
    expect(eventsFor(alice.id).at(-1)).toMatchObject({ reason: 'refresh_reuse', sessionIds: [expect.stringMatching(/^ses_/)] })
  })

  it('answers two concurrent refreshes of one token with the same successor; the family lives', async () => {
    const session = await signIn(alice)
    const answers = await Promise.all([refresh(session.cookie), refresh(session.cookie)])
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    const [first, second] = answers.map((a) => refreshCookieOf(a)!)
    expect(first).not.toBe(session.cookie)
    expect(second).toBe(first!)
    expect((await refresh(first!)).status).toBe(200)
  })

  it('answers a refresh whose answer was lost with the same successor again within the window, then 409 once that was exchanged', async () => {
    const session = await signIn(alice)
    // The first answer never reached the browser (a navigation aborted it): it still holds the old cookie.
    const lost = refreshCookieOf(await refresh(session.cookie))!
    clock.advance(9_000) // within the 10 s window
    const again = await refresh(session.cookie)
    expect(again.status).toBe(200)
    expect(refreshCookieOf(again)).toBe(lost)
    // The successor exchanged in turn: the old token is answered nothing, and the family lives on.
    const newest = refreshCookieOf(await refresh(lost))!
    const late = await refresh(session.cookie)
    expect(late.status).toBe(409)
    expect((await late.json()).error.type).toBe('conflict')
    expect(refreshCookieOf(late)).toBeNull()
    expect((await refresh(newest)).status).toBe(200)
  })

  it('ends a session 30 days after sign-in however often it is refreshed', async () => {
    const session = await signIn(alice)
    clock.advance(29 * DAY)
    const late = await refresh(session.cookie)
    expect(late.status).toBe(200)
    clock.advance(DAY)
    expect((await refresh(refreshCookieOf(late)!)).status).toBe(401)
  })

  it('401s without a cookie or with an unknown one', async () => {
    expect((await refresh('')).status).toBe(401)
    expect((await refresh('souk_refresh=not-a-token')).status).toBe(401)
  })

  it('drops a cookie it cannot use, so the next page load does not try it again', async () => {
    const response = await refresh('souk_refresh=not-a-token')
    expect(response.status).toBe(401)
    expect(response.headers.getSetCookie().find((c) => c.startsWith('souk_refresh='))).toContain('Max-Age=0')
    expect((await response.json()).error.type).toBe('unauthorized')
  })

  it('refuses a request without the CSRF header, or sent cross-site', async () => {
    const session = await signIn(alice)
    const bare = await refresh(session.cookie, {})
    expect(bare.status).toBe(403)
    expect((await refresh(session.cookie, { [CSRF_HEADER]: '1', 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await refresh(session.cookie)).status).toBe(200)
  })
})

describe('POST /auth/logout', () => {
  it('ends the session, clears the cookie and announces it', async () => {
    const session = await signIn(alice)
    const response = await logout(session.cookie)
    expect(response.status).toBe(204)
    expect(response.headers.getSetCookie().find((c) => c.startsWith('souk_refresh='))).toContain('Max-Age=0')
    expect((await refresh(session.cookie)).status).toBe(401)
    expect((await me(session.accessToken)).status).toBe(401)
    expect(eventsFor(alice.id).at(-1)?.reason).toBe('logout')
    expect((await me((await signIn(alice)).accessToken)).status).toBe(200)
  })

  it('needs the CSRF header', async () => {
    const session = await signIn(alice)
    expect((await logout(session.cookie, {})).status).toBe(403)
    expect((await refresh(session.cookie)).status).toBe(200)
  })
})

describe('/me/sessions', () => {
  it('lists my open sessions with the current one marked', async () => {
    const carol = await signUpAndSignIn(t)
    const laptop = await signIn(carol, 'Laptop Browser')
    const response = await t.request('/api/v1/me/sessions', { headers: laptop.auth })
    expect(response.status).toBe(200)
    const { items } = (await response.json()) as { items: AccountsModel.Session[] }
    expect(items).toHaveLength(2)
    expect(items.filter((s) => s.current)).toHaveLength(1)
    expect(items.find((s) => s.current)).toMatchObject({ userAgent: 'Laptop Browser', ip: expect.stringMatching(/^10\./) })
  })

  it('ends one session by id: its refresh and access tokens stop working', async () => {
    const dave = await signUpAndSignIn(t)
    const phone = await signIn(dave)
    const { items } = await (await t.request('/api/v1/me/sessions', { headers: phone.auth })).json()
    const other = items.find((s: AccountsModel.Session) => !s.current)
    const response = await t.request(`/api/v1/me/sessions/${other.id}`, { method: 'DELETE', headers: phone.auth })
    expect(response.status).toBe(204)
    expect((await me(dave.accessToken)).status).toBe(401)
    expect((await refresh(dave.refreshCookie)).status).toBe(401)
    expect((await me(phone.accessToken)).status).toBe(200)
    expect(eventsFor(dave.id).at(-1)).toEqual({ userId: dave.id, sessionIds: [other.id], reason: 'revoked' })
  })

  it('ends every other session at once', async () => {
    const erin = await signUpAndSignIn(t)
    await signIn(erin)
    const kept = await signIn(erin)
    const response = await t.request('/api/v1/me/sessions', { method: 'DELETE', headers: kept.auth })
    expect(await response.json()).toEqual({ revoked: 2 })
    expect((await me(erin.accessToken)).status).toBe(401)
    expect((await me(kept.accessToken)).status).toBe(200)
  })

  it("cannot see or end someone else's session (IDOR): 404, and theirs lives on", async () => {
    const [aliceNow, bobNow] = [await signIn(alice), await signIn(bob)]
    const mine = await (await t.request('/api/v1/me/sessions', { headers: bobNow.auth })).json()
    const theirs = await (await t.request('/api/v1/me/sessions', { headers: aliceNow.auth })).json()
    const bobIds = new Set(mine.items.map((s: AccountsModel.Session) => s.id))
    expect(theirs.items.some((s: AccountsModel.Session) => bobIds.has(s.id))).toBe(false)
    const target = theirs.items.find((s: AccountsModel.Session) => s.current).id
    const response = await t.request(`/api/v1/me/sessions/${target}`, { method: 'DELETE', headers: bobNow.auth })
    expect(response.status).toBe(404)
    expect((await me(aliceNow.accessToken)).status).toBe(200)
  })

  it('400s a malformed session id', async () => {
    expect((await t.request('/api/v1/me/sessions/nope', { method: 'DELETE', headers: (await signIn(alice)).auth })).status).toBe(400)
  })
})

describe('the refresh cookie over https', () => {
  it('is __Host- prefixed and Secure when PUBLIC_URL is https', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://souk.example' } })
    try {
      const user = await signUpAndSignIn(secure)
      expect(user.refreshCookie).toStartWith('__Host-souk_refresh=')
      const response = await secure.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1' } })
      expect(response.status).toBe(200)
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-souk_refresh='))!
      for (const part of ['Secure', 'HttpOnly', 'Path=/', 'SameSite=Strict']) expect(cookie).toContain(part)
      expect(cookie).not.toContain('Domain=')
      const out = await secure.request('/api/v1/auth/logout', { method: 'POST', headers: { cookie: refreshCookieOf(response)!, [CSRF_HEADER]: '1' } })
      const cleared = out.headers.getSetCookie().find((c) => c.startsWith('__Host-souk_refresh='))!
      expect(cleared).toContain('Secure')
      expect(cleared).toContain('Max-Age=0')
    } finally {
      await secure.close()
    }
  })
})
