import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, asc, eq } from 'drizzle-orm'
import { ManualClock } from '../../lib/clock'
import { newId } from '../../lib/ids'
import { PAGE_INVALIDATION_TOPIC } from '../../lib/page-invalidation'
import { adminWithCategory, client, createTestApp, makeProduct, makeVendor, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { products } from '../catalog'
import { dropEndedPlacements } from './placements'
import { boosts, placementApplications, subscriptions } from './table'
import { choosePlan, fundWallet, makePlan, subscriptionOf } from './testing'

// Boosts a shop buys with its plan's credits, and featured placement admins grant from shops'
// applications within their plan's slots. Shops subscribe through the plans routes (plans'
// fixtures), paying from their wallet.

const DAY = 86_400_000
let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ admin, categoryId } = await adminWithCategory(t))
}, 60_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db

/** An approved shop subscribed monthly to a plan with `credits` boost credits and `slots` featured slots (null: on the free plan). */
async function shopWith(plan: { credits: number; slots: number } | null = { credits: 10, slots: 1 }) {
  const shop = await makeVendor(t)
  if (plan !== null) {
    const made = await makePlan(t, admin, { boostCreditsPerMonth: plan.credits, featuredSlots: plan.slots, maxActiveListings: null })
    await fundWallet(t, shop.user.id, made.monthlyPriceMinor)
    const subscribed = await choosePlan(t, shop.user, made.id)
    expect(subscribed.status).toBe(200)
    expect(subscribed.data!.state.usage.boostCredits).toBe(plan.credits)
  }
  return shop
}

const listing = (owner: TestUser, fields: Record<string, unknown> = {}) => makeProduct(t, owner, { categoryId, ...fields })
const boost = (user: TestUser, slug: string, days: number) => client(t, user).api.v1.products({ slug }).boost.post({ days })
const creditsOf = async (vendorId: string) => (await db().select({ n: subscriptions.boostCredits }).from(subscriptions).where(eq(subscriptions.vendorId, vendorId)))[0]!.n
const productRow = async (id: string) => (await db().select().from(products).where(eq(products.id, id)))[0]!
const search = async (query: Record<string, string | number | boolean>) => (await client(t).api.v1.products.get({ query })).data!
const ids = (page: { items: { id: string }[] }) => page.items.map((p) => p.id)
/** Ends a listing's boost a minute ago, as time passing would. */
const endBoost = (id: string) => db().update(products).set({ boostedUntil: new Date(Date.now() - 60_000) }).where(eq(products.id, id))

