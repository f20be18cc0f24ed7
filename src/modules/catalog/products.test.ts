import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestApp, makeProduct, makeVendor, postJson, sendJson, type TestApp, type TestUser, signUpAndSignIn } from '../../testing'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import { type CatalogModel, productTopic } from './model'

let t: TestApp
let admin: TestUser
let buyer: TestUser
let owner: TestUser
let other: TestUser
let rugs: CatalogModel.Category
let home: CatalogModel.Category

const fieldsOf = async (response: Response) => ((await response.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)
const get = (path: string, user?: TestUser) => t.request(path, { headers: user?.auth ?? {} })
async function category(body: Record<string, unknown>): Promise<CatalogModel.Category> {
  const response = await postJson(t, '/api/v1/admin/categories', body, admin.auth)
  expect(response.status).toBe(201)
  return (await response.json()) as CatalogModel.Category
}

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  buyer = await signUpAndSignIn(t)
  ;({ user: owner } = await makeVendor(t))
  ;({ user: other } = await makeVendor(t))
  home = await category({ name: 'Home', slug: 'home', attributes: [{ key: 'material', label: 'Material', type: 'select', options: ['wool', 'cotton', 'silk'] }] })
  rugs = await category({
    name: 'Rugs',
    slug: 'rugs',
    parentId: home.id,
    attributes: [
      { key: 'width_cm', label: 'Width (cm)', type: 'number', required: true },
      { key: 'hand_knotted', label: 'Hand-knotted', type: 'boolean' },
    ],
  })
}, 60_000)
afterAll(() => t.close())

