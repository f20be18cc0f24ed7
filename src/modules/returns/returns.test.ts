import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { phonePhoto } from '../../lib/image-fixtures'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { products } from '../catalog'
import { reconcile } from '../ledger'
import { orderEvents } from '../orders/table'
import { shop } from '../orders/testing'
import { escrows } from '../payments/table'
import { expireUnsentReturns, RETURN_SEND_DAYS } from './service'
import { returns } from './table'
import { deposit, paidOrder, walletOf } from '../payments/testing'

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

/** Two 200.00 lamps (+ 30.00 delivery) bought from the wallet of a new buyer, and delivered. */
async function delivered() {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 10 })
  const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { quantity: 2, funds: 50_000 })
  for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
  return { s, me, orderId, totalMinor, productId: product.id }
}

const ask = (user: TestUser, orderId: string, body: { quantity?: number; reason?: 'defective' | 'wrong_item' | 'not_as_described' | 'changed_mind' | 'other'; position?: number } = {}) =>
  client(t, user)
    .api.v1.orders({ id: orderId })
    .returns.post({ items: [{ position: body.position ?? 0, quantity: body.quantity ?? 1 }], reason: body.reason ?? 'defective', description: 'The switch does not work' })
const returnOf = (id: string) => client(t, admin).api.v1.returns({ id })
const stockOf = async (productId: string) => (await t.ctx.database.db.select({ stock: products.stock }).from(products).where(eq(products.id, productId)))[0]!.stock
const escrowOf = async (user: TestUser, orderId: string) => (await client(t, user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!

/** approve → sent → received, each answered 200. */
async function through(s: { owner: TestUser }, buyer: TestUser, returnId: string) {
  expect((await client(t, s.owner).api.v1.returns({ id: returnId }).approve.post({ instructions: 'Send it to 12 Rue Souk, Fes' })).status).toBe(200)
  expect((await client(t, buyer).api.v1.returns({ id: returnId }).sent.post({ note: 'Amana 123' })).status).toBe(200)
  return client(t, s.owner).api.v1.returns({ id: returnId }).received.post()
}

describe('a return while the payment is held', () => {
  it('freezes the payment, refunds one item exactly on receipt with its stock, and leaves the rest held for the shop', async () => {
    const { s, me, orderId, totalMinor, productId } = await delivered()
    const before = await walletOf(t, me.user)
    const stock = await stockOf(productId)
    const asked = await ask(me.user, orderId)
    expect(asked.status).toBe(201)
    // One of two: not the last items, so the delivery fee stays with the shop whatever the reason.
    expect(asked.data).toMatchObject({ status: 'requested', itemsMinor: 20_000, shippingMinor: 0, refundMinor: 20_000, refundTo: 'wallet', actions: ['add_photo', 'cancel'] })
    expect((await escrowOf(me.user, orderId)).state).toBe('frozen')
    // Frozen: the buyer cannot release it meanwhile.
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(409)

    const received = await through(s, me.user, asked.data!.id)
    expect(received.status).toBe(200)
    expect(received.data).toMatchObject({ status: 'received', actions: [] })
    expect((await walletOf(t, me.user)).availableMinor).toBe(before.availableMinor + 20_000)
    expect(await stockOf(productId)).toBe(stock + 1)
    // What stays is held again for the shop, no longer frozen; released on receipt less commission on it alone.
    expect(await escrowOf(me.user, orderId)).toMatchObject({ state: 'held', amountMinor: totalMinor - 20_000 })
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(totalMinor - 20_000 - commissionOf(totalMinor - 20_000))
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])

    // Both sides read the return's steps in their conversation about the product, made for it.
    const [conversation] = (await client(t, s.owner).api.v1.conversations.get({ query: { productId } })).data!.items
    const thread = (await client(t, me.user).api.v1.conversations({ id: conversation!.id }).messages.get({ query: {} })).data!.items
    // Newest first.
    expect(thread.filter((m) => m.kind === 'system').map((m) => [m.system, m.body]).reverse()).toEqual([
      ['return_requested', expect.stringMatching(/refund 200\.00 MAD$/)],
      ['return_approved', expect.any(String)],
      ['return_sent', expect.any(String)],
      ['return_received', expect.any(String)],
    ])
  })

  it('refunds the delivery fee with the last items when it is the shop’s fault, and completes the order', async () => {
    const { s, me, orderId, totalMinor, productId } = await delivered()
    const before = await walletOf(t, me.user)
    const asked = await ask(me.user, orderId, { quantity: 2, reason: 'wrong_item' })
    expect(asked.data).toMatchObject({ itemsMinor: 40_000, shippingMinor: 3_000, refundMinor: totalMinor })
    expect((await through(s, me.user, asked.data!.id)).status).toBe(200)
    expect((await walletOf(t, me.user)).availableMinor).toBe(before.availableMinor + totalMinor)
    expect((await escrowOf(me.user, orderId)).state).toBe('refunded')
    const order = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!
    expect(order.status).toBe('completed')
    expect(order.timeline.at(-1)).toMatchObject({ to: 'completed', by: 'system', note: 'Returned and refunded' })
    expect((await walletOf(t, s.owner)).availableMinor).toBe(0)
    expect(await stockOf(productId)).toBe(10)
    // Nothing is left to return.
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).returns.get()).data).toMatchObject({ canRequest: false, returnable: [] })
  })

  it('keeps the delivery fee for a change of mind unless the shop’s policy refunds it', async () => {
    const kept = await delivered()
    expect((await ask(kept.me.user, kept.orderId, { quantity: 2, reason: 'changed_mind' })).data).toMatchObject({ shippingMinor: 0, refundMinor: 40_000 })
    const generous = await delivered()
    expect((await client(t, generous.s.owner).api.v1.me.shop['return-policy'].put({ windowDays: 30, refundsShipping: true })).data).toEqual({ windowDays: 30, refundsShipping: true })
    expect((await ask(generous.me.user, generous.orderId, { quantity: 2, reason: 'changed_mind' })).data).toMatchObject({ shippingMinor: 3_000, refundMinor: 43_000 })
  })

  it('pays a refund once and returns the stock once when the shop confirms receipt many times at once', async () => {
    const { s, me, orderId, productId } = await delivered()
    const before = await walletOf(t, me.user)
    const stock = await stockOf(productId)
    const asked = await ask(me.user, orderId)
    const id = asked.data!.id
    expect((await client(t, s.owner).api.v1.returns({ id }).approve.post({ instructions: 'Send it back' })).status).toBe(200)
    expect((await client(t, me.user).api.v1.returns({ id }).sent.post({})).status).toBe(200)
    const answers = await Promise.all(Array.from({ length: 6 }, () => client(t, s.owner).api.v1.returns({ id }).received.post()))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409])
    expect((await walletOf(t, me.user)).availableMinor).toBe(before.availableMinor + 20_000)
    expect(await stockOf(productId)).toBe(stock + 1)
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })
})

