import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { ManualClock } from '../../lib/clock'
import { createTestApp, latestCode, postJson, type TestApp, type TestUser, signUpAndSignIn, testIp, waitFor } from '../../testing'
import { bootstrapAdmin } from './service/profile'
import { HASH_OPTIONS } from './service/passwords'
import { users } from './table'

const clock = new ManualClock()
let t: TestApp
/** Signed up once and reused: argon2 makes every account cost a real hash. */
let alice: TestUser

beforeAll(async () => {
  t = await createTestApp({ clock })
  alice = await signUpAndSignIn(t, { displayName: 'Alice' })
})
afterAll(() => t.close())

const MINUTE = 60_000
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.test`
/** An error body without its request id, which differs per request by design. */
const withoutRequestId = async (response: Response) => {
  const body = (await response.json()) as { error?: { requestId?: string } }
  if (body.error !== undefined) delete body.error.requestId
  return body
}
const from = (ip: string) => ({ 'x-forwarded-for': ip })
const register = (body: Record<string, unknown>, ip = testIp()) => postJson(t, '/api/v1/auth/register', body, from(ip))
const login = (email: string, password: string, ip = testIp()) => postJson(t, '/api/v1/auth/login', { email, password }, from(ip))
const verify = (email: string, code: string, ip = testIp()) => postJson(t, '/api/v1/auth/verify', { email, code }, from(ip))
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('passwords', () => {
  it('hashes with argon2id at OWASP parameters (19 MiB, t=2)', async () => {
    const [row] = await t.ctx.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, alice.id))
    expect(row?.hash).toStartWith('$argon2id$v=19$m=19456,t=2,p=1$')
    expect(HASH_OPTIONS).toEqual({ algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 })
  })
})

describe('POST /auth/register', () => {
  it('starts unverified and emails a 6-digit code; the code signs the user in', async () => {
    const email = unique('new')
    const response = await register({ email, password: 'a fine passphrase', displayName: 'New' })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({ resendAfter: 60 })
    const code = await latestCode(t, email)
    expect(code).toMatch(/^\d{6}$/)
    expect((await login(email, 'a fine passphrase')).status).toBe(403)
    const verified = await verify(email, code)
    expect(verified.status).toBe(200)
    const body = (await verified.json()) as { user: { emailVerified: boolean; role: string } }
    expect(body.user).toMatchObject({ emailVerified: true, role: 'buyer', handle: 'new' })
    expect((await login(email, 'a fine passphrase')).status).toBe(200)
  })

  it('answers an existing address exactly like a new one, and tells the owner instead', async () => {
    clock.advance(MINUTE) // past the send cooldown of Alice's own sign-up
    const fresh = await register({ email: unique('fresh'), password: 'another passphrase', displayName: 'X' })
    const taken = await register({ email: alice.email, password: 'another passphrase', displayName: 'X' })
    expect(taken.status).toBe(fresh.status)
    expect(await taken.json()).toEqual(await fresh.json())
    const mail = await (await t.request(`/api/v1/dev/mail?to=${alice.email}&limit=1`)).json()
    expect(mail.items[0].subject).toBe('Someone tried to sign up with your address')
    expect((await login(alice.email, alice.password)).status).toBe(200)
  })

  // Postgres only: the test holds a lock from another connection, which embedded PGlite does not have.
  it.skipIf(process.env.DATABASE_URL === undefined)('answers a new and a taken address without waiting on the accounts table (alike in time)', async () => {
    const { database } = t.ctx
    if (database.kind !== 'postgres') throw new Error('needs Postgres')
    clock.advance(MINUTE) // past the send cooldown of Alice's earlier sign-ups
    const fresh = unique('timing')
    await database.client.begin(async (sql) => {
      // Should an answer wait on the lock after all, Postgres ends this transaction, so the test
      // fails instead of hanging.
      await sql`set local idle_in_transaction_session_timeout = '5s'`
      await sql`lock table users in access exclusive mode`
      // An answer that read or wrote the address's account would wait here, and its time would tell.
      const [taken, created] = await Promise.all([
        register({ email: alice.email, password: 'another passphrase', displayName: 'X' }),
        register({ email: fresh, password: 'another passphrase', displayName: 'X' }),
      ])
      expect([taken.status, created.status]).toEqual([202, 202])
      expect(await taken.json()).toEqual(await created.json())
    })
    // What the answers did not wait for is done once the lock is gone: a code, and a notice.
    expect(await latestCode(t, fresh)).toMatch(/^\d{6}$/)
    const mail = await (await t.request(`/api/v1/dev/mail?to=${alice.email}&limit=1`)).json()
    expect(mail.items[0].subject).toBe('Someone tried to sign up with your address')
  })

  it('rejects short, long and common passwords with field errors', async () => {
    for (const password of ['short', 'x'.repeat(129), 'password123', 'Sunshine1', 'qwertyuiop']) {
      const response = await register({ email: unique('weak'), password, displayName: 'W' })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: { details: { field: string }[] } }
      expect(body.error.details.map((d) => d.field)).toContain('body.password')
    }
  })

  it('ignores role, emailVerified and id in the body (mass assignment)', async () => {
    const email = unique('sneaky')
    const response = await register({ email, password: 'a fine passphrase', displayName: 'S', role: 'admin', emailVerified: true, id: 'usr_x', emailVerifiedAt: '2020-01-01' })
    expect(response.status).toBe(202)
    await latestCode(t, email) // the account exists once its code is out
    expect((await login(email, 'a fine passphrase')).status).toBe(403)
    const [row] = await t.ctx.database.db.select().from(users).where(eq(users.email, email))
    expect(row).toMatchObject({ role: 'buyer', emailVerifiedAt: null })
    expect(row!.id).toMatch(/^usr_[0-9a-f]{32}$/)
  })

  it('gives an unverified address to whoever proves the mailbox (the last sign-up wins)', async () => {
    const email = unique('squatted')
    // A sign-up's work runs behind its answer: each is awaited through its mail before going on.
    const mails = async () => ((await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`)).json()) as { items: unknown[] }).items.length
    await register({ email, password: 'squatter password', displayName: 'Squatter' })
    await waitFor(async () => (await mails()) === 1, 5_000, 'the first sign-up’s code')
    clock.advance(MINUTE)
    await register({ email, password: 'rightful password', displayName: 'Owner' })
    await waitFor(async () => (await mails()) === 2, 5_000, 'the second sign-up’s code')
    const verified = await verify(email, await latestCode(t, email))
    expect(verified.status).toBe(200)
    expect((await verified.json()).user).toMatchObject({ displayName: 'Owner', handle: 'owner' })
    expect((await login(email, 'squatter password')).status).toBe(401)
    expect((await login(email, 'rightful password')).status).toBe(200)
  })

  it('is rate limited per client address', async () => {
    const ip = testIp()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await register({ email: unique('flood'), password: 'x', displayName: 'F' }, ip)).status)
    // Limits apply before the body rules are read through: 10 answered (400, weak password), then 429.
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    const limited = await register({ email: unique('flood'), password: 'x', displayName: 'F' }, ip)
    expect(limited.status).toBe(429)
    expect((await limited.json()).error.details.retryAfter).toBeGreaterThan(0)
  })
})

