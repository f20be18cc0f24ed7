// The provider seam from Souk's side: signed webhooks over real HTTP, each event processed once,
// whatever the order, replays and forgeries.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { signPayload } from '../../lib/webhook-signature'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { payments, providerEvents, refunds } from './table'
import { cardCheckout, deposit, payOnSandbox, walletOf } from './testing'

let t: TestApp
let categoryId: string

beforeAll(async () => {
  t = await createTestApp({ listen: true })
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

const webhookUrl = () => `${t.ctx.config.publicUrl}/api/v1/payments/webhooks/sandbox`

/** An event as the sandbox sends it, about a Souk payment's provider reference. */
function paymentEvent(type: 'payment.succeeded' | 'payment.failed', ref: string, amount: number, at = new Date()) {
  return { id: `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type, created: Math.floor(at.getTime() / 1000), data: { object: { object: 'payment', id: ref, amount, currency: 'MAD', status: type === 'payment.succeeded' ? 'succeeded' : 'failed', failure_message: type === 'payment.failed' ? 'Your card was declined' : null } } }
}

/** POSTs a raw body to the webhook endpoint over HTTP, signed at `signedAt` with `secret` (the real one by default). */
function deliver(body: string, options: { signedAt?: Date; secret?: string; signature?: string | null } = {}) {
  const signature = options.signature !== undefined ? options.signature : signPayload(options.secret ?? t.ctx.config.secrets.PAYMENT_WEBHOOK_SECRET, body, options.signedAt ?? new Date())
  return fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'souk-signature': signature }) }, body })
}

/** A pending card deposit of `amount` by a new user: the payment row and the user. */
async function pendingDeposit(amount: number): Promise<{ user: TestUser; paymentId: string; ref: string }> {
  const user = await signUpAndSignIn(t)
  const started = await client(t, user).api.v1.wallet.deposits.post({ amountMinor: amount, currency: 'MAD' }, { headers: { ...user.auth, 'idempotency-key': randomUUID() } })
  expect(started.status).toBe(201)
  const [row] = await t.ctx.database.db.select().from(payments).where(eq(payments.id, started.data!.id))
  return { user, paymentId: row!.id, ref: row!.providerRef! }
}

const statusOf = async (paymentId: string) => (await t.ctx.database.db.select().from(payments).where(eq(payments.id, paymentId)))[0]!.status

describe('webhook signatures', () => {
  it('refuses a bad signature, a stale or future timestamp, a missing header and another secret with 401, and changes nothing', async () => {
    const { user, paymentId, ref } = await pendingDeposit(5_000)
    const body = JSON.stringify(paymentEvent('payment.succeeded', ref, 5_000))
    const forged = [
      await deliver(body, { signature: null }),
      await deliver(body, { signature: 't=123,v1=deadbeef' }),
      await deliver(body, { secret: 'another secret of at least thirty-two characters' }),
      await deliver(body, { signedAt: new Date(Date.now() - 301_000) }),
      await deliver(body, { signedAt: new Date(Date.now() + 301_000) }),
      // Signed, then changed on the way.
      await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'souk-signature': signPayload(t.ctx.config.secrets.PAYMENT_WEBHOOK_SECRET, body, new Date()) }, body: body.replace('5000', '50000') }),
    ]
    for (const response of forged) {
      expect(response.status).toBe(401)
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe('unauthorized')
    }
    expect(await statusOf(paymentId)).toBe('pending')
    expect((await walletOf(t, user)).availableMinor).toBe(0)
    expect(await t.ctx.database.db.select().from(providerEvents).where(eq(providerEvents.providerRef, ref))).toEqual([])
  })

  it('answers an unknown provider with 404 and a malformed body with 400', async () => {
    const body = '{"id":"evt_1","type":"payment.succeeded"}'
    expect((await fetch(`${t.ctx.config.publicUrl}/api/v1/payments/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(404)
    expect((await deliver(body)).status).toBe(400)
    expect((await deliver('not json')).status).toBe(400)
  })
})

