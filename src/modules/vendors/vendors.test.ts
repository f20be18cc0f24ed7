import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, type TestApp, type TestUser, signUpAndSignIn } from '../../testing'
import { readSince } from '../../events/log'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import { ROLE_CHANGED_TOPIC } from '../accounts'
import type { VendorsModel } from './model'

let t: TestApp
let admin: TestUser
const invalidations: unknown[] = []
const roleChanges: unknown[] = []

const application = (n: string, overrides: Partial<VendorsModel.ApplyBody> = {}): VendorsModel.ApplyBody => ({
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
const apply = (user: TestUser | undefined, body: VendorsModel.ApplyBody) => client(t, user).api.v1.vendors.post(body)
const decide = (id: string, user: TestUser = admin) => client(t, user).api.v1.admin.vendors({ id })
const storefront = (slug: string) => client(t).api.v1.vendors({ slug }).get()
const role = async (user: TestUser) => (await client(t, user).api.v1.me.get()).data?.role
const fieldsOf = (answer: { error: { value: unknown } | null }) => (answer.error?.value as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)

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
    const applied = await apply(user, application('a1'))
    expect(applied.status).toBe(201)
    const vendor = applied.data!
    expect(vendor).toMatchObject({ status: 'pending', slug: 'atlas-weavers-a1', taxNumber: 'MAA1001', userId: user.id })
    expect(vendor.id).toMatch(/^ven_[0-9a-f]{32}$/)
    expect((await client(t, user).api.v1.me.vendor.get()).data).toMatchObject({ shop: { id: vendor.id, status: 'pending' } })
    expect((await storefront('atlas-weavers-a1')).status).toBe(404)
    expect((await apply(user, application('a1b'))).status).toBe(409)
  })

  it('refuses a taken slug or tax number (spaces and dashes ignored) with the field named', async () => {
    const first = await signUpAndSignIn(t)
    expect((await apply(first, application('a2'))).status).toBe(201)
    const second = await signUpAndSignIn(t)
    const slugTaken = await apply(second, application('a3', { slug: 'atlas-weavers-a2' }))
    expect(slugTaken.status).toBe(409)
    expect(fieldsOf(slugTaken)).toEqual(['body.slug'])
    const taxTaken = await apply(second, application('a3', { taxNumber: 'ma a2 001' }))
    expect(taxTaken.status).toBe(409)
    expect(fieldsOf(taxTaken)).toEqual(['body.taxNumber'])
  })

  it('validates fields and ignores status in the body', async () => {
    const user = await signUpAndSignIn(t)
    const bad = await apply(user, application('a4', { slug: 'Not A Slug', country: 'Morocco' }))
    expect(bad.status).toBe(400)
    expect(fieldsOf(bad)).toEqual(expect.arrayContaining(['body.slug', 'body.country']))
    const sneaky = { ...application('a4'), status: 'approved', logoUrl: 'https://evil.example/x.png' }
    expect((await apply(user, sneaky)).data).toMatchObject({ status: 'pending', logoUrl: null })
  })

  it('needs a signed-in user', async () => {
    expect((await apply(undefined, application('a5'))).status).toBe(401)
  })
})

describe('admin decisions', () => {
  it('approval makes the applicant a vendor and opens the storefront', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('b1'))).data!
    expect(await role(user)).toBe('buyer')
    const queue = (await client(t, admin).api.v1.admin.vendors.get({ query: { status: 'pending' } })).data!
    expect(queue.items.map((v) => v.id)).toContain(vendor.id)
    const before = invalidations.length
    const approved = await decide(vendor.id).approve.post()
    expect(approved.status).toBe(200)
    expect(approved.data).toMatchObject({ status: 'approved', statusReason: null })
    expect(await role(user)).toBe('vendor')
    // Announced to every instance, so the new vendor's open sockets carry the new role.
    expect(roleChanges).toContainEqual({ userId: user.id })
    expect(invalidations.length).toBeGreaterThan(before)
    const shop = (await storefront('atlas-weavers-b1')).data
    expect(shop).toMatchObject({ id: vendor.id, companyName: 'Atlas Weavers b1', city: 'Azrou' })
    expect(shop).not.toHaveProperty('taxNumber')
    expect(shop).not.toHaveProperty('address')
    const list = (await client(t).api.v1.vendors.get({ query: { limit: 100 } })).data!
    expect(list.items.map((v) => v.id)).toContain(vendor.id)
    // A second approval is a conflict, not a silent success.
    expect((await decide(vendor.id).approve.post()).status).toBe(409)
  })

  it("approving an admin's application keeps them admin", async () => {
    const other = await signUpAndSignIn(t, { role: 'admin' })
    const vendor = (await apply(other, application('b2'))).data!
    await decide(vendor.id).approve.post()
    expect(await role(other)).toBe('admin')
  })

  it('rejects with a reason the applicant sees, who may apply again', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('c1'))).data!
    // Without the reason the schema requires: the typed client would not send it, the server must refuse it.
    expect((await decide(vendor.id).reject.post({} as never)).status).toBe(400)
    const rejected = await decide(vendor.id).reject.post({ reason: 'The tax number does not match the company' })
    expect(rejected.data).toMatchObject({ status: 'rejected', statusReason: 'The tax number does not match the company' })
    expect(await role(user)).toBe('buyer')
    const again = await apply(user, application('c1', { taxNumber: 'MA-C1-002' }))
    expect(again.status).toBe(201)
    expect(again.data).toMatchObject({ id: vendor.id, status: 'pending', statusReason: null, taxNumber: 'MAC1002' })
  })

  it('suspends and reinstates; a suspended storefront is gone', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('d1'))).data!
    expect((await decide(vendor.id).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(409)
    await decide(vendor.id).approve.post()
    const suspended = await decide(vendor.id).suspend.post({ reason: 'Counterfeit goods' })
    expect(suspended.data).toMatchObject({ status: 'suspended', statusReason: 'Counterfeit goods' })
    expect((await storefront('atlas-weavers-d1')).status).toBe(404)
    expect((await client(t, user).api.v1.me.vendor.get()).data).toMatchObject({ shop: { status: 'suspended', statusReason: 'Counterfeit goods' } })
    expect((await decide(vendor.id).reinstate.post()).data).toMatchObject({ status: 'approved' })
    expect((await storefront('atlas-weavers-d1')).status).toBe(200)
  })

  it('only admins decide', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('e1'))).data!
    expect((await decide(vendor.id, user).approve.post()).status).toBe(403)
    expect((await client(t, user).api.v1.admin.vendors.get()).status).toBe(403)
    expect((await decide(`ven_${'0'.repeat(32)}`).approve.post()).status).toBe(404)
  })

  it('refuses unknown query parameters', async () => {
    // Not a parameter of the route, so not one the typed client would send.
    const answer = await client(t, admin).api.v1.admin.vendors.get({ query: { state: 'pending' } as never })
    expect(answer.status).toBe(400)
    expect(fieldsOf(answer)).toEqual(['query.state'])
  })
})

