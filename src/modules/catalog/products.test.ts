import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, makeProduct, makeVendor, type TestApp, type TestUser, signUpAndSignIn } from '../../testing'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import { type CatalogModel, productTopic } from './model'

let t: TestApp
let admin: TestUser
let buyer: TestUser
let owner: TestUser
let other: TestUser
let rugs: CatalogModel.Category
let home: CatalogModel.Category

const fieldsOf = (answer: { error: { value: unknown } | null }) => (answer.error?.value as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)
/** A product by slug, as `user` (anonymous without one). */
const productAs = (slug: string, user?: TestUser) => client(t, user).api.v1.products({ slug })
const categoryAs = (id: string, user: TestUser = admin) => client(t, user).api.v1.admin.categories({ id })
async function category(body: CatalogModel.CreateCategoryBody): Promise<CatalogModel.Category> {
  const created = await client(t, admin).api.v1.admin.categories.post(body)
  expect(created.status).toBe(201)
  return created.data!
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
    const renamed = await productAs(product.slug, owner).patch({ title: 'A new title' })
    expect(renamed.data).toMatchObject({ title: 'A new title', slug: 'beni-ouarain-rug-2-3-m' })
  })

  it('checks attributes against the category and its ancestors, naming each field', async () => {
    const response = await client(t, owner).api.v1.products.post({
      title: 'Rug',
      description: 'x',
      priceMinor: 1,
      currency: 'MAD',
      stock: 1,
      condition: 'new',
      location: 'Fez',
      categoryId: rugs.id,
      attributes: { material: 'plastic', colour: 'red', hand_knotted: 'yes' },
    })
    expect(response.status).toBe(400)
    expect(fieldsOf(response).sort()).toEqual(['body.attributes.colour', 'body.attributes.hand_knotted', 'body.attributes.material', 'body.attributes.width_cm'])
  })

  it('refuses buyers, bad money and a duplicate SKU', async () => {
    const body: CatalogModel.CreateProductBody = { title: 'Lamp', description: 'x', priceMinor: 100, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', categoryId: home.id, sku: 'LAMP-1' }
    const create = (user?: TestUser, fields: CatalogModel.CreateProductBody = body) => client(t, user).api.v1.products.post(fields)
    expect((await create(buyer)).status).toBe(403)
    expect((await create()).status).toBe(401)
    const bad = await create(owner, { ...body, priceMinor: 10.5, currency: 'dirham', stock: -1 })
    expect(bad.status).toBe(400)
    expect(fieldsOf(bad)).toEqual(expect.arrayContaining(['body.priceMinor', 'body.currency', 'body.stock']))
    expect((await create(owner)).status).toBe(201)
    const duplicate = await create(owner)
    expect(duplicate.status).toBe(409)
    expect(fieldsOf(duplicate)).toEqual(['body.sku'])
    // Another shop may use the same SKU.
    expect((await create(other)).status).toBe(201)
  })

  it('refuses a vendor whose shop is not approved', async () => {
    const { user } = await makeVendor(t, { status: 'suspended' })
    const body: CatalogModel.CreateProductBody = { title: 'Lamp', description: 'x', priceMinor: 100, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', categoryId: home.id }
    expect((await client(t, user).api.v1.products.post(body)).status).toBe(403)
  })
})

