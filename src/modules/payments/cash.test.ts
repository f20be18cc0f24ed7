import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { events } from '../../events/table'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { ledgerTransfers, reconcile } from '../ledger'
import { vendors } from '../vendors'
import { placeOrder, shop as newShop, type TestShop } from '../orders/testing'
import { cashSettlements } from './table'
import { deposit, paidOrder, walletOf } from './testing'

let t: TestApp
let admin: TestUser
let categoryId: string
const clock = new ManualClock()
const commissionOf = (minor: number, bp = 500) => Math.floor((minor * bp + 5_000) / 10_000)

beforeAll(async () => {
  t = await createTestApp({ listen: true, clock })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

/** A cash-on-delivery order of a new shop, moved by the shop through `steps`. */
async function codOrder(steps: readonly ('accept' | 'ship' | 'deliver')[], s?: TestShop) {
  const shop = s ?? (await newShop(t))
  const product = await makeProduct(t, shop.owner, { categoryId, priceMinor: 20_000, stock: 5 })
  const placed = await placeOrder(t, shop, product.id)
  for (const step of steps) expect((await client(t, shop.owner).api.v1.sales({ id: placed.orderId })[step].post()).status).toBe(200)
  const order = await client(t, shop.owner).api.v1.orders({ id: placed.orderId }).get()
  return { s: shop, ...placed, totalMinor: order.data!.totalMinor }
}

const collect = (user: TestUser, orderId: string) => client(t, user).api.v1.sales({ id: orderId })['cash-collected'].post()
const moneyOf = (orderId: string) => t.ctx.database.db.select().from(ledgerTransfers).where(eq(ledgerTransfers.ref, `order:${orderId}`))
const orderEvents = (orderId: string) => t.ctx.database.db.select().from(events).where(and(eq(events.topic, `order:${orderId}`), eq(events.kind, 'order.payment'))).orderBy(events.id)

describe('cash on delivery: the shop marks the cash collected', () => {
  it('takes the commission from the shop’s wallet once, even under concurrent repeats, and the ledger reconciles', async () => {
    const { s, orderId, totalMinor } = await codOrder(['accept', 'ship', 'deliver'])
    await deposit(t, s.owner, 10_000)
    const before = await collect(s.owner, orderId)
    expect(before.status).toBe(200)
    const commission = commissionOf(totalMinor)
    expect(before.data!.cash).toMatchObject({ state: 'collected', amountMinor: totalMinor, commissionMinor: commission, canCollect: false })
    const repeats = await Promise.all([collect(s.owner, orderId), collect(s.owner, orderId), collect(s.owner, orderId)])
    for (const repeat of repeats) expect(repeat.status).toBe(200)
    const moved = (await moneyOf(orderId)).filter((row) => row.kind === 'commission')
    expect(moved).toHaveLength(1)
    expect(moved[0]).toMatchObject({ key: `cod-commission:${orderId}`, amountMinor: commission })
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: 10_000 - commission })
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
    const earnings = await client(t, s.owner).api.v1.me.earnings.get()
    expect(earnings.data!.currencies.find((c) => c.currency === 'MAD')).toMatchObject({ cashCollectedMinor: totalMinor, commissionMinor: commission })
    expect((await orderEvents(orderId)).map((row) => row.data)).toEqual([expect.objectContaining({ orderId, change: 'cash_collected' })])
  })

  it('lets concurrent first tries through exactly once', async () => {
    const { s, orderId, totalMinor } = await codOrder(['accept', 'ship', 'deliver'])
    await deposit(t, s.owner, 5_000)
    const answers = await Promise.all(Array.from({ length: 5 }, () => collect(s.owner, orderId)))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect((await moneyOf(orderId)).filter((row) => row.kind === 'commission')).toHaveLength(1)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(5_000 - commissionOf(totalMinor))
  })

  it('charges the rate of the shop when the order was delivered, not a later one', async () => {
    const { s, orderId, totalMinor } = await codOrder(['accept', 'ship', 'deliver'])
    await t.ctx.database.db.update(vendors).set({ commissionBp: 1_000 }).where(eq(vendors.id, s.vendor.id))
    await deposit(t, s.owner, 5_000)
    expect((await collect(s.owner, orderId)).data!.cash!.commissionMinor).toBe(commissionOf(totalMinor, 500))
    const [row] = await t.ctx.database.db.select().from(cashSettlements).where(eq(cashSettlements.orderId, orderId))
    expect(row).toMatchObject({ commissionBp: 500, amountMinor: totalMinor, collectedBy: s.owner.id })
  })

  it('refuses a shop short of funds with 409 insufficient_funds, moving nothing; it settles once the shop adds money', async () => {
    const { s, orderId, totalMinor } = await codOrder(['accept', 'ship', 'deliver'])
    const refused = await collect(s.owner, orderId)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { type: 'conflict', details: { reason: 'insufficient_funds' } } })
    expect(await moneyOf(orderId)).toHaveLength(0)
    expect((await client(t, s.owner).api.v1.orders({ id: orderId }).payment.get()).data!.cash).toMatchObject({ state: 'due', canCollect: true })
    await deposit(t, s.owner, 2_500)
    expect((await collect(s.owner, orderId)).status).toBe(200)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(2_500 - commissionOf(totalMinor))
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
  })

  it('is refused before delivery (409), to the buyer (403) and to others (404), and lets an admin take it', async () => {
    const { s, me, orderId } = await codOrder(['accept', 'ship'])
    const early = await collect(s.owner, orderId)
    expect(early.status).toBe(409)
    expect(early.error!.value).toMatchObject({ error: { details: { status: 'shipped', step: 'cash_collected' } } })
    expect((await client(t, s.owner).api.v1.orders({ id: orderId }).payment.get()).data!.cash).toMatchObject({ state: 'due', canCollect: false })
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).deliver.post()).status).toBe(200)
    expect((await collect(me.user, orderId)).status).toBe(403)
    const stranger = await signUpAndSignIn(t)
    expect((await collect(stranger, orderId)).status).toBe(404)
    const other = await newShop(t)
    expect((await collect(other.owner, orderId)).status).toBe(404)
    await deposit(t, s.owner, 2_000)
    const byAdmin = await collect(admin, orderId)
    expect(byAdmin.status).toBe(200)
    expect(byAdmin.data!.cash).toMatchObject({ state: 'collected' })
  })

  /** The buyer returns one item and the shop takes it back: refunded from the shop's wallet. */
  async function returnOne(s: TestShop, buyer: TestUser, orderId: string) {
    const asked = await client(t, buyer).api.v1.orders({ id: orderId }).returns.post({ items: [{ position: 0, quantity: 1 }], reason: 'defective', description: 'The lid is cracked' })
    expect(asked.status).toBe(201)
    const id = asked.data!.id
    expect((await client(t, s.owner).api.v1.returns({ id }).approve.post({ instructions: 'Send it to 12 Rue Souk, Fes' })).status).toBe(200)
    expect((await client(t, buyer).api.v1.returns({ id }).sent.post({ note: 'Amana 123' })).status).toBe(200)
    expect((await client(t, s.owner).api.v1.returns({ id }).received.post()).status).toBe(200)
  }

  it('gives the commission on a returned item back to the shop once the cash was collected, and charges none on it before', async () => {
    // Two orders of two jars each: 400.00 and 30.00 of delivery.
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 10 })
    await deposit(t, s.owner, 60_000)
    const after = await placeOrder(t, s, product.id, 2)
    const before = await placeOrder(t, s, product.id, 2)
    for (const { orderId } of [after, before]) for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    const total = (await client(t, s.owner).api.v1.orders({ id: after.orderId }).get()).data!.totalMinor

    // Collected, then one jar returned: the commission on 200.00 goes back to the shop.
    expect((await collect(s.owner, after.orderId)).data!.cash!.commissionMinor).toBe(commissionOf(total))
    await returnOne(s, after.me.user, after.orderId)
    expect((await client(t, s.owner).api.v1.orders({ id: after.orderId }).payment.get()).data!.cash).toMatchObject({ state: 'collected', amountMinor: total, commissionMinor: commissionOf(total) - commissionOf(20_000) })

    // Returned before the cash is marked collected: charged on what the shop kept.
    await returnOne(s, before.me.user, before.orderId)
    expect((await collect(s.owner, before.orderId)).data!.cash!.commissionMinor).toBe(commissionOf(total - 20_000))

    const charged = commissionOf(total) - commissionOf(20_000) + commissionOf(total - 20_000)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(60_000 - 2 * 20_000 - charged)
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
  })

  it('is a 409 for an order paid by wallet (its money is settled through escrow)', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { orderId } = await paidOrder(t, s, product.id, { funds: 20_000 })
    for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    const refused = await collect(s.owner, orderId)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { status: 'wallet', step: 'cash_collected' } } })
    expect((await client(t, s.owner).api.v1.orders({ id: orderId }).payment.get()).data!.cash).toBeNull()
  })
})

describe('wallet payments', () => {
  it('notify the buyer (and email them) that the payment was received, as a card payment does', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { me } = await paidOrder(t, s, product.id, { funds: 20_000 })
    const list = await client(t, me.user).api.v1.notifications.get()
    expect(JSON.stringify(list.data)).toContain('received: held until you confirm receipt')
    await waitFor(async () => (await fetch(`${t.ctx.config.publicUrl}/api/v1/dev/mail?to=${encodeURIComponent(me.user.email)}`).then((r) => r.text())).includes('received: held until you confirm receipt'), 10_000, 'the email')
  })
})

describe('order.payment on order:<id>', () => {
  it('announces the hold, then the release, on the order’s topic', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, s, product.id, { funds: 20_000 })
    for (const step of ['accept', 'ship'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    expect((await orderEvents(orderId)).map((row) => (row.data as { change: string }).change)).toEqual(['held', 'released'])
  })

  it('announces a refund when a paid order is cancelled', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, s, product.id, { funds: 20_000 })
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(200)
    expect((await orderEvents(orderId)).map((row) => (row.data as { change: string }).change)).toEqual(['held', 'refunded'])
  })
})
