import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { createTestApp, makeProduct, makeVendor, postJson, sendJson, type TestApp, type TestUser, signUpAndSignIn, waitFor } from '../../testing'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import type { CatalogModel } from './model'
import { ProductListCache } from './service/search'

type Page = CatalogModel.SearchPage

let t: TestApp
let admin: TestUser
let categoryId: string

/** Counts the catalog searches (selects from products) the app's database runs while `run` runs. */
async function searchesDuring<T>(app: TestApp, run: () => Promise<T>): Promise<{ result: T; searches: number }> {
  let searches = 0
  const stop = app.ctx.database.queries.listen((text) => {
    if (/^select .* from "products"/s.test(text)) searches += 1
  })
  try {
    return { result: await run(), searches }
  } finally {
    stop()
  }
}

const list = async (app: TestApp, qs: string) => {
  const response = await app.request(`/api/v1/products${qs}`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toStartWith('application/json')
  return (await response.json()) as Page
}

/** A shop of its own with one product in it (each test its own data). */
async function shopWithProduct(app: TestApp, fields: Record<string, unknown> = {}) {
  const shop = await makeVendor(app)
  const product = await makeProduct(app, shop.user, { categoryId, priceMinor: 12_000, stock: 4, ...fields })
  return { ...shop, product }
}

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  const created = await postJson(t, '/api/v1/admin/categories', { name: 'Pottery', slug: 'pottery', attributes: [{ key: 'glaze', label: 'Glaze', type: 'text' }, { key: 'size', label: 'Size', type: 'text' }] }, admin.auth)
  categoryId = ((await created.json()) as { id: string }).id
}, 60_000)
afterAll(() => t.close())

describe('GET /products list cache', () => {
  it('answers a repeated search from the cache, and a changed price, stock or status on the very next read', async () => {
    const { user, vendor, product } = await shopWithProduct(t)
    const qs = `?vendor=${vendor.slug}`
    expect((await list(t, qs)).items.map((p) => [p.priceMinor, p.stock])).toEqual([[12_000, 4]])
    const again = await searchesDuring(t, () => list(t, qs))
    expect(again.searches).toBe(0)
    expect(again.result.items.map((p) => p.id)).toEqual([product.id])

    expect((await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { priceMinor: 9_500, stock: 1 }, user.auth)).status).toBe(200)
    expect((await list(t, qs)).items.map((p) => [p.priceMinor, p.stock])).toEqual([[9_500, 1]])

    expect((await postJson(t, `/api/v1/products/${product.slug}/mark-sold`, {}, user.auth)).status).toBe(200)
    expect((await list(t, qs)).items).toEqual([])
  })

  it('runs one search for concurrent identical misses, and one per distinct search', async () => {
    const { vendor, product } = await shopWithProduct(t)
    const same = await searchesDuring(t, () => Promise.all(Array.from({ length: 8 }, () => list(t, `?vendor=${vendor.slug}&limit=5`))))
    expect(same.searches).toBe(1)
    for (const page of same.result) expect(page.items.map((p) => p.id)).toEqual([product.id])

    const distinct = await searchesDuring(t, () => Promise.all([1, 2, 3, 4].map((limit) => list(t, `?vendor=${vendor.slug}&limit=${limit}&sort=price_asc`))))
    expect(distinct.searches).toBe(4)
  })

  it('keys on every parameter: other filters get their own answers, parameter order does not matter', async () => {
    const glazed = await shopWithProduct(t, { attributes: { glaze: 'blue', size: 'large' } })
    const plain = await shopWithProduct(t, { attributes: { glaze: 'none', size: 'large' } })
    expect((await list(t, `?vendor=${glazed.vendor.slug}`)).items.map((p) => p.id)).toEqual([glazed.product.id])
    expect((await list(t, `?vendor=${plain.vendor.slug}`)).items.map((p) => p.id)).toEqual([plain.product.id])
    expect((await list(t, `?vendor=${glazed.vendor.slug}&inStock=false`)).items).toEqual([])

    const first = await list(t, `?attr.glaze=blue&attr.size=large&category=pottery`)
    expect(first.items.map((p) => p.id)).toEqual([glazed.product.id])
    const reordered = await searchesDuring(t, () => list(t, `?category=pottery&attr.size=large&attr.glaze=blue`))
    expect(reordered.searches).toBe(0)
    expect(reordered.result).toEqual(first)
    expect((await list(t, `?attr.glaze=none&attr.size=large&category=pottery`)).items.map((p) => p.id)).toEqual([plain.product.id])
  })

  it('pages through the cache with cursors like without it', async () => {
    const { user, vendor } = await shopWithProduct(t)
    await makeProduct(t, user, { categoryId })
    await makeProduct(t, user, { categoryId })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Page = await list(t, `?vendor=${vendor.slug}&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`)
      seen.push(...page.items.map((p) => p.id))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual((await list(t, `?vendor=${vendor.slug}`)).items.map((p) => p.id))
    expect(seen).toHaveLength(3)
  })

  it('never keeps a refusal: a bad search is a 400 each time, and answers once it becomes valid', async () => {
    const slug = `later-${randomBytes(3).toString('hex')}`
    const bad = await Promise.all([1, 2].map(() => t.request(`/api/v1/products?vendor=${slug}`)))
    for (const response of bad) {
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: { type: string; details: { field: string }[] } }).error).toMatchObject({ type: 'invalid_data', details: [{ field: 'query.vendor' }] })
    }
    expect((await t.request('/api/v1/products?sort=relevance')).status).toBe(400)
    expect((await t.request('/api/v1/products?sort=relevance')).status).toBe(400)

    const shop = await makeVendor(t, { slug })
    const product = await makeProduct(t, shop.user, { categoryId })
    expect((await list(t, `?vendor=${slug}`)).items.map((p) => p.id)).toEqual([product.id])
  })
})

