import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { phonePhoto } from '../../lib/image-fixtures'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { reconcile } from '../ledger'
import { addToCart, buyer, checkout, shop } from '../orders/testing'
import { users } from '../accounts/table'
import { escrows, refunds } from '../payments/table'
import { releaseDueEscrows } from '../payments'
import { disputes } from './table'
import { cardCheckout, paidOrder, payOnSandbox, walletOf } from '../payments/testing'

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

/** A wallet-paid order of a new shop (200.00 + 30.00 delivery), accepted and, unless told, shipped. */
async function paid(options: { ship?: boolean } = {}) {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 5 })
  const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { funds: 50_000 })
  const steps = options.ship === false ? (['accept'] as const) : (['accept', 'ship'] as const)
  for (const step of steps) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
  return { s, me, orderId, totalMinor, productSlug: product.slug, productId: product.id }
}

const open = (user: TestUser, orderId: string, reason: 'not_received' | 'not_as_described' | 'damaged' | 'other' = 'not_as_described') =>
  client(t, user).api.v1.orders({ id: orderId }).disputes.post({ reason, description: 'The colour is not the one in the photos' })
const resolve = (user: TestUser, disputeId: string, body: { outcome: 'release' | 'refund' | 'split'; toShopMinor?: number; decision: string }) =>
  client(t, user).api.v1.admin.disputes({ id: disputeId }).resolve.post(body)

describe('opening a dispute', () => {
  it('freezes the held payment: the buyer cannot release it, nor can the schedule; one open dispute per order', async () => {
    const { s, me, orderId } = await paid()
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).dispute.get()).data).toMatchObject({ dispute: null, canOpen: true })
    const opened = await open(me.user, orderId)
    expect(opened.status).toBe(201)
    expect(opened.data).toMatchObject({ status: 'open', waitingOn: 'shop', amountMinor: 23_000, evidence: [{ party: 'buyer', text: 'The colour is not the one in the photos' }] })
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!.state).toBe('frozen')
    expect((await open(me.user, orderId)).status).toBe(409)
    const receipt = await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()
    expect(receipt.status).toBe(409)
    expect(receipt.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).deliver.post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).dispute.get()).data!.canOpen).toBe(false)
    // The schedule's own job, run past the release date: the frozen escrow stays held (an undisputed one beside it is released).
    const undisputed = await paid()
    expect((await client(t, undisputed.s.owner).api.v1.sales({ id: undisputed.orderId }).deliver.post()).status).toBe(200)
    for (const id of [orderId, undisputed.orderId]) await t.ctx.database.db.update(escrows).set({ releaseAfter: new Date(Date.now() - 60_000) }).where(eq(escrows.orderId, id))
    await releaseDueEscrows(t.services.payments)
    expect((await client(t, undisputed.me.user).api.v1.orders({ id: undisputed.orderId }).payment.get()).data!.escrow!.state).toBe('released')
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow).toMatchObject({ state: 'frozen', releasedMinor: 0 })
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.status).toBe('delivered')
    expect((await walletOf(t, s.owner)).availableMinor).toBe(0)
  })

  it('is the buyer’s: the shop and admins are refused, anyone else does not see the order; only paid, held orders on their way', async () => {
    const { s, orderId } = await paid()
    const stranger = await signUpAndSignIn(t)
    expect((await open(s.owner, orderId)).status).toBe(403)
    expect((await open(admin, orderId)).status).toBe(403)
    expect((await open(stranger, orderId)).status).toBe(404)
    expect((await client(t, stranger).api.v1.orders({ id: orderId }).dispute.get()).status).toBe(404)
    // Cash on delivery holds nothing to dispute.
    const cod = await buyer(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 1_000, stock: 5 })
    await addToCart(t, cod.user, product.id, 1)
    const placed = await checkout(t, cod.user, { shippingAddressId: cod.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
    const codOrder = placed.data!.orders[0]!.id
    expect((await client(t, s.owner).api.v1.sales({ id: codOrder }).accept.post()).status).toBe(200)
    expect((await open(cod.user, codOrder)).status).toBe(409)
  })
})

