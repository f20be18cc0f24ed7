import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { ManualClock } from '../../lib/clock'
import { createTestApp, latestCode, postJson, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import { type AccountsModel, SESSION_REVOKED_TOPIC } from './model'

const PUBLIC_URL = 'https://souk.example'
const clock = new ManualClock()
let t: TestApp
const events: AccountsModel.SessionRevoked[] = []

beforeAll(async () => {
  t = await createTestApp({ clock, env: { PUBLIC_URL } })
  t.ctx.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => events.push(message as AccountsModel.SessionRevoked))
})
afterAll(() => t.close())

const MINUTE = 60_000
const forgot = (email: string, headers: Record<string, string> = {}) =>
  postJson(t, '/api/v1/auth/password/forgot', { email }, { 'x-forwarded-for': testIp(), ...headers })
const reset = (token: string, password: string) => postJson(t, '/api/v1/auth/password/reset', { token, password }, { 'x-forwarded-for': testIp() })
const login = (email: string, password: string, ip = testIp()) => postJson(t, '/api/v1/auth/login', { email, password }, { 'x-forwarded-for': ip })
const withoutRequestId = async (response: Response) => {
  const body = (await response.json()) as { error?: { requestId?: string } }
  if (body.error !== undefined) delete body.error.requestId
  return body
}

/** The newest mail to `email`; its reset link and token, if it has one. */
async function lastMail(email: string) {
  const { items } = await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}&limit=1`)).json()
  const link = /(https?:\/\/\S+reset-password\?token=(\S+))/.exec(items[0]?.text ?? '')
  return { mail: items[0] as { subject: string; createdAt: string } | undefined, link: link?.[1] ?? null, token: link === null ? null : decodeURIComponent(link[2]!) }
}

async function resetToken(user: TestUser): Promise<string> {
  clock.advance(MINUTE) // past the per-address cooldown of any earlier request
  expect((await forgot(user.email)).status).toBe(202)
  const { token } = await lastMail(user.email)
  expect(token).not.toBeNull()
  return token!
}

describe('POST /auth/password/forgot', () => {
  it('answers alike for known and unknown addresses; only a known one gets mail', async () => {
    const user = await signUpAndSignIn(t)
    const stranger = `nobody-${crypto.randomUUID().slice(0, 8)}@example.test`
    const known = await forgot(user.email)
    const unknown = await forgot(stranger)
    expect(known.status).toBe(202)
    expect(await withoutRequestId(unknown)).toEqual(await withoutRequestId(known))
    expect((await lastMail(user.email)).mail?.subject).toBe('Reset your Souk password')
    expect((await lastMail(stranger)).mail).toBeUndefined()
  })

  it('builds the link from PUBLIC_URL, never from the Host header', async () => {
    const user = await signUpAndSignIn(t)
    await forgot(user.email, { host: 'evil.example', 'x-forwarded-host': 'evil.example' })
    const { link } = await lastMail(user.email)
    expect(link).toStartWith(`${PUBLIC_URL}/reset-password?token=`)
  })
})

describe('POST /auth/password/reset', () => {
  it('sets the new password, ends every session and announces it', async () => {
    const user = await signUpAndSignIn(t)
    const token = await resetToken(user)
    expect((await reset(token, 'my recovered passphrase')).status).toBe(204)
    expect((await t.request('/api/v1/me', { headers: user.auth })).status).toBe(401)
    expect(events.at(-1)).toMatchObject({ userId: user.id, reason: 'password_reset' })
    expect((await login(user.email, user.password)).status).toBe(401)
    expect((await login(user.email, 'my recovered passphrase')).status).toBe(200)
  })

  it('tells the account\'s address that the password was reset', async () => {
    const user = await signUpAndSignIn(t)
    const token = await resetToken(user)
    expect((await reset(token, 'a passphrase from the link')).status).toBe(204)
    const { mail, link } = await lastMail(user.email)
    expect(mail?.subject).toBe('Your Souk password was reset')
    // A notice, not another way in.
    expect(link).toBeNull()
  })

  it('works once', async () => {
    const user = await signUpAndSignIn(t)
    const token = await resetToken(user)
    expect((await reset(token, 'first new passphrase')).status).toBe(204)
    const again = await reset(token, 'second new passphrase')
    expect(again.status).toBe(400)
    expect((await again.json()).error.details).toEqual([{ field: 'body.token', message: 'is not valid' }])
  })

  it('expires after 30 minutes', async () => {
    const user = await signUpAndSignIn(t)
    const token = await resetToken(user)
    clock.advance(30 * MINUTE + 1_000)
    expect((await reset(token, 'too late passphrase')).status).toBe(400)
  })

  it('retires an older link when a new one is asked for', async () => {
    const user = await signUpAndSignIn(t)
    const first = await resetToken(user)
    const second = await resetToken(user)
    expect((await reset(first, 'stale link passphrase')).status).toBe(400)
    expect((await reset(second, 'fresh link passphrase')).status).toBe(204)
  })

  it('keeps the link usable when the new password is refused', async () => {
    const user = await signUpAndSignIn(t)
    const token = await resetToken(user)
    expect((await reset(token, 'password1')).status).toBe(400)
    expect((await reset(token, user.password)).status).toBe(400)
    expect((await reset(token, 'an acceptable passphrase')).status).toBe(204)
  })

  it('is not blocked by a sign-in lockout, and lifts it', async () => {
    const user = await signUpAndSignIn(t)
    for (let i = 0; i < 5; i++) await login(user.email, 'wrong password')
    expect((await login(user.email, user.password)).status).toBe(429)
    const token = await resetToken(user)
    expect((await reset(token, 'unlocked passphrase')).status).toBe(204)
    expect((await login(user.email, 'unlocked passphrase')).status).toBe(200)
  })

  it('confirms the address of an account that never verified it (the link proved it)', async () => {
    const email = `unverified-${crypto.randomUUID().slice(0, 8)}@example.test`
    await postJson(t, '/api/v1/auth/register', { email, password: 'never verified pass', displayName: 'U' }, { 'x-forwarded-for': testIp() })
    await latestCode(t, email) // the account exists once its code is out
    expect((await login(email, 'never verified pass')).status).toBe(403)
    clock.advance(MINUTE)
    await forgot(email)
    const { token } = await lastMail(email)
    expect((await reset(token!, 'verified by link pass')).status).toBe(204)
    expect((await login(email, 'verified by link pass')).status).toBe(200)
  })
})