describe('a return after the payment was released', () => {
  it('refunds from the shop’s wallet, the commission on it going back; refused while the wallet cannot cover it', async () => {
    const { s, me, orderId, totalMinor } = await delivered()
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    const released = (await walletOf(t, s.owner)).availableMinor
    expect(released).toBe(totalMinor - commissionOf(totalMinor))
    // The shop spends it (withdrawn elsewhere): here, moved out by a payment of its own.
    const asked = await ask(me.user, orderId, { quantity: 2, reason: 'defective' })
    expect(asked.status).toBe(201)
    // Released already: nothing to freeze.
    expect((await escrowOf(me.user, orderId)).state).toBe('released')
    const drained = await client(t, s.owner).api.v1.wallet.withdrawals.post(
      { payoutMethodId: (await client(t, s.owner).api.v1.me['payout-methods'].post({ label: 'Bank', holderName: 'Shop', iban: 'MA64011519000001205000534921' })).data!.id, amountMinor: released, currency: 'MAD' },
      { headers: { ...s.owner.auth, 'idempotency-key': crypto.randomUUID() } },
    )
    expect(drained.status).toBe(201)
    const refused = await through(s, me.user, asked.data!.id)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { reason: 'insufficient_funds' } } })
    expect((await returnOf(asked.data!.id).get()).data!.status).toBe('sent')

    const before = await walletOf(t, me.user)
    await deposit(t, s.owner, 50_000)
    const received = await client(t, s.owner).api.v1.returns({ id: asked.data!.id }).received.post()
    expect(received.status).toBe(200)
    // The buyer gets all they paid; the shop pays it less the commission it was charged, given back.
    expect((await walletOf(t, me.user)).availableMinor).toBe(before.availableMinor + 43_000)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(50_000 - 43_000 + commissionOf(totalMinor))
    expect((await escrowOf(s.owner, orderId)).commissionMinor).toBe(0)
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })
})

