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

describe('seedDemo()', () => {
  it('seeds a living catalog once, valid by the catalog rules', async () => {
    const deps = { db: t.ctx.database.db, clock: t.ctx.clock, log: t.ctx.log, bus: t.ctx.bus, publicUrl: t.ctx.config.publicUrl }
    expect(await seedDemo(deps)).toBe(true)
    expect(await seedDemo(deps)).toBe(false)
    const rows = await t.ctx.database.db.select({ categoryId: products.categoryId, attributes: products.attributes }).from(products)
    expect(rows.length).toBeGreaterThanOrEqual(30)
    for (const row of rows) await validateAttributes(t.ctx.database.db, row.categoryId!, row.attributes)

    const page = async (qs: string) => ((await (await t.request(`/api/v1/products${qs}`)).json()) as { items: { vendor: { slug: string }; image: { url: string; thumbnailUrl: string } | null }[] }).items
    const all = await page('?limit=100')
    expect(all.length).toBe(rows.length)
    // Every product has a photo, stored and served like an uploaded one.
    expect(all.filter((p) => p.image === null)).toEqual([])
    const photo = await t.request(all[0]!.image!.thumbnailUrl)
    expect({ status: photo.status, type: photo.headers.get('content-type') }).toEqual({ status: 200, type: 'image/webp' })
    expect((await sharp(Buffer.from(await photo.arrayBuffer())).metadata()).width).toBe(480)
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
  }, 60_000)
})