describe('evidence and the queue', () => {
  it('takes both sides’ words; the shop’s first is its response, then the dispute waits on an admin', async () => {
    const { s, me, orderId } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    const shopSide = await client(t, s.owner).api.v1.disputes({ id: disputeId }).get()
    expect(shopSide.data!.actions).toEqual(['add_evidence', 'respond'])
    const responded = await client(t, s.owner).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'The photos show this colour under daylight' })
    expect(responded.data).toMatchObject({ waitingOn: 'admin', shopRespondedAt: expect.any(Date) })
    expect((await client(t, me.user).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'Here is a photo reference: IMG_2231' })).status).toBe(200)
    const stranger = await signUpAndSignIn(t)
    expect((await client(t, stranger).api.v1.disputes({ id: disputeId }).get()).status).toBe(404)
    expect((await client(t, stranger).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'I want in' })).status).toBe(404)
    const queue = await client(t, admin).api.v1.admin.disputes.get({ query: {} })
    const row = queue.data!.items.find((d) => d.id === disputeId)!
    expect(row.evidence.map((e) => e.party)).toEqual(['buyer', 'shop', 'buyer'])
    expect(row.actions).toEqual(['add_evidence', 'resolve'])
    expect((await client(t, me.user).api.v1.admin.disputes.get({ query: {} })).status).toBe(403)
  })
})

describe('evidence with photos and quoted messages', () => {
  it('quotes messages of the buyer’s conversation with the shop for the operator, refuses others’, and shows photos to the two sides and admins only', async () => {
    const { s, me, orderId, productId } = await paid()
    const conversation = (await client(t, me.user).api.v1.conversations.post({ productId })).data!
    const said = (await client(t, s.owner).api.v1.conversations({ id: conversation.id }).messages.post({ clientId: crypto.randomUUID(), body: 'It is the colour of the photos, I promise' })).data!
    // A message of someone else's conversation cannot be quoted.
    const other = await paid()
    const elsewhere = (await client(t, other.me.user).api.v1.conversations.post({ productId: other.productId })).data!
    const foreign = (await client(t, other.me.user).api.v1.conversations({ id: elsewhere.id }).messages.post({ clientId: crypto.randomUUID(), body: 'Not yours' })).data!
    const disputeId = (await open(me.user, orderId)).data!.id

    const refused = await client(t, me.user).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'See what they wrote', messageIds: [said.id, foreign.id] })
    expect(refused.status).toBe(400)
    expect(refused.error!.value).toMatchObject({ error: { details: [{ field: 'body.messageIds.1' }] } })
    expect((await client(t, me.user).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'See what they wrote', messageIds: [said.id] })).status).toBe(200)

    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'lamp.jpg'))
    form.append('caption', 'The lamp as it arrived')
    expect((await t.request(`/api/v1/disputes/${disputeId}/evidence/photo`, { method: 'POST', body: form, headers: me.user.auth })).status).toBe(200)
    const bad = new FormData()
    bad.append('file', new File([new TextEncoder().encode('not an image')], 'x.jpg'))
    expect((await t.request(`/api/v1/disputes/${disputeId}/evidence/photo`, { method: 'POST', body: bad, headers: me.user.auth })).status).toBe(415)

    const seen = (await client(t, admin).api.v1.disputes({ id: disputeId }).get()).data!
    expect(seen.evidence.map((e) => [e.party, e.text, e.messages.map((m) => [m.from, m.text]), e.photo !== null])).toEqual([
      ['buyer', 'The colour is not the one in the photos', [], false],
      ['buyer', 'See what they wrote', [['seller', 'It is the colour of the photos, I promise']], false],
      ['buyer', 'The lamp as it arrived', [], true],
    ])
    const url = seen.evidence[2]!.photo!.url
    for (const [user, status] of [[admin, 200], [s.owner, 200], [me.user, 200], [other.me.user, 404]] as const) expect((await t.request(url, { headers: user.auth })).status).toBe(status)
    const photo = await t.request(url, { headers: admin.auth })
    expect(photo.headers.get('content-type')).toBe('image/webp')
    expect(Buffer.from(await photo.arrayBuffer()).includes('SpyCam')).toBe(false)
  })
})