describe('who does what', () => {
  it('lets only the buyer ask, only the shop decide and receive: a buyer never approves their own return', async () => {
    const { s, me, orderId } = await delivered()
    const stranger = await signUpAndSignIn(t)
    expect((await ask(s.owner, orderId)).status).toBe(403)
    expect((await ask(admin, orderId)).status).toBe(403)
    expect((await ask(stranger, orderId)).status).toBe(404)
    const id = (await ask(me.user, orderId)).data!.id
    expect((await client(t, me.user).api.v1.returns({ id }).approve.post({ instructions: 'I approve my own' })).status).toBe(403)
    expect((await client(t, admin).api.v1.returns({ id }).approve.post({ instructions: 'Admin approves' })).status).toBe(403)
    expect((await client(t, stranger).api.v1.returns({ id }).approve.post({ instructions: 'Stranger approves' })).status).toBe(404)
    expect((await client(t, stranger).api.v1.returns({ id }).get()).status).toBe(404)
    expect((await client(t, s.owner).api.v1.returns({ id }).sent.post({})).status).toBe(403)
    expect((await client(t, s.owner).api.v1.returns({ id }).received.post()).status).toBe(409)
    expect((await client(t, me.user).api.v1.returns({ id }).received.post()).status).toBe(403)
    expect((await client(t, s.owner).api.v1.returns({ id }).get()).data!.actions).toEqual(['approve', 'reject'])
    expect((await client(t, admin).api.v1.returns({ id }).get()).data!.actions).toEqual([])
  })

  it('refuses what cannot come back: before delivery, past the window, a shop with no returns, more than bought, a second open return', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 5 })
    const early = await paidOrder(t, s, product.id, { funds: 50_000 })
    expect((await ask(early.me.user, early.orderId)).status).toBe(409)

    const { me, orderId, s: other } = await delivered()
    const tooMany = await ask(me.user, orderId, { quantity: 3 })
    expect(tooMany.status).toBe(400)
    expect(tooMany.error!.value).toMatchObject({ error: { details: [{ field: 'body.items.0.quantity', message: 'must be at most 2' }] } })
    expect((await ask(me.user, orderId, { position: 7 })).status).toBe(400)
    expect((await ask(me.user, orderId)).status).toBe(201)
    expect((await ask(me.user, orderId)).status).toBe(409)

    const late = await delivered()
    // Delivered 15 days ago: the 14-day window closed.
    await t.ctx.database.db
      .update(orderEvents)
      .set({ at: new Date(Date.now() - 15 * 24 * 60 * 60_000) })
      .where(and(eq(orderEvents.orderId, late.orderId), eq(orderEvents.toStatus, 'delivered')))
    expect((await client(t, late.me.user).api.v1.orders({ id: late.orderId }).returns.get()).data!.canRequest).toBe(false)
    const closed = await ask(late.me.user, late.orderId)
    expect(closed.status).toBe(409)
    expect(closed.error!.value).toMatchObject({ error: { message: expect.stringContaining('window') } })

    const none = await delivered()
    expect((await client(t, none.s.owner).api.v1.me.shop['return-policy'].put({ windowDays: 0, refundsShipping: false })).status).toBe(200)
    expect((await ask(none.me.user, none.orderId)).status).toBe(409)
    expect((await client(t, other.owner).api.v1.me.shop['return-policy'].put({ windowDays: 91, refundsShipping: false })).status).toBe(400)
  })
})

