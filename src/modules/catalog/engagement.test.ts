import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, makeProduct, makeVendor, type TestApp, type TestUser, signUpAndSignIn, testIp } from '../../testing'
import type { CatalogModel } from './model'

const clock = new ManualClock(new Date('2025-05-10T09:00:00Z'))
let t: TestApp
let admin: TestUser
let buyer: TestUser
let owner: TestUser
let otherVendor: TestUser
let categoryId: string

/** A product by slug, as `user` (anonymous without one). */
const productAs = (slug: string, user?: TestUser) => client(t, user).api.v1.products({ slug })
const view = (slug: string, user?: TestUser, ip = testIp()) => client(t, { auth: user?.auth, ip }).api.v1.products({ slug }).view.post()
const reportsAs = (user: TestUser) => client(t, user).api.v1.admin.reports
const DAY = 24 * 3_600_000

/** Moves to the next day; access tokens live 15 minutes, so everyone signs in again. */
async function nextDay() {
  clock.advance(DAY)
  for (const user of [admin, buyer, owner, otherVendor]) {
    const signedIn = await client(t, { ip: user.ip }).api.v1.auth.login.post({ email: user.email, password: user.password })
    user.auth = { authorization: `Bearer ${signedIn.data!.accessToken}` }
  }
}
const share = (slug: string, user?: TestUser, channel?: CatalogModel.Shared['channel']) => productAs(slug, user).share.post(channel === undefined ? {} : { channel })

beforeAll(async () => {
  t = await createTestApp({ clock })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  buyer = await signUpAndSignIn(t)
  ;({ user: owner } = await makeVendor(t))
  ;({ user: otherVendor } = await makeVendor(t))
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Ceramics', slug: 'ceramics' })).data!.id
}, 60_000)
afterAll(() => t.close())

describe('favorites', () => {
  it('toggles, counts and lists; hidden products leave the list', async () => {
    const a = await makeProduct(t, owner, { categoryId, title: 'Safi tagine' })
    const b = await makeProduct(t, owner, { categoryId, title: 'Fez bowl' })
    const favorites = async () => (await client(t, buyer).api.v1.me.favorites.get()).data!.items
    expect((await productAs(a.slug, buyer).favorite.post()).data).toEqual({ favorited: true, favoritesCount: 1 })
    clock.advance(1_000)
    await productAs(b.slug, buyer).favorite.post()
    expect((await favorites()).map((p) => p.id)).toEqual([b.id, a.id])
    expect((await productAs(a.slug, buyer).get()).data).toMatchObject({ favorited: true, favoritesCount: 1 })
    expect((await productAs(a.slug).get()).data).toMatchObject({ favorited: false })
    expect((await productAs(a.slug, buyer).favorite.post()).data).toEqual({ favorited: false, favoritesCount: 0 })
    await productAs(b.slug, owner)['mark-sold'].post()
    await productAs(b.slug, owner).delete()
    expect(await favorites()).toEqual([])
    expect((await productAs(a.slug).favorite.post()).status).toBe(401)
  })

  it('keeps the count exact under concurrent toggles by many users', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const fans = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    await Promise.all(fans.map((fan) => productAs(product.slug, fan).favorite.post()))
    expect((await productAs(product.slug).get()).data!.favoritesCount).toBe(6)
  })
})

describe('views', () => {
  it('counts a viewer once per day, also under concurrent requests', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const ip = testIp()
    const answers = await Promise.all(Array.from({ length: 12 }, () => view(product.slug, buyer, ip).then((r) => r.data!)))
    expect(answers.filter((a) => a.counted).length).toBe(1)
    const anonymous = await Promise.all(Array.from({ length: 8 }, () => view(product.slug, undefined, ip).then((r) => r.data!)))
    expect(anonymous.filter((a) => a.counted).length).toBe(1)
    expect((await view(product.slug, undefined)).data).toEqual({ counted: true, viewsCount: 3 })
    // The vendor's own views do not count.
    expect((await view(product.slug, owner)).data).toEqual({ counted: false, viewsCount: 3 })
    await nextDay()
    expect((await view(product.slug, buyer, ip)).data).toEqual({ counted: true, viewsCount: 4 })
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
    const recent = (await client(t, viewer).api.v1.me['recently-viewed'].get()).data!
    expect(recent.items.map((p) => p.id)).toEqual([first.id, second.id])
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
    const event = byBuyer.data!
    expect(event).toMatchObject({ productId: product.id, channel: 'whatsapp', sharesCount: 1, url: `${t.ctx.config.publicUrl}/products/${product.slug}` })
    expect(event.id).toMatch(/^shr_/)
    expect((await share(product.slug, owner)).data).toMatchObject({ channel: 'link', sharesCount: 2 })
    expect((await share(product.slug, viewedBuyer, 'x')).data).toMatchObject({ sharesCount: 3 })
    // Not a channel: the typed client would not send it, the server must refuse it.
    expect((await share(product.slug, viewedBuyer, 'carrier-pigeon' as never)).status).toBe(400)
    expect((await productAs(product.slug).get()).data!.sharesCount).toBe(3)
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
    await productAs(product.slug, buyer).favorite.post()
    await share(product.slug, buyer)
    await nextDay()
    await view(product.slug, buyer)
    const stats = (user: TestUser, days?: number) => productAs(product.slug, user).stats.get({ query: days === undefined ? {} : { days } })
    const { status, data: body } = await stats(owner, 3)
    expect(status).toBe(200)
    expect(body!.totals).toEqual({ views: 2, favorites: 1, shares: 1, chats: 0 })
    expect(body!.days.map((d) => [d.views, d.favorites, d.shares])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [1, 0, 0],
    ])
    // Eden reads a date-only string as a Date (as the dashboard does, it is read either way).
    expect(new Date(body!.days.at(-1)!.day).toISOString().slice(0, 10)).toBe(clock.now().toISOString().slice(0, 10))
    expect((await stats(otherVendor)).status).toBe(403)
    expect((await stats(buyer)).status).toBe(403)
    expect((await stats(admin)).status).toBe(200)
    expect((await stats(owner, 0)).status).toBe(400)
  })
})

