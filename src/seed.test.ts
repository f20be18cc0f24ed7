import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import sharp from 'sharp'
import { validateAttributes } from './modules/catalog/service/categories'
import { products } from './modules/catalog/table'
import { DEMO_ACCOUNTS, seedDemo } from './seed'
import { createTestApp, postJson, type TestApp } from './testing'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

/** Seeded titles naming a colour, and that colour's hue in degrees (HSV). */
const TITLE_HUES: [title: string, hue: number][] = [
  ['Hand-painted cobalt serving plate', 220],
  ['Kilim cushion cover, terracotta', 18],
  ['Green-glazed couscous bowl', 145],
  ['Leather babouche slippers, saffron yellow', 42],
  ['Indigo flat-weave kilim runner', 232],
]

const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b))

/** The hue (degrees) most of an image's coloured pixels share: a 10° histogram of those saturated and bright enough to have one. */
async function dominantHue(file: ArrayBuffer): Promise<number> {
  const { data, info } = await sharp(Buffer.from(file)).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const bins = new Array<number>(36).fill(0)
  for (let i = 0; i < data.length; i += info.channels) {
    const [r, g, b] = [data[i]! / 255, data[i + 1]! / 255, data[i + 2]! / 255]
    const max = Math.max(r, g, b)
    const chroma = max - Math.min(r, g, b)
    if (max < 0.2 || chroma / max < 0.3) continue
    const sector = max === r ? ((g - b) / chroma + 6) % 6 : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4
    bins[Math.floor(sector * 6) % 36]! += 1
  }
  return bins.indexOf(Math.max(...bins)) * 10 + 5
}