describe('resolving', () => {
  it('splits the held amount exactly: the shop’s part less commission, the rest back to the buyer’s wallet; the order completes', async () => {
    const { s, me, orderId, totalMinor } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    const buyerBefore = (await walletOf(t, me.user)).availableMinor
    expect((await resolve(admin, disputeId, { outcome: 'split', decision: 'Half each' })).status).toBe(400)
    expect((await resolve(admin, disputeId, { outcome: 'split', toShopMinor: totalMinor + 1, decision: 'Too much' })).status).toBe(400)
    expect((await resolve(me.user, disputeId, { outcome: 'refund', decision: 'Mine' })).status).toBe(403)
    const decided = await resolve(admin, disputeId, { outcome: 'split', toShopMinor: 15_000, decision: 'The item works; the colour differs: 150.00 to the shop' })
    expect(decided.status).toBe(200)
    expect(decided.data).toMatchObject({ status: 'resolved', outcome: 'split', toShopMinor: 15_000, toBuyerMinor: totalMinor - 15_000, waitingOn: null })
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: buyerBefore + totalMinor - 15_000, heldMinor: 0 })
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: 15_000 - commissionOf(15_000), incomingMinor: 0 })
    const order = await client(t, me.user).api.v1.orders({ id: orderId }).get()
    expect(order.data!.status).toBe('completed')
    expect(order.data!.timeline.at(-1)!.note).toContain('Dispute resolved')
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow).toMatchObject({ state: 'released', amountMinor: totalMinor, releasedMinor: 15_000, commissionMinor: commissionOf(15_000) })
    expect((await resolve(admin, disputeId, { outcome: 'release', decision: 'Again' })).status).toBe(409)
    expect((await reconcile(t.ctx.database.db, new Date())).ok).toBe(true)
    // Both sides read it in their conversation about the product (newest first).
    const [conversation] = (await client(t, me.user).api.v1.conversations.get({ query: {} })).data!.items
    const thread = (await client(t, s.owner).api.v1.conversations({ id: conversation!.id }).messages.get({ query: {} })).data!.items
    expect(thread.map((m) => [m.system, m.body])).toEqual([
      ['dispute_resolved', `Order ${order.data!.invoiceNumber} · 150.00 MAD to the shop, ${((totalMinor - 15_000) / 100).toFixed(2)} MAD to the buyer`],
      ['dispute_opened', `Order ${order.data!.invoiceNumber} · ${(totalMinor / 100).toFixed(2)} MAD held`],
    ])
  })

  it('decides once when two admins race to release and to refund', async () => {
    const { s, me, orderId, totalMinor } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    const other = await signUpAndSignIn(t, { role: 'admin' })
    const answers = await Promise.all([resolve(admin, disputeId, { outcome: 'release', decision: 'To the shop' }), resolve(other, disputeId, { outcome: 'refund', decision: 'To the buyer' })])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    const won = answers.find((a) => a.status === 200)!.data!
    const shopGot = (await walletOf(t, s.owner)).availableMinor
    expect(shopGot).toBe(won.outcome === 'release' ? totalMinor - commissionOf(totalMinor) : 0)
    expect((await walletOf(t, me.user)).heldMinor).toBe(0)
  })

  it('settles an unshipped order only by refunding it; the shop cannot cancel around an open dispute; a party never judges', async () => {
    const { s, me, orderId } = await paid({ ship: false })
    const disputeId = (await open(me.user, orderId, 'not_received')).data!.id
    const release = await resolve(admin, disputeId, { outcome: 'release', decision: 'To the shop' })
    expect(release.status).toBe(400)
    expect(release.error!.value).toMatchObject({ error: { details: [{ field: 'body.outcome' }] } })
    const cancel = await client(t, s.owner).api.v1.sales({ id: orderId }).cancel.post({ reason: 'Out of stock' })
    expect(cancel.status).toBe(409)
    expect(cancel.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
    // The buyer made admin meanwhile does not decide their own dispute.
    await t.ctx.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, me.user.id))
    expect((await resolve(me.user, disputeId, { outcome: 'refund', decision: 'Mine, refunded' })).status).toBe(403)
    expect((await resolve(admin, disputeId, { outcome: 'refund', decision: 'Never shipped: refunded' })).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.status).toBe('cancelled')
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 50_000, heldMinor: 0 })
  })

  it('refunds a card order through the provider and cancels an order that never shipped, its stock back', async () => {
    const { s, me, group, payment, product } = await cardCheckout(t, categoryId, { priceMinor: 7_000, stock: 3 })
    const stock = async () => (await client(t, me.user).api.v1.products({ slug: product.slug }).get()).data!.stock
    expect((await payOnSandbox(payment.redirectUrl!)).status).toBe(303)
    const orderId = group.orders[0]!.id
    // The payment is confirmed by the sandbox's webhook (no queue here: at once).
    expect((await client(t, me.user).api.v1.payments({ id: payment.id }).get()).data!.status).toBe('succeeded')
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    const disputeId = (await open(me.user, orderId, 'not_received')).data!.id
    expect((await resolve(admin, disputeId, { outcome: 'refund', decision: 'Never shipped: refunded' })).status).toBe(200)
    const order = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!
    expect(order.status).toBe('cancelled')
    expect(await stock()).toBe(3)
    const [refund] = await t.ctx.database.db.select().from(refunds).where(eq(refunds.orderId, orderId))
    expect(refund).toMatchObject({ amountMinor: group.totalMinor })
  })
})

