import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { ManualClock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { NO_ORIGIN } from '../../lib/request-origin'
import { changeRole } from './service'
import { CSRF_HEADER, REFRESH_PATH } from '../accounts/cookie-auth'
import { type AccountsModel, SESSION_REVOKED_TOPIC } from '../accounts/model'
import { users } from '../accounts/table'
import { auditLog } from '../audit/table'
import { CLOSE_CODES } from '../../realtime/protocol'
import { connectAs } from '../../realtime/test-client'
import { client, createTestApp, errorOf, latestCode, makeVendor, postJson, refreshCookieOf, signUpAndSignIn, type TestApp, testIp, type TestUser, twoInstances } from '../../testing'

// Admin user management: search and a user's page for admins only; role changes, suspension,
// lifting, forced sign-out and a new verification code, each audited with the admin as actor;
// nobody demotes or suspends themselves or the last admin, even two admins at once; a suspension
// refuses the user's very next request, refresh and sign-in, and lapses by its date.

const MINUTE = 60_000
const clock = new ManualClock()
let t: TestApp
let admin: TestUser
const revoked: AccountsModel.SessionRevoked[] = []

beforeAll(async () => {
  t = await createTestApp({ clock })
  t.ctx.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => revoked.push(message as AccountsModel.SessionRevoked))
  admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Head Admin' })
}, 60_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db
const api = (user: TestUser) => client(t, user).api.v1.admin.users
const me = (user: TestUser) => t.request('/api/v1/me', { headers: user.auth })
const refresh = (user: TestUser) => t.request(REFRESH_PATH, { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1', 'x-forwarded-for': user.ip } })
const login = (user: TestUser) => postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })
const entries = (kind: string, subjectId: string) =>
  db().select().from(auditLog).where(and(eq(auditLog.kind, kind as 'account.suspended'), eq(auditLog.subjectId, subjectId)))
/** A fresh admin (the tests of the last-admin rule demote the others first). */
const anotherAdmin = () => signUpAndSignIn(t, { role: 'admin' })

describe('GET /admin/users', () => {
  it('finds users by part of the name, the email or the exact id, newest first, in cursor pages', async () => {
    const tag = `zq${Date.now().toString(36)}`
    const made: TestUser[] = []
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1000)
      made.push(await signUpAndSignIn(t, { displayName: `Findable ${tag} ${i}` }))
    }
    const first = await api(admin).get({ query: { q: tag.toUpperCase(), limit: 2 } })
    expect(first.status).toBe(200)
    expect(first.data!.items.map((u) => u.id)).toEqual([made[2]!.id, made[1]!.id])
    expect(first.data!.items[0]).toMatchObject({ role: 'buyer', emailVerified: true, standing: { state: 'active', until: null } })
    const second = await api(admin).get({ query: { q: tag, limit: 2, cursor: first.data!.nextCursor! } })
    expect(second.data).toEqual({ items: [expect.objectContaining({ id: made[0]!.id })], nextCursor: null })
    expect((await api(admin).get({ query: { q: made[1]!.email.slice(0, 12) } })).data!.items.map((u) => u.id)).toContain(made[1]!.id)
    expect((await api(admin).get({ query: { q: made[0]!.id } })).data!.items.map((u) => u.id)).toEqual([made[0]!.id])
    // Without a role filter, every role (the admin too).
    expect((await api(admin).get({ query: { q: admin.id } })).data!.items.map((u) => u.id)).toEqual([admin.id])
    // A pattern character is matched as itself.
    expect((await api(admin).get({ query: { q: '%' } })).data!.items).toEqual([])
  })

  it('filters by role and standing, and refuses a forged cursor', async () => {
    const admins = await api(admin).get({ query: { role: 'admin', limit: 100 } })
    expect(admins.data!.items.every((u) => u.role === 'admin')).toBe(true)
    expect(admins.data!.items.map((u) => u.id)).toContain(admin.id)
    const bad = await t.request('/api/v1/admin/users?cursor=bm9wZQ', { headers: admin.auth })
    expect(bad.status).toBe(400)
  })

  it('is for admins only: a buyer and a vendor get 403, nobody signed in 401', async () => {
    const buyer = await signUpAndSignIn(t)
    const vendor = await signUpAndSignIn(t, { role: 'vendor' })
    expect((await api(buyer).get({ query: {} })).status).toBe(403)
    expect((await api(vendor).get({ query: {} })).status).toBe(403)
    expect((await api(buyer)({ id: admin.id }).get()).status).toBe(403)
    expect((await api(buyer)({ id: admin.id }).suspend.post({ reason: 'not allowed' })).status).toBe(403)
    expect((await t.request('/api/v1/admin/users')).status).toBe(401)
  })
})

