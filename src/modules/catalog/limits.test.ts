import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { ManualClock } from '../../lib/clock'
import { createTestApp, makeProduct, makeVendor, postJson, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import { CATALOG_LIMITS } from '.'

const clock = new ManualClock(new Date('2025-06-02T09:00:00Z'))
let t: TestApp
let owner: TestUser
let otherOwner: TestUser
let categoryId: string
/** Every caller in this file comes from one address: the limits must tell people apart anyway. */
const SHARED_IP = testIp()

beforeAll(async () => {
  t = await createTestApp({ clock })
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  ;({ user: owner } = await makeVendor(t))
  ;({ user: otherOwner } = await makeVendor(t))
  categoryId = ((await (await postJson(t, '/api/v1/admin/categories', { name: 'Brass', slug: 'brass' }, admin.auth)).json()) as { id: string }).id
}, 60_000)
afterAll(() => t.close())

const from = (user: TestUser) => ({ ...user.auth, 'x-forwarded-for': SHARED_IP })

/** Calls `send` until it answers 429; how many got through, and the refusal. */
async function untilRefused(send: () => Promise<Response>, atMost: number) {
  const statuses: number[] = []
  for (let i = 0; i <= atMost; i++) {
    const response = await send()
    if (response.status === 429) return { passed: statuses.length, statuses, refusal: response }
    statuses.push(response.status)
  }
  return { passed: statuses.length, statuses, refusal: null }
}

async function expectStandard429(response: Response | null) {
  expect(response?.status).toBe(429)
  const retryAfter = Number(response!.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  const body = (await response!.json()) as { error: { type: string; message: string; details: { retryAfter: number }; requestId: string } }
  expect(body.error).toMatchObject({ type: 'rate_limited', details: { retryAfter } })
  expect(body.error.requestId).toBeString()
}

async function signInAgain(user: TestUser) {
  const response = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })
  user.auth = { authorization: `Bearer ${((await response.json()) as { accessToken: string }).accessToken}` }
}

describe('rate limits per user', () => {
  it('shares: the limit trips for one buyer, another on the same address is unaffected, and it frees up with time', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const [buyer, other] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    for (const user of [buyer, other]) await postJson(t, `/api/v1/products/${product.slug}/view`, {}, from(user))
    const share = (user: TestUser) => postJson(t, `/api/v1/products/${product.slug}/share`, { channel: 'link' }, from(user))
    const run = await untilRefused(() => share(buyer), CATALOG_LIMITS.share.limit)
    expect(run.statuses).toEqual(Array(CATALOG_LIMITS.share.limit).fill(201))
    await expectStandard429(run.refusal)
    expect((await share(other)).status).toBe(201)

    clock.advance(CATALOG_LIMITS.share.windowMs)
    // Access tokens live 15 minutes: everyone signs in again.
    for (const user of [buyer, owner, otherOwner]) await signInAgain(user)
    expect((await share(buyer)).status).toBe(201)
  })

  it('reports: refused attempts count too, product and shop reports share one allowance', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const [reporter, other] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const report = (user: TestUser) => postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'spam' }, from(user))
    // One open report per person and product: the first lands, repeats are 409, and all count.
    const run = await untilRefused(() => report(reporter), CATALOG_LIMITS.report.limit)
    expect(run.statuses).toEqual([201, ...Array(CATALOG_LIMITS.report.limit - 1).fill(409)])
    await expectStandard429(run.refusal)
    const shop = (await (await t.request('/api/v1/me/vendor', { headers: owner.auth })).json()) as { shop: { slug: string } }
    expect((await postJson(t, `/api/v1/vendors/${shop.shop.slug}/report`, { reason: 'spam' }, from(reporter))).status).toBe(429)
    expect((await report(other)).status).toBe(201)
  })

  it('photo uploads: per vendor, counted before the file is even looked at', async () => {
    const mine = await makeProduct(t, owner, { categoryId })
    const theirs = await makeProduct(t, otherOwner, { categoryId })
    const upload = (user: TestUser, slug: string) => {
      const form = new FormData()
      form.append('file', new File(['not a picture'], 'photo.jpg', { type: 'image/jpeg' }))
      return t.request(`/api/v1/products/${slug}/images`, { method: 'POST', headers: from(user), body: form })
    }
    const run = await untilRefused(() => upload(owner, mine.slug), CATALOG_LIMITS.image.limit)
    expect(run.statuses).toEqual(Array(CATALOG_LIMITS.image.limit).fill(415))
    await expectStandard429(run.refusal)
    expect((await upload(otherOwner, theirs.slug)).status).toBe(415)
  })

  it('still answers 401 to an anonymous caller, before any limit', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    expect((await postJson(t, `/api/v1/products/${product.slug}/share`, {}, { 'x-forwarded-for': SHARED_IP })).status).toBe(401)
  })
})
