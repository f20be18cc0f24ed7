import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestApp, postJson, type TestApp, type TestUser, signUpAndSignIn } from '../../testing'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import { ROLE_CHANGED_TOPIC } from '../accounts'

let t: TestApp
let admin: TestUser
const invalidations: unknown[] = []
const roleChanges: unknown[] = []

const application = (n: string, overrides: Record<string, unknown> = {}) => ({
  companyName: `Atlas Weavers ${n}`,
  slug: `atlas-weavers-${n}`,
  description: 'Hand-knotted rugs from the Middle Atlas, woven by a family cooperative.',
  contactEmail: `hello-${n}@atlas.example`,
  contactPhone: '+212 535 000000',
  address: '3 Rue des Tisserands',
  city: 'Azrou',
  country: 'MA',
  website: 'https://atlas.example',
  taxNumber: `MA-${n}-001`,
  ...overrides,
})
const role = async (user: TestUser) => ((await (await t.request('/api/v1/me', { headers: user.auth })).json()) as { role: string }).role
const fieldsOf = async (response: Response) => ((await response.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)

beforeAll(async () => {
  t = await createTestApp()
  t.ctx.bus.subscribe(PAGE_INVALIDATION_TOPIC, (message) => invalidations.push(message))
  t.ctx.bus.subscribe(ROLE_CHANGED_TOPIC, (message) => roleChanges.push(message))
  admin = await signUpAndSignIn(t, { role: 'admin' })
}, 60_000)
afterAll(() => t.close())

describe('applying to sell', () => {
  it('creates a pending application the applicant can read, and no storefront yet', async () => {
    const user = await signUpAndSignIn(t)
    const response = await postJson(t, '/api/v1/vendors', application('a1'), user.auth)
    expect(response.status).toBe(201)
    const vendor = await response.json()
    expect(vendor).toMatchObject({ status: 'pending', slug: 'atlas-weavers-a1', taxNumber: 'MAA1001', userId: user.id })
    expect(vendor.id).toMatch(/^ven_[0-9a-f]{32}$/)
    expect(await (await t.request('/api/v1/me/vendor', { headers: user.auth })).json()).toMatchObject({ shop: { id: vendor.id, status: 'pending' } })
    expect((await t.request('/api/v1/vendors/atlas-weavers-a1')).status).toBe(404)
    expect((await postJson(t, '/api/v1/vendors', application('a1b'), user.auth)).status).toBe(409)
  })

  it('refuses a taken slug or tax number (spaces and dashes ignored) with the field named', async () => {
    const first = await signUpAndSignIn(t)
    expect((await postJson(t, '/api/v1/vendors', application('a2'), first.auth)).status).toBe(201)
    const second = await signUpAndSignIn(t)
    const slugTaken = await postJson(t, '/api/v1/vendors', application('a3', { slug: 'atlas-weavers-a2' }), second.auth)
    expect(slugTaken.status).toBe(409)
    expect(await fieldsOf(slugTaken)).toEqual(['body.slug'])
    const taxTaken = await postJson(t, '/api/v1/vendors', application('a3', { taxNumber: 'ma a2 001' }), second.auth)
    expect(taxTaken.status).toBe(409)
    expect(await fieldsOf(taxTaken)).toEqual(['body.taxNumber'])
  })

  it('validates fields and ignores status in the body', async () => {
    const user = await signUpAndSignIn(t)
    const bad = await postJson(t, '/api/v1/vendors', application('a4', { slug: 'Not A Slug', country: 'Morocco' }), user.auth)
    expect(bad.status).toBe(400)
    expect(await fieldsOf(bad)).toEqual(expect.arrayContaining(['body.slug', 'body.country']))
    const sneaky = await postJson(t, '/api/v1/vendors', { ...application('a4'), status: 'approved', logoUrl: 'https://evil.example/x.png' }, user.auth)
    expect(await sneaky.json()).toMatchObject({ status: 'pending', logoUrl: null })
  })

  it('needs a signed-in user', async () => {
    expect((await postJson(t, '/api/v1/vendors', application('a5'))).status).toBe(401)
  })
})

describe('admin decisions', () => {
  it('approval makes the applicant a vendor and opens the storefront', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = await (await postJson(t, '/api/v1/vendors', application('b1'), user.auth)).json()
    expect(await role(user)).toBe('buyer')
    const queue = await (await t.request('/api/v1/admin/vendors?status=pending', { headers: admin.auth })).json()
    expect(queue.items.map((v: { id: string }) => v.id)).toContain(vendor.id)
    const before = invalidations.length
    const approved = await postJson(t, `/api/v1/admin/vendors/${vendor.id}/approve`, {}, admin.auth)
    expect(approved.status).toBe(200)
    expect(await approved.json()).toMatchObject({ status: 'approved', statusReason: null })
    expect(await role(user)).toBe('vendor')
    // Announced to every instance, so the new vendor's open sockets carry the new role.
    expect(roleChanges).toContainEqual({ userId: user.id })
    expect(invalidations.length).toBeGreaterThan(before)
    const storefront = await (await t.request('/api/v1/vendors/atlas-weavers-b1')).json()
    expect(storefront).toMatchObject({ id: vendor.id, companyName: 'Atlas Weavers b1', city: 'Azrou' })
    expect(storefront).not.toHaveProperty('taxNumber')
    expect(storefront).not.toHaveProperty('address')
    const list = await (await t.request('/api/v1/vendors?limit=100')).json()
    expect(list.items.map((v: { id: string }) => v.id)).toContain(vendor.id)
    // A second approval is a conflict, not a silent success.
    expect((await postJson(t, `/api/v1/admin/vendors/${vendor.id}/approve`, {}, admin.auth)).status).toBe(409)
  })

  it("approving an admin's application keeps them admin", async () => {
    const other = await signUpAndSignIn(t, { role: 'admin' })
    const vendor = await (await postJson(t, '/api/v1/vendors', application('b2'), other.auth)).json()
    await postJson(t, `/api/v1/admin/vendors/${vendor.id}/approve`, {}, admin.auth)
    expect(await role(other)).toBe('admin')
  })

  it('rejects with a reason the applicant sees, who may apply again', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = await (await postJson(t, '/api/v1/vendors', application('c1'), user.auth)).json()
    expect((await postJson(t, `/api/v1/admin/vendors/${vendor.id}/reject`, {}, admin.auth)).status).toBe(400)
    const rejected = await postJson(t, `/api/v1/admin/vendors/${vendor.id}/reject`, { reason: 'The tax number does not match the company' }, admin.auth)
    expect(await rejected.json()).toMatchObject({ status: 'rejected', statusReason: 'The tax number does not match the company' })
    expect(await role(user)).toBe('buyer')
    const again = await postJson(t, '/api/v1/vendors', application('c1', { taxNumber: 'MA-C1-002' }), user.auth)
    expect(again.status).toBe(201)
    expect(await again.json()).toMatchObject({ id: vendor.id, status: 'pending', statusReason: null, taxNumber: 'MAC1002' })
  })

  it('suspends and reinstates; a suspended storefront is gone', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = await (await postJson(t, '/api/v1/vendors', application('d1'), user.auth)).json()
    expect((await postJson(t, `/api/v1/admin/vendors/${vendor.id}/suspend`, { reason: 'Counterfeit goods' }, admin.auth)).status).toBe(409)
    await postJson(t, `/api/v1/admin/vendors/${vendor.id}/approve`, {}, admin.auth)
    const suspended = await postJson(t, `/api/v1/admin/vendors/${vendor.id}/suspend`, { reason: 'Counterfeit goods' }, admin.auth)
    expect(await suspended.json()).toMatchObject({ status: 'suspended', statusReason: 'Counterfeit goods' })
    expect((await t.request('/api/v1/vendors/atlas-weavers-d1')).status).toBe(404)
    expect(await (await t.request('/api/v1/me/vendor', { headers: user.auth })).json()).toMatchObject({ shop: { status: 'suspended', statusReason: 'Counterfeit goods' } })
    expect(await (await postJson(t, `/api/v1/admin/vendors/${vendor.id}/reinstate`, {}, admin.auth)).json()).toMatchObject({ status: 'approved' })
    expect((await t.request('/api/v1/vendors/atlas-weavers-d1')).status).toBe(200)
  })

  it('only admins decide', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = await (await postJson(t, '/api/v1/vendors', application('e1'), user.auth)).json()
    expect((await postJson(t, `/api/v1/admin/vendors/${vendor.id}/approve`, {}, user.auth)).status).toBe(403)
    expect((await t.request('/api/v1/admin/vendors', { headers: user.auth })).status).toBe(403)
    expect((await postJson(t, `/api/v1/admin/vendors/ven_${'0'.repeat(32)}/approve`, {}, admin.auth)).status).toBe(404)
  })

  it('refuses unknown query parameters', async () => {
    const response = await t.request('/api/v1/admin/vendors?state=pending', { headers: admin.auth })
    expect(response.status).toBe(400)
    expect(await fieldsOf(response)).toEqual(['query.state'])
  })
})
