import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { products } from '../catalog'
import { reconcile } from '../ledger'
import { paidOrder, walletOf } from '../payments/testing'
import { addToCart, buyer, checkout, shop } from './testing'

let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp({ listen: true })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

/** 5 % commission, rounded half up. */
const commissionOf = (amount: number) => Math.floor((amount * 500 + 5_000) / 10_000)

/** Three 100.00 cushions bought from a new buyer's wallet (300.00 + 30.00 delivery), held in escrow. */
async function paid() {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 10 })
  const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { quantity: 3, funds: 50_000 })
  return { s, me, orderId, totalMinor, productId: product.id }
}

const cancel = (user: TestUser, orderId: string, quantity: number, options: { reason?: string; key?: string } = {}) =>
  client(t, user)
    .api.v1.orders({ id: orderId })
    ['cancel-items'].post({ items: [{ position: 0, quantity }], ...(options.reason === undefined ? {} : { reason: options.reason }) }, { headers: { ...user.auth, 'idempotency-key': options.key ?? randomUUID() } })
const stockOf = async (productId: string) => (await t.ctx.database.db.select({ stock: products.stock }).from(products).where(eq(products.id, productId)))[0]!.stock
const escrowOf = async (user: TestUser, orderId: string) => (await client(t, user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!

describe('cancelling some items', () => {
  it('refunds their price exactly, returns their stock, says so in the timeline, and the rest ships and is released less commission on it alone', async () => {
    const { s, me, orderId, totalMinor, productId } = await paid()
    const wallet = (await walletOf(t, me.user)).availableMinor
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    const done = await cancel(s.owner, orderId, 1, { reason: 'One is out of stock' })
    expect(done.status).toBe(200)
    expect(done.data!.items[0]).toMatchObject({ quantity: 3, cancelledQuantity: 1 })
    expect(done.data!.cancelledMinor).toBe(10_000)
    // Lists say it too: the items kept and what the cancelled ones were worth.
    const [row] = (await client(t, me.user).api.v1.orders.get({ query: {} })).data!.items
    expect(row).toMatchObject({ id: orderId, itemCount: 2, cancelledMinor: 10_000, totalMinor })
    expect(done.data!.timeline.at(-1)).toMatchObject({ kind: 'items_cancelled', from: 'accepted', to: 'accepted', by: 'vendor', note: expect.stringContaining('Cancelled 1 × ') })
    expect((await walletOf(t, me.user)).availableMinor).toBe(wallet + 10_000)
    expect(await stockOf(productId)).toBe(10 - 3 + 1)
    expect(await escrowOf(me.user, orderId)).toMatchObject({ state: 'held', amountMinor: totalMinor - 10_000 })
    for (const step of ['ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(totalMinor - 10_000 - commissionOf(totalMinor - 10_000))
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })

  it('is the buyer’s before the shop accepts, the shop’s (with a reason) until it ships; nobody else’s', async () => {
    const { s, me, orderId } = await paid()
    const stranger = await signUpAndSignIn(t)
    expect((await cancel(stranger, orderId, 1)).status).toBe(404)
    expect((await cancel(s.owner, orderId, 1)).status).toBe(400)
    expect((await cancel(me.user, orderId, 1)).status).toBe(200)
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    expect((await cancel(me.user, orderId, 1)).status).toBe(409)
    expect((await cancel(admin, orderId, 1, { reason: 'Fraud check' })).status).toBe(200)
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).ship.post()).status).toBe(200)
    expect((await cancel(s.owner, orderId, 1, { reason: 'Too late' })).status).toBe(409)
  })

  it('refuses more than is left, and every item left (cancel the order instead), moving nothing', async () => {
    const { me, orderId, productId } = await paid()
    const wallet = (await walletOf(t, me.user)).availableMinor
    const tooMany = await cancel(me.user, orderId, 4)
    expect(tooMany.status).toBe(400)
    expect(tooMany.error!.value).toMatchObject({ error: { details: [{ field: 'body.items.0.quantity', message: 'must be at most 3' }] } })
    expect((await cancel(me.user, orderId, 3)).status).toBe(400)
    expect((await walletOf(t, me.user)).availableMinor).toBe(wallet)
    expect(await stockOf(productId)).toBe(7)
  })

  it('cancels once per key, however often it is retried at once; the same key for another request is a 422', async () => {
    const { me, orderId, productId } = await paid()
    const wallet = (await walletOf(t, me.user)).availableMinor
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 5 }, () => cancel(me.user, orderId, 1, { key })))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect((await walletOf(t, me.user)).availableMinor).toBe(wallet + 10_000)
    expect(await stockOf(productId)).toBe(8)
    expect((await cancel(me.user, orderId, 2, { key })).status).toBe(422)
  })

  it('never cancels more than was bought when different requests race', async () => {
    const { me, orderId, totalMinor } = await paid()
    const wallet = (await walletOf(t, me.user)).availableMinor
    const answers = await Promise.all(Array.from({ length: 4 }, () => cancel(me.user, orderId, 2)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400])
    expect((await walletOf(t, me.user)).availableMinor).toBe(wallet + 20_000)
    // Then the order itself: only what is left comes back.
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(200)
    expect((await walletOf(t, me.user)).availableMinor).toBe(wallet + totalMinor)
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })

  it('gives the stock of a whole cancellation back once, after items were cancelled one by one', async () => {
    const { me, orderId, productId } = await paid()
    expect((await cancel(me.user, orderId, 1)).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(200)
    expect(await stockOf(productId)).toBe(10)
  })

  it('cancels a whole line of an order with others, which then ships without it', async () => {
    const s = await shop(t)
    const lamp = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 10 })
    const vase = await makeProduct(t, s.owner, { categoryId, priceMinor: 5_000, stock: 10 })
    const me = await buyer(t)
    await addToCart(t, me.user, lamp.id, 1)
    await addToCart(t, me.user, vase.id, 2)
    const placed = await checkout(t, me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    const order = placed.data!.orders[0]!
    const detail = (await client(t, me.user).api.v1.orders({ id: order.id }).get()).data!
    const lampLine = detail.items.find((item) => item.productId === lamp.id)!
    const done = await client(t, me.user)
      .api.v1.orders({ id: order.id })
      ['cancel-items'].post({ items: [{ position: lampLine.position, quantity: 1 }] }, { headers: { ...me.user.auth, 'idempotency-key': randomUUID() } })
    expect(done.status).toBe(200)
    expect(done.data!.cancelledMinor).toBe(10_000)
    expect(await stockOf(lamp.id)).toBe(10)
    expect((await client(t, s.owner).api.v1.sales({ id: order.id }).accept.post()).status).toBe(200)
    const parcel = await client(t, s.owner).api.v1.sales({ id: order.id }).shipments.post({ carrier: 'amana', trackingNumber: 'RR123456789MA' })
    expect(parcel.status).toBe(201)
    expect(parcel.data!.items).toEqual([{ position: expect.any(Number), title: expect.any(String), quantity: 2 }])
  })

  it('refuses to cancel items while a dispute holds the payment', async () => {
    const { s, me, orderId } = await paid()
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).disputes.post({ reason: 'other', description: 'Wrong size ordered' })).status).toBe(201)
    const refused = await cancel(s.owner, orderId, 1, { reason: 'Out of stock' })
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
  })

  it('moves no money for an order paid on delivery: it costs less', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 10 })
    const me = await buyer(t)
    await addToCart(t, me.user, product.id, 2)
    const placed = await checkout(t, me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    expect(placed.status).toBe(201)
    const orderId = placed.data!.orders[0]!.id
    const done = await cancel(me.user, orderId, 1)
    expect(done.status).toBe(200)
    expect(done.data).toMatchObject({ totalMinor: 23_000, cancelledMinor: 10_000 })
    expect((await walletOf(t, me.user)).availableMinor).toBe(0)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(0)
    expect(await stockOf(product.id)).toBe(9)
  })
})
