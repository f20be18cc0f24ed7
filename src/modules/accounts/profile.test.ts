import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { ManualClock } from '../../lib/clock'
import { httpBasics } from '../../lib/http'
import { createTestApp, latestCode, postJson, refreshCookieOf, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import { authPlugin, CSRF_HEADER } from './index'
import { type AccountsModel, SESSION_REVOKED_TOPIC } from './model'

const clock = new ManualClock()
let t: TestApp
let alice: TestUser
let bob: TestUser
const events: AccountsModel.SessionRevoked[] = []

beforeAll(async () => {
  t = await createTestApp({ clock })
  t.ctx.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => events.push(message as AccountsModel.SessionRevoked))
  alice = await signUpAndSignIn(t, { displayName: 'Alice' })
  bob = await signUpAndSignIn(t, { displayName: 'Bob' })
})
afterAll(() => t.close())

const json = (method: string, body: unknown, headers: Record<string, string>) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})
const login = (email: string, password: string) => postJson(t, '/api/v1/auth/login', { email, password }, { 'x-forwarded-for': testIp() })
async function signIn(email: string, password: string) {
  const response = await login(email, password)
  expect(response.status).toBe(200)
  const body = (await response.json()) as AccountsModel.SignedIn
  return { auth: { authorization: `Bearer ${body.accessToken}` }, cookie: refreshCookieOf(response)! }
}
const fieldsOf = async (response: Response) => ((await response.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)

describe('GET|PATCH /me', () => {
  it('shows my account', async () => {
    const response = await t.request('/api/v1/me', { headers: alice.auth })
    expect(await response.json()).toMatchObject({ id: alice.id, email: alice.email, displayName: 'Alice', handle: 'alice', role: 'buyer', emailVerified: true, hasPassword: true })
  })

  it('changes the handle, stored lower-case; 409 when another account has it, 400 when malformed or reserved', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Handle Changer' })
    const changed = await t.request('/api/v1/me', json('PATCH', { handle: 'Rug_Maker_7' }, user.auth))
    expect(changed.status).toBe(200)
    expect(await changed.json()).toMatchObject({ handle: 'rug_maker_7' })
    expect(await (await t.request(`/api/v1/users/${user.id}`)).json()).toMatchObject({ handle: 'rug_maker_7' })

    // Taken in any case: the handle is unique case-insensitively.
    const taken = await t.request('/api/v1/me', json('PATCH', { handle: 'BOB', bio: 'not saved' }, user.auth))
    expect(taken.status).toBe(409)
    expect(await taken.json()).toMatchObject({ error: { type: 'conflict', details: [{ field: 'body.handle' }] } })
    for (const malformed of ['ab', 'a'.repeat(31), 'two words', 'café', '@bob', 'dash-ed']) {
      const response = await t.request('/api/v1/me', json('PATCH', { handle: malformed }, user.auth))
      expect(response.status).toBe(400)
      expect(await fieldsOf(response)).toEqual(['body.handle'])
    }
    for (const reserved of ['admin', 'Souk', 'api']) {
      const response = await t.request('/api/v1/me', json('PATCH', { handle: reserved }, user.auth))
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_data', details: [{ field: 'body.handle', message: 'is reserved' }] } })
    }
    expect(await (await t.request('/api/v1/me', { headers: user.auth })).json()).toMatchObject({ handle: 'rug_maker_7', bio: null })
  })

  it('changes profile fields and clears blank ones', async () => {
    const response = await t.request('/api/v1/me', json('PATCH', { displayName: '  Alice A.  ', bio: 'Sells rugs', location: 'Fez', phone: '+212 600-000000' }, alice.auth))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ displayName: 'Alice A.', bio: 'Sells rugs', location: 'Fez', phone: '+212 600-000000' })
    const cleared = await t.request('/api/v1/me', json('PATCH', { bio: '   ', phone: null }, alice.auth))
    expect(await cleared.json()).toMatchObject({ bio: null, phone: null, location: 'Fez' })
  })

  it('rejects invalid fields with their names', async () => {
    const response = await t.request('/api/v1/me', json('PATCH', { displayName: '', phone: 'call me' }, alice.auth))
    expect(response.status).toBe(400)
    expect(await fieldsOf(response)).toEqual(expect.arrayContaining(['body.displayName']))
  })

  it('ignores role, email, emailVerified, id and balances in the body (mass assignment)', async () => {
    const response = await t.request(
      '/api/v1/me',
      json('PATCH', { role: 'admin', email: 'owned@evil.example', emailVerified: false, id: bob.id, balance: 1_000_000, bio: 'still me' }, alice.auth),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: alice.id, role: 'buyer', email: alice.email, emailVerified: true, bio: 'still me' })
    const bobNow = await (await t.request('/api/v1/me', { headers: bob.auth })).json()
    expect(bobNow).toMatchObject({ id: bob.id, displayName: 'Bob', bio: null })
  })

  it('needs a signed-in user', async () => {
    expect((await t.request('/api/v1/me', json('PATCH', { bio: 'x' }, {}))).status).toBe(401)
  })
})

