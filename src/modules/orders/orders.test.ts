import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { products, takeStock } from '../catalog'
import type { CatalogModel } from '../catalog'
import { expireHolds, ORDER_HOLD_MS } from './service/orders'
import { orderGroups, orders } from './table'
import { addToCart as add, buyer as newBuyer, checkout as place, placeOrder, shop as newShop } from './testing'

let t: TestApp
let admin: TestUser
let home: CatalogModel.Category
let rugs: CatalogModel.Category

const shop = () => newShop(t)
const buyer = () => newBuyer(t)
const addToCart = (user: TestUser, productId: string, quantity: number) => add(t, user, productId, quantity)
const checkout = (user: TestUser, body: Parameters<typeof place>[2], key?: string) => place(t, user, body, key)

const stockOf = async (productId: string) => (await t.ctx.database.db.select({ stock: products.stock }).from(products).where(eq(products.id, productId)))[0]!.stock

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  const made = await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })
  home = made.data!
  rugs = (await client(t, admin).api.v1.admin.categories.post({ name: 'Rugs', slug: 'rugs', parentId: home.id })).data!
}, 60_000)
afterAll(() => t.close())

describe('checkout', () => {
  it('splits a cart of two shops into one group and one order per shop, with TVA per category and shipping per shop, ignoring client totals', async () => {
    const [a, b] = [await shop(), await shop()]
    // Rugs carry 10 %, inherited by nothing else here; the rest takes the 20 % default.
    expect((await client(t, admin).api.v1.admin.categories({ id: rugs.id })['tax-rate'].put({ rateBp: 1_000 })).status).toBe(200)
    const rug = await makeProduct(t, a.owner, { categoryId: rugs.id, priceMinor: 110_000, stock: 5 })
    const lamp = await makeProduct(t, b.owner, { categoryId: home.id, priceMinor: 12_000, stock: 5 })
    const me = await buyer()
    await addToCart(me.user, rug.id, 1)
    await addToCart(me.user, lamp.id, 2)

    const shipping = [
      { vendorId: a.vendor.id, optionId: a.optionId },
      { vendorId: b.vendor.id, optionId: b.optionId },
    ]
    const quote = await client(t, me.user).api.v1.checkout.quote.post({ shippingAddressId: me.addressId, shipping })
    expect(quote.data!.problems).toEqual([])
    // Rug: 1,100.00 at 10 % holds 100.00, shipping free above 500.00. Lamps: 240.00 at 20 % holds 40.00, shipping 30.00.
    expect(quote.data!.tva).toEqual([
      { rateBp: 2_000, baseMinor: 20_000, tvaMinor: 4_000 },
      { rateBp: 1_000, baseMinor: 100_000, tvaMinor: 10_000 },
    ])
    expect({ items: quote.data!.itemsMinor, shipping: quote.data!.shippingMinor, total: quote.data!.totalMinor }).toEqual({ items: 134_000, shipping: 3_000, total: 137_000 })

    const placed = await client(t, me.user).api.v1.checkout.post(
      { shippingAddressId: me.addressId, shipping, paymentMethod: 'cash_on_delivery', totalMinor: 1 } as never,
      { headers: { ...me.user.auth, 'idempotency-key': randomUUID() } },
    )
    expect(placed.status).toBe(201)
    expect(placed.data!.totalMinor).toBe(137_000)
    expect(placed.data!.orders.map((o) => [o.vendor.id, o.status, o.totalMinor]).sort()).toEqual(
      [
        [a.vendor.id, 'placed', 110_000],
        [b.vendor.id, 'placed', 27_000],
      ].sort(),
    )
    const rugOrder = placed.data!.orders.find((o) => o.vendor.id === a.vendor.id)!
    const detail = await client(t, me.user).api.v1.orders({ id: rugOrder.id }).get()
    expect(detail.data!.items).toEqual([expect.objectContaining({ productId: rug.id, unitPriceMinor: 110_000, quantity: 1, tvaRateBp: 1_000, tvaMinor: 10_000 })])
    expect(detail.data!.shippingAddress).toEqual(expect.objectContaining({ city: 'Rabat', postalCode: '10030' }))
    expect(detail.data!.invoiceNumber).toBe(`${a.vendor.slug.toUpperCase()}-${new Date().getUTCFullYear()}-000001`)
    expect(detail.data!.timeline).toEqual([expect.objectContaining({ from: null, to: 'placed', by: 'buyer' })])
    expect(detail.data!.actions).toEqual(['cancel'])
    // The stock is taken and the cart emptied.
    expect([await stockOf(rug.id), await stockOf(lamp.id)]).toEqual([4, 3])
    expect((await client(t, me.user).api.v1.cart.get()).data!.lines).toEqual([])
  })

  it('never oversells: 200 buyers of the last 10 units get exactly 10 orders, the others a clean 409 naming what is left', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 10 })
    const buyers = await Promise.all(Array.from({ length: 200 }, () => buyer()))
    for (const b of buyers) await addToCart(b.user, product.id, 1)
    const answers = await Promise.all(buyers.map((b) => checkout(b.user, { shippingAddressId: b.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10)
    const refused = answers.filter((a) => a.status !== 201)
    expect(refused.map((a) => a.status)).toEqual(Array(190).fill(409))
    for (const answer of refused) {
      expect((answer.error!.value as { error: { details: { problems: { kind: string; available: number }[] } } }).error.details.problems).toEqual([
        expect.objectContaining({ kind: 'short', productId: product.id, available: 0 }),
      ])
    }
    expect(await stockOf(product.id)).toBe(0)
    // Invoice numbers of the shop follow each other without a gap.
    const numbers = (await t.ctx.database.db.select({ n: orders.invoiceNumber }).from(orders).where(eq(orders.vendorId, s.vendor.id))).map((r) => Number(r.n.split('-').at(-1)))
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
  }, 60_000)

  it('takes lines of one product together: two lines of 6 on a stock of 10 are short, not both taken', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 10 })
    // Short, it changes nothing (the caller would roll back anyway).
    const { shortages } = await t.ctx.database.db.transaction((tx) =>
      takeStock(tx, [{ productId: product.id, quantity: 6 }, { productId: product.id, quantity: 6 }], new Date()),
    )
    expect(shortages).toEqual([{ productId: product.id, requested: 12, available: 10 }])
    expect(await stockOf(product.id)).toBe(10)
  })

  it('is all or nothing across shops: one shop’s item sold out meanwhile leaves the other shop’s stock and the cart as they were', async () => {
    const [a, b] = [await shop(), await shop()]
    const plenty = await makeProduct(t, a.owner, { categoryId: home.id, stock: 5 })
    const last = await makeProduct(t, b.owner, { categoryId: home.id, stock: 1 })
    const [me, rival] = [await buyer(), await buyer()]
    await addToCart(me.user, plenty.id, 2)
    await addToCart(me.user, last.id, 1)
    await addToCart(rival.user, last.id, 1)
    expect((await checkout(rival.user, { shippingAddressId: rival.addressId, shipping: [{ vendorId: b.vendor.id, optionId: b.optionId }] })).status).toBe(201)
    const shipping = [
      { vendorId: a.vendor.id, optionId: a.optionId },
      { vendorId: b.vendor.id, optionId: b.optionId },
    ]
    const refused = await checkout(me.user, { shippingAddressId: me.addressId, shipping })
    expect(refused.status).toBe(409)
    expect([await stockOf(plenty.id), await stockOf(last.id)]).toEqual([5, 0])
    expect((await client(t, me.user).api.v1.cart.get()).data!.lines).toHaveLength(2)
    expect((await client(t, me.user).api.v1.orders.get({ query: {} })).data!.items).toEqual([])
  })
  it('lets two shop owners buy from each other at the same moment, repeatedly, without a deadlock', async () => {
    const [a, b] = [await shop(), await shop()]
    const fromA = await makeProduct(t, a.owner, { categoryId: home.id, stock: 100 })
    const fromB = await makeProduct(t, b.owner, { categoryId: home.id, stock: 100 })
    const address = async (user: TestUser) =>
      (await client(t, user).api.v1.me.addresses.post({ fullName: 'Shop Owner', phone: '+216 71 000 000', line1: '1 Rue de Marseille', city: 'Tunis', region: 'Tunis', postalCode: '1001', country: 'TN' })).data!.id
    const [aAddress, bAddress] = [await address(a.owner), await address(b.owner)]
    for (let round = 0; round < 5; round++) {
      await addToCart(a.owner, fromB.id, 1)
      await addToCart(b.owner, fromA.id, 1)
      const answers = await Promise.all([
        checkout(a.owner, { shippingAddressId: aAddress, shipping: [{ vendorId: b.vendor.id, optionId: b.optionId }] }),
        checkout(b.owner, { shippingAddressId: bAddress, shipping: [{ vendorId: a.vendor.id, optionId: a.optionId }] }),
      ])
      expect(answers.map((answer) => answer.status)).toEqual([201, 201])
    }
    expect([await stockOf(fromA.id), await stockOf(fromB.id)]).toEqual([95, 95])
  })
})

