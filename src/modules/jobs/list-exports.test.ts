import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { client, createTestApp, makeProduct, postJson, signUpAndSignIn, type TestApp, testIp, type TestUser, waitFor } from '../../testing'
import type { CatalogModel } from '../catalog'
import { type AccountRef, accountId, transfer } from '../ledger'
import { placeOrder, shop } from '../orders/testing'

// The list exports, each a job made with listExport (a shop's sales, every shop's orders, the users,
// the audit log, the ledger's transfers), through their routes; with the queue, so the jobs run (and sign-up mail goes
// through it too, so this file signs few people up).
let t: TestApp
let admin: TestUser
let home: CatalogModel.Category

beforeAll(async () => {
  t = await createTestApp({ queue: true })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  home = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!
}, 60_000)
afterAll(() => t.close())

describe('the sales export', () => {
  it('writes my shop’s orders to a CSV in a job, downloadable by me only', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 5 })
    const invoices = [(await placeOrder(t, s, product.id)).invoiceNumber, (await placeOrder(t, s, product.id)).invoiceNumber]
    const started = await client(t, s.owner).api.v1.me.sales.export.post({})
    expect(started.status).toBe(202)
    let job = started.data!
    await waitFor(async () => (job = (await client(t, s.owner).api.v1.jobs({ id: job.id }).get()).data!).status === 'succeeded', 15_000, 'the export to finish')
    expect(job.result?.download).toMatchObject({ rows: 2, contentType: 'text/csv; charset=utf-8' })
    const download = await t.request(job.result!.download!.url, { headers: s.owner.auth })
    const lines = (await download.text()).trim().split('\r\n')
    expect(lines[0]).toStartWith('invoice,order,placed_at,status,shop,buyer')
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(invoices)
    expect((await t.request(job.result!.download!.url, { headers: admin.auth })).status).toBe(404)
    // A buyer has no shop to export.
    expect((await client(t, await signUpAndSignIn(t)).api.v1.me.sales.export.post({})).status).toBe(403)
  })
})

/** Waits for `started`'s job to succeed and answers its CSV's lines, read as `user`. */
async function csvOf(user: TestUser, started: { status: number; data: { id: string } | null }): Promise<string[]> {
  expect(started.status).toBe(202)
  let job = (await client(t, user).api.v1.jobs({ id: started.data!.id }).get()).data!
  await waitFor(async () => (job = (await client(t, user).api.v1.jobs({ id: started.data!.id }).get()).data!).status === 'succeeded', 15_000, 'the export to finish')
  return (await (await t.request(job.result!.download!.url, { headers: user.auth })).text()).trim().split('\r\n')
}

describe('the admins’ list exports', () => {
  it('writes every shop’s orders (of a status) to a CSV in a job, for admins only', async () => {
    const [s1, s2] = [await shop(t), await shop(t)]
    const first = (await placeOrder(t, s1, (await makeProduct(t, s1.owner, { categoryId: home.id, stock: 5 })).id)).invoiceNumber
    const second = await placeOrder(t, s2, (await makeProduct(t, s2.owner, { categoryId: home.id, stock: 5 })).id)
    expect((await client(t, second.me.user).api.v1.orders({ id: second.orderId }).cancel.post({})).status).toBe(200)
    const all = await csvOf(admin, await client(t, admin).api.v1.admin.orders.export.post({}))
    expect(all.map((line) => line.split(',')[0])).toEqual(expect.arrayContaining([first, second.invoiceNumber]))
    const placed = await csvOf(admin, await client(t, admin).api.v1.admin.orders.export.post({ status: 'placed' }))
    expect(placed.map((line) => line.split(',')[0])).toContain(first)
    expect(placed.map((line) => line.split(',')[0])).not.toContain(second.invoiceNumber)
    expect((await client(t, s1.owner).api.v1.admin.orders.export.post({})).status).toBe(403)
  })

  it('writes the users the filters find to a CSV in a job, for admins only', async () => {
    const seller = (await shop(t)).owner
    const lines = await csvOf(admin, await client(t, admin).api.v1.admin.users.export.post({ role: 'vendor' }))
    expect(lines[0]).toBe('id,email,display_name,role,email_verified,signed_up_at,standing,suspended_until,suspension_reason')
    expect(lines.some((line) => line.startsWith(`${seller.id},${seller.email},`))).toBe(true)
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'vendor')).toBe(true)
    const found = await csvOf(admin, await client(t, admin).api.v1.admin.users.export.post({ q: seller.id }))
    expect(found).toHaveLength(2)
    expect((await client(t, seller).api.v1.admin.users.export.post({})).status).toBe(403)
    expect((await client(t, admin).api.v1.admin.users.export.post({ role: 'pirate' } as never)).status).toBe(400)
  })
})

