import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { ManualClock } from '../../lib/clock'
import { createTestApp, makeProduct, makeVendor, postJson, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import type { CatalogModel } from './model'

const clock = new ManualClock(new Date('2025-05-10T09:00:00Z'))
let t: TestApp
let admin: TestUser
let buyer: TestUser
let owner: TestUser
let otherVendor: TestUser
let categoryId: string

const get = async <T>(path: string, user?: TestUser) => {
  const response = await t.request(path, { headers: user?.auth ?? {} })
  return { status: response.status, body: (await response.json()) as T }
}
const view = (slug: string, user?: TestUser, ip = testIp()) => postJson(t, `/api/v1/products/${slug}/view`, {}, { ...(user?.auth ?? {}), 'x-forwarded-for': ip })
const DAY = 24 * 3_600_000

/** Moves to the next day; access tokens live 15 minutes, so everyone signs in again. */
async function nextDay() {
  clock.advance(DAY)
  for (const user of [admin, buyer, owner, otherVendor]) {
    const response = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': user.ip })
    user.auth = { authorization: `Bearer ${((await response.json()) as { accessToken: string }).accessToken}` }
  }
}
const share = (slug: string, user?: TestUser, channel?: string) => postJson(t, `/api/v1/products/${slug}/share`, channel === undefined ? {} : { channel }, user?.auth ?? {})

beforeAll(async () => {
  t = await createTestApp({ clock })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  buyer = await signUpAndSignIn(t)
  ;({ user: owner } = await makeVendor(t))
  ;({ user: otherVendor } = await makeVendor(t))
  categoryId = ((await (await postJson(t, '/api/v1/admin/categories', { name: 'Ceramics', slug: 'ceramics' }, admin.auth)).json()) as { id: string }).id
}, 60_000)
afterAll(() => t.close())

describe('favorites', () => {
  it('toggles, counts and lists; hidden products leave the list', async () => {
    const a = await makeProduct(t, owner, { categoryId, title: 'Safi tagine' })
    const b = await makeProduct(t, owner, { categoryId, title: 'Fez bowl' })
    expect(await (await postJson(t, `/api/v1/products/${a.slug}/favorite`, {}, buyer.auth)).json()).toEqual({ favorited: true, favoritesCount: 1 })
    clock.advance(1_000)
    await postJson(t, `/api/v1/products/${b.slug}/favorite`, {}, buyer.auth)
    const list = await get<CatalogModel.SearchPage>('/api/v1/me/favorites', buyer)
    expect(list.body.items.map((p) => p.id)).toEqual([b.id, a.id])
    expect((await get<CatalogModel.Product>(`/api/v1/products/${a.slug}`, buyer)).body).toMatchObject({ favorited: true, favoritesCount: 1 })
    expect((await get<CatalogModel.Product>(`/api/v1/products/${a.slug}`)).body).toMatchObject({ favorited: false })
    expect(await (await postJson(t, `/api/v1/products/${a.slug}/favorite`, {}, buyer.auth)).json()).toEqual({ favorited: false, favoritesCount: 0 })
    await postJson(t, `/api/v1/products/${b.slug}/mark-sold`, {}, owner.auth)
    await t.request(`/api/v1/products/${b.slug}`, { method: 'DELETE', headers: owner.auth })
    expect((await get<CatalogModel.SearchPage>('/api/v1/me/favorites', buyer)).body.items).toEqual([])
    expect((await postJson(t, `/api/v1/products/${a.slug}/favorite`, {})).status).toBe(401)
  })

  it('keeps the count exact under concurrent toggles by many users', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const fans = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    await Promise.all(fans.map((fan) => postJson(t, `/api/v1/products/${product.slug}/favorite`, {}, fan.auth)))
    expect((await get<CatalogModel.Product>(`/api/v1/products/${product.slug}`)).body.favoritesCount).toBe(6)
  })
})

