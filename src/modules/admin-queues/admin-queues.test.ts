import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { ADMIN_QUEUES_TOPIC } from '../../lib/admin-queues'
import { connectAs } from '../../realtime/test-client'
import { client, createTestApp, listen, makeProduct, makeVendor, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { openConversation, sendOk } from '../chat/testing'
import { jobs } from '../jobs/table'
import { addToCart, buyer, shop } from '../orders/testing'
import { checkoutUnpaid, pay } from '../payments/testing'
import { fundWallet } from '../plans/testing'
import { completedOrder } from '../reviews/testing'
import type { AdminQueuesModel } from './model'
import { QUEUE_IDS, type QueueId } from './queues'

// The admins' queues in one place: each queue's count is what its module made (one item per queue,
// made through the real routes), with the oldest item's age and the screen it is worked from; an
// item entering or leaving a queue is announced on `admin:queues`, which only admins may follow.

let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

const queues = async (user: TestUser = admin) => {
  const answer = await client(t, user).api.v1.admin.queues.get()
  expect(answer.status).toBe(200)
  return new Map(answer.data!.items.map((q) => [q.id, q])) as Map<QueueId, AdminQueuesModel.Queue>
}

/** Every `queues.changed` published on the bus, as the realtime hub receives it. */
const announced: unknown[] = []

describe('GET /admin/queues', () => {
  it('counts one item in each queue, as each module made it, with the oldest item’s age and its screen', async () => {
    t.ctx.bus.subscribe(ADMIN_QUEUES_TOPIC, (message) => announced.push(message))
    const before = await queues()
    const started = Date.now()

    // A shop application.
    await makeVendor(t, { status: 'pending' })
    // A listing waiting for review: every listing waits while the rule says so.
    const s = await shop(t)
    expect((await client(t, admin).api.v1.admin.listings.rules.put({ approval: 'all', trustedAfter: 1 })).status).toBe(200)
    await makeProduct(t, s.owner, { categoryId, title: 'A listing to review' })
    expect((await client(t, admin).api.v1.admin.listings.rules.put({ approval: 'off', trustedAfter: 1 })).status).toBe(200)
    const product = await makeProduct(t, s.owner, { categoryId, title: 'Brass lantern', priceMinor: 20_000, stock: 10 })
    // Reports of a product and of a shop, by a buyer.
    const reporter = await signUpAndSignIn(t)
    const productReport = await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'counterfeit' }, reporter.auth)
    expect(productReport.status).toBe(201)
    expect((await postJson(t, `/api/v1/vendors/${s.vendor.slug}/report`, { reason: 'fraud' }, reporter.auth)).status).toBe(201)
    // A reported message.
    const conversation = await openConversation(t, reporter, product.id)
    const message = await sendOk(t, s.owner, conversation.id, 'Pay me outside Souk')
    expect((await postJson(t, `/api/v1/messages/${message.id}/report`, { reason: 'scam' }, reporter.auth)).status).toBe(201)
    // A reported review.
    const completed = await completedOrder(t, s, product.id)
    const review = await client(t, completed.me.user).api.v1.orders({ id: completed.orderId }).items({ position: 0 }).review.post({ rating: 2, body: 'Not as shown' })
    expect(review.status).toBe(201)
    expect((await client(t, reporter).api.v1.reviews({ id: review.data!.id }).report.post({ reason: 'spam' })).status).toBe(204)
    // A dispute over a wallet-paid, accepted order.
    const disputer = await buyer(t)
    await fundWallet(t, disputer.user.id, 100_000)
    await addToCart(t, disputer.user, product.id, 1)
    const group = await checkoutUnpaid(t, disputer.user, s, disputer.addressId, 'wallet')
    expect((await pay(t, disputer.user, group.groupId, 'wallet')).status).toBe(201)
    const orderId = group.orders[0]!.id
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    expect((await client(t, disputer.user).api.v1.orders({ id: orderId }).disputes.post({ reason: 'not_received', description: 'Nothing came' })).status).toBe(201)
    // A withdrawal to pay.
    await fundWallet(t, reporter.id, 50_000)
    const method = await client(t, reporter).api.v1.me['payout-methods'].post({ label: 'Main', holderName: 'Amina B.', iban: 'MA64 0115 1900 0001 2050 0053 4921' })
    expect(method.status).toBe(201)
    const withdrawal = await client(t, reporter).api.v1.wallet.withdrawals.post(
      { payoutMethodId: method.data!.id, amountMinor: 10_000, currency: 'MAD' },
      { headers: { ...reporter.auth, 'idempotency-key': randomUUID() } },
    )
    expect(withdrawal.status).toBe(201)
    // A support ticket nobody is assigned to.
    expect((await client(t, reporter).api.v1.tickets.post({ subject: 'Where is my refund?', category: 'payment', body: 'It has been a week.' })).status).toBe(201)
    // A failed job: this app runs no queue, so its record is written as the runner leaves one after its last try.
    const now = new Date()
    await t.ctx.database.db.insert(jobs).values({ id: `job_${randomUUID().replaceAll('-', '')}`, ownerId: null, kind: 'maintenance.purge', status: 'failed', error: 'the disk is full', input: {}, bossId: randomUUID(), createdAt: now, updatedAt: now, finishedAt: now })

    const after = await queues()
    // No queue of dead letters where no job queue runs.
    expect([...after.keys()]).toEqual(QUEUE_IDS.filter((id) => id !== 'dead_letters'))
    for (const [id, queue] of after) {
      expect({ id, waiting: queue.waiting }).toEqual({ id, waiting: before.get(id)!.waiting + 1 })
      expect(queue.oldestAt).not.toBeNull()
      expect(queue.oldestAgeSeconds).toBeGreaterThanOrEqual(0)
      expect(queue.oldestAgeSeconds!).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1)
    }
    expect(after.get('disputes')).toMatchObject({ urgent: 0, path: '/admin/disputes' })
    expect(after.get('support_tickets')).toMatchObject({ urgent: before.get('support_tickets')!.urgent! + 1, path: '/admin/support' })
    expect(after.get('product_reports')).toMatchObject({ urgent: null, path: '/admin?tab=reports&subject=product' })
    // The oldest open product report is this one (a fresh database).
    expect(new Date(after.get('product_reports')!.oldestAt!).toISOString()).toBe(((await productReport.json()) as { createdAt: string }).createdAt)
    expect(after.get('withdrawals')!.path).toBe('/admin/finance')

    // Each of those entries was announced (the failed job's record was written behind the services' back).
    await waitFor(() => announced.length >= 10, 5_000, 'the queues announced')

    // Leaving a queue: the shop's answer moves the dispute to an admin; resolving a report takes it out.
    const dispute = (await client(t, disputer.user).api.v1.orders({ id: orderId }).dispute.get()).data!.dispute!
    const seen = announced.length
    expect((await client(t, s.owner).api.v1.disputes({ id: dispute.id }).respond.post({ text: 'It left on Monday' })).status).toBe(200)
    const reportId = ((await (await t.request('/api/v1/admin/reports', { headers: admin.auth })).json()) as { items: { id: string; target: string }[] }).items.find((r) => r.target === 'product')!.id
    expect((await client(t, admin).api.v1.admin.reports({ id: reportId }).resolve.post({ action: 'dismiss' })).status).toBe(200)
    const later = await queues()
    expect(later.get('disputes')).toMatchObject({ waiting: after.get('disputes')!.waiting, urgent: 1 })
    expect(later.get('product_reports')!.waiting).toBe(after.get('product_reports')!.waiting - 1)
    await waitFor(() => announced.length >= seen + 2, 5_000, 'the changes announced')
    expect(announced.at(-1)).toMatchObject({ type: 'event', topic: 'admin:queues', id: null, kind: 'queues.changed' })
  }, 60_000)

  it('is for admins only: a buyer and a vendor get 403, nobody signed in 401', async () => {
    const someone = await signUpAndSignIn(t)
    const vendor = await signUpAndSignIn(t, { role: 'vendor' })
    expect((await client(t, someone).api.v1.admin.queues.get()).status).toBe(403)
    expect((await client(t, vendor).api.v1.admin.queues.get()).status).toBe(403)
    expect((await t.request('/api/v1/admin/queues')).status).toBe(401)
  })
})

describe('admin:queues', () => {
  it('is followed by admins only, and carries queues.changed when a buyer reports a product', async () => {
    const { wsUrl } = listen(t)
    const someone = await signUpAndSignIn(t)
    const theirs = await connectAs(t, wsUrl, someone)
    expect(await theirs.ask({ type: 'subscribe', topic: 'admin:queues' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    const mine = await connectAs(t, wsUrl, admin)
    expect(await mine.ask({ type: 'subscribe', topic: 'admin:queues' })).toMatchObject({ type: 'subscribed', topic: 'admin:queues' })
    expect(await mine.ask({ type: 'subscribe', topic: 'admin:other' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId })
    expect((await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'spam' }, someone.auth)).status).toBe(201)
    const event = await mine.next('event', (m) => m.topic === 'admin:queues')
    expect(event).toMatchObject({ kind: 'queues.changed', id: null, data: { at: expect.any(String) } })
    theirs.close()
    mine.close()
  }, 30_000)
})
