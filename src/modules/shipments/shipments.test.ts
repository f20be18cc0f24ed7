import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { events } from '../../events/table'
import { signPayload } from '../../lib/webhook-signature'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { addToCart, buyer, checkout, shop, type TestShop } from '../orders/testing'
import { paidOrder } from '../payments/testing'

let t: TestApp
let categoryId: string

beforeAll(async () => {
  t = await createTestApp({ listen: true })
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

/** An accepted cash-on-delivery order of two products (2 lamps, 1 rug) of a new shop. */
async function acceptedOrder(s?: TestShop): Promise<{ s: TestShop; me: Awaited<ReturnType<typeof buyer>>; orderId: string }> {
  s ??= await shop(t)
  const lamp = await makeProduct(t, s.owner, { categoryId, priceMinor: 5_000, stock: 10 })
  const rug = await makeProduct(t, s.owner, { categoryId, priceMinor: 9_000, stock: 10 })
  const me = await buyer(t)
  await addToCart(t, me.user, lamp.id, 2)
  await addToCart(t, me.user, rug.id, 1)
  const placed = await checkout(t, me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
  const orderId = placed.data!.orders[0]!.id
  expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
  return { s, me, orderId }
}

/** POST /sales/:id/shipments with a body as a client might send it (the typed client checks shapes, these tests check the server). */
const ship = (user: TestUser, orderId: string, body: Record<string, unknown>) => client(t, user).api.v1.sales({ id: orderId }).shipments.post(body as never)
const setStatus = (user: TestUser, shipmentId: string, status: string, note?: string) => client(t, user).api.v1.shipments({ id: shipmentId }).patch({ status: status as never, ...(note === undefined ? {} : { note }) })
const orderStatus = async (user: TestUser, orderId: string) => (await client(t, user).api.v1.orders({ id: orderId }).get()).data!.status

describe('shipments', () => {
  it('ships an order in two parcels with tracking: the first ships the order, the last one delivered delivers it', async () => {
    const { s, me, orderId } = await acceptedOrder()
    const first = await ship(s.owner, orderId, { items: [{ position: 0, quantity: 1 }], carrier: 'dhl', trackingNumber: 'JD0146 0000 1234', estimatedDelivery: '2026-12-10' })
    expect(first.status).toBe(201)
    expect(first.data).toMatchObject({ carrier: 'dhl', carrierName: 'DHL Express', status: 'pending', trackingUrl: expect.stringContaining('JD0146%200000%201234'), items: [{ position: 0, quantity: 1 }] })
    expect(await orderStatus(me.user, orderId)).toBe('shipped')

    // More than is left is refused beside the item; the rest goes in a second parcel.
    const tooMany = await ship(s.owner, orderId, { items: [{ position: 0, quantity: 2 }], carrier: 'aramex', trackingNumber: 'ARX-998877' })
    expect(tooMany.status).toBe(400)
    expect(tooMany.error!.value).toMatchObject({ error: { details: [{ field: 'body.items.0.quantity', message: 'at most 1 left to ship' }] } })
    const second = await ship(s.owner, orderId, { carrier: 'other', carrierName: 'Souk Express', trackingUrl: 'https://track.example/SX1', trackingNumber: 'SX1-0001' })
    expect(second.data!.items).toEqual([
      { position: 0, title: expect.any(String), quantity: 1 },
      { position: 1, title: expect.any(String), quantity: 1 },
    ])
    expect((await ship(s.owner, orderId, {})).status).toBe(409)

    const listed = await client(t, me.user).api.v1.orders({ id: orderId }).shipments.get()
    expect(listed.data!.unshipped).toEqual([])
    expect(listed.data!.items.map((p) => p.next)).toEqual([[], []])

    for (const status of ['in_transit', 'out_for_delivery', 'delivered']) expect((await setStatus(s.owner, first.data!.id, status)).status).toBe(200)
    expect(await orderStatus(me.user, orderId)).toBe('shipped')
    // Not from pending straight to delivered... then along.
    expect((await setStatus(s.owner, second.data!.id, 'out_for_delivery')).status).toBe(409)
    expect((await setStatus(s.owner, second.data!.id, 'in_transit', 'Left the warehouse')).status).toBe(200)
    const done = await setStatus(s.owner, second.data!.id, 'delivered')
    expect(done.data!.history.map((h) => [h.status, h.by])).toEqual([
      ['pending', 'shop'],
      ['in_transit', 'shop'],
      ['delivered', 'shop'],
    ])
    expect(await orderStatus(me.user, orderId)).toBe('delivered')
    // A delivered parcel is final; a completed order's parcels are history.
    expect((await setStatus(s.owner, second.data!.id, 'failed')).status).toBe(409)
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    const late = await setStatus(s.owner, first.data!.id, 'returned_to_sender')
    expect(late.status).toBe(409)
    expect(late.error!.value).toMatchObject({ error: { message: expect.stringContaining('its order is completed') } })

    // Live on the order's topic, and told to the buyer.
    const kinds = await t.ctx.database.db.select({ kind: events.kind }).from(events).where(eq(events.topic, `order:${orderId}`))
    expect(kinds.filter((e) => e.kind === 'shipment.updated')).toHaveLength(7)
    const notices = await client(t, me.user).api.v1.notifications.get({ query: {} })
    expect(notices.data!.items.some((n) => n.text.startsWith('Your parcel was delivered'))).toBe(true)

    // Each parcel's step is on the order's timeline too, for both sides, before the move it causes.
    const timeline = (await client(t, s.owner).api.v1.orders({ id: orderId }).get()).data!.timeline
    expect(timeline.filter((entry) => entry.kind !== 'status' || entry.from !== null).map((entry) => [entry.kind, entry.kind === 'status' ? entry.to : entry.note])).toEqual([
      ['status', 'accepted'],
      ['shipment', 'Parcel prepared: DHL Express JD0146 0000 1234'],
      ['status', 'shipped'],
      ['shipment', 'Parcel prepared: Souk Express SX1-0001'],
      ['shipment', 'Parcel in transit (JD0146 0000 1234)'],
      ['shipment', 'Parcel out for delivery (JD0146 0000 1234)'],
      ['shipment', 'Parcel delivered (JD0146 0000 1234)'],
      ['shipment', 'Parcel in transit (SX1-0001): Left the warehouse'],
      ['shipment', 'Parcel delivered (SX1-0001)'],
      ['status', 'delivered'],
      ['status', 'completed'],
    ])
  })

  it('lets only the order’s shop and admins ship and update; the buyer is refused, anyone else does not see it', async () => {
    const { s, me, orderId } = await acceptedOrder()
    const stranger = await signUpAndSignIn(t)
    const otherShop = await shop(t)
    expect((await ship(me.user, orderId, {})).status).toBe(403)
    expect((await ship(stranger, orderId, {})).status).toBe(404)
    expect((await ship(otherShop.owner, orderId, {})).status).toBe(404)
    expect((await client(t, stranger).api.v1.orders({ id: orderId }).shipments.get()).status).toBe(404)
    const parcel = (await ship(s.owner, orderId, { carrier: 'ups', trackingNumber: `1Z${randomUUID().slice(0, 8)}` })).data!
    expect((await setStatus(me.user, parcel.id, 'in_transit')).status).toBe(403)
    expect((await setStatus(otherShop.owner, parcel.id, 'in_transit')).status).toBe(404)
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const moved = await setStatus(admin, parcel.id, 'in_transit')
    expect(moved.data!.history.at(-1)!.by).toBe('admin')
    // A placed (not accepted) order is not shipped yet.
    const fresh = await buyer(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 1_000, stock: 5 })
    await addToCart(t, fresh.user, product.id, 1)
    const placed = await checkout(t, fresh.user, { shippingAddressId: fresh.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    expect((await ship(s.owner, placed.data!.orders[0]!.id, {})).status).toBe(409)
    // Another parcel of one carrier with the same tracking number is a 409, not a 500.
    const again = await acceptedOrder(s)
    const taken = await ship(s.owner, again.orderId, { carrier: 'ups', trackingNumber: parcel.trackingNumber! })
    expect(taken.status).toBe(409)
    expect(taken.error!.value).toMatchObject({ error: { details: [{ field: 'body.trackingNumber' }] } })
  })

  it('makes a pickup order’s parcel ready to collect, then picked up: the order is delivered and its escrow clock starts', async () => {
    const s = await shop(t)
    const options = await client(t, s.owner).api.v1.me.shop['shipping-options'].put({ currency: 'MAD', options: [{ name: 'Collect at the shop', priceMinor: 0, handlingDays: 1, pickup: true }] })
    const pickupShop = { ...s, optionId: options.data!.items[0]!.id }
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, pickupShop, product.id, { funds: 20_000 })
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    const parcel = await ship(s.owner, orderId, { carrier: 'dhl', trackingNumber: 'IGNORED-1' })
    expect(parcel.data).toMatchObject({ carrier: 'pickup', status: 'ready_for_pickup', trackingNumber: null, next: ['picked_up'] })
    expect((await setStatus(s.owner, parcel.data!.id, 'picked_up')).status).toBe(200)
    expect(await orderStatus(me.user, orderId)).toBe('delivered')
    const escrow = (await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!
    expect(escrow.state).toBe('held')
    expect(escrow.releaseAfter).not.toBeNull()
  })
})

describe('carrier webhooks', () => {
  const deliver = (carrier: string, body: string, secret = t.ctx.config.secrets.CARRIER_WEBHOOK_SECRET, signedAt = new Date()) =>
    fetch(`${t.ctx.config.publicUrl}/api/v1/shipments/webhooks/${carrier}`, { method: 'POST', headers: { 'content-type': 'application/json', 'souk-signature': signPayload(secret, body, signedAt) }, body })

  it('moves a parcel on the carrier’s signed news, once per event; the last delivery delivers the order', async () => {
    const { s, me, orderId } = await acceptedOrder()
    const tracking = `JD${randomUUID().replaceAll('-', '').slice(0, 12)}`
    expect((await ship(s.owner, orderId, { carrier: 'dhl', trackingNumber: tracking })).status).toBe(201)
    const event = (status: string) => JSON.stringify({ id: `dhl-${randomUUID()}`, trackingNumber: tracking, status, occurredAt: new Date().toISOString() })

    const moving = event('in_transit')
    const first = await deliver('dhl', moving)
    expect(await first.json()).toEqual({ applied: true })
    expect(await (await deliver('dhl', moving)).json()).toEqual({ applied: false })
    // News that cannot follow (back to pending) is acknowledged and left.
    expect(await (await deliver('dhl', event('pending'))).json()).toEqual({ applied: false })
    expect(await (await deliver('dhl', event('delivered'))).json()).toEqual({ applied: true })
    const listed = (await client(t, me.user).api.v1.orders({ id: orderId }).shipments.get()).data!.items[0]!
    expect(listed.history.map((h) => [h.status, h.by])).toEqual([
      ['pending', 'shop'],
      ['in_transit', 'carrier'],
      ['delivered', 'carrier'],
    ])
    expect(await orderStatus(me.user, orderId)).toBe('delivered')
    const timeline = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.timeline
    expect(timeline.at(-1)).toMatchObject({ to: 'delivered', by: 'system' })
  })

  it('refuses a bad or stale signature (401), an unknown carrier or tracking number (404), a malformed body (400)', async () => {
    const body = JSON.stringify({ id: 'x-1', trackingNumber: 'NOPE-0000', status: 'in_transit', occurredAt: new Date().toISOString() })
    expect((await deliver('dhl', body, 'a wrong secret of at least thirty-two chars')).status).toBe(401)
    expect((await deliver('dhl', body, undefined, new Date(Date.now() - 400_000))).status).toBe(401)
    expect((await deliver('pigeon', body)).status).toBe(404)
    expect((await deliver('dhl', body)).status).toBe(404)
    expect((await deliver('dhl', '{"id":1}')).status).toBe(400)
  })
})
