import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq, sql } from 'drizzle-orm'
import { phonePhoto } from '../../lib/image-fixtures'
import { adminWithCategory, client, createTestApp, makeProduct, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { orderEvents } from '../orders/table'
import { placeOrder, shop, type TestShop } from '../orders/testing'
import { reviews } from './table'
import { completedOrder } from './testing'

let t: TestApp
let categoryId: string
let admin: TestUser

beforeAll(async () => {
  t = await createTestApp()
  ;({ admin, categoryId } = await adminWithCategory(t))
}, 60_000)
afterAll(() => t.close())

/** A shop selling a lamp (stock for many buyers). */
async function lampShop(): Promise<TestShop & { product: { id: string; slug: string } }> {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, title: 'Brass lamp', priceMinor: 20_000, stock: 200 })
  return { ...s, product: { id: product.id, slug: product.slug } }
}

const write = (user: TestUser, orderId: string, body: { rating: number; body: string }, position = 0) =>
  client(t, user).api.v1.orders({ id: orderId }).items({ position }).review.post(body)
const productReviews = (slug: string, query: { sort?: 'helpful' | 'newest'; rating?: number; cursor?: string; limit?: number } = {}, user?: TestUser) =>
  client(t, user ?? {}).api.v1.products({ slug }).reviews.get({ query })
const storefront = async (slug: string) => (await client(t).api.v1.vendors({ slug }).get()).data!
const product = async (slug: string) => (await client(t).api.v1.products({ slug }).get()).data!
/** Moves a review's writing (or its reply) back by `hours`. */
const age = (id: string, hours: number, column: 'created_at' | 'replied_at' = 'created_at') =>
  t.ctx.database.db.execute(sql`update reviews set ${sql.identifier(column)} = ${sql.identifier(column)} - make_interval(hours => ${hours}) where id = ${id}`)

describe('writing a review', () => {
  it('is for the buyer of a completed order item, once, within 60 days of completion', async () => {
    const s = await lampShop()
    const placed = await placeOrder(t, s, s.product.id)
    // Placed, not completed yet: 403.
    expect((await write(placed.me.user, placed.orderId, { rating: 5, body: 'Lovely lamp' })).status).toBe(403)
    for (const step of ['accept', 'ship', 'deliver'] as const) await client(t, s.owner).api.v1.sales({ id: placed.orderId })[step].post()
    expect((await write(placed.me.user, placed.orderId, { rating: 5, body: 'Lovely lamp' })).status).toBe(403)
    await client(t, placed.me.user).api.v1.orders({ id: placed.orderId })['confirm-receipt'].post()

    // Someone else, the shop, an item the order does not have.
    const stranger = await signUpAndSignIn(t)
    expect((await write(stranger, placed.orderId, { rating: 1, body: 'Never bought it' })).status).toBe(404)
    expect((await write(s.owner, placed.orderId, { rating: 5, body: 'Our own lamp' })).status).toBe(404)
    expect((await write(placed.me.user, placed.orderId, { rating: 5, body: 'Lovely lamp' }, 3)).status).toBe(404)
    // Bad input names its field.
    const bad = await sendJson(t, 'POST', `/api/v1/orders/${placed.orderId}/items/0/review`, { rating: 6, body: 'Lovely lamp' }, placed.me.user.auth)
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('body.rating')
    expect((await write(placed.me.user, placed.orderId, { rating: 4, body: '   ' })).status).toBe(400)

    const first = await write(placed.me.user, placed.orderId, { rating: 4, body: '  Warm light, solid brass.  ' })
    expect(first.status).toBe(201)
    expect(first.data).toMatchObject({ rating: 4, body: 'Warm light, solid brass.', verifiedPurchase: true, editedAt: null, helpfulCount: 0 })
    expect(first.data!.actions).toEqual(['edit', 'delete', 'add_photo'])
    expect((await write(placed.me.user, placed.orderId, { rating: 1, body: 'Changed my mind' })).status).toBe(409)

    expect((await product(s.product.slug)).rating).toEqual({ average: 4, count: 1 })
    expect((await storefront(s.vendor.slug)).rating).toEqual({ average: 4, count: 1 })
    // The shop heard of it.
    const shopNotices = (await client(t, s.owner).api.v1.notifications.get({ query: {} })).data!.items
    expect(shopNotices.some((n) => n.type === 'review' && n.text.includes('Brass lamp'))).toBe(true)
  })

  it('closes 60 days after the order was completed', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    await t.ctx.database.db.update(orderEvents).set({ at: sql`${orderEvents.at} - interval '61 days'` }).where(eq(orderEvents.orderId, orderId))
    expect((await write(me.user, orderId, { rating: 5, body: 'Late but happy' })).status).toBe(403)
    const panel = (await client(t, me.user).api.v1.orders({ id: orderId }).reviews.get()).data!
    expect(panel.items.map((i) => i.canReview)).toEqual([false])
  })

  it('keeps the average exact when many buyers review at once', async () => {
    const s = await lampShop()
    const orders = await Promise.all(Array.from({ length: 12 }, () => completedOrder(t, s, s.product.id)))
    const ratings = orders.map((_, i) => (i % 5) + 1)
    const answers = await Promise.all(orders.map((o, i) => write(o.me.user, o.orderId, { rating: ratings[i]!, body: `Review number ${i}` })))
    expect(answers.map((a) => a.status)).toEqual(orders.map(() => 201))
    const sum = ratings.reduce((a, b) => a + b, 0)
    const expected = { average: Math.round((sum * 10) / ratings.length) / 10, count: ratings.length }
    expect((await product(s.product.slug)).rating).toEqual(expected)
    expect((await storefront(s.vendor.slug)).rating).toEqual(expected)
    const listed = (await productReviews(s.product.slug, { limit: 100 })).data!
    expect(listed.rating).toEqual(expected)
    expect(listed.histogram).toEqual([1, 2, 3, 4, 5].map((stars) => ratings.filter((r) => r === stars).length))
    // The same buyer twice at once: one review.
    const again = await Promise.all([0, 1, 2].map(() => write(orders[0]!.me.user, orders[0]!.orderId, { rating: 1, body: 'Once more' })))
    expect(again.map((a) => a.status).sort()).toEqual([409, 409, 409])
  })
})

