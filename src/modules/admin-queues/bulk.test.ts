import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq, inArray } from 'drizzle-orm'
import { BULK_MAX } from '../../lib/admin-queues'
import { newId } from '../../lib/ids'
import { client, createTestApp, makeProduct, postJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { auditLog } from '../audit/table'
import { reports } from '../catalog/table'
import { messageReports } from '../chat/table'
import { openConversation, sendOk } from '../chat/testing'
import { shop } from '../orders/testing'
import { reviewReports } from '../reviews/table'
import { completedOrder } from '../reviews/testing'

// The queues' filters and bulk actions (issue #20): each queue list filters by age (and the
// moderation queue by subject); a bulk action applies the one-item action to each item in turn,
// with its own checks and audit entry, and reports what it could not do (another admin decided it
// first) without undoing the rest. Two admins dismissing the same reports at once decide each once.

let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Lamps', slug: 'lamps' })).data!.id
}, 60_000)
afterAll(() => t.close())

const HOUR = 3_600_000
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR)

/** `count` open product reports of fresh products, by fresh buyers, as the report route makes them. */
async function productReports(count: number): Promise<string[]> {
  const s = await shop(t)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const product = await makeProduct(t, s.owner, { categoryId, title: `Reported lamp ${i}` })
    const reporter = await signUpAndSignIn(t)
    const answer = await postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'counterfeit' }, reporter.auth)
    expect(answer.status).toBe(201)
    ids.push(((await answer.json()) as { id: string }).id)
  }
  return ids
}

const statusesOf = async (ids: string[]) => (await t.ctx.database.db.select({ id: reports.id, status: reports.status }).from(reports).where(inArray(reports.id, ids))).map((r) => r.status)

describe('the moderation queue', () => {
  it('filters by subject and age', async () => {
    const [old, fresh] = await productReports(2)
    await t.ctx.database.db.update(reports).set({ createdAt: hoursAgo(30) }).where(eq(reports.id, old!))
    const s = await shop(t)
    const shopReport = await postJson(t, `/api/v1/vendors/${s.vendor.slug}/report`, { reason: 'fraud' }, (await signUpAndSignIn(t)).auth)
    const shopReportId = ((await shopReport.json()) as { id: string }).id
    const list = async (query: Record<string, string | number>) => (await client(t, admin).api.v1.admin.reports.get({ query: { limit: 100, ...query } })).data!.items.map((r) => r.id)

    const products = await list({ subject: 'product' })
    expect(products).toEqual(expect.arrayContaining([old!, fresh!]))
    expect(products).not.toContain(shopReportId)
    expect(await list({ subject: 'shop' })).toContain(shopReportId)
    const aged = await list({ minAgeHours: 24 })
    expect(aged).toContain(old!)
    expect(aged).not.toContain(fresh!)
    expect(aged).not.toContain(shopReportId)
    expect((await t.request('/api/v1/admin/reports?subject=listing', { headers: admin.auth })).status).toBe(400)
    expect((await t.request('/api/v1/admin/reports?minAgeHours=0', { headers: admin.auth })).status).toBe(400)
  })

  it('dismisses many at once, each with its audit entry, and lists those already decided', async () => {
    const ids = await productReports(3)
    // Another admin unpublished the first one's product meanwhile.
    expect((await client(t, admin).api.v1.admin.reports({ id: ids[0]! }).resolve.post({ action: 'unpublish' })).status).toBe(200)
    const answer = await client(t, admin).api.v1.admin.reports.dismiss.post({ ids })
    expect(answer.status).toBe(200)
    expect(answer.data!.done).toEqual([ids[1]!, ids[2]!])
    expect(answer.data!.failed).toEqual([{ id: ids[0]!, type: 'conflict', message: 'This report is already resolved' }])
    const rows = await t.ctx.database.db.select().from(reports).where(inArray(reports.id, ids))
    expect(Object.fromEntries(rows.map((r) => [r.id, r.resolution]))).toEqual({ [ids[0]!]: 'unpublish', [ids[1]!]: 'dismiss', [ids[2]!]: 'dismiss' })
    const entries = await t.ctx.database.db.select().from(auditLog).where(and(eq(auditLog.kind, 'listing.moderated'), eq(auditLog.actorId, admin.id)))
    for (const id of ids.slice(1)) expect(entries.filter((e) => (e.summary as { reportId?: string }).reportId === id && (e.summary as { action?: string }).action === 'dismiss')).toHaveLength(1)
  })

  it('decides each report once when two admins dismiss the same ones at the same time', async () => {
    const ids = await productReports(6)
    const other = await signUpAndSignIn(t, { role: 'admin' })
    const [mine, theirs] = await Promise.all([client(t, admin).api.v1.admin.reports.dismiss.post({ ids }), client(t, other).api.v1.admin.reports.dismiss.post({ ids: [...ids].reverse() })])
    expect(mine.status).toBe(200)
    expect(theirs.status).toBe(200)
    const done = [...mine.data!.done, ...theirs.data!.done]
    expect(done.toSorted()).toEqual(ids.toSorted())
    expect([...mine.data!.failed, ...theirs.data!.failed].map((f) => f.id).toSorted()).toEqual(ids.toSorted())
    expect(await statusesOf(ids)).toEqual(ids.map(() => 'resolved'))
    const entries = await t.ctx.database.db.select().from(auditLog).where(eq(auditLog.kind, 'listing.moderated'))
    for (const id of ids) expect(entries.filter((e) => (e.summary as { reportId?: string }).reportId === id)).toHaveLength(1)
  })

  it('refuses bad input whole: no ids, too many, the same twice, a malformed one; admins only', async () => {
    const [id] = await productReports(1)
    const dismiss = (body: unknown, user: TestUser = admin) => postJson(t, '/api/v1/admin/reports/dismiss', body, user.auth)
    for (const body of [{ ids: [] }, { ids: Array.from({ length: BULK_MAX + 1 }, () => newId('rpt')) }, { ids: [id, id] }, { ids: ['rpt_nope'] }, {}]) {
      const answer = await dismiss(body)
      expect(answer.status).toBe(400)
      expect(((await answer.json()) as { error: { type: string } }).error.type).toBe('invalid_data')
    }
    expect((await dismiss({ ids: [id] }, await signUpAndSignIn(t))).status).toBe(403)
    expect(await statusesOf([id!])).toEqual(['open'])
    // An id of nothing is reported, the rest done.
    const missing = newId('rpt')
    const answer = await dismiss({ ids: [missing, id] })
    expect(await answer.json()).toEqual({ done: [id], failed: [{ id: missing, type: 'not_found', message: 'No such report' }] })
  })
})