describe('a declined return', () => {
  it('gives the payment back to the schedule with time to escalate, then the buyer takes it to a dispute that freezes it', async () => {
    const { s, me, orderId } = await delivered()
    const id = (await ask(me.user, orderId, { reason: 'not_as_described' })).data!.id
    const dueBefore = (await t.ctx.database.db.select({ at: escrows.releaseAfter }).from(escrows).where(eq(escrows.orderId, orderId)))[0]!.at!
    const rejected = await client(t, s.owner).api.v1.returns({ id }).reject.post({ reason: 'It was used' })
    expect(rejected.data).toMatchObject({ status: 'rejected', rejectReason: 'It was used' })
    expect((await escrowOf(me.user, orderId)).state).toBe('held')
    const dueAfter = (await t.ctx.database.db.select({ at: escrows.releaseAfter }).from(escrows).where(eq(escrows.orderId, orderId)))[0]!.at!
    expect(dueAfter.getTime()).toBeGreaterThanOrEqual(dueBefore.getTime())
    expect((await client(t, me.user).api.v1.returns({ id }).get()).data!.actions).toEqual(['escalate'])

    expect((await client(t, s.owner).api.v1.returns({ id }).escalate.post({ description: 'It was never used' })).status).toBe(403)
    const escalated = await client(t, me.user).api.v1.returns({ id }).escalate.post({ description: 'It was never used' })
    expect(escalated.status).toBe(200)
    const dispute = (await client(t, me.user).api.v1.orders({ id: orderId }).dispute.get()).data!.dispute!
    expect(escalated.data!.disputeId).toBe(dispute.id)
    expect(dispute).toMatchObject({ status: 'open', reason: 'not_as_described', evidence: [{ party: 'buyer', text: 'It was never used' }] })
    expect((await escrowOf(me.user, orderId)).state).toBe('frozen')
    expect((await client(t, me.user).api.v1.returns({ id }).escalate.post({ description: 'Again' })).status).toBe(409)
    // The dispute settles the order's money: no other return asks for it again.
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).returns.get()).data!.canRequest).toBe(false)
    const again = await ask(me.user, orderId, { position: 0, quantity: 1 })
    expect(again.status).toBe(409)
    expect(again.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
    const [conversation] = (await client(t, me.user).api.v1.conversations.get({ query: {} })).data!.items
    const thread = (await client(t, s.owner).api.v1.conversations({ id: conversation!.id }).messages.get({ query: {} })).data!.items
    expect(thread.map((m) => m.system).reverse()).toEqual(['return_requested', 'return_rejected', 'dispute_opened'])
  })

  it('is cancelled by Souk when approved and not sent back within a week, once however many instances run it', async () => {
    const { s, me, orderId } = await delivered()
    const id = (await ask(me.user, orderId)).data!.id
    expect((await client(t, s.owner).api.v1.returns({ id }).approve.post({ instructions: 'Send it back' })).status).toBe(200)
    expect(await expireUnsentReturns(t.services.returns)).toBe(0)
    await t.ctx.database.db.update(returns).set({ decidedAt: new Date(Date.now() - (RETURN_SEND_DAYS * 24 + 1) * 60 * 60_000) }).where(eq(returns.id, id))
    const runs = await Promise.all([expireUnsentReturns(t.services.returns), expireUnsentReturns(t.services.returns)])
    expect(runs[0]! + runs[1]!).toBe(1)
    expect((await returnOf(id).get()).data!.status).toBe('cancelled')
    expect((await escrowOf(me.user, orderId)).state).toBe('held')
    const notices = (await client(t, me.user).api.v1.notifications.get({ query: {} })).data!.items
    expect(notices.some((n) => n.text.startsWith('Your return was cancelled: it was not sent back within 7 days'))).toBe(true)
  })

  it('lets the buyer take a return the shop never confirms receiving to a dispute, after which the shop cannot receive it', async () => {
    const { s, me, orderId } = await delivered()
    const id = (await ask(me.user, orderId)).data!.id
    expect((await client(t, s.owner).api.v1.returns({ id }).approve.post({ instructions: 'Send it back' })).status).toBe(200)
    expect((await client(t, me.user).api.v1.returns({ id }).sent.post({ note: 'Amana RR123' })).status).toBe(200)
    // Too early: the shop has a week.
    expect((await client(t, me.user).api.v1.returns({ id }).escalate.post({ description: 'No answer' })).status).toBe(409)
    await t.ctx.database.db.update(returns).set({ sentAt: new Date(Date.now() - (RETURN_SEND_DAYS * 24 + 1) * 60 * 60_000) }).where(eq(returns.id, id))
    expect((await client(t, me.user).api.v1.returns({ id }).get()).data!.actions).toEqual(['escalate'])
    const escalated = await client(t, me.user).api.v1.returns({ id }).escalate.post({ description: 'Sent a week ago, no answer' })
    expect(escalated.status).toBe(200)
    expect(escalated.data).toMatchObject({ status: 'sent', disputeId: expect.stringMatching(/^dsp_/) })
    expect((await escrowOf(me.user, orderId)).state).toBe('frozen')
    expect((await client(t, s.owner).api.v1.returns({ id }).get()).data!.actions).toEqual([])
    const late = await client(t, s.owner).api.v1.returns({ id }).received.post()
    expect(late.status).toBe(409)
    expect(late.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
  })

  it('is cancelled by the buyer before sending, which lets the payment go on', async () => {
    const { me, orderId } = await delivered()
    const id = (await ask(me.user, orderId)).data!.id
    expect((await client(t, me.user).api.v1.returns({ id }).cancel.post()).data!.status).toBe('cancelled')
    expect((await escrowOf(me.user, orderId)).state).toBe('held')
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).returns.get()).data!.canRequest).toBe(true)
  })
})