describe('changing a review', () => {
  it('is its author’s for 48 hours; the rating follows, and the review says it was edited', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 2, body: 'Flickers a bit' })).data!.id
    // The same words again change nothing: not "edited".
    expect((await client(t, me.user).api.v1.reviews({ id }).patch({ rating: 2, body: 'Flickers a bit' })).data!.editedAt).toBeNull()
    const other = await signUpAndSignIn(t)
    expect((await client(t, other).api.v1.reviews({ id }).patch({ rating: 1 })).status).toBe(403)
    const changed = await client(t, me.user).api.v1.reviews({ id }).patch({ rating: 5, body: 'The shop sent a new bulb: perfect' })
    expect(changed.status).toBe(200)
    expect(changed.data!.editedAt).not.toBeNull()
    expect((await product(s.product.slug)).rating).toEqual({ average: 5, count: 1 })
    await age(id, 49)
    expect((await client(t, me.user).api.v1.reviews({ id }).patch({ rating: 1 })).status).toBe(409)
    expect((await product(s.product.slug)).rating).toEqual({ average: 5, count: 1 })
    // Deleting takes it out of the ratings.
    expect((await client(t, other).api.v1.reviews({ id }).delete()).status).toBe(403)
    expect((await client(t, me.user).api.v1.reviews({ id }).delete()).status).toBe(204)
    expect((await product(s.product.slug)).rating).toEqual({ average: null, count: 0 })
    expect((await storefront(s.vendor.slug)).rating).toEqual({ average: null, count: 0 })
    // An item is reviewed once: deleting does not open it again (nor escape the 48 hours or a hide).
    expect((await write(me.user, orderId, { rating: 5, body: 'Fresh start' })).status).toBe(409)
    const panel = (await client(t, me.user).api.v1.orders({ id: orderId }).reviews.get()).data!
    expect(panel.items[0]).toMatchObject({ review: null, canReview: false })
    expect((await client(t, other).api.v1.reviews({ id }).helpful.post()).status).toBe(404)
  })

  it('votes and reports racing the author’s delete answer 200, 204 or 404, never 500', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 4, body: 'Good lamp' })).data!.id
    const others = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    const answers = await Promise.all([
      ...others.map((u) => client(t, u).api.v1.reviews({ id }).helpful.post()),
      client(t, me.user).api.v1.reviews({ id }).delete(),
      ...others.map((u) => client(t, u).api.v1.reviews({ id }).report.post({ reason: 'spam' })),
    ])
    expect(answers.every((a) => [200, 204, 404].includes(a.status))).toBe(true)
    expect((await product(s.product.slug)).rating).toEqual({ average: null, count: 0 })
  })
})