/** Moves a dispute's response deadline into the past (as if the shop's days went by). */
const pastDeadline = (disputeId: string) => t.ctx.database.db.update(disputes).set({ respondBy: new Date(Date.now() - 60_000) }).where(eq(disputes.id, disputeId))
/** The after-sale notes of the order's buyer–shop conversation, oldest first. */
async function notesOf(user: TestUser) {
  const [conversation] = (await client(t, user).api.v1.conversations.get({ query: {} })).data!.items
  const thread = (await client(t, user).api.v1.conversations({ id: conversation!.id }).messages.get({ query: {} })).data!.items
  return thread.flatMap((m) => (m.system === null ? [] : [[m.system, m.body]])).reverse()
}
const askDecision = (user: TestUser, disputeId: string) => client(t, user).api.v1.disputes({ id: disputeId })['decision-request'].post()

describe('the shop’s response', () => {
  it('is its own route, once, the shop’s only; evidence and the response are noted in the conversation in one line', async () => {
    const { s, me, orderId } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    const respond = (user: TestUser) => client(t, user).api.v1.disputes({ id: disputeId }).respond.post({ text: 'It is the colour of the photos, taken in daylight' })
    expect((await respond(me.user)).status).toBe(403)
    expect((await respond(admin)).status).toBe(403)
    expect((await respond(await signUpAndSignIn(t))).status).toBe(404)
    const responded = await respond(s.owner)
    expect(responded.status).toBe(200)
    expect(responded.data).toMatchObject({ waitingOn: 'admin', shopRespondedAt: expect.any(Date), actions: ['add_evidence'], evidence: [{ party: 'buyer' }, { party: 'shop', text: 'It is the colour of the photos, taken in daylight' }] })
    const again = await respond(s.owner)
    expect(again.status).toBe(409)
    expect(again.error!.value).toMatchObject({ error: { details: { status: 'responded', step: 'respond' } } })
    expect((await client(t, me.user).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'Still not the colour I ordered' })).status).toBe(200)
    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'lamp.jpg'))
    form.append('caption', 'Secret caption words')
    expect((await t.request(`/api/v1/disputes/${disputeId}/evidence/photo`, { method: 'POST', body: form, headers: me.user.auth })).status).toBe(200)
    const invoice = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.invoiceNumber
    const notes = await notesOf(s.owner)
    expect(notes).toEqual([
      ['dispute_opened', expect.any(String)],
      ['dispute_responded', `Order ${invoice} · the shop responded`],
      ['dispute_evidence', `Order ${invoice} · evidence from the buyer`],
      ['dispute_evidence', `Order ${invoice} · evidence from the buyer (a photo)`],
    ])
  })
})