describe('listings to review', () => {
  it('approves or rejects many at once, and filters by how long they wait', async () => {
    const s = await shop(t)
    expect((await client(t, admin).api.v1.admin.listings.rules.put({ approval: 'all', trustedAfter: 1_000 })).status).toBe(200)
    const listings = [] as { id: string; slug: string }[]
    try {
      for (let i = 0; i < 4; i++) listings.push(await makeProduct(t, s.owner, { categoryId, title: `Waiting lamp ${i}` }))
    } finally {
      expect((await client(t, admin).api.v1.admin.listings.rules.put({ approval: 'off', trustedAfter: 1 })).status).toBe(200)
    }
    const [a, b, c, d] = listings.map((l) => l.id) as [string, string, string, string]
    const { products } = await import('../catalog/table')
    await t.ctx.database.db.update(products).set({ submittedAt: hoursAgo(5) }).where(inArray(products.id, [a, b]))
    const waiting = async (minAgeHours?: number) =>
      (await client(t, admin).api.v1.admin.listings.pending.get({ query: { limit: 100, ...(minAgeHours === undefined ? {} : { minAgeHours }) } })).data!.items.map((i) => i.product.id)
    expect(await waiting(4)).toEqual(expect.arrayContaining([a, b]))
    expect(await waiting(4)).not.toContain(c)

    const approved = await client(t, admin).api.v1.admin.listings.approve.post({ ids: [a, b] })
    expect(approved.data).toEqual({ done: [a, b], failed: [] })
    const rejected = await client(t, admin).api.v1.admin.listings.reject.post({ ids: [c, d, a], reason: '  Photos of someone else’s work ' })
    expect(rejected.data!.done).toEqual([c, d])
    expect(rejected.data!.failed).toEqual([{ id: a, type: 'conflict', message: 'This listing is approved, not waiting for review' }])
    const states = await t.ctx.database.db.select({ id: products.id, state: products.reviewState, reason: products.reviewReason }).from(products).where(inArray(products.id, [a, b, c, d]))
    expect(Object.fromEntries(states.map((r) => [r.id, [r.state, r.reason]]))).toEqual({
      [a]: ['approved', null],
      [b]: ['approved', null],
      [c]: ['rejected', 'Photos of someone else’s work'],
      [d]: ['rejected', 'Photos of someone else’s work'],
    })
    expect((await postJson(t, '/api/v1/admin/listings/reject', { ids: [a], reason: 'no' }, admin.auth)).status).toBe(400)
    expect((await postJson(t, '/api/v1/admin/listings/approve', { ids: [a] }, s.owner.auth)).status).toBe(403)
  })
})