describe('the shop’s reply', () => {
  it('is written once by the shop that sold the item, changes for 48 hours, and tells the author', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 3, body: 'Arrived late' })).data!.id
    const otherShop = await shop(t)
    expect((await client(t, otherShop.owner).api.v1.reviews({ id }).reply.post({ body: 'Not our lamp' })).status).toBe(403)
    expect((await client(t, me.user).api.v1.reviews({ id }).reply.post({ body: 'Answering myself' })).status).toBe(403)
    const replied = await client(t, s.owner).api.v1.reviews({ id }).reply.post({ body: 'Sorry: the courier was late' })
    expect(replied.status).toBe(200)
    expect(replied.data!.reply).toMatchObject({ body: 'Sorry: the courier was late', editedAt: null })
    expect(replied.data!.actions).toContain('edit_reply')
    expect((await client(t, s.owner).api.v1.reviews({ id }).reply.post({ body: 'Twice' })).status).toBe(409)
    expect((await client(t, s.owner).api.v1.reviews({ id }).reply.patch({ body: 'Sorry: the courier was two days late' })).data!.reply!.editedAt).not.toBeNull()
    await age(id, 49, 'replied_at')
    expect((await client(t, s.owner).api.v1.reviews({ id }).reply.patch({ body: 'Too late' })).status).toBe(409)
    const notices = (await client(t, me.user).api.v1.notifications.get({ query: {} })).data!.items
    expect(notices.filter((n) => n.type === 'review' && n.text.startsWith('replied to your review'))).toHaveLength(1)
  })
})

describe('helpful votes', () => {
  it('counts one per user, never the author’s, exactly under 50 concurrent votes', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 5, body: 'Bright and warm' })).data!.id
    expect((await client(t, me.user).api.v1.reviews({ id }).helpful.post()).status).toBe(403)
    const voters = await Promise.all(Array.from({ length: 50 }, () => signUpAndSignIn(t)))
    const votes = await Promise.all(voters.flatMap((v) => [client(t, v).api.v1.reviews({ id }).helpful.post(), client(t, v).api.v1.reviews({ id }).helpful.post()]))
    expect(votes.every((v) => v.status === 200)).toBe(true)
    const [row] = await t.ctx.database.db.select({ helpfulCount: reviews.helpfulCount }).from(reviews).where(eq(reviews.id, id))
    expect(row!.helpfulCount).toBe(50)
    const undo = await Promise.all([0, 1, 2].map(() => client(t, voters[0]!).api.v1.reviews({ id }).helpful.delete()))
    expect(undo.map((u) => u.data!.helpfulCount).sort()).toEqual([49, 49, 49])
    const seen = (await productReviews(s.product.slug, {}, voters[1])).data!.items[0]!
    expect(seen).toMatchObject({ helpfulCount: 49, votedHelpful: true })
  })

  it('sorts by most helpful or newest, filters by stars, and pages with a cursor', async () => {
    const s = await lampShop()
    const orders = await Promise.all([0, 1, 2].map(() => completedOrder(t, s, s.product.id)))
    const ids: string[] = []
    for (const [i, o] of orders.entries()) ids.push((await write(o.me.user, o.orderId, { rating: i === 2 ? 1 : 5, body: `Review ${i}` })).data!.id)
    const [a, b, c] = ids as [string, string, string]
    const voter = await signUpAndSignIn(t)
    await client(t, voter).api.v1.reviews({ id: a }).helpful.post()
    expect((await productReviews(s.product.slug)).data!.items.map((r) => r.id)).toEqual([a, c, b])
    expect((await productReviews(s.product.slug, { sort: 'newest' })).data!.items.map((r) => r.id)).toEqual([c, b, a])
    expect((await productReviews(s.product.slug, { rating: 1 })).data!.items.map((r) => r.id)).toEqual([c])
    const first = (await productReviews(s.product.slug, { limit: 2 })).data!
    const second = (await productReviews(s.product.slug, { limit: 2, cursor: first.nextCursor! })).data!
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual([a, c, b])
    expect(second.nextCursor).toBeNull()
    expect((await productReviews(s.product.slug, { cursor: 'forged' })).status).toBe(400)
    // The shop's page lists them too.
    expect((await client(t).api.v1.vendors({ slug: s.vendor.slug }).reviews.get({ query: {} })).data!.items).toHaveLength(3)
  })
})