describe('creating products', () => {
  it('lets an approved vendor list a product with a stable slug and validated attributes', async () => {
    const product = await makeProduct(t, owner, { title: 'Béni Ouarain rug, 2×3 m', categoryId: rugs.id, attributes: { width_cm: 200, material: 'wool' } })
    expect(product).toMatchObject({ slug: 'beni-ouarain-rug-2-3-m', status: 'active', priceMinor: 10_000, currency: 'MAD', canEdit: true, sharesCount: 0 })
    expect(product.id).toMatch(/^prd_/)
    const again = await makeProduct(t, owner, { title: 'Béni Ouarain rug, 2×3 m', categoryId: rugs.id, attributes: { width_cm: 200 } })
    expect(again.slug).toMatch(/^beni-ouarain-rug-2-3-m-[0-9a-f]{6}$/)
    const renamed = await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { title: 'A new title' }, owner.auth)
    expect(await renamed.json()).toMatchObject({ title: 'A new title', slug: 'beni-ouarain-rug-2-3-m' })
  })

  it('checks attributes against the category and its ancestors, naming each field', async () => {
    const response = await postJson(
      t,
      '/api/v1/products',
      { title: 'Rug', description: 'x', priceMinor: 1, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', categoryId: rugs.id, attributes: { material: 'plastic', colour: 'red', hand_knotted: 'yes' } },
      owner.auth,
    )
    expect(response.status).toBe(400)
    expect((await fieldsOf(response)).sort()).toEqual(['body.attributes.colour', 'body.attributes.hand_knotted', 'body.attributes.material', 'body.attributes.width_cm'])
  })

  it('refuses buyers, bad money and a duplicate SKU', async () => {
    const body = { title: 'Lamp', description: 'x', priceMinor: 100, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', categoryId: home.id, sku: 'LAMP-1' }
    expect((await postJson(t, '/api/v1/products', body, buyer.auth)).status).toBe(403)
    expect((await postJson(t, '/api/v1/products', body)).status).toBe(401)
    const bad = await postJson(t, '/api/v1/products', { ...body, priceMinor: 10.5, currency: 'dirham', stock: -1 }, owner.auth)
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toEqual(expect.arrayContaining(['body.priceMinor', 'body.currency', 'body.stock']))
    expect((await postJson(t, '/api/v1/products', body, owner.auth)).status).toBe(201)
    const duplicate = await postJson(t, '/api/v1/products', body, owner.auth)
    expect(duplicate.status).toBe(409)
    expect(await fieldsOf(duplicate)).toEqual(['body.sku'])
    // Another shop may use the same SKU.
    expect((await postJson(t, '/api/v1/products', body, other.auth)).status).toBe(201)
  })

  it('refuses a vendor whose shop is not approved', async () => {
    const { user } = await makeVendor(t, { status: 'suspended' })
    const body = { title: 'Lamp', description: 'x', priceMinor: 100, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', categoryId: home.id }
    expect((await postJson(t, '/api/v1/products', body, user.auth)).status).toBe(403)
  })
})

describe('changing products (authorization)', () => {
  it('lets only the owning vendor or an admin change, sell, reactivate or delete a product', async () => {
    const product = await makeProduct(t, owner, { categoryId: home.id })
    const path = `/api/v1/products/${product.slug}`
    // IDOR: another vendor, a buyer, anonymous.
    expect((await sendJson(t, 'PATCH', path, { priceMinor: 1 }, other.auth)).status).toBe(403)
    expect((await sendJson(t, 'PATCH', path, { priceMinor: 1 }, buyer.auth)).status).toBe(403)
    expect((await sendJson(t, 'PATCH', path, { priceMinor: 1 })).status).toBe(401)
    expect((await postJson(t, `${path}/mark-sold`, {}, other.auth)).status).toBe(403)
    expect((await sendJson(t, 'DELETE', path, {}, other.auth)).status).toBe(403)
    expect(await (await get(path)).json()).toMatchObject({ priceMinor: 10_000, status: 'active', canEdit: false })
    expect(await (await get(path, other)).json()).toMatchObject({ canEdit: false })

    expect(await (await sendJson(t, 'PATCH', path, { priceMinor: 9_000 }, admin.auth)).json()).toMatchObject({ priceMinor: 9_000, canEdit: true })
    expect(await (await postJson(t, `${path}/mark-sold`, {}, owner.auth)).json()).toMatchObject({ status: 'sold' })
    expect((await postJson(t, `${path}/mark-sold`, {}, owner.auth)).status).toBe(409)
    expect(await (await postJson(t, `${path}/reactivate`, {}, owner.auth)).json()).toMatchObject({ status: 'active' })
    expect((await sendJson(t, 'DELETE', path, {}, owner.auth)).status).toBe(204)
    expect((await get(path, owner)).status).toBe(404)
  })

  it('ignores fields a vendor may not set (placement, counters, shop)', async () => {
    const product = await makeProduct(t, owner, { categoryId: home.id })
    const response = await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { featuredUntil: '2999-01-01T00:00:00Z', viewsCount: 1000, vendorId: 'ven_x', stock: 7 }, owner.auth)
    expect(await response.json()).toMatchObject({ featured: false, featuredUntil: null, viewsCount: 0, stock: 7 })
    expect((await sendJson(t, 'PATCH', `/api/v1/admin/products/${product.slug}`, { featuredUntil: '2999-01-01T00:00:00Z' }, owner.auth)).status).toBe(403)
    const featured = await sendJson(t, 'PATCH', `/api/v1/admin/products/${product.slug}`, { featuredUntil: '2999-01-01T00:00:00Z' }, admin.auth)
    expect(await featured.json()).toMatchObject({ featured: true })
  })

  it('shows drafts only to their vendor and admins', async () => {
    const draft = await makeProduct(t, owner, { categoryId: home.id, status: 'draft' })
    expect((await get(`/api/v1/products/${draft.slug}`)).status).toBe(404)
    expect((await get(`/api/v1/products/${draft.slug}`, other)).status).toBe(404)
    expect((await get(`/api/v1/products/${draft.slug}`, owner)).status).toBe(200)
    expect((await get(`/api/v1/products/${draft.slug}`, admin)).status).toBe(200)
    const mine = await (await get('/api/v1/me/products?status=draft', owner)).json()
    expect(mine.items.map((p: { id: string }) => p.id)).toContain(draft.id)
    const theirs = await (await get('/api/v1/me/products?status=draft', other)).json()
    expect(theirs.items.map((p: { id: string }) => p.id)).not.toContain(draft.id)
  })

  it("hides a suspended vendor's products and stops the vendor editing them", async () => {
    const { user, vendor } = await makeVendor(t)
    const product = await makeProduct(t, user, { categoryId: home.id, title: 'Zellige tile set' })
    expect((await get(`/api/v1/products/${product.slug}`)).status).toBe(200)
    expect((await postJson(t, `/api/v1/admin/vendors/${vendor.id}/suspend`, { reason: 'Fraud reports' }, admin.auth)).status).toBe(200)
    expect((await get(`/api/v1/products/${product.slug}`)).status).toBe(404)
    expect((await get(`/api/v1/products/${product.slug}`, buyer)).status).toBe(404)
    const search = await (await get(`/api/v1/products?vendor=${vendor.slug}`)).json()
    expect(search.items).toEqual([])
    expect((await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { stock: 1 }, user.auth)).status).toBe(403)
    await postJson(t, `/api/v1/admin/vendors/${vendor.id}/reinstate`, {}, admin.auth)
    expect((await get(`/api/v1/products/${product.slug}`)).status).toBe(200)
  })
})

describe('live updates', () => {
  it('publishes stock, price and status changes on product:<id> after commit and drops cached pages', async () => {
    const product = await makeProduct(t, owner, { categoryId: home.id })
    const events: CatalogModel.ProductUpdated[] = []
    const pages: unknown[] = []
    const stop = t.ctx.bus.subscribe(productTopic(product.id), (m) => {
      const frame = m as { type: string; topic: string; id: null; kind: string; data: CatalogModel.ProductUpdated }
      expect(frame).toMatchObject({ type: 'event', topic: productTopic(product.id), id: null, kind: 'product.updated' })
      events.push(frame.data)
    })
    const stopPages = t.ctx.bus.subscribe(PAGE_INVALIDATION_TOPIC, (m) => pages.push(m))
    await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { priceMinor: 12_500, stock: 2, description: 'Now with a longer description' }, owner.auth)
    await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { description: 'Only the text changes' }, owner.auth)
    await postJson(t, `/api/v1/products/${product.slug}/mark-sold`, {}, owner.auth)
    stop()
    stopPages()
    expect(events.map((e) => e.changes)).toEqual([{ priceMinor: 12_500, stock: 2 }, { status: 'sold' }])
    expect(events.every((e) => e.productId === product.id)).toBe(true)
    expect(events[1]!.version).toBeGreaterThan(events[0]!.version)
    expect(pages.length).toBe(3)
  })
})

