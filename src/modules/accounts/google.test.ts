import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, latestCode, postJson, type TestApp, signUpAndSignIn, testIp } from '../../testing'
import type { AccountsModel } from './model'

const CLIENT_ID = 'souk-test.apps.googleusercontent.com'
const clock = new ManualClock()
let t: TestApp
let jwksServer: ReturnType<typeof Bun.serve>
let jwksFetches = 0
let googleKey: CryptoKey
let strangerKey: CryptoKey

// A stand-in for Google's certificate endpoint: a JWKS on 127.0.0.1 with a test key.
beforeAll(async () => {
  const google = await generateKeyPair('RS256')
  googleKey = google.privateKey
  strangerKey = (await generateKeyPair('RS256')).privateKey
  const jwk = { ...(await exportJWK(google.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }
  jwksServer = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: () => {
      jwksFetches += 1
      return Response.json({ keys: [jwk] })
    },
  })
  t = await createTestApp({ clock, env: { GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_JWKS_URL: `http://127.0.0.1:${jwksServer.port}/oauth2/v3/certs` } })
})
afterAll(async () => {
  await t.close()
  await jwksServer.stop(true)
})

interface Claims {
  sub: string
  email: string
  email_verified?: boolean
  name?: string
  iss?: string
  aud?: string
  expiresInS?: number
}
function idToken({ sub, iss = 'https://accounts.google.com', aud = CLIENT_ID, expiresInS = 600, ...rest }: Claims, key = googleKey, kid = 'test-key') {
  const now = Math.floor(clock.now().getTime() / 1000)
  return new SignJWT({ email_verified: true, ...rest })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInS)
    .sign(key)
}
const google = (token: string) => postJson(t, '/api/v1/auth/google', { idToken: token }, { 'x-forwarded-for': testIp() })
const login = (email: string, password: string) => postJson(t, '/api/v1/auth/login', { email, password }, { 'x-forwarded-for': testIp() })
const sub = () => String(Math.floor(Math.random() * 1e15))
const securityEvents = async (auth: Record<string, string>) => (await client(t, { auth }).api.v1.me['security-events'].get({ query: {} })).data!.items
const email = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@gmail.test`

describe('POST /auth/google', () => {
  it('creates a verified account on first sign-in and finds it by sub afterwards (JWKS fetched once)', async () => {
    const id = sub()
    const address = email('new')
    const first = await google(await idToken({ sub: id, email: address, name: 'Gina Google' }))
    expect(first.status).toBe(200)
    const body = (await first.json()) as AccountsModel.SignedIn
    expect(body.user).toMatchObject({ email: address, emailVerified: true, googleLinked: true, hasPassword: false, displayName: 'Gina Google' })
    expect(first.headers.getSetCookie().some((c) => c.startsWith('souk_refresh='))).toBe(true)
    // Same sub, and Google now reports another address: still the same account.
    const again = await google(await idToken({ sub: id, email: email('renamed') }))
    expect(((await again.json()) as AccountsModel.SignedIn).user.id).toBe(body.user.id)
    expect(jwksFetches).toBe(1)
  })

  it('links an existing verified account with the same address; its password keeps working', async () => {
    const user = await signUpAndSignIn(t, { email: email('linked') })
    const linkedSub = sub()
    const response = await google(await idToken({ sub: linkedSub, email: user.email }))
    expect(response.status).toBe(200)
    expect(((await response.json()) as AccountsModel.SignedIn).user).toMatchObject({ id: user.id, googleLinked: true, hasPassword: true })
    expect((await login(user.email, user.password)).status).toBe(200)
    // A new way into the account: in its owner's security events, once (signing in again by sub links nothing).
    expect((await google(await idToken({ sub: linkedSub, email: user.email }))).status).toBe(200)
    expect((await securityEvents(user.auth)).filter((e) => e.kind === 'account.google_linked')).toMatchObject([{ bySystem: false, summary: { emailLoginRemoved: false } }])
  })

  it('does not move an address linked to one Google account to another sub', async () => {
    const address = email('taken')
    await google(await idToken({ sub: sub(), email: address }))
    expect((await google(await idToken({ sub: sub(), email: address }))).status).toBe(409)
  })

  it('drops the password of a never-verified account it takes over (a squatter keeps no way in)', async () => {
    const address = email('squatted')
    await postJson(t, '/api/v1/auth/register', { email: address, password: 'squatter passphrase', displayName: 'S' }, { 'x-forwarded-for': testIp() })
    await latestCode(t, address) // the squatter's account exists once its code is out
    const response = await google(await idToken({ sub: sub(), email: address }))
    const signedIn = (await response.json()) as AccountsModel.SignedIn
    expect(signedIn.user).toMatchObject({ emailVerified: true, hasPassword: false })
    expect((await login(address, 'squatter passphrase')).status).toBe(401)
    const events = await securityEvents({ authorization: `Bearer ${signedIn.accessToken}` })
    expect(events.map((e) => [e.kind, e.summary.emailLoginRemoved ?? null]).sort()).toEqual([
      ['account.google_linked', true],
      ['auth.sign_in', null],
    ])
  })

  it('refuses an address Google has not verified', async () => {
    expect((await google(await idToken({ sub: sub(), email: email('unverified'), email_verified: false }))).status).toBe(401)
  })

  it('401s a token for another audience, from another issuer, expired, or signed by an unknown key', async () => {
    const claims = { sub: sub(), email: email('bad') }
    expect((await google(await idToken({ ...claims, aud: 'someone-else.apps.googleusercontent.com' }))).status).toBe(401)
    expect((await google(await idToken({ ...claims, iss: 'https://accounts.example.com' }))).status).toBe(401)
    const expiring = await idToken({ ...claims, expiresInS: 60 })
    clock.advance(61_000)
    expect((await google(expiring)).status).toBe(401)
    expect((await google(await idToken(claims, strangerKey))).status).toBe(401)
    expect((await google(await idToken(claims, strangerKey, 'unknown-key'))).status).toBe(401)
    expect((await google('not.a.jwt')).status).toBe(401)
  })
})

describe('Google sign-in when not configured', () => {
  it('answers 404', async () => {
    const plain = await createTestApp()
    try {
      const response = await postJson(plain, '/api/v1/auth/google', { idToken: await idToken({ sub: sub(), email: email('off') }) }, { 'x-forwarded-for': testIp() })
      expect(response.status).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