describe('views', () => {
  it('counts a viewer once per day, also under concurrent requests', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const ip = testIp()
    const answers = await Promise.all(Array.from({ length: 12 }, () => view(product.slug, buyer, ip).then((r) => r.json() as Promise<CatalogModel.ViewRecorded>)))
    expect(answers.filter((a) => a.counted).length).toBe(1)
    const anonymous = await Promise.all(Array.from({ length: 8 }, () => view(product.slug, undefined, ip).then((r) => r.json() as Promise<CatalogModel.ViewRecorded>)))
    expect(anonymous.filter((a) => a.counted).length).toBe(1)
    expect(await (await view(product.slug, undefined)).json()).toEqual({ counted: true, viewsCount: 3 })
    // The vendor's own views do not count.
    expect(await (await view(product.slug, owner)).json()).toEqual({ counted: false, viewsCount: 3 })
    await nextDay()
    expect(await (await view(product.slug, buyer, ip)).json()).toEqual({ counted: true, viewsCount: 4 })
    expect((await view('no-such-product', buyer)).status).toBe(404)
  })

  it("keeps a signed-in user's recently viewed, latest first", async () => {
    const viewer = await signUpAndSignIn(t)
    const first = await makeProduct(t, owner, { categoryId })
    const second = await makeProduct(t, owner, { categoryId })
    await view(first.slug, viewer)
    clock.advance(1_000)
    await view(second.slug, viewer)
    clock.advance(1_000)
    await view(first.slug, viewer)
    const { body } = await get<{ items: { id: string }[] }>('/api/v1/me/recently-viewed', viewer)
    expect(body.items.map((p) => p.id)).toEqual([first.id, second.id])
  })
})

describe('sharing policy', () => {
  it('answers the policy matrix with exact codes, and sharesCount is the number of events', async () => {
    const product = await makeProduct(t, owner, { categoryId, title: 'Tamegroute green vase' })
    const viewedBuyer = await signUpAndSignIn(t)
    const otherBuyer = await signUpAndSignIn(t)
    await view(product.slug, viewedBuyer)
    await view(product.slug, otherVendor)
    await view(product.slug, admin)

    expect((await share(product.slug)).status).toBe(401) // anonymous
    expect((await share(product.slug, otherBuyer)).status).toBe(403) // buyer who has not viewed it
    expect((await share(product.slug, otherVendor)).status).toBe(403) // another vendor, even after viewing
    expect((await share(product.slug, admin)).status).toBe(403) // anyone else
    const byBuyer = await share(product.slug, viewedBuyer, 'whatsapp')
    expect(byBuyer.status).toBe(201)
    const event = (await byBuyer.json()) as CatalogModel.Shared
    expect(event).toMatchObject({ productId: product.id, channel: 'whatsapp', sharesCount: 1, url: `${t.ctx.config.publicUrl}/products/${product.slug}` })
    expect(event.id).toMatch(/^shr_/)
    expect(await (await share(product.slug, owner)).json()).toMatchObject({ channel: 'link', sharesCount: 2 })
    expect(await (await share(product.slug, viewedBuyer, 'x')).json()).toMatchObject({ sharesCount: 3 })
    expect((await share(product.slug, viewedBuyer, 'carrier-pigeon')).status).toBe(400)
    expect((await get<CatalogModel.Product>(`/api/v1/products/${product.slug}`)).body.sharesCount).toBe(3)
    expect((await share('no-such-product', viewedBuyer)).status).toBe(404)
  })

  it('lets a vendor share only a published product of their own', async () => {
    const draft = await makeProduct(t, owner, { categoryId, status: 'draft' })
    expect((await share(draft.slug, owner)).status).toBe(409)
    expect((await share(draft.slug, otherVendor)).status).toBe(404)
  })
})

describe('owner statistics', () => {
  it('gives the vendor per-day views, favorites and shares; nobody else', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    await view(product.slug, buyer)
    await postJson(t, `/api/v1/products/${product.slug}/favorite`, {}, buyer.auth)
    await share(product.slug, buyer)
    await nextDay()
    await view(product.slug, buyer)
    const { status, body } = await get<CatalogModel.Stats>(`/api/v1/products/${product.slug}/stats?days=3`, owner)
    expect(status).toBe(200)
    expect(body.totals).toEqual({ views: 2, favorites: 1, shares: 1, chats: 0 })
    expect(body.days.map((d) => [d.views, d.favorites, d.shares])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [1, 0, 0],
    ])
    expect(body.days.at(-1)!.day).toBe(clock.now().toISOString().slice(0, 10))
    expect((await get(`/api/v1/products/${product.slug}/stats`, otherVendor)).status).toBe(403)
    expect((await get(`/api/v1/products/${product.slug}/stats`, buyer)).status).toBe(403)
    expect((await get(`/api/v1/products/${product.slug}/stats`, admin)).status).toBe(200)
    expect((await get(`/api/v1/products/${product.slug}/stats?days=0`, owner)).status).toBe(400)
  })
})