describe('POST /auth/verify and /auth/resend', () => {
  const pending = async () => {
    const email = unique('pending')
    await register({ email, password: 'a fine passphrase', displayName: 'P' })
    return { email, code: await latestCode(t, email) }
  }

  it('expires a code after 10 minutes', async () => {
    const { email, code } = await pending()
    clock.advance(10 * MINUTE + 1_000)
    expect((await verify(email, code)).status).toBe(400)
  })

  it('accepts a code once', async () => {
    const { email, code } = await pending()
    expect((await verify(email, code)).status).toBe(200)
    expect((await verify(email, code)).status).toBe(400)
  })

  it('kills a code after 5 wrong tries, even for the right one', async () => {
    const { email, code } = await pending()
    for (let i = 0; i < 5; i++) expect((await verify(email, wrongCode(code))).status).toBe(400)
    expect((await verify(email, code)).status).toBe(400)
  })

  it('answers every bad code alike, known address or not', async () => {
    const { email, code } = await pending()
    const known = await verify(email, wrongCode(code))
    const unknown = await verify(unique('nobody'), code)
    expect(known.status).toBe(400)
    expect(await withoutRequestId(unknown)).toEqual(await withoutRequestId(known))
  })

  it('resends a new code after the cooldown, retiring the old one', async () => {
    const { email, code } = await pending()
    const early = await postJson(t, '/api/v1/auth/resend', { email }, from(testIp()))
    expect(early.status).toBe(429)
    expect((await early.json()).error.details.retryAfter).toBe(60)
    clock.advance(60_000)
    const resent = await postJson(t, '/api/v1/auth/resend', { email }, from(testIp()))
    expect(resent.status).toBe(202)
    const fresh = await latestCode(t, email)
    if (fresh !== code) expect((await verify(email, code)).status).toBe(400)
    expect((await verify(email, fresh)).status).toBe(200)
  })

  it('treats unknown addresses on resend like known ones (202, then the same cooldown)', async () => {
    const email = unique('ghost')
    expect((await postJson(t, '/api/v1/auth/resend', { email }, from(testIp()))).status).toBe(202)
    expect((await postJson(t, '/api/v1/auth/resend', { email }, from(testIp()))).status).toBe(429)
  })
})