describe('GET /admin/users/:id', () => {
  it('shows role, standing, open sessions, orders, shop, reports, wallet and the latest audit entries', async () => {
    const user = await signUpAndSignIn(t)
    const page = await api(admin)({ id: user.id }).get()
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      user: { id: user.id, email: user.email, role: 'buyer', standing: { state: 'active' } },
      orders: { count: 0, latest: [] },
      shop: null,
      reports: { shop: { total: 0, open: 0 }, messages: { total: 0, open: 0 }, reviews: { total: 0, open: 0 } },
      wallet: [],
    })
    expect(page.data!.sessions).toHaveLength(1)
    expect(page.data!.audit.map((e) => e.kind)).toEqual(['auth.sign_in'])
    expect((await api(admin)({ id: 'usr_00000000000000000000000000000000' }).get()).status).toBe(404)
  })

  it('counts reports against their shop, and shows the shop', async () => {
    const { user: owner, vendor } = await makeVendor(t, { companyName: 'Reported Wares' })
    const reporter = await signUpAndSignIn(t)
    const reported = await client(t, reporter).api.v1.vendors({ slug: vendor.slug }).report.post({ reason: 'fraud' })
    expect(reported.status).toBe(201)
    const page = await api(admin)({ id: owner.id }).get()
    expect(page.data).toMatchObject({ user: { role: 'vendor' }, shop: { id: vendor.id, slug: vendor.slug, name: 'Reported Wares', status: 'approved' }, reports: { shop: { total: 1, open: 1 } } })
  })
})

describe('POST /admin/users/:id/role', () => {
  it('changes the role, audited with the admin as actor', async () => {
    const user = await signUpAndSignIn(t)
    const changed = await api(admin)({ id: user.id }).role.post({ role: 'admin' })
    expect(changed.status).toBe(200)
    expect(changed.data!.user.role).toBe('admin')
    const [entry] = await entries('account.role_changed', user.id)
    expect(entry).toMatchObject({ actorId: admin.id, summary: { from: 'buyer', to: 'admin' } })
    expect((await api(admin)({ id: user.id }).role.post({ role: 'buyer' })).data!.user.role).toBe('buyer')
  })

  it('refuses demoting oneself (409 own_account)', async () => {
    const response = await api(admin)({ id: admin.id }).role.post({ role: 'buyer' })
    expect(response.status).toBe(409)
    expect(response.error!.value).toMatchObject({ error: { type: 'conflict', details: { reason: 'own_account' } } })
  })
})