describe('the audit log export', () => {
  it('writes every entry the filters find, times included, newest first, to a CSV in a job', async () => {
    const user = await signUpAndSignIn(t)
    const since = new Date()
    for (let i = 0; i < 2; i++) expect((await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })).status).toBe(200)
    const lines = await csvOf(admin, await client(t, admin).api.v1.admin.audit.export.post({ subjectId: user.id, kind: 'auth.sign_in', from: since }))
    expect(lines[0]).toBe('id,at,actor_kind,actor_id,actor_name,kind,subject_type,subject_id,summary,request_id,ip')
    expect(lines).toHaveLength(3)
    expect(lines.slice(1).every((line) => line.includes(`,auth.sign_in,user,${user.id},`))).toBe(true)
    const times = lines.slice(1).map((line) => line.split(',')[1]!)
    expect(times).toEqual([...times].sort().reverse())
    // Before `since`: the sign-up's own sign-in only.
    expect(await csvOf(admin, await client(t, admin).api.v1.admin.audit.export.post({ subjectId: user.id, kind: 'auth.sign_in', to: since }))).toHaveLength(2)
  })
})

describe('the ledger transfers export', () => {
  it('writes every transfer the filters find, newest first, across pages, to a CSV in a job, for admins only', async () => {
    // More deposits than one page of the search holds (100), a second past each other, and a
    // withdrawal of the same reference: its kind filters it out.
    const ref = `test:${randomUUID()}`
    const wallet: AccountRef = { kind: 'available', ownerId: admin.id, currency: 'MAD' }
    const outside: AccountRef = { kind: 'provider_clearing', provider: `exp${randomUUID().slice(0, 8)}`, currency: 'MAD' }
    const start = Date.now() - 3_600_000
    const deposits = await t.ctx.database.db.transaction(async (tx) => {
      const made = []
      for (let i = 0; i < 103; i++) made.push((await transfer(tx, { key: `${ref}:${i}`, debit: outside, credit: wallet, amountMinor: 100 + i, kind: 'deposit', ref, now: new Date(start + i * 1_000) })).transfer)
      await transfer(tx, { key: `${ref}:out`, debit: wallet, credit: outside, amountMinor: 50, kind: 'withdrawal', ref, now: new Date(start + 200_000) })
      return made
    })
    const lines = await csvOf(admin, await client(t, admin).api.v1.admin.ledger.export.post({ ref, kind: 'deposit' }))
    expect(lines[0]).toBe('id,at,kind,phase,ref,debit_account,credit_account,currency,amount_minor,pending_id')
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(deposits.map((x) => x.id).reverse())
    const last = deposits.at(-1)!
    expect(lines[1]).toBe(`${last.id},${last.createdAt.toISOString()},deposit,posted,${ref},${accountId(outside)},${accountId(wallet)},MAD,202,`)
    // By account (either side) and time: the withdrawal and the last deposit.
    const recent = await csvOf(admin, await client(t, admin).api.v1.admin.ledger.export.post({ accountId: accountId(outside), from: new Date(start + 102_000) }))
    expect(recent.slice(1).map((line) => line.split(',')[2])).toEqual(['withdrawal', 'deposit'])

    const seller = (await shop(t)).owner
    expect((await client(t, seller).api.v1.admin.ledger.export.post({ ref })).status).toBe(403)
    expect((await client(t, admin).api.v1.admin.ledger.export.post({ kind: 'gift' } as never)).status).toBe(400)
    expect((await client(t, admin).api.v1.admin.ledger.export.post({ accountId: 'x'.repeat(121) })).status).toBe(400)
  })
})