describe('asking for a decision', () => {
  it('is the buyer’s once the shop let its deadline pass: 409 before, admins told, first in their queue, noted once under a race', async () => {
    const older = await paid()
    const olderId = (await open(older.me.user, older.orderId)).data!.id
    const { s, me, orderId } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    expect((await client(t, me.user).api.v1.disputes({ id: disputeId }).get()).data!.actions).toEqual(['add_evidence'])
    const early = await askDecision(me.user, disputeId)
    expect(early.status).toBe(409)
    expect(early.error!.value).toMatchObject({ error: { details: { status: 'waiting_on_shop', step: 'request_decision' } } })
    await pastDeadline(disputeId)
    const due = (await client(t, me.user).api.v1.disputes({ id: disputeId }).get()).data!
    expect(due).toMatchObject({ waitingOn: 'buyer', decisionRequestedAt: null, actions: ['add_evidence', 'request_decision'] })
    expect((await client(t, s.owner).api.v1.disputes({ id: disputeId }).get()).data!.actions).toEqual(['add_evidence', 'respond'])
    expect((await askDecision(s.owner, disputeId)).status).toBe(403)
    expect((await askDecision(admin, disputeId)).status).toBe(403)
    expect((await askDecision(await signUpAndSignIn(t), disputeId)).status).toBe(404)

    const answers = await Promise.all([askDecision(me.user, disputeId), askDecision(me.user, disputeId)])
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    const askedAt = answers.map((a) => new Date(a.data!.decisionRequestedAt!).getTime())
    expect(askedAt[0]).toBe(askedAt[1]!)
    for (const answer of answers) expect(answer.data).toMatchObject({ waitingOn: 'admin', actions: ['add_evidence'] })
    expect((await askDecision(me.user, disputeId)).status).toBe(200)
    expect((await notesOf(me.user)).map(([note]) => note)).toEqual(['dispute_opened', 'dispute_decision_requested'])
    const notices = (await client(t, admin).api.v1.notifications.get({ query: { limit: 100 } })).data!.items.filter((n) => n.subject === `dispute:${disputeId}`)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ link: `/admin/disputes/${disputeId}` })
    // First in the queue, though younger than others waiting.
    const queue = (await client(t, admin).api.v1.admin.disputes.get({ query: { limit: 100 } })).data!.items
    expect(queue[0]!.id).toBe(disputeId)
    expect(queue.map((d) => d.id)).toContain(olderId)
    // The shop may still respond; the admin decides as ever.
    expect((await client(t, s.owner).api.v1.disputes({ id: disputeId }).respond.post({ text: 'Sorry, we were away this week' })).status).toBe(200)
    expect((await resolve(admin, disputeId, { outcome: 'refund', decision: 'The shop did not answer in time' })).status).toBe(200)
    expect((await askDecision(me.user, disputeId)).status).toBe(409)
  })

  it('is refused once the shop responded, even after its deadline', async () => {
    const { s, me, orderId } = await paid()
    const disputeId = (await open(me.user, orderId)).data!.id
    expect((await client(t, s.owner).api.v1.disputes({ id: disputeId }).evidence.post({ text: 'We shipped the right one' })).status).toBe(200)
    await pastDeadline(disputeId)
    const refused = await askDecision(me.user, disputeId)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { status: 'waiting_on_admin' } } })
  })
})