// Instances hear of changes only through Redis pub/sub; without REDIS_URL there is one instance.
describe.skipIf(process.env.REDIS_URL === undefined)('list cache across two instances on one database and Redis', () => {
  let b: TestApp

  beforeAll(async () => {
    b = await createTestApp({ database: t.ctx.database })
    // Resolves once this topic's Redis subscription on B (the caches' own) is acknowledged.
    await b.ctx.bus.subscribe(PAGE_INVALIDATION_TOPIC, () => {}).ready
  }, 60_000)
  afterAll(() => b?.close())

  it('shows a change made on one instance on the other within a second', async () => {
    const { user, vendor, product } = await shopWithProduct(t)
    const qs = `?vendor=${vendor.slug}`
    expect((await list(b, qs)).items.map((p) => p.stock)).toEqual([4])
    expect((await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { stock: 0 }, user.auth)).status).toBe(200)
    await waitFor(async () => (await list(b, qs)).items[0]?.stock === 0, 1_000, 'the new stock on B')
  })

  it('drops lists on every instance when any product changes, well before they expire', async () => {
    const { user, vendor, product } = await shopWithProduct(t)
    // A cache on B that would keep its answers for a minute if nothing dropped them.
    const lasting = new ProductListCache(b.ctx.bus, 60_000)
    const deps = { db: b.ctx.database.db, clock: b.ctx.clock, bus: b.ctx.bus, publicUrl: b.ctx.config.publicUrl }
    const priceOnB = async () => ((JSON.parse((await lasting.searchJson(deps, { vendor: vendor.slug }, {})).text) as Page).items[0]!.priceMinor)
    expect(await priceOnB()).toBe(12_000)
    expect((await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { priceMinor: 15_000 }, user.auth)).status).toBe(200)
    await waitFor(async () => (await priceOnB()) === 15_000, 5_000, 'the new price in the cache on B')
  })
})