describe('seedDemo()', () => {
  it('seeds a living catalog and shop plans once, valid by the catalog rules', async () => {
    const deps = { db: t.ctx.database.db, clock: t.ctx.clock, log: t.ctx.log, bus: t.ctx.bus, publicUrl: t.ctx.config.publicUrl, money: t.ctx.config.money }
    expect(await seedDemo(deps)).toBe(true)
    expect(await seedDemo(deps)).toBe(false)
    const rows = await t.ctx.database.db.select({ categoryId: products.categoryId, attributes: products.attributes }).from(products)
    expect(rows.length).toBeGreaterThanOrEqual(30)
    for (const row of rows) await validateAttributes(t.ctx.database.db, row.categoryId!, row.attributes)

    const page = async (qs: string) => ((await (await t.request(`/api/v1/products${qs}`)).json()) as { items: { title: string; vendor: { slug: string }; image: { url: string; thumbnailUrl: string } | null }[] }).items
    const all = await page('?limit=100')
    expect(all.length).toBe(rows.length)
    // Every product has a photo, stored and served like an uploaded one.
    expect(all.filter((p) => p.image === null)).toEqual([])
    const photo = await t.request(all[0]!.image!.thumbnailUrl)
    expect({ status: photo.status, type: photo.headers.get('content-type') }).toEqual({ status: 200, type: 'image/webp' })
    expect((await sharp(Buffer.from(await photo.arrayBuffer())).metadata()).width).toBe(480)
    // Each photo is drawn in the colour its title names: a cobalt plate is blue, not brown.
    for (const [title, hue] of TITLE_HUES) {
      const product = all.find((p) => p.title === title)!
      const image = await t.request(product.image!.url)
      expect({ title, hue: hueDistance(await dominantHue(await image.arrayBuffer()), hue) <= 20 }).toEqual({ title, hue: true })
    }
    expect((await page('?featured=true')).length).toBeGreaterThanOrEqual(3)
    expect((await page('?boosted=true')).length).toBeGreaterThanOrEqual(3)
    expect((await page('?q=lantern')).length).toBeGreaterThanOrEqual(2)
    expect((await page('?category=home&limit=100')).length).toBeGreaterThan(15)
    const shops = (await (await t.request('/api/v1/vendors')).json()) as { items: unknown[] }
    expect(shops.items.length).toBe(4)

    const vendor = DEMO_ACCOUNTS.find((a) => a.role === 'vendor')!
    const signedIn = await postJson(t, '/api/v1/auth/login', { email: vendor.email, password: vendor.password })
    const token = ((await signedIn.json()) as { accessToken: string }).accessToken
    const mine = await (await t.request('/api/v1/me/products?limit=100', { headers: { authorization: `Bearer ${token}` } })).json()
    expect(mine.items.length).toBeGreaterThan(5)

    // Shop plans: Free (the migration's) and two paid plans, made by the demo admin.
    const as = (bearer: string | null) => async (path: string) => {
      const res = await t.request(path, bearer === null ? {} : { headers: { authorization: `Bearer ${bearer}` } })
      expect({ path, status: res.status }).toEqual({ path, status: 200 })
      return res
    }
    const vendorGet = async (path: string) => (await as(token)(path)).json()
    const plans = (await (await as(null)('/api/v1/plans')).json()).items as { id: string; name: string; monthlyPriceMinor: number; yearlyPriceMinor: number; yearlySavingPercent: number; maxActiveListings: number | null; boostCreditsPerMonth: number; featuredSlots: number; effectiveCommissionBp: number; prioritySupport: boolean; badge: string | null }[]
    expect(plans.map((p) => p.name)).toEqual(['Free', 'Pro', 'Studio'])
    const [free, pro, studio] = plans as [(typeof plans)[0], (typeof plans)[0], (typeof plans)[0]]
    // Free has a listing limit every demo shop fits in.
    expect(free.maxActiveListings).toBe(20)
    for (const paid of [pro, studio]) {
      expect(paid.monthlyPriceMinor).toBeGreaterThan(0)
      expect(paid.yearlyPriceMinor).toBeLessThan(12 * paid.monthlyPriceMinor)
      expect(paid.yearlySavingPercent).toBeGreaterThan(0)
      expect(paid.boostCreditsPerMonth).toBeGreaterThan(0)
      expect(paid.featuredSlots).toBeGreaterThan(0)
      expect(paid.effectiveCommissionBp).toBeLessThan(free.effectiveCommissionBp)
      expect(paid.maxActiveListings === null || paid.maxActiveListings > free.maxActiveListings!).toBe(true)
      expect(paid.badge).toBe(paid.name)
    }
    expect(studio.monthlyPriceMinor).toBeGreaterThan(pro.monthlyPriceMinor)
    expect(pro.maxActiveListings).toBeGreaterThan(mine.items.length)
    expect({ pro: pro.prioritySupport, studio: studio.prioritySupport }).toEqual({ pro: false, studio: true })

    // The printed vendor's shop is on Pro, paid monthly from its topped-up wallet.
    const state = await vendorGet('/api/v1/me/shop/subscription')
    expect({ planId: state.planId, interval: state.subscription?.interval, status: state.subscription?.status, badge: state.terms.badge }).toEqual({ planId: pro.id, interval: 'month', status: 'active', badge: 'Pro' })
    const invoices = (await vendorGet('/api/v1/me/shop/subscription/invoices')).items as { id: string; kind: string; planName: string; amountMinor: number }[]
    expect(invoices.map((i) => ({ kind: i.kind, planName: i.planName, amountMinor: i.amountMinor }))).toEqual([{ kind: 'subscribe', planName: 'Pro', amountMinor: pro.monthlyPriceMinor }])
    const pdf = await as(token)(`/api/v1/me/shop/subscription/invoices/${invoices[0]!.id}/pdf`)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    const entries = ((await vendorGet('/api/v1/wallet/transactions?limit=100')).items as { kind: string; signedMinor: number; accountKind: string }[])
      .map((e) => ({ kind: e.kind, signedMinor: e.signedMinor, accountKind: e.accountKind }))
      .sort((a, b) => b.signedMinor - a.signedMinor)
    expect(entries).toEqual([
      { kind: 'deposit', signedMinor: 100_000, accountKind: 'available' },
      { kind: 'subscription', signedMinor: -pro.monthlyPriceMinor, accountKind: 'available' },
    ])
    expect(state.wallet.availableMinor).toBe(100_000 - pro.monthlyPriceMinor)

    // One of its listings boosted with its credits, another waiting for a featured slot.
    expect(state.usage.boostCredits).toBe(pro.boostCreditsPerMonth - 5)
    const boosted = await page('?boosted=true&limit=100')
    expect(boosted.filter((p) => p.vendor.slug === 'atlas-loom').map((p) => p.title)).toEqual(['Azilal rug in saffron and rose'])
    const placements = await vendorGet('/api/v1/me/shop/placements')
    expect({ slots: placements.featuredSlots, now: placements.featuredNow, credits: placements.boostCredits }).toEqual({ slots: pro.featuredSlots, now: 1, credits: pro.boostCreditsPerMonth - 5 })
    const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!
    const adminToken = ((await (await postJson(t, '/api/v1/auth/login', { email: admin.email, password: admin.password })).json()) as { accessToken: string }).accessToken
    const queue = await (await as(adminToken)('/api/v1/admin/placements')).json()
    expect(queue.applications.map((a: { product: { title: string }; status: string }) => ({ title: a.product.title, status: a.status }))).toEqual([{ title: 'Indigo flat-weave kilim runner', status: 'pending' }])
    const adminPlans = (await (await as(adminToken)('/api/v1/admin/plans')).json()).items as { name: string; subscribers: number }[]
    expect(adminPlans.map((p) => [p.name, p.subscribers])).toEqual([['Free', 0], ['Pro', 1], ['Studio', 0]])
  }, 60_000)
})