describe('webhook events', () => {
  it('credits a replayed success once: the same event delivered three times (at once and later) moves the money once', async () => {
    const { user, paymentId, ref } = await pendingDeposit(7_000)
    const body = JSON.stringify(paymentEvent('payment.succeeded', ref, 7_000))
    const answers = await Promise.all([deliver(body), deliver(body), deliver(body)])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    const duplicates = await Promise.all(answers.map(async (a) => ((await a.json()) as { duplicate: boolean }).duplicate))
    expect(duplicates.filter((d) => !d)).toHaveLength(1)
    await waitFor(async () => (await statusOf(paymentId)) === 'succeeded', 10_000)
    const later = await deliver(body)
    expect(((await later.json()) as { duplicate: boolean }).duplicate).toBe(true)
    expect((await walletOf(t, user)).availableMinor).toBe(7_000)
  })

  it('takes out-of-order events in the provider’s order: a stale failure after the success changes nothing, a success after a decline pays', async () => {
    const first = await pendingDeposit(3_000)
    const success = paymentEvent('payment.succeeded', first.ref, 3_000, new Date(Date.now() - 2_000))
    const failure = paymentEvent('payment.failed', first.ref, 3_000, new Date(Date.now() - 60_000))
    // The success arrives first; the older failure after it.
    expect((await deliver(JSON.stringify(success))).status).toBe(200)
    expect((await deliver(JSON.stringify(failure))).status).toBe(200)
    await waitFor(async () => (await t.ctx.database.db.select().from(providerEvents).where(and(eq(providerEvents.providerRef, first.ref), eq(providerEvents.state, 'received')))).length === 0, 10_000)
    expect(await statusOf(first.paymentId)).toBe('succeeded')
    expect((await walletOf(t, first.user)).availableMinor).toBe(3_000)

    // A declined card, then another card that works: failed, then succeeded.
    const second = await pendingDeposit(4_000)
    expect((await deliver(JSON.stringify(paymentEvent('payment.failed', second.ref, 4_000)))).status).toBe(200)
    await waitFor(async () => (await statusOf(second.paymentId)) === 'failed', 10_000)
    expect((await client(t, second.user).api.v1.payments({ id: second.paymentId }).get()).data!.failureMessage).toBe('Your card was declined')
    expect((await deliver(JSON.stringify(paymentEvent('payment.succeeded', second.ref, 4_000)))).status).toBe(200)
    await waitFor(async () => (await statusOf(second.paymentId)) === 'succeeded', 10_000)
    expect((await walletOf(t, second.user)).availableMinor).toBe(4_000)
  })

  it('ignores a success whose amount is not the payment’s, and says so to admins', async () => {
    const { user, paymentId, ref } = await pendingDeposit(2_000)
    expect((await deliver(JSON.stringify(paymentEvent('payment.succeeded', ref, 2_001)))).status).toBe(200)
    await waitFor(async () => (await t.ctx.database.db.select().from(providerEvents).where(and(eq(providerEvents.providerRef, ref), eq(providerEvents.state, 'ignored')))).length === 1, 10_000)
    expect(await statusOf(paymentId)).toBe('pending')
    expect((await walletOf(t, user)).availableMinor).toBe(0)
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const listed = await client(t, admin).api.v1.admin['payment-events'].get({ query: { state: 'ignored' } })
    expect(listed.data!.items.find((e) => e.providerRef === ref)).toMatchObject({ paymentId, note: expect.stringContaining('does not match') })
  })

  it('refunds a card order cancelled after payment through the provider, whose refund webhook completes it', async () => {
    const { s, me, group, payment: started } = await cardCheckout(t, categoryId, { priceMinor: 9_000, stock: 3 })
    expect((await payOnSandbox(started.redirectUrl!)).status).toBe(303)
    await waitFor(async () => (await statusOf(started.id)) === 'succeeded', 10_000)
    const orderId = group.orders[0]!.id
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).cancel.post({ reason: 'Out of stock, sorry' })).status).toBe(200)
    // The provider is asked, answers, and its refund.succeeded webhook marks the refund done.
    await waitFor(async () => (await t.ctx.database.db.select().from(refunds).where(eq(refunds.paymentId, started.id)))[0]?.status === 'succeeded', 10_000, 'the refund webhook')
    const payment = await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()
    expect(payment.data!.escrow!.state).toBe('refunded')
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 0, heldMinor: 0 })
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: 0, incomingMinor: 0 })
  })

  it('refunds a card payment that arrives after its orders expired, and leaves them cancelled', async () => {
    const { me, group, payment: started } = await cardCheckout(t, categoryId, { priceMinor: 5_000, stock: 3 })
    // The buyer gives up and cancels while the payment page is open; then pays anyway.
    expect((await client(t, me.user).api.v1.orders({ id: group.orders[0]!.id }).cancel.post({})).status).toBe(200)
    expect((await payOnSandbox(started.redirectUrl!)).status).toBe(303)
    await waitFor(async () => (await t.ctx.database.db.select().from(refunds).where(eq(refunds.paymentId, started.id)))[0]?.status === 'succeeded', 10_000, 'the refund')
    expect((await client(t, me.user).api.v1.orders({ id: group.orders[0]!.id }).get()).data!.status).toBe('cancelled')
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 0, heldMinor: 0 })
  })

  it('sends the buyer an email when a card payment is received', async () => {
    const me = await signUpAndSignIn(t)
    await deposit(t, me, 2_500)
    await waitFor(async () => (await fetch(`${t.ctx.config.publicUrl}/api/v1/dev/mail?to=${encodeURIComponent(me.email)}`).then((r) => r.text())).includes('deposited into your wallet'), 10_000, 'the email')
  })
})
