import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { phonePhoto } from '../../lib/image-fixtures'
import { adminWithCategory, client, createTestApp, makeProduct, makeVendor, sendJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { auditLog } from '../audit/table'
import type { ListingApprovalMode } from './live'

let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ admin, categoryId } = await adminWithCategory(t, { name: 'Rugs', slug: 'rugs' }))
}, 60_000)
afterAll(() => t.close())

const rules = (approval: ListingApprovalMode, trustedAfter = 2) => client(t, admin).api.v1.admin.listings.rules.put({ approval, trustedAfter })
const listing = (seller: TestUser, title: string, priceMinor = 10_000) => makeProduct(t, seller, { categoryId, title, priceMinor, stock: 3, status: 'active' })
const reviewOf = async (seller: TestUser, slug: string) => (await client(t, seller).api.v1.products({ slug }).get()).data!.review
const publicStatus = async (slug: string) => (await client(t).api.v1.products({ slug }).get()).status
const sitemap = async () => (await t.request('/sitemap.xml')).text()
const searchTitles = async (q: string) => (await client(t).api.v1.products.get({ query: { q } })).data!.items.map((p) => p.title)
const queue = async () => (await client(t, admin).api.v1.admin.listings.pending.get({ query: {} })).data!.items.map((i) => i.product.id)
const edit = (seller: TestUser, slug: string, body: Record<string, unknown>) => sendJson(t, 'PATCH', `/api/v1/products/${slug}`, body, seller.auth)

describe('the review rule', () => {
  it('is off by default and set by admins only', async () => {
    expect((await client(t, admin).api.v1.admin.listings.rules.get()).data).toEqual({ approval: 'off', trustedAfter: 5 })
    const { user: seller } = await makeVendor(t)
    expect((await client(t, seller).api.v1.admin.listings.rules.put({ approval: 'all', trustedAfter: 1 })).status).toBe(403)
    expect((await sendJson(t, 'PUT', '/api/v1/admin/listings/rules', { approval: 'sometimes', trustedAfter: 0 }, admin.auth)).status).toBe(400)
    const product = await listing(seller, 'Kilim runner')
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'approved' })
    expect(await publicStatus(product.slug)).toBe(200)
    // Changing it is a setting change in the audit log, by the admin.
    expect((await rules('all', 3)).data).toEqual({ approval: 'all', trustedAfter: 3 })
    const [entry] = await t.ctx.database.db.select().from(auditLog).where(and(eq(auditLog.kind, 'settings.changed'), eq(auditLog.subjectId, 'listing_rules')))
    expect(entry).toMatchObject({ actorId: admin.id })
    await rules('off')
  })
})