describe('idempotency', () => {
  it('answers a repeat with the first result, refuses the key with another body (422), and does the work once under 20 concurrent repeats', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 50 })
    const me = await buyer()
    await addToCart(me.user, product.id, 3)
    const body = { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] }
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkout(me.user, body, key)))
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 201])
    expect(new Set(answers.map((a) => a.data!.groupId)).size).toBe(1)
    expect(await t.ctx.database.db.select().from(orderGroups).where(eq(orderGroups.buyerId, me.user.id))).toHaveLength(1)
    expect(await stockOf(product.id)).toBe(47)

    const again = await checkout(me.user, body, key)
    expect(again.status).toBe(200)
    expect(again.data!.orders.map((o) => o.id)).toEqual(answers[0]!.data!.orders.map((o) => o.id))
    const other = await checkout(me.user, { ...body, shipping: [] }, key)
    expect(other.status).toBe(422)
    expect((other.error!.value as { error: { details: unknown } }).error.details).toEqual({ reason: 'idempotency_key_reused' })
    // Without a key: 400, nothing placed.
    const keyless = await client(t, me.user).api.v1.checkout.post({ ...body, paymentMethod: 'cash_on_delivery' }, { headers: me.user.auth as never })
    expect(keyless.status).toBe(400)
  })
})