describe('POST /products/:slug/boost', () => {
  it('spends a credit a day, promotes the listing, and a second boost extends from where the first ends', async () => {
    const shop = await shopWith({ credits: 10, slots: 0 })
    const product = await listing(shop.user)
    const before = Date.now()
    const first = await boost(shop.user, product.slug, 3)
    expect(first.status).toBe(200)
    expect(first.data).toMatchObject({ productId: product.id, days: 3, creditsLeft: 7 })
    const firstEnd = new Date(first.data!.endsAt).getTime()
    expect(firstEnd - new Date(first.data!.startsAt).getTime()).toBe(3 * DAY)
    expect(new Date(first.data!.startsAt).getTime()).toBeGreaterThanOrEqual(before)

    const second = await boost(shop.user, product.slug, 2)
    expect(second.status).toBe(200)
    expect(new Date(second.data!.startsAt).getTime()).toBe(firstEnd)
    expect(new Date(second.data!.endsAt).getTime()).toBe(firstEnd + 2 * DAY)
    expect(second.data!.creditsLeft).toBe(5)
    expect(await creditsOf(shop.vendor.id)).toBe(5)
    expect((await productRow(product.id)).boostedUntil!.getTime()).toBe(firstEnd + 2 * DAY)
    const page = (await client(t).api.v1.products({ slug: product.slug }).get()).data!
    expect(page).toMatchObject({ boosted: true })
    expect(new Date(page.boostedUntil!).getTime()).toBe(firstEnd + 2 * DAY)
    expect(await db().select().from(boosts).where(eq(boosts.productId, product.id))).toHaveLength(2)
  })

  it('refuses more days than the credits left, saying how many are left, and takes nothing', async () => {
    const shop = await shopWith({ credits: 2, slots: 0 })
    const product = await listing(shop.user)
    const refused = await boost(shop.user, product.slug, 3)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { type: 'conflict', message: 'This boost takes 3 credits; your shop has 2 boost credits left', details: { creditsLeft: 2 } } })
    expect(await creditsOf(shop.vendor.id)).toBe(2)
    expect((await productRow(product.id)).boostedUntil).toBeNull()
    // A shop on the free plan has none.
    const free = await shopWith(null)
    const its = await listing(free.user)
    const none = await boost(free.user, its.slug, 1)
    expect(none.status).toBe(409)
    expect(none.error!.value).toMatchObject({ error: { details: { creditsLeft: 0 } } })
  })

  it('is its owner’s only (404 for another shop, 403 for a buyer, 401 signed out), on a listing on sale, for 1 to 30 days', async () => {
    const shop = await shopWith()
    const other = await shopWith()
    const product = await listing(shop.user)
    expect((await boost(other.user, product.slug, 1)).status).toBe(404)
    expect((await boost(await signUpAndSignIn(t), product.slug, 1)).status).toBe(403)
    expect((await client(t).api.v1.products({ slug: product.slug }).boost.post({ days: 1 })).status).toBe(401)
    expect((await boost(shop.user, 'no-such-listing', 1)).status).toBe(404)
    const draft = await listing(shop.user, { status: 'draft' })
    const refused = await boost(shop.user, draft.slug, 1)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { status: 'draft' } } })
    for (const days of [0, 31]) expect((await boost(shop.user, product.slug, days)).status).toBe(400)
    expect(await creditsOf(shop.vendor.id)).toBe(10)
    expect(await creditsOf(other.vendor.id)).toBe(10)
  })

  it('never spends credits below zero under 20 concurrent boosts', async () => {
    const shop = await shopWith({ credits: 10, slots: 0 })
    const listings = await Promise.all([0, 1, 2, 3].map(() => listing(shop.user)))
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => boost(shop.user, listings[i % 4]!.slug, 1)))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(10)
    expect(await creditsOf(shop.vendor.id)).toBe(0)
    const rows = await db().select().from(boosts).where(eq(boosts.vendorId, shop.vendor.id))
    expect(rows.reduce((sum, row) => sum + row.days, 0)).toBe(10)
    // The credits left each success reported are 9..0, once each.
    expect(answers.flatMap((a) => (a.status === 200 ? [a.data!.creditsLeft] : [])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('extends one listing boost after boost when they come at once: each starts where the last ends', async () => {
    const shop = await shopWith({ credits: 7, slots: 0 })
    const product = await listing(shop.user)
    const answers = await Promise.all(Array.from({ length: 20 }, () => boost(shop.user, product.slug, 2)))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3)
    expect(await creditsOf(shop.vendor.id)).toBe(1)
    const rows = await db().select().from(boosts).where(eq(boosts.productId, product.id)).orderBy(asc(boosts.startsAt))
    expect(rows).toHaveLength(3)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.startsAt.getTime()).toBe(rows[i - 1]!.endsAt.getTime())
    expect((await productRow(product.id)).boostedUntil!.getTime()).toBe(rows[2]!.endsAt.getTime())
  })
})