describe('the admins’ queue and case', () => {
  it('filters by whom a dispute waits on and by age, and pages them by keyset without gaps or repeats', async () => {
    const a = await paid()
    const shopWaits = (await open(a.me.user, a.orderId)).data!.id
    const b = await paid()
    const adminWaits = (await open(b.me.user, b.orderId)).data!.id
    expect((await client(t, b.s.owner).api.v1.disputes({ id: adminWaits }).respond.post({ text: 'We shipped the right one' })).status).toBe(200)
    const c = await paid()
    const buyerWaits = (await open(c.me.user, c.orderId)).data!.id
    await pastDeadline(buyerWaits)
    const d = await paid()
    const asked = (await open(d.me.user, d.orderId)).data!.id
    await pastDeadline(asked)
    expect((await askDecision(d.me.user, asked)).status).toBe(200)
    await t.ctx.database.db.update(disputes).set({ createdAt: new Date(Date.now() - 3 * 24 * 60 * 60_000) }).where(eq(disputes.id, shopWaits))

    type Query = { waitingOn?: 'shop' | 'buyer' | 'admin'; minAgeHours?: number; status?: 'open' | 'resolved' }
    /** Every page of the queue, `limit` at a time. */
    async function all(query: Query, limit = 2) {
      const ids: string[] = []
      let cursor: string | undefined
      do {
        const page = await client(t, admin).api.v1.admin.disputes.get({ query: { ...query, limit, ...(cursor === undefined ? {} : { cursor }) } })
        expect(page.status).toBe(200)
        for (const item of page.data!.items) {
          if (query.waitingOn !== undefined) expect(item.waitingOn).toBe(query.waitingOn)
          ids.push(item.id)
        }
        cursor = page.data!.nextCursor ?? undefined
      } while (cursor !== undefined)
      expect(new Set(ids).size).toBe(ids.length)
      return ids
    }
    const mine = [shopWaits, adminWaits, buyerWaits, asked]
    const ofMine = (ids: string[]) => ids.filter((id) => mine.includes(id))
    expect(ofMine(await all({ waitingOn: 'shop' }))).toEqual([shopWaits])
    expect(ofMine(await all({ waitingOn: 'buyer' }))).toEqual([buyerWaits])
    // The one asked for first, then by age.
    expect(ofMine(await all({ waitingOn: 'admin' }, 1))).toEqual([asked, adminWaits])
    expect(ofMine(await all({ minAgeHours: 48 }))).toEqual([shopWaits])
    expect(ofMine(await all({ minAgeHours: 48, waitingOn: 'admin' }))).toEqual([])
    expect(ofMine(await all({ status: 'resolved', waitingOn: 'admin' }))).toEqual([])
    // Paged one by one or all at once: the same list.
    const whole = (await client(t, admin).api.v1.admin.disputes.get({ query: { limit: 100 } })).data!.items.map((item) => item.id)
    expect(await all({}, 1)).toEqual(whole)
    expect(whole.indexOf(asked)).toBeLessThan(whole.indexOf(shopWaits))
    const forged = await client(t, admin).api.v1.admin.disputes.get({ query: { cursor: Buffer.from(JSON.stringify([2, new Date().toISOString(), asked])).toString('base64url') } })
    expect(forged.status).toBe(400)
  })

  it('shows an admin the order’s ledger transfers and the whole buyer–shop conversation; no one else', async () => {
    const { s, me, orderId, productId } = await paid()
    const conversation = (await client(t, me.user).api.v1.conversations.post({ productId })).data!
    expect((await client(t, me.user).api.v1.conversations({ id: conversation.id }).messages.post({ clientId: crypto.randomUUID(), body: 'Is it the blue one?' })).error).toBeNull()
    const disputeId = (await open(me.user, orderId)).data!.id
    const seen = await client(t, admin).api.v1.admin.disputes({ id: disputeId }).case.get()
    expect(seen.status).toBe(200)
    expect(seen.data!.ledger.map((l) => [l.kind, l.ref])).toContainEqual(['escrow_hold', `order:${orderId}`])
    expect(seen.data!.ledger.every((l) => l.ref === `order:${orderId}`)).toBe(true)
    expect(seen.data!.conversation.map((m) => [m.system, m.body])).toEqual([
      [null, 'Is it the blue one?'],
      ['dispute_opened', expect.any(String)],
    ])
    for (const user of [me.user, s.owner]) expect((await client(t, user).api.v1.admin.disputes({ id: disputeId }).case.get()).status).toBe(403)
    expect((await client(t, admin).api.v1.admin.disputes({ id: 'dsp_00000000000000000000000000000000' }).case.get()).status).toBe(404)
  })
})
