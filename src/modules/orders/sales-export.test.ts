import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import type { CatalogModel } from '../catalog'
import { placeOrder, shop } from './testing'

// With the queue: the export is a job (and sign-up mail goes through it too, so this file signs few people up).
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
    expect(lines[0]).toStartWith('invoice,order,placed_at,status,buyer')
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(invoices)
    expect((await t.request(job.result!.download!.url, { headers: admin.auth })).status).toBe(404)
    // A buyer has no shop to export.
    expect((await client(t, await signUpAndSignIn(t)).api.v1.me.sales.export.post({})).status).toBe(403)
  })
})