describe('with every listing reviewed', () => {
  it('keeps a new listing out of search, its page and the sitemap until an admin approves it', async () => {
    await rules('all')
    const { user: seller } = await makeVendor(t)
    const product = await listing(seller, 'Beni Ouarain rug')
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'pending', reason: null })
    expect(await publicStatus(product.slug)).toBe(404)
    expect((await client(t, await signUpAndSignIn(t)).api.v1.products({ slug: product.slug }).get()).status).toBe(404)
    expect(await searchTitles('Ouarain')).toEqual([])
    expect(await sitemap()).not.toContain(product.slug)
    expect(await queue()).toContain(product.id)
    expect((await client(t, seller).api.v1.admin.listings({ id: product.id }).approve.post()).status).toBe(403)

    const approved = await client(t, admin).api.v1.admin.listings({ id: product.id }).approve.post()
    expect(approved.data!.review).toMatchObject({ state: 'approved' })
    expect(await publicStatus(product.slug)).toBe(200)
    await waitFor(async () => (await searchTitles('Ouarain')).includes('Beni Ouarain rug'), 5_000, 'listed in search')
    expect(await sitemap()).toContain(`/products/${product.slug}`)
    expect(await queue()).not.toContain(product.id)
    expect((await client(t, admin).api.v1.admin.listings({ id: product.id }).approve.post()).status).toBe(409)
    const [entry] = await t.ctx.database.db.select().from(auditLog).where(and(eq(auditLog.kind, 'listing.moderated'), eq(auditLog.subjectId, product.id)))
    expect(entry).toMatchObject({ actorId: admin.id })
    await rules('off')
  })

  it('sends an approved listing back to review on a material change: title, description, a photo, the price beyond ±50 %', async () => {
    await rules('all')
    const { user: seller } = await makeVendor(t)
    const product = await listing(seller, 'Brass tray', 10_000)
    await client(t, admin).api.v1.admin.listings({ id: product.id }).approve.post()
    const approve = () => client(t, admin).api.v1.admin.listings({ id: product.id }).approve.post()

    // Not material: stock, a price within 50 %.
    expect((await edit(seller, product.slug, { stock: 9, priceMinor: 14_000 })).status).toBe(200)
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'approved' })
    expect(await publicStatus(product.slug)).toBe(200)

    for (const change of [{ title: 'Brass tray, engraved' }, { description: 'Now with a different item entirely' }, { priceMinor: 1_000 }]) {
      expect((await edit(seller, product.slug, change)).status).toBe(200)
      expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'pending' })
      expect(await publicStatus(product.slug)).toBe(404)
      expect((await approve()).status).toBe(200)
    }
    // The price approved last is the reference: 1,000 → 1,400 is within 50 %.
    expect((await edit(seller, product.slug, { priceMinor: 1_400 })).status).toBe(200)
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'approved' })

    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'tray.jpg'))
    expect((await t.request(`/api/v1/products/${product.slug}/images`, { method: 'POST', body: form, headers: seller.auth })).status).toBe(201)
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'pending' })
    // An admin's own edit does not send it back.
    await approve()
    expect((await edit(admin, product.slug, { title: 'Brass tray (moderated title)' })).status).toBe(200)
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'approved' })
    await rules('off')
  })

  it('rejects with a reason the shop sees; a material change resubmits it', async () => {
    await rules('all')
    const { user: seller } = await makeVendor(t)
    const product = await listing(seller, 'Replica watch')
    expect((await sendJson(t, 'POST', `/api/v1/admin/listings/${product.id}/reject`, { reason: 'no' }, admin.auth)).status).toBe(400)
    const rejected = await client(t, admin).api.v1.admin.listings({ id: product.id }).reject.post({ reason: 'Counterfeit goods are not allowed' })
    expect(rejected.data!.review).toMatchObject({ state: 'rejected', reason: 'Counterfeit goods are not allowed' })
    expect(await queue()).not.toContain(product.id)
    expect(await publicStatus(product.slug)).toBe(404)
    // Listed for its shop with the reason.
    const mine = (await client(t, seller).api.v1.me.products.get({ query: {} })).data!.items.find((p) => p.id === product.id)!
    expect(mine.review).toMatchObject({ state: 'rejected', reason: 'Counterfeit goods are not allowed' })
    // Stock alone does not resubmit; a new description does.
    await edit(seller, product.slug, { stock: 1 })
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'rejected' })
    await edit(seller, product.slug, { description: 'An original watch by a local maker, with its papers' })
    expect(await reviewOf(seller, product.slug)).toMatchObject({ state: 'pending', reason: null })
    expect(await queue()).toContain(product.id)
    await rules('off')
  })
})

describe('with new shops reviewed', () => {
  it('trusts a shop once it has enough approved listings, until a report against it is upheld', async () => {
    await rules('new_shops', 2)
    const { user: seller } = await makeVendor(t)
    const first = await listing(seller, 'Clay tagine')
    const second = await listing(seller, 'Clay bowl')
    expect((await reviewOf(seller, first.slug)).state).toBe('pending')
    for (const p of [first, second]) await client(t, admin).api.v1.admin.listings({ id: p.id }).approve.post()
    const third = await listing(seller, 'Clay cup')
    expect((await reviewOf(seller, third.slug)).state).toBe('approved')

    // A report upheld against the shop: its next listing waits again.
    const reporter = await signUpAndSignIn(t)
    const report = await client(t, reporter).api.v1.products({ slug: third.slug }).report.post({ reason: 'counterfeit', details: 'Not handmade' })
    expect(report.status).toBe(201)
    expect((await client(t, admin).api.v1.admin.reports({ id: report.data!.id }).resolve.post({ action: 'unpublish' })).status).toBe(200)
    const fourth = await listing(seller, 'Clay plate')
    expect((await reviewOf(seller, fourth.slug)).state).toBe('pending')
    await rules('off')
  })
})