describe('photos', () => {
  it('takes up to five images checked by content, shown to the buyer, the shop and admins only', async () => {
    const { s, me, orderId } = await delivered()
    const id = (await ask(me.user, orderId)).data!.id
    const upload = (user: TestUser, bytes: Uint8Array<ArrayBuffer>, name = 'photo.jpg') => {
      const form = new FormData()
      form.append('file', new File([bytes], name))
      return t.request(`/api/v1/returns/${id}/photos`, { method: 'POST', body: form, headers: user.auth })
    }
    const photo = await phonePhoto()
    expect((await upload(s.owner, photo)).status).toBe(403)
    expect((await upload(me.user, new TextEncoder().encode('<svg onload="alert(1)"/>') as Uint8Array<ArrayBuffer>, 'evil.jpg')).status).toBe(415)
    for (let i = 0; i < 5; i += 1) expect((await upload(me.user, photo)).status).toBe(200)
    expect((await upload(me.user, photo)).status).toBe(409)
    const shown = (await client(t, s.owner).api.v1.returns({ id }).get()).data!
    expect(shown.photos.map((p) => p.position)).toEqual([0, 1, 2, 3, 4])
    const served = await t.request(shown.photos[0]!.url, { headers: s.owner.auth })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/webp')
    // Re-encoded: no EXIF of the camera.
    expect(Buffer.from(await served.arrayBuffer()).includes('SpyCam')).toBe(false)
    const stranger = await signUpAndSignIn(t)
    expect((await t.request(shown.photos[0]!.url, { headers: stranger.auth })).status).toBe(404)
    expect((await t.request(shown.photos[0]!.url, { headers: admin.auth })).status).toBe(200)
  })
})