describe('GET /users/:id', () => {
  it('shows the public profile without private fields', async () => {
    const response = await t.request(`/api/v1/users/${alice.id}`)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({ id: alice.id, handle: 'alice', displayName: 'Alice A.', deleted: false })
    expect(body).not.toHaveProperty('email')
    expect(body).not.toHaveProperty('phone')
  })

  it('404s an unknown id and 400s a malformed one', async () => {
    expect((await t.request(`/api/v1/users/usr_${'0'.repeat(32)}`)).status).toBe(404)
    expect((await t.request('/api/v1/users/42')).status).toBe(400)
  })
})

describe('POST /me/password', () => {
  it('needs the current password; wrong ones lock after 5 tries', async () => {
    const user = await signUpAndSignIn(t)
    const change = (currentPassword: string, auth = user.auth) =>
      t.request('/api/v1/me/password', json('POST', { currentPassword, newPassword: 'a brand new passphrase' }, auth))
    const wrong = await change('not it')
    expect(wrong.status).toBe(400)
    expect(await fieldsOf(wrong)).toEqual(['body.currentPassword'])
    for (let i = 0; i < 4; i++) await change('not it')
    expect((await change(user.password)).status).toBe(429)
    clock.advance(15 * 60_000)
    // The access token expired with the lock; a new sign-in gets a fresh one.
    expect((await change(user.password, (await signIn(user.email, user.password)).auth)).status).toBe(204)
  })

  it('rejects common passwords and the last 5 passwords, but not older ones', async () => {
    const user = await signUpAndSignIn(t)
    const change = (currentPassword: string, newPassword: string) =>
      t.request('/api/v1/me/password', json('POST', { currentPassword, newPassword }, user.auth))
    const common = await change(user.password, 'iloveyou1')
    expect(common.status).toBe(400)
    expect(await fieldsOf(common)).toEqual(['body.newPassword'])
    const history = [user.password, 'passphrase number one', 'passphrase number two', 'passphrase number three', 'passphrase number four']
    for (let i = 1; i < history.length; i++) expect((await change(history[i - 1]!, history[i]!)).status).toBe(204)
    const current = history.at(-1)!
    expect((await change(current, current)).status).toBe(400)
    expect((await change(current, history[0]!)).status).toBe(400)
    expect((await change(current, 'passphrase number five')).status).toBe(204)
    // Now the sign-up password is 6 passwords back: allowed again.
    expect((await change('passphrase number five', history[0]!)).status).toBe(204)
  })

  it('keeps this session, ends the others, and announces them', async () => {
    const user = await signUpAndSignIn(t)
    const other = await signIn(user.email, user.password)
    const response = await t.request('/api/v1/me/password', json('POST', { currentPassword: user.password, newPassword: 'rotated passphrase' }, user.auth))
    expect(response.status).toBe(204)
    expect((await t.request('/api/v1/me', { headers: user.auth })).status).toBe(200)
    expect((await t.request('/api/v1/me', { headers: other.auth })).status).toBe(401)
    expect((await t.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: other.cookie, [CSRF_HEADER]: '1' } })).status).toBe(401)
    expect(events.at(-1)).toMatchObject({ userId: user.id, reason: 'password_changed', sessionIds: [expect.stringMatching(/^ses_/)] })
    expect((await login(user.email, user.password)).status).toBe(401)
    expect((await login(user.email, 'rotated passphrase')).status).toBe(200)
  })

  it('tells the account\'s address that the password changed, and nothing when it did not', async () => {
    const user = await signUpAndSignIn(t)
    const mailbox = async () => (await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(user.email)}`)).json()).items as { subject: string; text: string }[]
    const before = (await mailbox()).length
    expect((await t.request('/api/v1/me/password', json('POST', { currentPassword: 'not it', newPassword: 'changed passphrase' }, user.auth))).status).toBe(400)
    expect(await mailbox()).toHaveLength(before)
    expect((await t.request('/api/v1/me/password', json('POST', { currentPassword: user.password, newPassword: 'changed passphrase' }, user.auth))).status).toBe(204)
    const [notice, ...older] = await mailbox()
    expect(older).toHaveLength(before)
    expect(notice!.subject).toBe('Your Souk password was changed')
    expect(notice!.text).toContain('reset your password')
    expect(notice!.text).not.toContain('changed passphrase')
  })
})

describe('POST /me/email and /me/email/confirm', () => {
  it('moves the account to a new address once its code is entered', async () => {
    const user = await signUpAndSignIn(t)
    const newEmail = `moved-${crypto.randomUUID().slice(0, 8)}@example.test`
    const started = await t.request('/api/v1/me/email', json('POST', { newEmail, password: user.password }, user.auth))
    expect(started.status).toBe(202)
    const code = await latestCode(t, newEmail)
    const confirmed = await t.request('/api/v1/me/email/confirm', json('POST', { code }, user.auth))
    expect(confirmed.status).toBe(200)
    expect(await confirmed.json()).toMatchObject({ email: newEmail, emailVerified: true })
    expect((await login(newEmail, user.password)).status).toBe(200)
    expect((await login(user.email, user.password)).status).toBe(401)
    const notice = await (await t.request(`/api/v1/dev/mail?to=${user.email}&limit=1`)).json()
    expect(notice.items[0].text).toContain(newEmail)
    expect((await t.request('/api/v1/me/email/confirm', json('POST', { code }, user.auth))).status).toBe(400)
  })

  it('answers alike for an address in use, and sends it a notice, not a code', async () => {
    const user = await signUpAndSignIn(t)
    const response = await t.request('/api/v1/me/email', json('POST', { newEmail: bob.email, password: user.password }, user.auth))
    expect(response.status).toBe(202)
    const mail = await (await t.request(`/api/v1/dev/mail?to=${bob.email}&limit=1`)).json()
    expect(mail.items[0].subject).toBe('Someone tried to move a Souk account to your address')
  })

  it('needs the password and a new address', async () => {
    const user = await signUpAndSignIn(t)
    const wrong = await t.request('/api/v1/me/email', json('POST', { newEmail: 'x@example.test', password: 'not it' }, user.auth))
    expect(await fieldsOf(wrong)).toEqual(['body.password'])
    const same = await t.request('/api/v1/me/email', json('POST', { newEmail: user.email, password: user.password }, user.auth))
    expect(await fieldsOf(same)).toEqual(['body.newEmail'])
  })
})

describe('DELETE /me', () => {
  it('needs the password', async () => {
    const user = await signUpAndSignIn(t)
    const response = await t.request('/api/v1/me', json('DELETE', { password: 'not it' }, user.auth))
    expect(response.status).toBe(400)
    expect((await t.request('/api/v1/me', { headers: user.auth })).status).toBe(200)
  })

  it('erases personal data (its handle too), ends every session and frees the address and the handle; the id stays as "Deleted user"', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Leaving' })
    const other = await signIn(user.email, user.password)
    await t.request('/api/v1/me', json('PATCH', { bio: 'bye', phone: '+1 555 0100' }, user.auth))
    const response = await t.request('/api/v1/me', json('DELETE', { password: user.password }, user.auth))
    expect(response.status).toBe(204)
    expect((await t.request('/api/v1/me', { headers: user.auth })).status).toBe(401)
    expect((await t.request('/api/v1/me', { headers: other.auth })).status).toBe(401)
    expect(events.at(-1)).toMatchObject({ userId: user.id, reason: 'account_deleted' })
    expect(events.at(-1)?.sessionIds).toHaveLength(2)
    expect((await login(user.email, user.password)).status).toBe(401)
    const profile = await (await t.request(`/api/v1/users/${user.id}`)).json()
    // The handle was made of the name: it goes with it.
    expect(profile).toMatchObject({ id: user.id, handle: expect.stringMatching(/^deleted_[0-9a-f]{20}$/), displayName: 'Deleted user', bio: null, deleted: true })
    clock.advance(60_000) // past the send cooldown of the first sign-up's code
    const again = await signUpAndSignIn(t, { email: user.email })
    expect(again.id).not.toBe(user.id)
    // The handle is free again (texts that mentioned it keep the account they named, by id).
    expect((await t.request('/api/v1/me', json('PATCH', { handle: 'leaving' }, again.auth))).status).toBe(200)
  })
})

describe('the auth macro', () => {
  it('lets any signed-in user, or only the roles named, through', async () => {
    const vendor = await signUpAndSignIn(t, { role: 'vendor' })
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const app = new Elysia()
      .use(httpBasics(t.ctx.log))
      .use(
        new Elysia()
          .use(authPlugin(t.ctx))
          .get('/any', ({ user }) => user.id, { auth: true })
          .get('/admin', ({ user }) => user.role, { auth: 'admin' })
          .get('/vendor', ({ user }) => user.role, { auth: 'vendor' })
          .get('/staff', ({ user }) => user.role, { auth: ['vendor', 'admin'] }),
      )
    const call = async (path: string, user?: TestUser) => (await app.handle(new Request(`http://localhost${path}`, { headers: user?.auth ?? {} }))).status
    const buyer = await signUpAndSignIn(t)
    expect([await call('/any'), await call('/any', buyer)]).toEqual([401, 200])
    expect([await call('/admin', buyer), await call('/admin', vendor), await call('/admin', admin)]).toEqual([403, 403, 200])
    expect([await call('/vendor', buyer), await call('/vendor', vendor), await call('/vendor', admin)]).toEqual([403, 200, 403])
    expect([await call('/staff', buyer), await call('/staff', vendor), await call('/staff', admin)]).toEqual([403, 200, 200])
  })
})