describe('changing products (authorization)', () => {
  it('lets only the owning vendor or an admin change, sell, reactivate or delete a product', async () => {
    const product = await makeProduct(t, owner, { categoryId: home.id })
    const by = (user?: TestUser) => productAs(product.slug, user)
    // IDOR: another vendor, a buyer, anonymous.
    expect((await by(other).patch({ priceMinor: 1 })).status).toBe(403)
    expect((await by(buyer).patch({ priceMinor: 1 })).status).toBe(403)
    expect((await by().patch({ priceMinor: 1 })).status).toBe(401)
    expect((await by(other)['mark-sold'].post()).status).toBe(403)
    expect((await by(other).delete()).status).toBe(403)
    expect((await by().get()).data).toMatchObject({ priceMinor: 10_000, status: 'active', canEdit: false })
    expect((await by(other).get()).data).toMatchObject({ canEdit: false })

    expect((await by(admin).patch({ priceMinor: 9_000 })).data).toMatchObject({ priceMinor: 9_000, canEdit: true })
    expect((await by(owner)['mark-sold'].post()).data).toMatchObject({ status: 'sold' })
    expect((await by(owner)['mark-sold'].post()).status).toBe(409)
    expect((await by(owner).reactivate.post()).data).toMatchObject({ status: 'active' })
    expect((await by(owner).delete()).status).toBe(204)
    expect((await by(owner).get()).status).toBe(404)
  })

  it('ignores fields a vendor may not set (placement, counters, shop)', async () => {
    const product = await makeProduct(t, owner, { categoryId: home.id })
    const sneaky = { featuredUntil: '2999-01-01T00:00:00Z', viewsCount: 1000, vendorId: 'ven_x', stock: 7 }
    expect((await productAs(product.slug, owner).patch(sneaky)).data).toMatchObject({ featured: false, featuredUntil: null, viewsCount: 0, stock: 7 })
    const placement = (user: TestUser) => client(t, user).api.v1.admin.products({ slug: product.slug }).patch({ featuredUntil: new Date('2999-01-01T00:00:00Z') })
    expect((await placement(owner)).status).toBe(403)
    expect((await placement(admin)).data).toMatchObject({ featured: true })
  })

  it('shows drafts only to their vendor and admins', async () => {
    const draft = await makeProduct(t, owner, { categoryId: home.id, status: 'draft' })
    expect((await productAs(draft.slug).get()).status).toBe(404)
    expect((await productAs(draft.slug, other).get()).status).toBe(404)
    expect((await productAs(draft.slug, owner).get()).status).toBe(200)
    expect((await productAs(draft.slug, admin).get()).status).toBe(200)
    const drafts = (user: TestUser) => client(t, user).api.v1.me.products.get({ query: { status: 'draft' } })
    expect((await drafts(owner)).data!.items.map((p) => p.id)).toContain(draft.id)
    expect((await drafts(other)).data!.items.map((p) => p.id)).not.toContain(draft.id)
  })

  it("hides a suspended vendor's products and stops the vendor editing them", async () => {
    const { user, vendor } = await makeVendor(t)
    const product = await makeProduct(t, user, { categoryId: home.id, title: 'Zellige tile set' })
    expect((await productAs(product.slug).get()).status).toBe(200)
    expect((await client(t, admin).api.v1.admin.vendors({ id: vendor.id }).suspend.post({ reason: 'Fraud reports' })).status).toBe(200)
    expect((await productAs(product.slug).get()).status).toBe(404)
    expect((await productAs(product.slug, buyer).get()).status).toBe(404)
    const search = (await client(t).api.v1.products.get({ query: { vendor: vendor.slug } })).data!
    expect(search.items).toEqual([])
    expect((await productAs(product.slug, user).patch({ stock: 1 })).status).toBe(403)
    await client(t, admin).api.v1.admin.vendors({ id: vendor.id }).reinstate.post()
    expect((await productAs(product.slug).get()).status).toBe(200)
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
    await productAs(product.slug, owner).patch({ priceMinor: 12_500, stock: 2, description: 'Now with a longer description' })
    await productAs(product.slug, owner).patch({ description: 'Only the text changes' })
    await productAs(product.slug, owner)['mark-sold'].post()
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
    const tree = await client(t).api.v1.categories.get()
    expect(tree.response.headers.get('cache-control')).toBe('public, max-age=60')
    const { items } = tree.data!
    const homeAt = items.findIndex((c) => c.id === home.id)
    expect(items[homeAt + 1]).toMatchObject({ id: rugs.id, depth: 1, parentId: home.id })
    await categoryAs(rugs.id).patch({ name: 'Rugs & carpets' })
    const after = (await client(t).api.v1.categories.get()).data!
    expect(after.items.find((c) => c.id === rugs.id)?.name).toBe('Rugs & carpets')
  })

  it('refuses a move under itself or a descendant (a cycle)', async () => {
    const a = await category({ name: 'A', slug: 'cycle-a' })
    const b = await category({ name: 'B', slug: 'cycle-b', parentId: a.id })
    const c = await category({ name: 'C', slug: 'cycle-c', parentId: b.id })
    for (const parentId of [a.id, c.id]) {
      const response = await categoryAs(a.id).patch({ parentId })
      expect(response.status).toBe(400)
      expect(fieldsOf(response)).toEqual(['body.parentId'])
    }
    // Moving c to the top and a under it is fine.
    expect((await categoryAs(c.id).patch({ parentId: null })).status).toBe(200)
    expect((await categoryAs(a.id).patch({ parentId: c.id })).data).toMatchObject({ parentId: c.id })
  })

  it('refuses to delete a category with products or subcategories, and deletes an empty one', async () => {
    const parent = await category({ name: 'Lamps', slug: 'lamps' })
    const child = await category({ name: 'Brass lamps', slug: 'brass-lamps', parentId: parent.id })
    const product = await makeProduct(t, owner, { categoryId: child.id })
    expect((await categoryAs(parent.id).delete()).status).toBe(409)
    expect((await categoryAs(child.id).delete()).status).toBe(409)
    // A deleted product does not hold its category.
    await productAs(product.slug, owner).delete()
    expect((await categoryAs(child.id).delete()).status).toBe(204)
    expect((await categoryAs(parent.id).delete()).status).toBe(204)
    expect((await client(t).api.v1.categories.get()).status).toBe(200)
  })

  it('refuses duplicate slugs, bad definitions and non-admins', async () => {
    const create = (user: TestUser, body: CatalogModel.CreateCategoryBody) => client(t, user).api.v1.admin.categories.post(body)
    const dup = await create(admin, { name: 'Rugs again', slug: 'rugs' })
    expect(dup.status).toBe(409)
    expect(fieldsOf(dup)).toEqual(['body.slug'])
    const bad = await create(admin, { name: 'X', slug: 'x-cat', attributes: [{ key: 'size', label: 'Size', type: 'select' }] })
    expect(bad.status).toBe(400)
    expect((await create(owner, { name: 'X', slug: 'x-cat' })).status).toBe(403)
  })
})

describe('changing attributes', () => {
  it('checks new attributes against the category in the same transaction as the change', async () => {
    const product = await makeProduct(t, owner, { categoryId: rugs.id, attributes: { width_cm: 120 } })
    const changed = await productAs(product.slug, owner).patch({ priceMinor: 129_950, attributes: { width_cm: 140, material: 'silk' } })
    expect(changed.status).toBe(200)
    expect(changed.data).toMatchObject({ priceMinor: 129_950, attributes: { width_cm: 140, material: 'silk' } })
    const refused = await productAs(product.slug, owner).patch({ attributes: { material: 'plastic' } })
    expect(fieldsOf(refused)).toEqual(['body.attributes.material', 'body.attributes.width_cm'])
  })
})