describe('telling the shop owner of a decision', () => {
  const mailTo = async (email: string) => ((await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`)).json()) as { items: { subject: string; text: string }[] }).items
  const noticesOf = async (user: TestUser) => (await client(t, user).api.v1.notifications.get({ query: {} })).data!.items
  /** What the owner's topic carried of their shop, from the event log (what open pages receive). */
  const shopEvents = async (user: TestUser) => {
    const replay = await readSince(t.ctx.database.db, new Date(), `user:${user.id}`, 0)
    return replay.kind === 'events' ? replay.events.filter((e) => e.kind === 'shop.updated').map((e) => e.data) : replay
  }

  it('notifies and emails the owner of each decision, and no one else', async () => {
    const user = await signUpAndSignIn(t)
    const contact = 'hello-f1@atlas.example'
    const vendor = (await apply(user, application('f1'))).data!
    const adminNoticesBefore = (await noticesOf(admin)).length

    expect((await decide(vendor.id).reject.post({ reason: 'The tax number does not match the company' })).status).toBe(200)
    await apply(user, application('f1', { taxNumber: 'MA-F1-002' }))
    expect((await decide(vendor.id).approve.post()).status).toBe(200)
    expect((await decide(vendor.id).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(200)
    expect((await decide(vendor.id).reinstate.post()).status).toBe(200)

    const notices = await noticesOf(user)
    // Unread notices of one shop group into one (the latest decision); each decision's mail is its own.
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ type: 'system', subject: `shop:${vendor.id}`, link: '/sell', actor: null, read: false })
    expect(notices[0]!.text).toContain('Atlas Weavers f1 is open again')
    const mails = await mailTo(contact)
    expect(mails.map((m) => m.subject).reverse()).toEqual([
      'Souk: your shop application was not accepted',
      'Souk: your shop is approved',
      'Souk: your shop is suspended',
      'Souk: your shop is open again',
    ])
    expect(mails.find((m) => m.subject.endsWith('not accepted'))!.text).toContain('The tax number does not match the company')
    expect(mails.find((m) => m.subject.endsWith('suspended'))!.text).toContain('Counterfeit goods')
    expect(mails.every((m) => m.text.includes('/sell'))).toBe(true)
    expect(await shopEvents(user)).toEqual(['rejected', 'approved', 'suspended', 'approved'].map((status) => ({ shopId: vendor.id, status })))
    // The admin who decided is told nothing, by notice or by mail.
    expect(await noticesOf(admin)).toHaveLength(adminNoticesBefore)
    expect((await mailTo(admin.email)).filter((m) => m.subject.includes('shop'))).toEqual([])
  })

  it('tells each decision as its own notice once the last was read', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('g1'))).data!
    await decide(vendor.id).approve.post()
    expect((await client(t, user).api.v1.notifications['read-all'].post()).status).toBe(200)
    await decide(vendor.id).suspend.post({ reason: 'Counterfeit goods' })
    const notices = await noticesOf(user)
    expect(notices.map((n) => [n.read, n.text])).toEqual([
      [false, 'Atlas Weavers g1 is suspended: Counterfeit goods'],
      [true, 'Atlas Weavers g1 is approved: you can list products now.'],
    ])
  })

  it('a conflicting decision tells no one', async () => {
    const user = await signUpAndSignIn(t)
    const vendor = (await apply(user, application('h1'))).data!
    expect((await decide(vendor.id).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(409)
    expect(await noticesOf(user)).toEqual([])
    expect(await mailTo('hello-h1@atlas.example')).toEqual([])
    expect(await shopEvents(user)).toEqual([])
  })
})