describe('POST /admin/users/:id/suspend', () => {
  it('refuses the next request with an existing access token, the refresh and the sign-in (403: until when and why); closes sessions; audited', async () => {
    const user = await signUpAndSignIn(t)
    expect((await me(user)).status).toBe(200)
    const until = new Date(clock.now().getTime() + 60 * MINUTE)
    const suspended = await api(admin)({ id: user.id }).suspend.post({ reason: 'Spam in chats', until })
    expect(suspended.status).toBe(200)
    expect(suspended.data!.user.standing).toEqual({ state: 'suspended', since: clock.now(), until, reason: 'Spam in chats' })
    expect(suspended.data!.sessions).toEqual([])
    expect((await me(user)).status).toBe(401)
    expect((await refresh(user)).status).toBe(401)
    const signIn = await login(user)
    expect(signIn.status).toBe(403)
    const error = await errorOf(signIn)
    expect(error.message).toContain('Spam in chats')
    expect(error.details as unknown).toEqual({ reason: 'account_suspended', suspendedUntil: until.toISOString(), suspensionReason: 'Spam in chats' })
    expect(revoked.filter((e) => e.userId === user.id)).toEqual([{ userId: user.id, sessionIds: [expect.stringMatching(/^ses_/)], reason: 'suspended' }])
    const [entry] = await entries('account.suspended', user.id)
    expect(entry).toMatchObject({ actorId: admin.id, summary: { reason: 'Spam in chats', until: until.toISOString(), sessionsEnded: 1 } })
    // Listed as suspended.
    const listed = await api(admin).get({ query: { q: user.id, status: 'suspended' } })
    expect(listed.data!.items.map((u) => u.id)).toEqual([user.id])
  })

  it('leaves no session alive from a sign-in racing the suspension, once the suspension is lifted', async () => {
    for (let round = 0; round < 3; round += 1) {
      const user = await signUpAndSignIn(t)
      // The password check takes a while: the suspension may commit between the sign-in's read of the account and its session.
      const [signIn, suspended] = await Promise.all([login(user), api(admin)({ id: user.id }).suspend.post({ reason: 'Racing a sign-in' })])
      expect(suspended.status).toBe(200)
      expect([200, 403]).toContain(signIn.status)
      expect((await api(admin)({ id: user.id }).unsuspend.post()).status).toBe(200)
      // Whichever came first, the sign-in's session did not outlive the suspension.
      if (signIn.status === 200) {
        const cookie = refreshCookieOf(signIn)!
        expect((await t.request(REFRESH_PATH, { method: 'POST', headers: { cookie, [CSRF_HEADER]: '1', 'x-forwarded-for': user.ip } })).status).toBe(401)
      }
    }
  })

  it('lapses by itself at its end date: sign-in works again, no job needed', async () => {
    const user = await signUpAndSignIn(t)
    const until = new Date(clock.now().getTime() + 10 * MINUTE)
    expect((await api(admin)({ id: user.id }).suspend.post({ reason: 'Cooling off', until })).status).toBe(200)
    expect((await login(user)).status).toBe(403)
    clock.advance(10 * MINUTE)
    expect((await login(user)).status).toBe(200)
    expect((await api(admin)({ id: user.id }).get()).data!.user.standing.state).toBe('active')
    expect((await api(admin).get({ query: { q: user.id, status: 'active' } })).data!.items).toHaveLength(1)
  })

  it('refuses an end date in the past and a missing reason (400)', async () => {
    const user = await signUpAndSignIn(t)
    expect((await api(admin)({ id: user.id }).suspend.post({ reason: 'Too late', until: new Date(clock.now().getTime() - 1000) })).status).toBe(400)
    expect((await t.request(`/api/v1/admin/users/${user.id}/suspend`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/json' }, body: '{}' })).status).toBe(400)
    // A reason of spaces is no reason; nothing is suspended.
    expect((await api(admin)({ id: user.id }).suspend.post({ reason: '     ' })).status).toBe(400)
    expect((await login(user)).status).toBe(200)
  })

  it('refuses suspending oneself', async () => {
    const response = await api(admin)({ id: admin.id }).suspend.post({ reason: 'Myself' })
    expect(response.status).toBe(409)
    expect((await me(admin)).status).toBe(200)
  })
})

describe('POST /admin/users/:id/unsuspend', () => {
  it('lifts a suspension until lifted: the user signs in again; audited; 409 when not suspended', async () => {
    const user = await signUpAndSignIn(t)
    expect((await api(admin)({ id: user.id }).suspend.post({ reason: 'Investigating', until: null })).status).toBe(200)
    expect((await login(user)).status).toBe(403)
    expect((await api(admin).get({ query: { q: user.id, status: 'suspended' } })).data!.items).toEqual([expect.objectContaining({ standing: expect.objectContaining({ state: 'suspended', until: null }) })])
    expect((await api(admin).get({ query: { q: user.id, status: 'active' } })).data!.items).toEqual([])
    const lifted = await api(admin)({ id: user.id }).unsuspend.post()
    expect(lifted.status).toBe(200)
    expect(lifted.data!.user.standing.state).toBe('active')
    expect((await login(user)).status).toBe(200)
    expect(await entries('account.unsuspended', user.id)).toEqual([expect.objectContaining({ actorId: admin.id, summary: { reason: 'Investigating' } })])
    expect((await api(admin)({ id: user.id }).unsuspend.post()).status).toBe(409)
  })
})

describe('POST /admin/users/:id/sign-out', () => {
  it('ends every session of the user at once, audited with the admin as actor', async () => {
    const user = await signUpAndSignIn(t)
    expect((await login(user)).status).toBe(200)
    const ended = await api(admin)({ id: user.id })['sign-out'].post()
    expect(ended.data).toEqual({ ended: 2 })
    expect((await me(user)).status).toBe(401)
    expect((await refresh(user)).status).toBe(401)
    expect(revoked.filter((e) => e.userId === user.id).map((e) => [e.reason, e.sessionIds.length])).toEqual([['admin_sign_out', 2]])
    expect(await entries('account.signed_out_by_admin', user.id)).toEqual([expect.objectContaining({ actorId: admin.id, summary: { sessions: 2 } })])
    // Signing in again works: a sign-out is no suspension.
    const again = await login(user)
    expect(again.status).toBe(200)
    // Not one of the user's own security events: their Activity never shows the admin's address.
    const { accessToken } = (await again.json()) as { accessToken: string }
    const activity = (await (await t.request('/api/v1/me/security-events', { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { items: { kind: string; ip: string | null }[] }
    expect(activity.items.filter((e) => e.kind === 'auth.sign_out')).toEqual([])
  })
})

describe('POST /admin/users/:id/verification', () => {
  it('sends an unverified user a new code through the sign-up flow; 409 once verified', async () => {
    const email = `unverified-${Date.now()}@example.test`
    const ip = testIp()
    expect((await postJson(t, '/api/v1/auth/register', { email, password: 'a long enough password 1', displayName: 'Unverified' }, { 'x-forwarded-for': ip })).status).toBe(202)
    const first = await latestCode(t, email)
    const [row] = await db().select().from(users).where(eq(users.email, email))
    clock.advance(2 * MINUTE)
    const sent = await api(admin)({ id: row!.id }).verification.post()
    expect(sent.status).toBe(200)
    const second = await latestCode(t, email)
    expect(second).not.toBe(first)
    expect(await entries('account.verification_sent', row!.id)).toEqual([expect.objectContaining({ actorId: admin.id })])
    expect((await postJson(t, '/api/v1/auth/verify', { email, code: second }, { 'x-forwarded-for': ip })).status).toBe(200)
    expect((await api(admin)({ id: row!.id }).verification.post()).status).toBe(409)
  })
})

describe('the last admin', () => {
  it('two concurrent demotions of the last two admins leave one; the loser, no longer an admin, is refused', async () => {
    // Demote every other admin first, so two remain: `admin` and `second`.
    const second = await anotherAdmin()
    const others = await api(admin).get({ query: { role: 'admin', limit: 100 } })
    for (const other of others.data!.items) {
      if (other.id !== admin.id && other.id !== second.id) expect((await api(admin)({ id: other.id }).role.post({ role: 'buyer' })).status).toBe(200)
    }
    // Through the service, so both demotions are past the auth check (each actor still an admin) when they race.
    const deps = { db: db(), bus: t.ctx.bus, clock, config: t.ctx.config, limiter: t.ctx.limiter, mailer: t.services.mailer }
    const as = (user: TestUser) => ({ id: user.id, role: 'admin' as const, sessionId: 'ses_00000000000000000000000000000000' })
    const results = await Promise.allSettled([changeRole(deps, as(admin), NO_ORIGIN, second.id, 'buyer'), changeRole(deps, as(second), NO_ORIGIN, admin.id, 'buyer')])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(AppError)
    // Under the admins' lock the second sees its own actor demoted: it acts no more (403).
    expect(refused.reason).toMatchObject({ type: 'forbidden' })
    const left = await db().select({ id: users.id }).from(users).where(eq(users.role, 'admin'))
    expect(left).toHaveLength(1)
    // The last one cannot take themselves out either.
    const last = left[0]!.id === admin.id ? admin : second
    expect((await api(last)({ id: last.id }).role.post({ role: 'buyer' })).status).toBe(409)
    expect((await api(last)({ id: last.id }).suspend.post({ reason: 'Leaving now' })).status).toBe(409)
    // Nor delete their account: Souk would be left without an admin.
    const deleted = await t.request('/api/v1/me', { method: 'DELETE', headers: { ...last.auth, 'content-type': 'application/json' }, body: JSON.stringify({ password: last.password }) })
    expect(deleted.status).toBe(409)
    expect((await me(last)).status).toBe(200)
    if (last !== admin) await db().update(users).set({ role: 'admin' }).where(eq(users.id, admin.id))
  })
})

describe('on every instance', () => {
  it('closes the suspended user’s open socket on the other instance', async () => {
    const { a, b, wsB } = await twoInstances()
    try {
      const boss = await signUpAndSignIn(a, { role: 'admin' })
      const user = await signUpAndSignIn(a)
      const socket = await connectAs(b, wsB, user)
      const response = await client(a, boss).api.v1.admin.users({ id: user.id }).suspend.post({ reason: 'Abuse' })
      expect(response.status).toBe(200)
      expect(await socket.waitClosed()).toEqual({ code: CLOSE_CODES.SessionEnded, reason: 'SessionRevoked' })
      expect((await b.request('/api/v1/me', { headers: user.auth })).status).toBe(401)
    } finally {
      await b.close()
      await a.close()
    }
  }, 60_000)
})