describe('categories', () => {
  it('serves the tree in display order with depth, and reflects admin edits at once', async () => {
    const tree = await get('/api/v1/categories')
    expect(tree.headers.get('cache-control')).toBe('public, max-age=60')
    const { items } = (await tree.json()) as CatalogModel.CategoryTree
    const homeAt = items.findIndex((c) => c.id === home.id)
    expect(items[homeAt + 1]).toMatchObject({ id: rugs.id, depth: 1, parentId: home.id })
    await sendJson(t, 'PATCH', `/api/v1/admin/categories/${rugs.id}`, { name: 'Rugs & carpets' }, admin.auth)
    const after = (await (await get('/api/v1/categories')).json()) as CatalogModel.CategoryTree
    expect(after.items.find((c) => c.id === rugs.id)?.name).toBe('Rugs & carpets')
  })

  it('refuses a move under itself or a descendant (a cycle)', async () => {
    const a = await category({ name: 'A', slug: 'cycle-a' })
    const b = await category({ name: 'B', slug: 'cycle-b', parentId: a.id })
    const c = await category({ name: 'C', slug: 'cycle-c', parentId: b.id })
    for (const parentId of [a.id, c.id]) {
      const response = await sendJson(t, 'PATCH', `/api/v1/admin/categories/${a.id}`, { parentId }, admin.auth)
      expect(response.status).toBe(400)
      expect(await fieldsOf(response)).toEqual(['body.parentId'])
    }
    // Moving c to the top and a under it is fine.
    expect((await sendJson(t, 'PATCH', `/api/v1/admin/categories/${c.id}`, { parentId: null }, admin.auth)).status).toBe(200)
    expect(await (await sendJson(t, 'PATCH', `/api/v1/admin/categories/${a.id}`, { parentId: c.id }, admin.auth)).json()).toMatchObject({ parentId: c.id })
  })

  it('refuses to delete a category with products or subcategories, and deletes an empty one', async () => {
    const parent = await category({ name: 'Lamps', slug: 'lamps' })
    const child = await category({ name: 'Brass lamps', slug: 'brass-lamps', parentId: parent.id })
    const product = await makeProduct(t, owner, { categoryId: child.id })
    expect((await sendJson(t, 'DELETE', `/api/v1/admin/categories/${parent.id}`, {}, admin.auth)).status).toBe(409)
    expect((await sendJson(t, 'DELETE', `/api/v1/admin/categories/${child.id}`, {}, admin.auth)).status).toBe(409)
    // A deleted product does not hold its category.
    await sendJson(t, 'DELETE', `/api/v1/products/${product.slug}`, {}, owner.auth)
    expect((await sendJson(t, 'DELETE', `/api/v1/admin/categories/${child.id}`, {}, admin.auth)).status).toBe(204)
    expect((await sendJson(t, 'DELETE', `/api/v1/admin/categories/${parent.id}`, {}, admin.auth)).status).toBe(204)
    expect((await get('/api/v1/categories')).status).toBe(200)
  })

  it('refuses duplicate slugs, bad definitions and non-admins', async () => {
    const dup = await postJson(t, '/api/v1/admin/categories', { name: 'Rugs again', slug: 'rugs' }, admin.auth)
    expect(dup.status).toBe(409)
    expect(await fieldsOf(dup)).toEqual(['body.slug'])
    const bad = await postJson(t, '/api/v1/admin/categories', { name: 'X', slug: 'x-cat', attributes: [{ key: 'size', label: 'Size', type: 'select' }] }, admin.auth)
    expect(bad.status).toBe(400)
    expect((await postJson(t, '/api/v1/admin/categories', { name: 'X', slug: 'x-cat' }, owner.auth)).status).toBe(403)
  })
})

describe('changing attributes', () => {
  it('checks new attributes against the category in the same transaction as the change', async () => {
    const product = await makeProduct(t, owner, { categoryId: rugs.id, attributes: { width_cm: 120 } })
    const changed = await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { priceMinor: 129_950, attributes: { width_cm: 140, material: 'silk' } }, owner.auth)
    expect(changed.status).toBe(200)
    expect(await changed.json()).toMatchObject({ priceMinor: 129_950, attributes: { width_cm: 140, material: 'silk' } })
    const refused = await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { attributes: { material: 'plastic' } }, owner.auth)
    expect(await fieldsOf(refused)).toEqual(['body.attributes.material', 'body.attributes.width_cm'])
  })
})