describe('reports and moderation', () => {
  it('queues reports; dismiss closes one; unpublish hides the product for good', async () => {
    const product = await makeProduct(t, owner, { categoryId, title: 'Suspicious vase' })
    const reporter = await signUpAndSignIn(t)
    const filed = await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'counterfeit', details: 'Same photo as another shop' }, reporter.auth)
    expect(filed.status).toBe(201)
    const report = (await filed.json()) as CatalogModel.Report
    expect(report).toMatchObject({ target: 'product', status: 'open', product: { id: product.id }, reason: 'counterfeit' })
    expect(report.id).toMatch(/^rpt_/)
    expect((await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'spam' }, reporter.auth)).status).toBe(409)
    expect((await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'spam' }, owner.auth)).status).toBe(403)
    const second = (await (await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'fraud' }, buyer.auth)).json()) as CatalogModel.Report

    expect((await get('/api/v1/admin/reports', buyer)).status).toBe(403)
    const queue = await get<CatalogModel.ReportPage>('/api/v1/admin/reports', admin)
    expect(queue.body.items.map((r) => r.id)).toEqual([report.id, second.id])

    expect((await postJson(t, `/api/v1/admin/reports/${report.id}/resolve`, { action: 'dismiss' }, admin.auth)).status).toBe(200)
    expect((await postJson(t, `/api/v1/admin/reports/${report.id}/resolve`, { action: 'dismiss' }, admin.auth)).status).toBe(409)
    const unpublished = await postJson(t, `/api/v1/admin/reports/${second.id}/resolve`, { action: 'unpublish', note: 'Confirmed copy' }, admin.auth)
    expect(await unpublished.json()).toMatchObject({ status: 'resolved', resolution: 'unpublish', resolutionNote: 'Confirmed copy' })
    expect((await get(`/api/v1/products/${product.slug}`)).status).toBe(404)
    expect((await get<CatalogModel.Product>(`/api/v1/products/${product.slug}`, owner)).body).toMatchObject({ status: 'archived', unpublished: true })
    expect((await postJson(t, `/api/v1/products/${product.slug}/reactivate`, {}, owner.auth)).status).toBe(403)
    expect((await get<CatalogModel.ReportPage>('/api/v1/admin/reports?status=resolved', admin)).body.items.length).toBe(2)
  })

  it('reports a shop; suspend_vendor suspends it and closes its other open reports', async () => {
    const shop = await makeVendor(t)
    const product = await makeProduct(t, shop.user, { categoryId })
    const shopReport = (await (await postJson(t, `/api/v1/vendors/${shop.vendor.slug}/report`, { reason: 'fraud' }, buyer.auth)).json()) as CatalogModel.Report
    expect(shopReport).toMatchObject({ target: 'vendor', product: null, vendor: { id: shop.vendor.id } })
    const productReport = (await (await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'fraud' }, buyer.auth)).json()) as CatalogModel.Report
    expect((await postJson(t, `/api/v1/admin/reports/${shopReport.id}/resolve`, { action: 'unpublish' }, admin.auth)).status).toBe(400)
    const resolved = await postJson(t, `/api/v1/admin/reports/${shopReport.id}/resolve`, { action: 'suspend_vendor' }, admin.auth)
    expect(resolved.status).toBe(200)
    expect((await get(`/api/v1/vendors/${shop.vendor.slug}`)).status).toBe(404)
    expect((await get(`/api/v1/products/${product.slug}`)).status).toBe(404)
    const open = await get<CatalogModel.ReportPage>('/api/v1/admin/reports', admin)
    expect(open.body.items.map((r) => r.id)).not.toContain(productReport.id)
    expect((await postJson(t, `/api/v1/vendors/${shop.vendor.slug}/report`, { reason: 'spam' }, buyer.auth)).status).toBe(404)
  })
})