describe('photos', () => {
  it('take up to five images checked by content from the author while the review may change; public while it is visible', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 5, body: 'See for yourself' })).data!.id
    const upload = (user: TestUser, bytes: Uint8Array<ArrayBuffer>, name = 'photo.jpg') => {
      const form = new FormData()
      form.append('file', new File([bytes], name))
      return t.request(`/api/v1/reviews/${id}/photos`, { method: 'POST', body: form, headers: user.auth })
    }
    const photo = await phonePhoto()
    expect((await upload(s.owner, photo)).status).toBe(403)
    expect((await upload(me.user, new TextEncoder().encode('<svg onload="alert(1)"/>') as Uint8Array<ArrayBuffer>, 'evil.jpg')).status).toBe(415)
    for (let i = 0; i < 5; i += 1) expect((await upload(me.user, photo)).status).toBe(200)
    expect((await upload(me.user, photo)).status).toBe(409)
    const shown = (await productReviews(s.product.slug)).data!.items[0]!
    expect(shown.photos.map((p) => p.position)).toEqual([0, 1, 2, 3, 4])
    const served = await t.request(shown.photos[0]!.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/webp')
    await age(id, 49)
    expect((await upload(me.user, photo)).status).toBe(409)
  })
})

describe('reports and moderation', () => {
  it('queue a reported review for admins, who hide it with a reason its author sees; it leaves the ratings', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 1, body: 'Call me on 0600000000 for a cheaper one' })).data!.id
    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'card.jpg'))
    expect((await t.request(`/api/v1/reviews/${id}/photos`, { method: 'POST', body: form, headers: me.user.auth })).status).toBe(200)
    expect((await t.request(`/api/v1/reviews/${id}/photos/0`)).status).toBe(200)
    const reporter = await signUpAndSignIn(t)
    expect((await client(t, me.user).api.v1.reviews({ id }).report.post({ reason: 'spam' })).status).toBe(403)
    expect((await client(t, reporter).api.v1.reviews({ id }).report.post({ reason: 'personal_data', details: 'A phone number' })).status).toBe(204)
    expect((await client(t, reporter).api.v1.reviews({ id }).report.post({ reason: 'spam' })).status).toBe(409)
    expect((await client(t, reporter).api.v1.admin.reviews.reported.get({ query: {} })).status).toBe(403)
    const queue = (await client(t, admin).api.v1.admin.reviews.reported.get({ query: {} })).data!
    expect(queue.items.find((q) => q.review.id === id)).toMatchObject({ reportCount: 1, reasons: ['personal_data'], details: ['A phone number'] })

    expect((await client(t, admin).api.v1.admin.reviews({ id }).hide.post({ reason: '     ' })).status).toBe(400)
    const hidden = await client(t, admin).api.v1.admin.reviews({ id }).hide.post({ reason: 'It shares a phone number' })
    expect(hidden.status).toBe(200)
    expect(hidden.data!.hidden).toMatchObject({ reason: 'It shares a phone number' })
    expect((await product(s.product.slug)).rating).toEqual({ average: null, count: 0 })
    expect((await productReviews(s.product.slug)).data!.items).toHaveLength(0)
    expect((await t.request(`/api/v1/reviews/${id}/photos/0`)).status).toBe(404)
    expect((await client(t, admin).api.v1.admin.reviews.reported.get({ query: {} })).data!.items.some((q) => q.review.id === id)).toBe(false)
    // Its author sees why, on their order.
    const panel = (await client(t, me.user).api.v1.orders({ id: orderId }).reviews.get()).data!
    expect(panel.items[0]!.review!.hidden).toMatchObject({ reason: 'It shares a phone number' })
    expect(panel.items[0]!.canReview).toBe(false)
    // Nobody else reaches it.
    expect((await client(t, reporter).api.v1.reviews({ id }).helpful.post()).status).toBe(404)
    expect((await client(t, me.user).api.v1.reviews({ id }).patch({ rating: 5 })).status).toBe(409)
    // Hiding twice moves the rating once.
    await client(t, admin).api.v1.admin.reviews({ id }).hide.post({ reason: 'Again' })
    expect((await storefront(s.vendor.slug)).rating).toEqual({ average: null, count: 0 })
  })

  it('dismissing the reports keeps the review', async () => {
    const s = await lampShop()
    const { me, orderId } = await completedOrder(t, s, s.product.id)
    const id = (await write(me.user, orderId, { rating: 2, body: 'Not as bright as shown' })).data!.id
    const reporter = await signUpAndSignIn(t)
    await client(t, reporter).api.v1.reviews({ id }).report.post({ reason: 'offensive' })
    expect((await client(t, admin).api.v1.admin.reviews({ id }).dismiss.post()).data!.hidden).toBeNull()
    expect((await product(s.product.slug)).rating).toEqual({ average: 2, count: 1 })
    // A new report after a dismissal is a new report.
    expect((await client(t, reporter).api.v1.reviews({ id }).report.post({ reason: 'offensive' })).status).toBe(204)
  })
})