describe('the order state machine', () => {
  async function placedOrder(stock = 5) {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock })
    const { me, orderId } = await placeOrder(t, s, product.id, 2)
    return { s, product, me, orderId }
  }

  it('lets each side make only its own steps, and gives stock back once on concurrent cancellations', async () => {
    const { s, product, me, orderId } = await placedOrder()
    expect(await stockOf(product.id)).toBe(3)
    // The buyer cannot accept; the shop cannot cancel as the buyer; a stranger sees nothing.
    expect((await client(t, me.user).api.v1.sales({ id: orderId }).accept.post()).status).toBe(403)
    expect((await client(t, s.owner).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(404)
    const stranger = await signUpAndSignIn(t)
    expect((await client(t, stranger).api.v1.orders({ id: orderId }).get()).status).toBe(404)
    const otherShop = await shop()
    expect((await client(t, otherShop.owner).api.v1.orders({ id: orderId }).get()).status).toBe(404)
    expect((await client(t, otherShop.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(404)
    // The shop reads it; admins too.
    expect((await client(t, s.owner).api.v1.orders({ id: orderId }).get()).data!.actions).toEqual(['cancel', 'accept'])
    expect((await client(t, admin).api.v1.orders({ id: orderId }).get()).status).toBe(200)

    const cancels = await Promise.all(Array.from({ length: 5 }, () => client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({ reason: 'Changed my mind' })))
    expect(cancels.map((c) => c.status).sort()).toEqual([200, 409, 409, 409, 409])
    expect(await stockOf(product.id)).toBe(5)
    const order = await client(t, me.user).api.v1.orders({ id: orderId }).get()
    expect(order.data!.status).toBe('cancelled')
    expect(order.data!.timeline.map((e) => [e.to, e.by, e.note])).toEqual([
      ['placed', 'buyer', null],
      ['cancelled', 'buyer', 'Changed my mind'],
    ])
  })

  it('lets a buyer cancel while another checks out the same product from the same shop, repeatedly, without a deadlock', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 100 })
    const other = await buyer()
    for (let round = 0; round < 5; round++) {
      const { me, orderId } = await placeOrder(t, s, product.id, 1)
      await addToCart(other.user, product.id, 1)
      const [cancelled, placed] = await Promise.all([
        client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({}),
        checkout(other.user, { shippingAddressId: other.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] }),
      ])
      expect([cancelled.status, placed.status]).toEqual([200, 201])
    }
    expect(await stockOf(product.id)).toBe(95)
  })

  it('lets the shop accept, after which the buyer may no longer cancel but the shop may, with a reason', async () => {
    const { s, product, me, orderId } = await placedOrder()
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).data!.status).toBe('accepted')
    const late = await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})
    expect(late.status).toBe(409)
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).cancel.post({ reason: 'x' })).status).toBe(400)
    // Blank is no reason, however long.
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).cancel.post({ reason: '     ' })).status).toBe(400)
    const cancelled = await client(t, s.owner).api.v1.sales({ id: orderId }).cancel.post({ reason: 'Damaged in the workshop' })
    expect(cancelled.data!.cancelReason).toBe('Damaged in the workshop')
    expect(await stockOf(product.id)).toBe(5)
    // The buyer was told, in the app.
    const notices = await client(t, me.user).api.v1.notifications.get({ query: {} })
    expect(notices.data!.items.map((n) => n.text)).toContain(`cancelled order ${cancelled.data!.invoiceNumber}: Damaged in the workshop`)
  })

  it('takes chat’s “sale confirmed” step when the shop accepts an order the two were discussing, in the same transaction', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 5 })
    const me = await buyer()
    const conversation = await client(t, me.user).api.v1.conversations.post({ productId: product.id })
    await addToCart(me.user, product.id, 1)
    const placed = await checkout(me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    const orderId = placed.data!.orders[0]!.id
    expect((await client(t, me.user).api.v1.conversations({ id: conversation.data!.id }).get()).data!.transaction).toBe('none')
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.conversations({ id: conversation.data!.id }).get()).data!.transaction).toBe('sale_confirmed')
  })

  it('accepts the placed order when the seller confirms the sale in the chat about its product, in the same transaction', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id, stock: 5 })
    const me = await buyer()
    const conversation = (await client(t, me.user).api.v1.conversations.post({ productId: product.id })).data!
    await addToCart(me.user, product.id, 1)
    const placed = await checkout(me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    const orderId = placed.data!.orders[0]!.id
    expect((await client(t, s.owner).api.v1.conversations({ id: conversation.id })['confirm-sale'].post()).data!.transaction).toBe('sale_confirmed')
    const order = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!
    expect([order.status, order.timeline.at(-1)?.by]).toEqual(['accepted', 'vendor'])
  })

  it('cancels unpaid orders whose hold passed, by the system, giving their stock back, and leaves the others', async () => {
    const { product, me, orderId } = await placedOrder()
    const { orderId: waiting } = await placedOrder()
    // As a later payment method will leave them: unpaid, holding their stock until a time.
    const now = Date.now()
    await t.ctx.database.db.update(orders).set({ status: 'pending_payment', holdUntil: new Date(now - 1_000) }).where(eq(orders.id, orderId))
    await t.ctx.database.db.update(orders).set({ status: 'pending_payment', holdUntil: new Date(now + ORDER_HOLD_MS) }).where(eq(orders.id, waiting))
    expect(await expireHolds(t.services.orders)).toBe(1)
    const expired = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!
    expect([expired.status, expired.timeline.at(-1)?.by, expired.cancelReason]).toEqual(['cancelled', 'system', 'Not paid in time'])
    expect(await stockOf(product.id)).toBe(5)
    expect((await t.ctx.database.db.select({ status: orders.status }).from(orders).where(eq(orders.id, waiting)))[0]!.status).toBe('pending_payment')
    // Nothing more is due.
    expect(await expireHolds(t.services.orders)).toBe(0)
  })

  it('lists a buyer’s orders, a shop’s sales and, for admins, every order found by invoice number', async () => {
    const { s, me, orderId } = await placedOrder()
    expect((await client(t, me.user).api.v1.orders.get({ query: {} })).data!.items.map((o) => o.id)).toEqual([orderId])
    expect((await client(t, s.owner).api.v1.me.sales.get({ query: { status: 'placed' } })).data!.items.map((o) => o.id)).toEqual([orderId])
    const invoice = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.invoiceNumber
    expect((await client(t, admin).api.v1.admin.orders.get({ query: { q: invoice } })).data!.items.map((o) => o.id)).toEqual([orderId])
    expect((await client(t, me.user).api.v1.admin.orders.get({ query: {} })).status).toBe(403)
  })
})