describe('POST /auth/login', () => {
  it('signs in with the refresh token in an HttpOnly SameSite cookie only', async () => {
    const response = await login(alice.email, alice.password)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { id: alice.id, email: alice.email } })
    expect(JSON.stringify(body)).not.toContain('refresh')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('souk_refresh='))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
  })

  it('accepts the address in any case', async () => {
    expect((await login(alice.email.toUpperCase(), alice.password)).status).toBe(200)
  })

  it('answers an unknown address exactly like a wrong password, in similar time', async () => {
    const wrong = await login(alice.email, 'not the password')
    const unknown = await login(unique('nobody'), 'not the password')
    expect(wrong.status).toBe(401)
    expect(await withoutRequestId(unknown)).toEqual(await withoutRequestId(wrong))
    // Both spend one argon2id verification; without the dummy one an unknown address would
    // answer in a fraction of the time. Rounds alternate between the two, so a busy moment of the
    // machine falls on both alike, and medians keep the outliers out. (Both addresses' lockouts
    // are reset each round: a locked address would answer faster.)
    const nobody = unique('nobody')
    const [known, unknownTimes]: [number[], number[]] = [[], []]
    const timed = async (email: string, into: number[]) => {
      const started = performance.now()
      expect((await login(email, 'not the password')).status).toBe(401)
      into.push(performance.now() - started)
    }
    for (let i = 0; i < 7; i++) {
      await t.ctx.limiter.reset(`login:account:${alice.email}`)
      await t.ctx.limiter.reset(`login:account:${nobody}`)
      await timed(alice.email, known)
      await timed(nobody, unknownTimes)
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[3]!
    const [knownMs, unknownMs] = [median(known), median(unknownTimes)]
    expect(unknownMs).toBeGreaterThan(knownMs * 0.5)
    expect(unknownMs).toBeLessThan(knownMs * 2)
    await t.ctx.limiter.reset(`login:account:${alice.email}`)
  })

  it('locks an account for 15 minutes after 5 failures, whatever the address, then lets it in', async () => {
    const bob = await signUpAndSignIn(t)
    for (let i = 0; i < 5; i++) expect((await login(bob.email, 'wrong password', testIp())).status).toBe(401)
    const locked = await login(bob.email, bob.password, testIp())
    expect(locked.status).toBe(429)
    const body = await locked.json()
    expect(body.error.type).toBe('rate_limited')
    expect(body.error.details.retryAfter).toBe(15 * 60)
    clock.advance(14 * MINUTE)
    expect((await login(bob.email, bob.password, testIp())).status).toBe(429)
    clock.advance(MINUTE)
    expect((await login(bob.email, bob.password, testIp())).status).toBe(200)
  })

  it('forgets failures older than 15 minutes', async () => {
    const carol = await signUpAndSignIn(t)
    for (let i = 0; i < 4; i++) await login(carol.email, 'wrong password', testIp())
    clock.advance(15 * MINUTE + 1_000)
    expect((await login(carol.email, 'wrong password', testIp())).status).toBe(401)
    expect((await login(carol.email, carol.password, testIp())).status).toBe(200)
  })

  it('locks unknown addresses the same way (no enumeration through lockout)', async () => {
    const email = unique('ghost')
    for (let i = 0; i < 5; i++) expect((await login(email, 'whatever', testIp())).status).toBe(401)
    expect((await login(email, 'whatever', testIp())).status).toBe(429)
  })

  it('locks a client address after 5 failures across accounts', async () => {
    const ip = testIp()
    for (let i = 0; i < 5; i++) expect((await login(unique('spray'), 'Winter2024!', ip)).status).toBe(401)
    expect((await login(alice.email, alice.password, ip)).status).toBe(429)
    expect((await login(alice.email, alice.password, testIp())).status).toBe(200)
  })
})

describe('bootstrapAdmin()', () => {
  const deps = () => ({ db: t.ctx.database.db, clock, log: t.ctx.log })

  it('creates a verified admin, and updates its password on the next start', async () => {
    const email = unique('admin')
    await bootstrapAdmin(deps(), { email, password: 'first admin passphrase' })
    const first = await login(email, 'first admin passphrase')
    expect(first.status).toBe(200)
    expect((await first.json()).user).toMatchObject({ role: 'admin', emailVerified: true })
    await bootstrapAdmin(deps(), { email, password: 'second admin passphrase' })
    expect((await login(email, 'first admin passphrase')).status).toBe(401)
    expect((await login(email, 'second admin passphrase')).status).toBe(200)
  })

  it('promotes an existing account', async () => {
    const dave = await signUpAndSignIn(t)
    await bootstrapAdmin(deps(), { email: dave.email, password: dave.password })
    const response = await login(dave.email, dave.password)
    expect((await response.json()).user).toMatchObject({ id: dave.id, role: 'admin' })
  })

  it('refuses a common password', async () => {
    await expect(bootstrapAdmin(deps(), { email: unique('admin'), password: 'password1' })).rejects.toThrow('too common')
  })
})