describe('a boosted listing in the promoted rail and search', () => {
  it('shows in the promoted rail and leads the newest and relevance sorts while boosted, then drops back when its boost ends', async () => {
    const shop = await shopWith({ credits: 5, slots: 0 })
    const word = `zellige${Date.now().toString(36)}`
    // The boosted one is the oldest and mentions the word only in its description: it would come last.
    const boosted = await listing(shop.user, { title: 'Tile panel in blue', description: `A ${word} panel.` })
    const others = [await listing(shop.user, { title: `${word} tile set` }), await listing(shop.user, { title: `${word} fountain tiles` })]
    expect((await boost(shop.user, boosted.slug, 1)).status).toBe(200)

    expect(ids(await search({ boosted: true, limit: 8 }))).toContain(boosted.id)
    expect(ids(await search({ sort: 'newest', limit: 3 }))[0]).toBe(boosted.id)
    expect(ids(await search({ q: word }))).toEqual([boosted.id, ...ids(await search({ q: word, boosted: false }))])
    const card = (await search({ q: word })).items[0]!
    expect(card).toMatchObject({ id: boosted.id, boosted: true })

    // Keyset pages of the newest sort: the boosted one first, then every other listing once.
    const all = ids(await search({ sort: 'newest', limit: 100 }))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof search>> = await search({ sort: 'newest', limit: 2, ...(cursor === null ? {} : { cursor }) })
      seen.push(...ids(page))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual(all)
    expect(seen[0]).toBe(boosted.id)
    const relevance: string[] = []
    cursor = null
    do {
      const page: Awaited<ReturnType<typeof search>> = await search({ q: word, limit: 1, ...(cursor === null ? {} : { cursor }) })
      relevance.push(...ids(page))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(relevance[0]).toBe(boosted.id)
    expect(relevance.slice(1).sort()).toEqual(others.map((o) => o.id).sort())

    // Its boost ends: the schedule drops cached lists, and it is neither promoted nor first.
    await endBoost(boosted.id)
    expect(await dropEndedPlacements({ db: db(), bus: t.ctx.bus, clock: { now: () => new Date() } })).toEqual({ ended: true })
    await waitFor(async () => !ids(await search({ boosted: true, limit: 100 })).includes(boosted.id), 5_000, 'the rail to drop the listing')
    expect(ids(await search({ q: word })).at(-1)).toBe(boosted.id)
    expect(ids(await search({ sort: 'newest', limit: 100 }))[0]).not.toBe(boosted.id)
    expect((await search({ q: word })).items.at(-1)).toMatchObject({ boosted: false })
  })

  it('a cursor of the boosted sorts holds its time: a boost ending between two pages does not repeat or skip a listing', async () => {
    const shop = await shopWith({ credits: 5, slots: 0 })
    const word = `tadelakt${Date.now().toString(36)}`
    const made = [await listing(shop.user, { title: `${word} bowl` }), await listing(shop.user, { title: `${word} vase` }), await listing(shop.user, { title: `${word} dish` })]
    expect((await boost(shop.user, made[0]!.slug, 1)).status).toBe(200)
    const first = await search({ q: word, limit: 1 })
    expect(ids(first)).toEqual([made[0]!.id])
    // It ends after the first page was read, before the next one is.
    const end = new Date(Date.now() + 5)
    await db().update(products).set({ boostedUntil: end }).where(eq(products.id, made[0]!.id))
    await waitFor(() => Date.now() > end.getTime())
    const rest: string[] = []
    let cursor = first.nextCursor
    while (cursor !== null) {
      const page = await search({ q: word, limit: 1, cursor })
      rest.push(...ids(page))
      cursor = page.nextCursor
    }
    expect(rest.sort()).toEqual([made[1]!.id, made[2]!.id].sort())
  })

  it('a boost starting between two pages does not skip or repeat a listing: it is promoted from the next first page', async () => {
    const shop = await shopWith({ credits: 5, slots: 0 })
    const word = `zellij${Date.now().toString(36)}`
    const made = []
    for (const thing of ['bowl', 'vase', 'dish', 'tray', 'lamp']) made.push(await listing(shop.user, { title: `${word} ${thing}` }))
    const all = made.map((m) => m.id).sort()
    for (const sort of ['relevance', 'newest'] as const) {
      const query = { q: word, sort, limit: 2 }
      const first = await search(query)
      expect(ids(first)).toHaveLength(2)
      // After the first page was read, a listing the next pages would show is boosted: it starts then.
      const read = Date.now()
      await waitFor(() => Date.now() > read)
      const later = made.find((m) => !ids(first).includes(m.id))!
      expect((await boost(shop.user, later.slug, 1)).status).toBe(200)
      const started = (await productRow(later.id)).boostedSince!
      expect(started.getTime()).toBeGreaterThan(read)
      const seen = ids(first)
      let cursor = first.nextCursor
      while (cursor !== null) {
        const page = await search({ ...query, cursor })
        seen.push(...ids(page))
        cursor = page.nextCursor
      }
      expect(seen).toHaveLength(all.length)
      expect([...seen].sort()).toEqual(all)
      // A search begun after the boost started leads with it (lists cached before show it within a second).
      await waitFor(async () => ids(await search(query)).includes(later.id), 5_000, 'a new first page to lead with the boosted listing')
      // Extending the boost keeps its start.
      expect((await boost(shop.user, later.slug, 1)).status).toBe(200)
      expect((await productRow(later.id)).boostedSince).toEqual(started)
    }
  })
})

describe('featured placement', () => {
  const apply = (user: TestUser, productId: string, message?: string) => client(t, user).api.v1.me.shop.placements.post(message === undefined ? { productId } : { productId, message })
  const grant = (body: { productId: string; featuredUntil: Date | null; applicationId?: string }, as: TestUser = admin) => client(t, as).api.v1.admin.placements.post(body)
  const inAWeek = () => new Date(Date.now() + 7 * DAY)

  it('a shop applies within its slots; an admin grants it until a date; the listing is featured and the slot is used', async () => {
    const shop = await shopWith({ credits: 0, slots: 1 })
    const [a, b] = [await listing(shop.user), await listing(shop.user)]
    const applied = await apply(shop.user, a.id, 'Our best seller')
    expect(applied.status).toBe(201)
    expect(applied.data).toMatchObject({ status: 'pending', message: 'Our best seller', product: { id: a.id }, featuredUntil: null })
    // One waiting per listing.
    const again = await apply(shop.user, a.id)
    expect(again.status).toBe(409)
    expect(again.error!.value).toMatchObject({ error: { message: 'This listing already has an application waiting for an admin' } })

    const queue = (await client(t, admin).api.v1.admin.placements.get()).data!
    expect(queue.applications.find((x) => x.id === applied.data!.id)).toMatchObject({ featuredSlots: 1, featuredNow: 0, product: { id: a.id, vendor: { slug: shop.vendor.slug } } })

    const until = inAWeek()
    const granted = await grant({ productId: a.id, featuredUntil: until, applicationId: applied.data!.id })
    expect(granted.status).toBe(200)
    expect(granted.data).toMatchObject({ product: { id: a.id, featured: true } })
    expect(new Date(granted.data!.featuredUntil!).getTime()).toBe(until.getTime())
    expect(ids(await search({ featured: true, limit: 100 }))).toContain(a.id)

    const mine = (await client(t, shop.user).api.v1.me.shop.placements.get()).data!
    expect(mine).toMatchObject({ featuredSlots: 1, featuredNow: 1, boostCredits: 0 })
    expect(mine.applications[0]).toMatchObject({ id: applied.data!.id, status: 'granted' })
    const after = (await client(t, admin).api.v1.admin.placements.get()).data!
    expect(after.applications.map((x) => x.id)).not.toContain(applied.data!.id)
    expect(after.featured.find((f) => f.product.id === a.id)).toBeDefined()

    // Its one slot is used: another listing is refused, naming the slots.
    const full = await apply(shop.user, b.id)
    expect(full.status).toBe(409)
    expect(full.error!.value).toMatchObject({ error: { message: 'The plan of your shop has 1 featured slot, and 1 of its listings is featured now', details: { featuredSlots: 1, featuredNow: 1 } } })
    // A granted application is not decided twice.
    const twice = await grant({ productId: a.id, featuredUntil: until, applicationId: applied.data!.id })
    expect(twice.status).toBe(409)

    // Ending it early frees the slot.
    const ended = await grant({ productId: a.id, featuredUntil: null })
    expect(ended.status).toBe(200)
    expect(ended.data).toMatchObject({ featuredUntil: null, product: { featured: false } })
    expect((await client(t, admin).api.v1.admin.placements.get()).data!.featured.map((f) => f.product.id)).not.toContain(a.id)
    expect((await apply(shop.user, b.id)).status).toBe(201)
  })

  it('grants respect the shop’s slots, even two at once', async () => {
    const shop = await shopWith({ credits: 0, slots: 1 })
    const [a, b] = [await listing(shop.user), await listing(shop.user)]
    const [x, y] = [(await apply(shop.user, a.id)).data!, (await apply(shop.user, b.id)).data!]
    const answers = await Promise.all([grant({ productId: a.id, featuredUntil: inAWeek(), applicationId: x.id }), grant({ productId: b.id, featuredUntil: inAWeek(), applicationId: y.id })])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409])
    const refused = answers.find((r) => r.status === 409)!
    expect(refused.error!.value).toMatchObject({ error: { details: { featuredSlots: 1, featuredNow: 1 } } })
    const featured = await db().select({ id: products.id }).from(products).where(and(eq(products.vendorId, shop.vendor.id)))
    const rows = await Promise.all(featured.map((p) => productRow(p.id)))
    expect(rows.filter((r) => r.featuredUntil !== null && r.featuredUntil > new Date())).toHaveLength(1)
    // The refused one still waits (nothing of it was kept).
    const waiting = await db().select().from(placementApplications).where(and(eq(placementApplications.vendorId, shop.vendor.id), eq(placementApplications.status, 'pending')))
    expect(waiting).toHaveLength(1)
  })

  it('refuses a shop without slots, a listing not on sale, another shop’s listing; checks a grant’s date and application', async () => {
    const free = await shopWith(null)
    const its = await listing(free.user)
    const none = await apply(free.user, its.id)
    expect(none.status).toBe(409)
    expect(none.error!.value).toMatchObject({ error: { details: { featuredSlots: 0, featuredNow: 0 } } })

    const shop = await shopWith({ credits: 0, slots: 2 })
    const draft = await listing(shop.user, { status: 'draft' })
    expect((await apply(shop.user, draft.id)).status).toBe(409)
    expect((await apply(shop.user, its.id)).status).toBe(404)

    const product = await listing(shop.user)
    const application = (await apply(shop.user, product.id)).data!
    const past = await grant({ productId: product.id, featuredUntil: new Date(Date.now() - 1_000), applicationId: application.id })
    expect(past.status).toBe(400)
    const other = await grant({ productId: its.id, featuredUntil: inAWeek(), applicationId: application.id })
    expect(other.status).toBe(400)
    expect((await grant({ productId: product.id, featuredUntil: null, applicationId: application.id })).status).toBe(400)
    expect((await grant({ productId: product.id, featuredUntil: inAWeek(), applicationId: newId('pla') })).status).toBe(404)
    // Directly, an admin features any listing, whatever its shop's plan.
    const direct = await grant({ productId: its.id, featuredUntil: inAWeek() })
    expect(direct.status).toBe(200)
    expect(direct.data!.product.featured).toBe(true)
    // A listing sold since it applied is not granted.
    const sold = await listing(shop.user)
    const late = (await apply(shop.user, sold.id)).data!
    expect((await client(t, shop.user).api.v1.products({ slug: sold.slug })['mark-sold'].post()).status).toBe(200)
    const refused = await grant({ productId: sold.id, featuredUntil: inAWeek(), applicationId: late.id })
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { status: 'sold' } } })
  })

  it('an admin declines with a reason the shop reads; a decided application is not decided again', async () => {
    const shop = await shopWith({ credits: 0, slots: 1 })
    const product = await listing(shop.user)
    const application = (await apply(shop.user, product.id)).data!
    const decline = (reason: string) => client(t, admin).api.v1.admin.placements({ id: application.id }).decline.post({ reason })
    // Spaces are not a reason.
    const blank = await decline('   ')
    expect(blank.status).toBe(400)
    expect(blank.error!.value).toMatchObject({ error: { details: [{ field: 'body.reason' }] } })
    const declined = await decline('Photos are too dark for the home page')
    expect(declined.status).toBe(200)
    expect(declined.data).toMatchObject({ status: 'declined', declineReason: 'Photos are too dark for the home page' })
    expect((await decline('Again')).status).toBe(409)
    expect((await grant({ productId: product.id, featuredUntil: inAWeek(), applicationId: application.id })).status).toBe(409)
    const mine = (await client(t, shop.user).api.v1.me.shop.placements.get()).data!
    expect(mine.applications[0]).toMatchObject({ status: 'declined', declineReason: 'Photos are too dark for the home page' })
    // Declined, it may apply again.
    expect((await apply(shop.user, product.id)).status).toBe(201)
  })

  it('admin routes are admins’ only', async () => {
    const shop = await shopWith()
    const product = await listing(shop.user)
    const application = (await apply(shop.user, product.id)).data!
    for (const user of [shop.user, await signUpAndSignIn(t)]) {
      expect((await client(t, user).api.v1.admin.placements.get()).status).toBe(403)
      expect((await grant({ productId: product.id, featuredUntil: inAWeek() }, user)).status).toBe(403)
      expect((await client(t, user).api.v1.admin.placements({ id: application.id }).decline.post({ reason: 'No way' })).status).toBe(403)
    }
    expect((await client(t).api.v1.admin.placements.get()).status).toBe(401)
    expect((await client(t, await signUpAndSignIn(t)).api.v1.me.shop.placements.post({ productId: product.id })).status).toBe(403)
  })

  describe('the shop is told of the decision', () => {
    const decline = (id: string, reason: string) => client(t, admin).api.v1.admin.placements({ id }).decline.post({ reason })
    /** The owner's notifications about its applications (one subject per application), newest first. */
    const noticesOf = async (user: TestUser) => (await client(t, user).api.v1.notifications.get({ query: { limit: 100 } })).data!.items.filter((n) => n.subject?.startsWith('placement:'))
    const day = (date: Date) => date.toISOString().slice(0, 10)

    it('a grant: one notification naming the listing and its last day, linked to the listing’s dashboard page; none for a refused decision', async () => {
      const shop = await shopWith({ credits: 0, slots: 1 })
      const [a, b] = [await listing(shop.user, { title: 'Fez blue bowl' }), await listing(shop.user)]
      const [x, y] = [(await apply(shop.user, a.id)).data!, (await apply(shop.user, b.id)).data!]
      const until = inAWeek()
      expect((await grant({ productId: a.id, featuredUntil: until, applicationId: x.id })).status).toBe(200)
      const notices = await noticesOf(shop.user)
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatchObject({
        type: 'system',
        actor: null,
        subject: `placement:${x.id}`,
        summary: `Your listing “Fez blue bowl” is featured until ${day(until)}`,
        link: `/dashboard/products/${a.slug}`,
        read: false,
      })
      // Refused decisions tell nothing: the same application again, a decline of it, the other one with no slot free.
      expect((await grant({ productId: a.id, featuredUntil: until, applicationId: x.id })).status).toBe(409)
      expect((await decline(x.id, 'Changed my mind')).status).toBe(409)
      expect((await grant({ productId: b.id, featuredUntil: until, applicationId: y.id })).status).toBe(409)
      expect(await noticesOf(shop.user)).toEqual(notices)
      // A direct feature (no application) is not a decision on one: nothing either.
      expect((await grant({ productId: b.id, featuredUntil: null })).status).toBe(200)
      expect(await noticesOf(shop.user)).toEqual(notices)
    })

    it('a decline: one notification carrying the admin’s reason; each decision has its own, and a refused one adds none', async () => {
      const shop = await shopWith({ credits: 0, slots: 1 })
      const [a, b] = [await listing(shop.user, { title: 'Safi tagine' }), await listing(shop.user, { title: 'Atlas rug' })]
      const [x, y] = [(await apply(shop.user, a.id)).data!, (await apply(shop.user, b.id)).data!]
      expect((await decline(x.id, '  Photos are too dark for the home page ')).status).toBe(200)
      const declined = await noticesOf(shop.user)
      expect(declined).toHaveLength(1)
      expect(declined[0]).toMatchObject({
        type: 'system',
        subject: `placement:${x.id}`,
        summary: 'Your application to feature “Safi tagine” was declined: Photos are too dark for the home page',
        link: '/dashboard',
      })
      expect((await decline(x.id, 'Again')).status).toBe(409)
      expect((await grant({ productId: a.id, featuredUntil: inAWeek(), applicationId: x.id })).status).toBe(409)
      expect(await noticesOf(shop.user)).toEqual(declined)
      // The other application's grant is a notification of its own: the decline's stays as it was.
      expect((await grant({ productId: b.id, featuredUntil: inAWeek(), applicationId: y.id })).status).toBe(200)
      const both = await noticesOf(shop.user)
      expect(both.map((n) => n.subject).sort()).toEqual([`placement:${x.id}`, `placement:${y.id}`].sort())
      expect(both.find((n) => n.subject === `placement:${x.id}`)).toEqual(declined[0]!)
      expect(both.find((n) => n.subject === `placement:${y.id}`)!.summary).toStartWith('Your listing “Atlas rug” is featured until ')
    })

    it('a grant runs no further than a cancelled plan’s paid period, says so to the admin and the shop; a renewing plan is not capped', async () => {
      const shop = await shopWith({ credits: 0, slots: 2 })
      const [a, b] = [await listing(shop.user, { title: 'Zellige panel' }), await listing(shop.user)]
      const [x, y] = [(await apply(shop.user, a.id)).data!, (await apply(shop.user, b.id)).data!]
      // Renewing as usual: granted as asked, past the period's end.
      const periodEnd = (await subscriptionOf(t, shop.vendor.id))!.periodEnd
      const long = new Date(periodEnd.getTime() + 30 * DAY)
      const renewing = await grant({ productId: b.id, featuredUntil: long, applicationId: y.id })
      expect(renewing.status).toBe(200)
      expect(renewing.data!.capped).toBeNull()
      expect(new Date(renewing.data!.featuredUntil!).getTime()).toBe(long.getTime())

      expect((await client(t, shop.user).api.v1.me.shop.subscription.cancel.post()).status).toBe(200)
      const capped = await grant({ productId: a.id, featuredUntil: long, applicationId: x.id })
      expect(capped.status).toBe(200)
      expect(new Date(capped.data!.featuredUntil!).getTime()).toBe(periodEnd.getTime())
      expect(new Date(capped.data!.capped!.askedUntil).getTime()).toBe(long.getTime())
      expect(capped.data!.capped!.reason).toMatch(new RegExp(`^the shop’s .+ plan is cancelled: it is paid until ${day(periodEnd)}$`))
      expect((await productRow(a.id)).featuredUntil!.getTime()).toBe(periodEnd.getTime())
      const [application] = await db().select().from(placementApplications).where(eq(placementApplications.id, x.id))
      expect(application!.featuredUntil!.getTime()).toBe(periodEnd.getTime())
      const notice = (await noticesOf(shop.user)).find((n) => n.subject === `placement:${x.id}`)!
      expect(notice.summary).toMatch(new RegExp(`^Your listing “Zellige panel” is featured until ${day(periodEnd)}, when your .+ plan ends$`))
    })

    it('a grant runs no further than the period when the plan moves to one without featured slots; to one with slots, as asked', async () => {
      const shop = await shopWith({ credits: 0, slots: 1 })
      const product = await listing(shop.user)
      const application = (await apply(shop.user, product.id)).data!
      const periodEnd = (await subscriptionOf(t, shop.vendor.id))!.periodEnd
      const long = new Date(periodEnd.getTime() + 30 * DAY)
      const cheaper = (slots: number) => makePlan(t, admin, { featuredSlots: slots, monthlyPriceMinor: 100, yearlyPriceMinor: 1_000, maxActiveListings: null })
      // Scheduled onto a cheaper plan with slots: nothing to cap, so the grant below is a cap by the plan without.
      const withSlots = await cheaper(1)
      expect((await choosePlan(t, shop.user, withSlots.id)).data!.outcome).toBe('scheduled')
      const without = await cheaper(0)
      expect((await choosePlan(t, shop.user, without.id)).data!.outcome).toBe('scheduled')
      const granted = await grant({ productId: product.id, featuredUntil: long, applicationId: application.id })
      expect(granted.status).toBe(200)
      expect(new Date(granted.data!.featuredUntil!).getTime()).toBe(periodEnd.getTime())
      expect(granted.data!.capped!.reason).toBe(`the shop’s ${(await subscriptionOf(t, shop.vendor.id))!.terms.name} plan is paid until ${day(periodEnd)}, then it moves to ${without.name}, which has no featured slots`)
      expect((await noticesOf(shop.user))[0]!.summary).toEndWith(`featured until ${day(periodEnd)}, when your shop moves to the ${without.name} plan, which has no featured slots`)

      const other = await shopWith({ credits: 0, slots: 1 })
      const its = await listing(other.user)
      const asked = (await apply(other.user, its.id)).data!
      expect((await choosePlan(t, other.user, withSlots.id)).data!.outcome).toBe('scheduled')
      const otherLong = new Date((await subscriptionOf(t, other.vendor.id))!.periodEnd.getTime() + 30 * DAY)
      const uncapped = await grant({ productId: its.id, featuredUntil: otherLong, applicationId: asked.id })
      expect(uncapped.data!.capped).toBeNull()
      expect(new Date(uncapped.data!.featuredUntil!).getTime()).toBe(otherLong.getTime())
    })

    it('a cancelled plan whose period is already over (the schedule has not ended it yet) is refused with 409, changing and telling nothing', async () => {
      const shop = await shopWith({ credits: 0, slots: 1 })
      const product = await listing(shop.user)
      const application = (await apply(shop.user, product.id)).data!
      expect((await client(t, shop.user).api.v1.me.shop.subscription.cancel.post()).status).toBe(200)
      await db().update(subscriptions).set({ periodEnd: new Date(Date.now() - 60_000) }).where(eq(subscriptions.vendorId, shop.vendor.id))
      const refused = await grant({ productId: product.id, featuredUntil: inAWeek(), applicationId: application.id })
      expect(refused.status).toBe(409)
      expect(refused.error!.value).toMatchObject({ error: { type: 'conflict', message: expect.stringMatching(/^The shop’s paid plan period is over \(the shop’s .+ plan is cancelled: it is paid until \d{4}-\d{2}-\d{2}\): decline the application$/) } })
      expect((await productRow(product.id)).featuredUntil).toBeNull()
      const [row] = await db().select().from(placementApplications).where(eq(placementApplications.id, application.id))
      expect(row!.status).toBe('pending')
      expect(await noticesOf(shop.user)).toEqual([])
      // Declining it still works, and tells the shop.
      expect((await decline(application.id, 'Your plan has ended')).status).toBe(200)
      expect(await noticesOf(shop.user)).toHaveLength(1)
    })
  })
})

describe('the schedule of ends', () => {
  it('drops cached pages when a boost or a feature ended since it last looked, and not otherwise', async () => {
    const shop = await shopWith({ credits: 0, slots: 0 })
    const product = await listing(shop.user)
    // Half a day off: the other tests' placements end whole days after they were made.
    const end = new Date(Date.now() + 2.5 * DAY)
    await db().update(products).set({ featuredUntil: end }).where(eq(products.id, product.id))
    const heard: unknown[] = []
    const unsubscribe = t.ctx.bus.subscribe(PAGE_INVALIDATION_TOPIC, (message) => void heard.push(message))
    await unsubscribe.ready
    const at = (ms: number) => new ManualClock(new Date(end.getTime() + ms))
    expect(await dropEndedPlacements({ db: db(), bus: t.ctx.bus, clock: at(-60_000) })).toEqual({ ended: false })
    expect(await dropEndedPlacements({ db: db(), bus: t.ctx.bus, clock: at(60_000) })).toEqual({ ended: true })
    await waitFor(() => heard.length === 1, 5_000, 'the page invalidation')
    expect(await dropEndedPlacements({ db: db(), bus: t.ctx.bus, clock: at(60 * 60_000) })).toEqual({ ended: false })
    unsubscribe()
  })
})