describe('reported messages and reviews', () => {
  it('dismisses many at once and filters by age', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, title: 'Copper lamp' })
    const ids: string[] = []
    for (const text of ['Pay me outside Souk', 'Send the money by transfer']) {
      const reporter = await signUpAndSignIn(t)
      const conversation = await openConversation(t, reporter, product.id)
      const message = await sendOk(t, s.owner, conversation.id, text)
      const answer = await postJson(t, `/api/v1/messages/${message.id}/report`, { reason: 'scam' }, reporter.auth)
      ids.push(((await answer.json()) as { id: string }).id)
    }
    await t.ctx.database.db.update(messageReports).set({ createdAt: hoursAgo(50) }).where(eq(messageReports.id, ids[0]!))
    const aged = (await client(t, admin).api.v1.admin['message-reports'].get({ query: { minAgeHours: 48, limit: 100 } })).data!.items.map((r) => r.id)
    expect(aged).toContain(ids[0]!)
    expect(aged).not.toContain(ids[1]!)
    const answer = await client(t, admin).api.v1.admin['message-reports'].dismiss.post({ ids })
    expect(answer.data).toEqual({ done: ids, failed: [] })
    const rows = await t.ctx.database.db.select().from(messageReports).where(inArray(messageReports.id, ids))
    expect(rows.map((r) => [r.status, r.resolution])).toEqual([
      ['resolved', 'dismiss'],
      ['resolved', 'dismiss'],
    ])
  })

  it('keeps many reported reviews at once (their reports dismissed), filtered by the first report’s age', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, title: 'Reviewed lamp', stock: 10 })
    const reviewIds: string[] = []
    for (const body of ['Lovely', 'Fine']) {
      const completed = await completedOrder(t, s, product.id)
      const review = await client(t, completed.me.user).api.v1.orders({ id: completed.orderId }).items({ position: 0 }).review.post({ rating: 4, body })
      reviewIds.push(review.data!.id)
      expect((await client(t, await signUpAndSignIn(t)).api.v1.reviews({ id: review.data!.id }).report.post({ reason: 'spam' })).status).toBe(204)
    }
    await t.ctx.database.db.update(reviewReports).set({ createdAt: hoursAgo(10) }).where(eq(reviewReports.reviewId, reviewIds[0]!))
    const aged = (await client(t, admin).api.v1.admin.reviews.reported.get({ query: { minAgeHours: 8, limit: 100 } })).data!.items.map((i) => i.review.id)
    expect(aged).toContain(reviewIds[0]!)
    expect(aged).not.toContain(reviewIds[1]!)
    const answer = await client(t, admin).api.v1.admin.reviews.dismiss.post({ ids: reviewIds })
    expect(answer.data).toEqual({ done: reviewIds, failed: [] })
    const open = await t.ctx.database.db.select().from(reviewReports).where(and(inArray(reviewReports.reviewId, reviewIds), eq(reviewReports.status, 'open')))
    expect(open).toEqual([])
    const decided = async () => (await t.ctx.database.db.select().from(auditLog).where(and(eq(auditLog.kind, 'review.moderated'), inArray(auditLog.subjectId, reviewIds)))).map((e) => [e.subjectId, e.summary])
    expect((await decided()).toSorted()).toEqual(reviewIds.map((id) => [id, expect.objectContaining({ decision: 'dismiss', reportsClosed: 1 })]).toSorted())
    // As its one-review route: keeping a review again changes nothing, is no error, and records nothing.
    expect((await client(t, admin).api.v1.admin.reviews.dismiss.post({ ids: reviewIds })).data).toEqual({ done: reviewIds, failed: [] })
    expect(await decided()).toHaveLength(2)
    const unknown = newId('rev')
    expect((await client(t, admin).api.v1.admin.reviews.dismiss.post({ ids: [unknown] })).data!.failed.map((f) => f.type)).toEqual(['not_found'])
  })
})

describe('support tickets', () => {
  it('assigns and prioritises many at once; refuses an empty change and a non-admin assignee', async () => {
    const someone = await signUpAndSignIn(t)
    const ids: string[] = []
    for (const subject of ['Refund?', 'Parcel?']) {
      const opened = await postJson(t, '/api/v1/tickets', { subject, category: 'other', body: 'Please help' }, someone.auth)
      ids.push(((await opened.json()) as { ticket: { id: string } }).ticket.id)
    }
    const answer = await client(t, admin).api.v1.admin.tickets.update.post({ ids, assigneeId: admin.id, priority: 'high' })
    expect(answer.error?.value ?? null).toBeNull()
    expect(answer.data).toEqual({ done: ids, failed: [] })
    const mine = (await client(t, admin).api.v1.admin.tickets.get({ query: { assignee: 'me', limit: 100 } })).data!.items.filter((i) => ids.includes(i.id))
    expect(mine.map((i) => i.priority)).toEqual(['high', 'high'])
    expect((await postJson(t, '/api/v1/admin/tickets/update', { ids }, admin.auth)).status).toBe(400)
    expect((await postJson(t, '/api/v1/admin/tickets/update', { ids, status: 'closed' }, admin.auth)).status).toBe(400)
    const notAdmin = await client(t, admin).api.v1.admin.tickets.update.post({ ids: [ids[0]!], assigneeId: someone.id })
    expect(notAdmin.data!.failed.map((f) => f.type)).toEqual(['invalid_data'])
  })
})