describe('reports and moderation', () => {
  it('queues reports; dismiss closes one; unpublish hides the product for good', async () => {
    const product = await makeProduct(t, owner, { categoryId, title: 'Suspicious vase' })
    const reporter = await signUpAndSignIn(t)
    const filed = await productAs(product.slug, reporter).report.post({ reason: 'counterfeit', details: 'Same photo as another shop' })
    expect(filed.status).toBe(201)
    const report = filed.data!
    expect(report).toMatchObject({ target: 'product', status: 'open', product: { id: product.id }, reason: 'counterfeit' })
    expect(report.id).toMatch(/^rpt_/)
    expect((await productAs(product.slug, reporter).report.post({ reason: 'spam' })).status).toBe(409)
    expect((await productAs(product.slug, owner).report.post({ reason: 'spam' })).status).toBe(403)
    const second = (await productAs(product.slug, buyer).report.post({ reason: 'fraud' })).data!

    expect((await reportsAs(buyer).get()).status).toBe(403)
    const queue = (await reportsAs(admin).get()).data!
    expect(queue.items.map((r) => r.id)).toEqual([report.id, second.id])

    const resolve = (id: string, body: CatalogModel.ResolveBody) => reportsAs(admin)({ id }).resolve.post(body)
    expect((await resolve(report.id, { action: 'dismiss' })).status).toBe(200)
    expect((await resolve(report.id, { action: 'dismiss' })).status).toBe(409)
    const unpublished = await resolve(second.id, { action: 'unpublish', note: 'Confirmed copy' })
    expect(unpublished.data).toMatchObject({ status: 'resolved', resolution: 'unpublish', resolutionNote: 'Confirmed copy' })
    expect((await productAs(product.slug).get()).status).toBe(404)
    expect((await productAs(product.slug, owner).get()).data).toMatchObject({ status: 'archived', unpublished: true })
    expect((await productAs(product.slug, owner).reactivate.post()).status).toBe(403)
    expect((await reportsAs(admin).get({ query: { status: 'resolved' } })).data!.items.length).toBe(2)
  })

  it('reports a shop; suspend_vendor suspends it and closes its other open reports', async () => {
    const shop = await makeVendor(t)
    const product = await makeProduct(t, shop.user, { categoryId })
    const shopAs = (user?: TestUser) => client(t, user).api.v1.vendors({ slug: shop.vendor.slug })
    const shopReport = (await shopAs(buyer).report.post({ reason: 'fraud' })).data!
    expect(shopReport).toMatchObject({ target: 'vendor', product: null, vendor: { id: shop.vendor.id } })
    const productReport = (await productAs(product.slug, buyer).report.post({ reason: 'fraud' })).data!
    const resolve = (body: CatalogModel.ResolveBody) => reportsAs(admin)({ id: shopReport.id }).resolve.post(body)
    expect((await resolve({ action: 'unpublish' })).status).toBe(400)
    const resolved = await resolve({ action: 'suspend_vendor' })
    expect(resolved.status).toBe(200)
    expect((await shopAs().get()).status).toBe(404)
    expect((await productAs(product.slug).get()).status).toBe(404)
    // The owner is told, with the report's reason.
    const notices = (await client(t, shop.user).api.v1.notifications.get({ query: {} })).data!.items
    expect(notices.map((n) => [n.subject, n.link, n.text])).toEqual([[`shop:${shop.vendor.id}`, '/sell', expect.stringMatching(/ is suspended: After a report: fraud$/)]])
    const open = (await reportsAs(admin).get()).data!
    expect(open.items.map((r) => r.id)).not.toContain(productReport.id)
    expect((await shopAs(buyer).report.post({ reason: 'spam' })).status).toBe(404)
  })
})
