import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { adminWithCategory, client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, type TestUser, twoInstances } from '../../testing'
import { nothing } from '../../events/committed'
import { addProductRating, products } from '../catalog'
import { reconcile } from '../ledger'
import { addToCart, buyer, checkout, shop, type TestShop } from '../orders/testing'
import { paidOrder, walletOf } from '../payments/testing'
import type { SupportModel } from '../support'
import { addShopRating, vendors } from '../vendors'
import { applyTerms, prorate, shopTermsOf } from './service/shared'
import { runPlanSchedule } from './service/renewal'
import { changePlan } from './service/subscriptions'
import { subscriptions } from './table'
import { chargesOf, choosePlan, fundWallet, makePlan, plansAt, runScheduleAt, subscriptionOf } from './testing'

let t: TestApp
let admin: TestUser
let categoryId: string

const FREE = 'pln_00000000000000000000000000000000'
const DAY = 24 * 60 * 60_000
const MINUTE = 60_000

beforeAll(async () => {
  t = await createTestApp({ listen: true })
  ;({ admin, categoryId } = await adminWithCategory(t))
}, 60_000)
afterAll(() => t.close())

const stateOf = async (owner: TestUser) => (await client(t, owner).api.v1.me.shop.subscription.get()).data!
const perksOf = async (vendorId: string) =>
  (await t.ctx.database.db.select({ max: vendors.maxActiveListings, commissionBp: vendors.commissionBp, badge: vendors.planBadge }).from(vendors).where(eq(vendors.id, vendorId)))[0]!
const statusesOf = async (vendorId: string) =>
  (await t.ctx.database.db.select({ title: products.title, status: products.status, createdAt: products.createdAt }).from(products).where(eq(products.vendorId, vendorId))).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  )
const noticesOf = async (user: TestUser) => (await client(t, user).api.v1.notifications.get({ query: {} })).data!.items
const mailTo = async (vendorId: string) => {
  await t.services.mailer.settled()
  const [row] = await t.ctx.database.db.select({ email: vendors.contactEmail }).from(vendors).where(eq(vendors.id, vendorId))
  return ((await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(row!.email)}`)).json()) as { items: { text: string }[] }).items
}
/** `n` products of the shop, on sale, created one after the other (titled Lamp 1, Lamp 2, …). */
async function listings(s: TestShop, n: number, prefix = 'Lamp'): Promise<void> {
  for (let i = 1; i <= n; i++) await makeProduct(t, s.owner, { categoryId, title: `${prefix} ${i}` })
}

describe('plans, as admins offer them', () => {
  it('lists the free plan first, then the offered ones; a retired plan leaves the comparison but keeps its subscribers', async () => {
    const plan = await makePlan(t, admin, { name: 'Atelier', monthlyPriceMinor: 9_900, yearlyPriceMinor: 99_000 })
    expect(plan).toMatchObject({ isFree: false, currency: 'MAD', yearlySavingPercent: 16, effectiveCommissionBp: 200, retired: false, subscribers: 0 })
    const listed = (await client(t).api.v1.plans.get()).data!.items
    expect(listed[0]).toMatchObject({ id: FREE, isFree: true, monthlyPriceMinor: 0, maxActiveListings: null, effectiveCommissionBp: 500 })
    expect(listed.map((p) => p.id)).toContain(plan.id)

    const s = await shop(t)
    await fundWallet(t, s.owner.id, 20_000)
    expect((await choosePlan(t, s.owner, plan.id)).status).toBe(200)
    const retired = await client(t, admin).api.v1.admin.plans({ id: plan.id }).patch({ retired: true })
    expect(retired.data).toMatchObject({ retired: true, subscribers: 1 })
    expect((await client(t).api.v1.plans.get()).data!.items.map((p) => p.id)).not.toContain(plan.id)
    const other = await shop(t)
    await fundWallet(t, other.owner.id, 20_000)
    const refused = await choosePlan(t, other.owner, plan.id)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { message: 'Atelier takes no new subscribers' } })
  })

  it('refuses prices a plan cannot have, retiring the free plan, and anyone but admins', async () => {
    const bad = await client(t, admin).api.v1.admin.plans.post({
      name: 'Too dear a year',
      monthlyPriceMinor: 1_000,
      yearlyPriceMinor: 12_001,
      maxActiveListings: 5,
      boostCreditsPerMonth: 0,
      featuredSlots: 0,
      commissionBp: null,
      prioritySupport: false,
      badge: null,
    })
    expect(bad.status).toBe(400)
    expect(bad.error!.value).toMatchObject({ error: { details: [{ field: 'body.yearlyPriceMinor' }] } })
    expect((await client(t, admin).api.v1.admin.plans({ id: FREE }).patch({ retired: true })).status).toBe(409)
    expect((await client(t, admin).api.v1.admin.plans({ id: FREE }).patch({ monthlyPriceMinor: 100 })).status).toBe(400)
    const s = await shop(t)
    expect((await client(t, s.owner).api.v1.admin.plans.get()).status).toBe(403)
  })
})

describe('subscribing from the wallet', () => {
  it('refuses a short wallet with insufficient_funds and changes nothing; then pays exactly the price, sets the perks and issues an invoice', async () => {
    const plan = await makePlan(t, admin, { maxActiveListings: 25, commissionBp: 300, badge: 'Verified' })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 9_999)
    const short = await choosePlan(t, s.owner, plan.id)
    expect(short.status).toBe(409)
    expect(short.error!.value).toMatchObject({ error: { details: { reason: 'insufficient_funds' }, message: expect.stringContaining('99.99 MAD available') } })
    expect(await chargesOf(t, s.vendor.id)).toEqual([])
    expect(await stateOf(s.owner)).toMatchObject({ planId: FREE, isFree: true, subscription: null })

    await fundWallet(t, s.owner.id, 1)
    const paid = await choosePlan(t, s.owner, plan.id)
    expect(paid.status).toBe(200)
    // Souk sells the plan at its default TVA rate (20 %), included in the price: 10,000 × 20/120, rounded half up.
    expect(paid.data).toMatchObject({
      outcome: 'subscribed',
      invoice: { kind: 'subscribe', priceMinor: 10_000, creditMinor: 0, amountMinor: 10_000, tvaRateBp: 2_000, tvaMinor: 1_667, invoiceNumber: expect.stringMatching(/^SOUK-PLAN-\d{4}-\d{6}$/) },
    })
    const state = paid.data!.state
    expect(state).toMatchObject({ planId: plan.id, isFree: false, effectiveCommissionBp: 300, usage: { activeListings: 0, boostCredits: 5 }, wallet: { availableMinor: 0 } })
    expect(state.subscription).toMatchObject({ interval: 'month', status: 'active', cancelAtPeriodEnd: false, next: null, endsAt: null })
    expect(state.subscription!.renewsAt).toEqual(state.subscription!.periodEnd)
    expect(await perksOf(s.vendor.id)).toEqual({ max: 25, commissionBp: 300, badge: 'Verified' })
    expect((await client(t).api.v1.vendors({ slug: s.vendor.slug }).get()).data!.badge).toBe('Verified')
    expect((await walletOf(t, s.owner)).availableMinor).toBe(0)

    // The same again: nothing to change, nothing paid.
    expect((await choosePlan(t, s.owner, plan.id)).status).toBe(409)
    const invoices = (await client(t, s.owner).api.v1.me.shop.subscription.invoices.get({ query: {} })).data!.items
    expect(invoices).toHaveLength(1)
    const pdf = await t.request(`/api/v1/me/shop/subscription/invoices/${invoices[0]!.id}/pdf`, { headers: s.owner.auth })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-')
    // Another shop's invoice is not there.
    const other = await shop(t)
    expect((await t.request(`/api/v1/me/shop/subscription/invoices/${invoices[0]!.id}/pdf`, { headers: other.owner.auth })).status).toBe(404)
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })

  it('credits an upgrade pro rata, exact in minor units, and schedules a downgrade for the period’s end', async () => {
    const pro = await makePlan(t, admin, { monthlyPriceMinor: 10_000, yearlyPriceMinor: 100_000, maxActiveListings: 10 })
    const business = await makePlan(t, admin, { name: 'Business', monthlyPriceMinor: 25_000, yearlyPriceMinor: 250_000, maxActiveListings: 100, commissionBp: 100 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 100_000)
    // March 2026 has 31 days: the period is 2,678,400,000 ms.
    const start = new Date('2026-03-01T00:00:00.000Z')
    const subscribed = await changePlan(plansAt(t, start), s.owner.id, { planId: pro.id, interval: 'month' })
    expect(subscribed.state.subscription).toMatchObject({ periodStart: start, periodEnd: new Date('2026-04-01T00:00:00.000Z') })

    // 10 d 7 h 13 min 27.123 s in: 1,788,392,877 ms unused, 10,000 × that / 2,678,400,000 = 6,677.09…
    const at = new Date(start.getTime() + 890_007_123)
    const upgraded = await changePlan(plansAt(t, at), s.owner.id, { planId: business.id, interval: 'month' })
    expect(upgraded.outcome).toBe('upgraded')
    expect(upgraded.invoice).toMatchObject({ kind: 'upgrade', priceMinor: 25_000, creditMinor: 6_677, amountMinor: 18_323 })
    expect(upgraded.state.subscription).toMatchObject({ periodStart: at, periodEnd: new Date('2026-04-11T07:13:27.123Z') })
    expect((await walletOf(t, s.owner)).availableMinor).toBe(100_000 - 10_000 - 18_323)
    expect(await perksOf(s.vendor.id)).toMatchObject({ max: 100, commissionBp: 100 })

    // Back to Pro: later, nothing paid now, the perks kept.
    const down = await changePlan(plansAt(t, new Date(at.getTime() + DAY)), s.owner.id, { planId: pro.id, interval: 'month' })
    expect(down).toMatchObject({ outcome: 'scheduled', invoice: null, state: { planId: business.id, subscription: { next: { planId: pro.id, interval: 'month', priceMinor: 10_000 } } } })
    expect((await chargesOf(t, s.vendor.id)).map((c) => c.kind)).toEqual(['subscribe', 'upgrade'])
    // Choosing Business again undoes it.
    expect((await changePlan(plansAt(t, new Date(at.getTime() + DAY)), s.owner.id, { planId: business.id, interval: 'month' })).outcome).toBe('resumed')
    expect((await subscriptionOf(t, s.vendor.id))!.nextPlanId).toBeNull()
  })

  it('prorates in exact integers where price × time passes 2^53', () => {
    const start = new Date('2026-03-01T00:00:00.000Z')
    const end = new Date('2027-03-01T00:00:00.000Z')
    // 9,999,999 × 22,895,999,999 ms is about 2.3 × 10^17.
    expect(prorate(9_999_999, start, end, new Date(start.getTime() + 100 * DAY + 1))).toBe(7_260_273)
    expect(prorate(9_999_999, start, end, end)).toBe(0)
    expect(prorate(9_999_999, start, end, start)).toBe(9_999_999)
  })

  it('cancels: no renewal, the perks stay until the period ends, and choosing the plan again undoes it', async () => {
    const plan = await makePlan(t, admin)
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 10_000)
    await choosePlan(t, s.owner, plan.id)
    const cancelled = await client(t, s.owner).api.v1.me.shop.subscription.cancel.post()
    expect(cancelled.data).toMatchObject({ planId: plan.id, subscription: { cancelAtPeriodEnd: true, renewsAt: null } })
    expect(cancelled.data!.subscription!.endsAt).toEqual(cancelled.data!.subscription!.periodEnd)
    expect(await perksOf(s.vendor.id)).toMatchObject({ max: 10, badge: 'Pro' })
    expect((await choosePlan(t, s.owner, plan.id)).data!.outcome).toBe('resumed')
    expect((await stateOf(s.owner)).subscription).toMatchObject({ cancelAtPeriodEnd: false })
    const nothing = await shop(t)
    expect((await client(t, nothing.owner).api.v1.me.shop.subscription.cancel.post()).status).toBe(409)
  })
})

describe('the listing limit', () => {
  it('refuses the 11th active listing of a 10-listing plan at publish, whichever way it goes on sale', async () => {
    const plan = await makePlan(t, admin, { maxActiveListings: 10 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 10_000)
    await choosePlan(t, s.owner, plan.id)
    await listings(s, 10)
    const eleventh = await client(t, s.owner).api.v1.products.post({ categoryId, title: 'Eleventh', description: 'One too many.', priceMinor: 1_000, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', status: 'active' })
    expect(eleventh.status).toBe(409)
    expect(eleventh.error!.value).toMatchObject({ error: { details: { reason: 'listing_limit' }, message: expect.stringContaining('Your plan allows 10 active listings') } })
    // A draft is fine; putting it on sale is not.
    const draft = await client(t, s.owner).api.v1.products.post({ categoryId, title: 'Draft', description: 'Waiting.', priceMinor: 1_000, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', status: 'draft' })
    expect(draft.status).toBe(201)
    expect((await client(t, s.owner).api.v1.products({ slug: draft.data!.slug }).patch({ status: 'active' })).status).toBe(409)
    // One sold makes room, and reactivating it then is refused again once the draft took the room.
    const [first] = (await client(t, s.owner).api.v1.me.products.get({ query: { status: 'active' } })).data!.items
    expect((await client(t, s.owner).api.v1.products({ slug: first!.slug })['mark-sold'].post()).status).toBe(200)
    expect((await client(t, s.owner).api.v1.products({ slug: draft.data!.slug }).patch({ status: 'active' })).status).toBe(200)
    expect((await client(t, s.owner).api.v1.products({ slug: first!.slug }).reactivate.post()).status).toBe(409)
  })

  it('counts listings going on sale at once one after the other', async () => {
    const plan = await makePlan(t, admin, { maxActiveListings: 3 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 10_000)
    await choosePlan(t, s.owner, plan.id)
    await listings(s, 2)
    const body = (title: string) => ({ categoryId, title, description: 'At once.', priceMinor: 1_000, currency: 'MAD', stock: 1, condition: 'new' as const, location: 'Fez', status: 'active' as const })
    const answers = await Promise.all(['Lamp A', 'Lamp B', 'Lamp C', 'Lamp D'].map((title) => client(t, s.owner).api.v1.products.post(body(title))))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409])
    expect((await statusesOf(s.vendor.id)).filter((p) => p.status === 'active')).toHaveLength(3)
  })
})

describe('the renewal schedule', () => {
  it('renews a due subscription once with two instances running it at once', async () => {
    const { a, b } = await twoInstances()
    try {
      const plan = await makePlan(a, await signUpAndSignIn(a, { role: 'admin' }))
      const s = await shop(a)
      await fundWallet(a, s.owner.id, 30_000)
      expect((await choosePlan(a, s.owner, plan.id)).status).toBe(200)
      const row = (await subscriptionOf(a, s.vendor.id))!
      const after = new Date(row.periodEnd.getTime() + MINUTE)
      const runs = await Promise.all([runScheduleAt(a, after), runScheduleAt(b, after), runScheduleAt(a, after), runScheduleAt(b, after)])
      expect(runs.reduce((sum, run) => sum + run.renewed, 0)).toBe(1)
      const charges = await chargesOf(a, s.vendor.id)
      expect(charges.map((c) => [c.kind, c.amountMinor])).toEqual([
        ['subscribe', 10_000],
        ['renewal', 10_000],
      ])
      expect(charges[1]!.periodStart).toEqual(row.periodEnd)
      expect((await walletOf(a, s.owner)).availableMinor).toBe(10_000)
      expect(await subscriptionOf(a, s.vendor.id)).toMatchObject({ status: 'active', periodStart: row.periodEnd, version: row.version + 1 })
      // The next run finds nothing due.
      expect((await runScheduleAt(b, after)).renewed).toBe(0)
      expect((await reconcile(a.ctx.database.db, new Date())).mismatches).toEqual([])
    } finally {
      await b.close()
      await a.close()
    }
  }, 60_000)

  it('leaves one consistent state when a renewal and a cancellation race', async () => {
    const plan = await makePlan(t, admin)
    const outcomes: string[] = []
    for (let i = 0; i < 4; i++) {
      const s = await shop(t)
      await fundWallet(t, s.owner.id, 20_000)
      await choosePlan(t, s.owner, plan.id)
      const row = (await subscriptionOf(t, s.vendor.id))!
      const after = new Date(row.periodEnd.getTime() + MINUTE)
      const [, cancelled] = await Promise.all([runScheduleAt(t, after), client(t, s.owner).api.v1.me.shop.subscription.cancel.post()])
      const now = (await subscriptionOf(t, s.vendor.id))!
      const charges = (await chargesOf(t, s.vendor.id)).map((c) => c.kind)
      if (charges.includes('renewal')) {
        // Renewed first: the new period is paid once, and cancelled at its end.
        outcomes.push('renewed, then cancelled')
        expect(cancelled.status).toBe(200)
        expect(charges).toEqual(['subscribe', 'renewal'])
        expect(now).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, periodStart: row.periodEnd })
        expect((await walletOf(t, s.owner)).availableMinor).toBe(0)
      } else {
        // Cancelled first (or the schedule skipped the row the cancellation held): nothing more paid; it ends when the schedule next runs.
        outcomes.push('cancelled first')
        expect(charges).toEqual(['subscribe'])
        expect(now.cancelAtPeriodEnd || now.status === 'ended').toBe(true)
        await runScheduleAt(t, after)
        expect(await subscriptionOf(t, s.vendor.id)).toMatchObject({ status: 'ended' })
        expect(await chargesOf(t, s.vendor.id)).toHaveLength(1)
        expect((await walletOf(t, s.owner)).availableMinor).toBe(10_000)
      }
    }
    expect(outcomes).toHaveLength(4)
    expect((await reconcile(t.ctx.database.db, new Date())).mismatches).toEqual([])
  })

  it('moves a scheduled downgrade in at the period’s end, setting the newest listings over its limit to draft', async () => {
    const big = await makePlan(t, admin, { name: 'Big', monthlyPriceMinor: 20_000, yearlyPriceMinor: 200_000, maxActiveListings: 10 })
    const small = await makePlan(t, admin, { name: 'Small', monthlyPriceMinor: 5_000, yearlyPriceMinor: 50_000, maxActiveListings: 3, badge: null, commissionBp: null })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 25_000)
    await choosePlan(t, s.owner, big.id)
    await listings(s, 5)
    expect((await choosePlan(t, s.owner, small.id)).data!.outcome).toBe('scheduled')
    const row = (await subscriptionOf(t, s.vendor.id))!
    await runScheduleAt(t, new Date(row.periodEnd.getTime() + MINUTE))
    expect(await subscriptionOf(t, s.vendor.id)).toMatchObject({ planId: small.id, status: 'active', nextPlanId: null, terms: { name: 'Small', priceMinor: 5_000 } })
    expect((await chargesOf(t, s.vendor.id)).at(-1)).toMatchObject({ kind: 'renewal', planId: small.id, amountMinor: 5_000 })
    expect((await statusesOf(s.vendor.id)).map((p) => [p.title, p.status])).toEqual([
      ['Lamp 1', 'active'],
      ['Lamp 2', 'active'],
      ['Lamp 3', 'active'],
      ['Lamp 4', 'draft'],
      ['Lamp 5', 'draft'],
    ])
    expect(await perksOf(s.vendor.id)).toEqual({ max: 3, commissionBp: null, badge: null })
    expect((await noticesOf(s.owner))[0]!.text).toContain('went back to draft, newest first: “Lamp 5”, “Lamp 4”')
  })

  it('gives a failed renewal three days of grace, renews when the wallet is filled in time, and falls back to the free plan after', async () => {
    const plan = await makePlan(t, admin)
    // Filled in time.
    const saved = await shop(t)
    await fundWallet(t, saved.owner.id, 10_000)
    await choosePlan(t, saved.owner, plan.id)
    const savedEnd = (await subscriptionOf(t, saved.vendor.id))!.periodEnd
    await runScheduleAt(t, new Date(savedEnd.getTime() + MINUTE))
    expect((await stateOf(saved.owner)).subscription).toMatchObject({ status: 'past_due', renewsAt: null })
    expect((await mailTo(saved.vendor.id)).some((m) => m.text.includes('could not renew'))).toBe(true)
    await fundWallet(t, saved.owner.id, 10_000)
    await runScheduleAt(t, new Date(savedEnd.getTime() + 2 * DAY))
    expect(await subscriptionOf(t, saved.vendor.id)).toMatchObject({ status: 'active', periodStart: savedEnd, graceUntil: null })

    // Never filled: the free plan, with its perks, after the grace.
    const lapsed = await shop(t)
    await fundWallet(t, lapsed.owner.id, 10_000)
    await choosePlan(t, lapsed.owner, plan.id)
    const lapsedEnd = (await subscriptionOf(t, lapsed.vendor.id))!.periodEnd
    await runScheduleAt(t, new Date(lapsedEnd.getTime() + MINUTE))
    // Still in grace: the perks hold.
    await runScheduleAt(t, new Date(lapsedEnd.getTime() + 2 * DAY))
    expect(await subscriptionOf(t, lapsed.vendor.id)).toMatchObject({ status: 'past_due' })
    expect(await perksOf(lapsed.vendor.id)).toMatchObject({ max: 10, badge: 'Pro' })
    // A day before the grace runs out, the shop is warned once, however often the schedule runs.
    const lastCall = async () => (await noticesOf(lapsed.owner)).filter((n) => n.text.includes('unless its renewal is paid'))
    expect(await lastCall()).toEqual([])
    await runScheduleAt(t, new Date(lapsedEnd.getTime() + 2.5 * DAY))
    await runScheduleAt(t, new Date(lapsedEnd.getTime() + 2.75 * DAY))
    expect(await lastCall()).toHaveLength(1)
    expect((await mailTo(lapsed.vendor.id)).filter((m) => m.text.includes('unless its renewal is paid'))).toHaveLength(1)
    await runScheduleAt(t, new Date(lapsedEnd.getTime() + 3 * DAY + 2 * MINUTE))
    expect(await subscriptionOf(t, lapsed.vendor.id)).toMatchObject({ status: 'ended' })
    expect(await stateOf(lapsed.owner)).toMatchObject({ planId: FREE, isFree: true, subscription: null })
    expect(await perksOf(lapsed.vendor.id)).toEqual({ max: null, commissionBp: null, badge: null })
    expect(await chargesOf(t, lapsed.vendor.id)).toHaveLength(1)
  })

  it('warns 7 days and 1 day before a renewal or an end, once each, by notification and email', async () => {
    const plan = await makePlan(t, admin)
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 12_345)
    await choosePlan(t, s.owner, plan.id)
    const end = (await subscriptionOf(t, s.vendor.id))!.periodEnd
    const mails = async () => (await mailTo(s.vendor.id)).filter((m) => m.text.includes('renews on'))
    await runScheduleAt(t, new Date(end.getTime() - 8 * DAY))
    expect(await mails()).toHaveLength(0)
    const sixDays = new Date(end.getTime() - 6 * DAY)
    await Promise.all([runScheduleAt(t, sixDays), runScheduleAt(t, sixDays)])
    expect(await mails()).toHaveLength(1)
    expect((await noticesOf(s.owner))[0]!.text).toBe(`Your ${plan.name} plan renews on ${end.toISOString().slice(0, 10)}: 100.00 MAD will be paid from your wallet, which has 23.45 MAD`)
    await runScheduleAt(t, new Date(end.getTime() - 5 * DAY))
    expect(await mails()).toHaveLength(1)
    await runScheduleAt(t, new Date(end.getTime() - 20 * 60 * MINUTE))
    expect(await mails()).toHaveLength(2)

    // Cancelled: the warning says it ends.
    const leaving = await shop(t)
    await fundWallet(t, leaving.owner.id, 10_000)
    await choosePlan(t, leaving.owner, plan.id)
    await client(t, leaving.owner).api.v1.me.shop.subscription.cancel.post()
    const leavingEnd = (await subscriptionOf(t, leaving.vendor.id))!.periodEnd
    await runScheduleAt(t, new Date(leavingEnd.getTime() - 12 * 60 * MINUTE))
    expect((await noticesOf(leaving.owner))[0]!.text).toContain(`plan ends on ${leavingEnd.toISOString().slice(0, 10)}: your shop then goes back to the Free plan`)
  })
})

describe('perks that hold', () => {
  it('opens the support tickets of a shop whose plan gives priority support at high priority, until the plan ends', async () => {
    const plan = await makePlan(t, admin, { prioritySupport: true })
    const [priority, free] = [await shop(t), await shop(t)]
    await fundWallet(t, priority.owner.id, 10_000)
    expect((await choosePlan(t, priority.owner, plan.id)).status).toBe(200)
    const open = async (owner: TestUser) => {
      const answer = await client(t, owner).api.v1.tickets.post({ subject: 'Payout question', category: 'other', body: 'When is it paid?' })
      expect(answer.status).toBe(201)
      return (answer.data as SupportModel.Posted).ticket.id
    }
    const priorityOf = async (id: string) => (await client(t, admin).api.v1.tickets({ id }).get()).data!.staff!.priority
    expect(await priorityOf(await open(priority.owner))).toBe('high')
    expect(await priorityOf(await open(free.owner))).toBe('normal')
    // A buyer (no shop) is answered in turn.
    expect(await priorityOf(await open(await signUpAndSignIn(t)))).toBe('normal')

    // The plan lapses to the free plan (no money for the renewal, grace over): the perk goes with it.
    const end = (await subscriptionOf(t, priority.vendor.id))!.periodEnd
    await runScheduleAt(t, new Date(end.getTime() + MINUTE))
    await runScheduleAt(t, new Date(end.getTime() + 3 * DAY + 2 * MINUTE))
    expect(await subscriptionOf(t, priority.vendor.id)).toMatchObject({ status: 'ended' })
    expect(await priorityOf(await open(priority.owner))).toBe('normal')
  })

  it('charges commission at release at the rate of the shop’s plan when the order was paid', async () => {
    const plan = await makePlan(t, admin, { commissionBp: 200 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 10_000)
    await choosePlan(t, s.owner, plan.id)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 5 })
    // Paid while on the plan: 2 %.
    const onPlan = await paidOrder(t, s, product.id, { funds: 50_000 })
    // The plan ends (cancelled, then the period is over) before the buyer confirms receipt.
    await client(t, s.owner).api.v1.me.shop.subscription.cancel.post()
    const row = (await subscriptionOf(t, s.vendor.id))!
    await runScheduleAt(t, new Date(row.periodEnd.getTime() + MINUTE))
    expect(await perksOf(s.vendor.id)).toMatchObject({ commissionBp: null })
    // Paid after: the platform's 5 %.
    const after = await paidOrder(t, s, product.id, { funds: 50_000 })
    const before = (await walletOf(t, s.owner)).availableMinor
    for (const order of [onPlan, after]) {
      for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: order.orderId })[step].post()).status).toBe(200)
      expect((await client(t, order.me.user).api.v1.orders({ id: order.orderId })['confirm-receipt'].post()).status).toBe(200)
    }
    const commission = (amount: number, bp: number) => Math.floor((amount * bp + 5_000) / 10_000)
    expect(onPlan.totalMinor).toBe(23_000)
    expect((await walletOf(t, s.owner)).availableMinor - before).toBe(23_000 - commission(23_000, 200) + 23_000 - commission(23_000, 500))
    expect((await client(t, s.owner).api.v1.me.earnings.get()).data!.commissionBp).toBe(500)
  })

  it('applies an edit of the free plan at once to shops without a subscription, and its limit at expiry', async () => {
    const plan = await makePlan(t, admin, { maxActiveListings: 10 })
    const subscribed = await shop(t)
    await fundWallet(t, subscribed.owner.id, 10_000)
    await choosePlan(t, subscribed.owner, plan.id)
    await listings(subscribed, 6, 'Shelf')
    const free = await shop(t)
    try {
      const edited = await client(t, admin).api.v1.admin.plans({ id: FREE }).patch({ maxActiveListings: 4, badge: 'Starter' })
      expect(edited.data).toMatchObject({ isFree: true, maxActiveListings: 4 })
      expect(await perksOf(free.vendor.id)).toEqual({ max: 4, commissionBp: null, badge: 'Starter' })
      expect(await perksOf(subscribed.vendor.id)).toMatchObject({ max: 10, badge: 'Pro' })
      // A shop opened now starts with them too.
      const later = await shop(t)
      expect(await perksOf(later.vendor.id)).toMatchObject({ max: 4 })

      // The subscription ends: exactly the two newest of six go back to draft, none deleted; the shop is told which.
      await client(t, subscribed.owner).api.v1.me.shop.subscription.cancel.post()
      const row = (await subscriptionOf(t, subscribed.vendor.id))!
      await runScheduleAt(t, new Date(row.periodEnd.getTime() + MINUTE))
      expect(await subscriptionOf(t, subscribed.vendor.id)).toMatchObject({ status: 'ended' })
      expect((await statusesOf(subscribed.vendor.id)).map((p) => [p.title, p.status])).toEqual([
        ['Shelf 1', 'active'],
        ['Shelf 2', 'active'],
        ['Shelf 3', 'active'],
        ['Shelf 4', 'active'],
        ['Shelf 5', 'draft'],
        ['Shelf 6', 'draft'],
      ])
      expect(await perksOf(subscribed.vendor.id)).toEqual({ max: 4, commissionBp: null, badge: 'Starter' })
      const told = `your shop is on the Free plan now. Its limit is 4 active listings, so 2 of yours went back to draft, newest first: “Shelf 6”, “Shelf 5”`
      expect((await noticesOf(subscribed.owner))[0]!.text).toContain(told)
      expect((await mailTo(subscribed.vendor.id)).some((m) => m.text.includes(told))).toBe(true)
      expect((await client(t, subscribed.owner).api.v1.me.shop.subscription.get()).data).toMatchObject({ isFree: true, usage: { activeListings: 4 } })
    } finally {
      expect((await client(t, admin).api.v1.admin.plans({ id: FREE }).patch({ maxActiveListings: null, badge: null })).status).toBe(200)
    }
    expect(await perksOf(free.vendor.id)).toEqual({ max: null, commissionBp: null, badge: null })
    expect((await t.ctx.database.db.select().from(products).where(and(eq(products.vendorId, subscribed.vendor.id)))).length).toBe(6)
  })
})

describe('review fixes: upgrades, renewals', () => {
  it('schedules a dearer plan for the period’s end when the unused credit is more than the new period costs, and upgrades at once once it is not', async () => {
    const pro = await makePlan(t, admin, { monthlyPriceMinor: 10_000, yearlyPriceMinor: 100_000 })
    const business = await makePlan(t, admin, { name: 'Business', monthlyPriceMinor: 25_000, yearlyPriceMinor: 250_000, maxActiveListings: 100 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 200_000)
    const start = new Date('2026-03-01T00:00:00.000Z')
    await changePlan(plansAt(t, start), s.owner.id, { planId: pro.id, interval: 'year' })
    // A month in: about 91,500 of the year's 100,000 unused, more than Business's month (25,000).
    const early = await changePlan(plansAt(t, new Date(start.getTime() + 31 * DAY)), s.owner.id, { planId: business.id, interval: 'month' })
    expect(early).toMatchObject({ outcome: 'scheduled', invoice: null, state: { planId: pro.id, subscription: { interval: 'year', next: { planId: business.id, interval: 'month', priceMinor: 25_000 } } } })
    expect((await chargesOf(t, s.vendor.id)).map((c) => c.kind)).toEqual(['subscribe'])
    // Three weeks before the year ends: about 5,750 unused, all of it credited.
    const late = await changePlan(plansAt(t, new Date('2027-02-08T00:00:00.000Z')), s.owner.id, { planId: business.id, interval: 'month' })
    expect(late.outcome).toBe('upgraded')
    const unused = prorate(100_000, start, new Date('2027-03-01T00:00:00.000Z'), new Date('2027-02-08T00:00:00.000Z'))
    expect(late.invoice).toMatchObject({ kind: 'upgrade', priceMinor: 25_000, creditMinor: unused, amountMinor: 25_000 - unused })
  })

  it('judges an upgrade against what the shop pays, not the current plan’s price as an admin since edited it', async () => {
    const pro = await makePlan(t, admin, { monthlyPriceMinor: 10_000, yearlyPriceMinor: 100_000 })
    const plus = await makePlan(t, admin, { name: 'Plus', monthlyPriceMinor: 15_000, yearlyPriceMinor: 150_000 })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 100_000)
    expect((await choosePlan(t, s.owner, pro.id)).status).toBe(200)
    // Pro now costs more than Plus for new subscribers; the shop still pays 10,000 a month.
    expect((await client(t, admin).api.v1.admin.plans({ id: pro.id }).patch({ monthlyPriceMinor: 20_000 })).status).toBe(200)
    const changed = await choosePlan(t, s.owner, plus.id)
    expect(changed.data).toMatchObject({ outcome: 'upgraded', invoice: { kind: 'upgrade', priceMinor: 15_000 }, state: { planId: plus.id } })
    // And the other way: Plus made cheap since does not turn a plan cheaper than what the shop pays (15,000) into an upgrade.
    const lite = await makePlan(t, admin, { name: 'Lite', monthlyPriceMinor: 12_000, yearlyPriceMinor: 120_000 })
    expect((await client(t, admin).api.v1.admin.plans({ id: plus.id }).patch({ monthlyPriceMinor: 1_000, yearlyPriceMinor: 10_000 })).status).toBe(200)
    expect((await choosePlan(t, s.owner, lite.id)).data).toMatchObject({ outcome: 'scheduled', invoice: null, state: { planId: plus.id, subscription: { next: { planId: lite.id } } } })
  })

  it('renews a due subscription behind more rows in grace than one batch holds', async () => {
    const plan = await makePlan(t, admin)
    const inGrace: TestShop[] = []
    for (let i = 0; i < 3; i++) {
      const s = await shop(t)
      await fundWallet(t, s.owner.id, 10_000)
      expect((await choosePlan(t, s.owner, plan.id)).status).toBe(200)
      inGrace.push(s)
    }
    const due = await shop(t)
    await fundWallet(t, due.owner.id, 20_000)
    expect((await choosePlan(t, due.owner, plan.id)).status).toBe(200)
    const dueRow = (await subscriptionOf(t, due.vendor.id))!
    const at = new Date(dueRow.periodEnd.getTime() + MINUTE)
    // The three went past due earlier (their wallets are empty): their periods end first, so they come first.
    for (const s of inGrace) {
      await t.ctx.database.db
        .update(subscriptions)
        .set({ status: 'past_due', graceUntil: new Date(at.getTime() + 3 * DAY) })
        .where(eq(subscriptions.vendorId, s.vendor.id))
    }
    await runPlanSchedule(plansAt(t, at), { batch: 2 })
    expect(await subscriptionOf(t, due.vendor.id)).toMatchObject({ status: 'active', periodStart: dueRow.periodEnd })
    for (const s of inGrace) expect(await subscriptionOf(t, s.vendor.id)).toMatchObject({ status: 'past_due' })
  })

  it('does not charge a suspended shop: its plan ends at the period’s end, and it is told', async () => {
    const plan = await makePlan(t, admin, { maxActiveListings: 10, badge: 'Pro' })
    const s = await shop(t)
    await fundWallet(t, s.owner.id, 30_000)
    expect((await choosePlan(t, s.owner, plan.id)).status).toBe(200)
    expect((await client(t, admin).api.v1.admin.vendors({ id: s.vendor.id }).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(200)
    const row = (await subscriptionOf(t, s.vendor.id))!
    await runScheduleAt(t, new Date(row.periodEnd.getTime() + MINUTE))
    expect(await subscriptionOf(t, s.vendor.id)).toMatchObject({ status: 'ended' })
    expect((await chargesOf(t, s.vendor.id)).map((c) => c.kind)).toEqual(['subscribe'])
    expect((await walletOf(t, s.owner)).availableMinor).toBe(20_000)
    expect(await perksOf(s.vendor.id)).toMatchObject({ max: null, badge: null })
    expect((await noticesOf(s.owner))[0]!.text).toContain('ended without renewing, as your shop is not approved to sell')
  })
})

describe('a plan step among checkouts and reviews', () => {
  it('drafts listings over a lower limit while the shop’s products are bought, reviewed and put back on sale, without a deadlock', async () => {
    const s = await shop(t)
    const items: { id: string; slug: string }[] = []
    for (let i = 1; i <= 6; i++) items.push(await makeProduct(t, s.owner, { categoryId, title: `Vase ${i}`, stock: 100_000, priceMinor: 1_000 }))
    let buyers: Awaited<ReturnType<typeof buyer>>[] = []
    const db = t.ctx.database.db
    const base = await shopTermsOf(db, s.vendor.id)
    // What a renewal or an expiry does to the shop (plans' applyTerms), in its own transaction.
    const planStep = (max: number | null) => db.transaction((tx) => applyTerms(t.services.plans, tx, s.vendor.id, { ...base, maxActiveListings: max }, nothing(), new Date()))
    // What a review writes: the product's rating, then the shop's.
    const review = (productId: string) =>
      db.transaction(async (tx) => {
        await addProductRating(tx, productId, 0, 0)
        await addShopRating(tx, s.vendor.id, 0, 0)
      })
    const checkouts = async () => {
      for (const [i, b] of buyers.entries()) await addToCart(t, b.user, items[i]!.id, 1)
      return buyers.map((b) => checkout(t, b.user, { shippingAddressId: b.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] }).then((r) => r.status))
    }
    const settle = async (work: Promise<unknown>[]) => {
      const results = await Promise.allSettled(work)
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
      return results.map((r) => (r as PromiseFulfilledResult<unknown>).value)
    }
    // Plan steps and reviews again and again for as long as the checkouts take.
    const whileBuying = async (buying: Promise<number>[]) => {
      let done = false
      const all = Promise.allSettled(buying).finally(() => (done = true))
      const loop = async (work: () => Promise<unknown>) => {
        while (!done) await work()
      }
      return settle([...buying, loop(() => planStep(6)), loop(() => review(items[0]!.id)), loop(() => review(items[1]!.id)), all])
    }
    for (let round = 0; round < 12; round++) {
      // Fresh buyers now and then: a buyer may check out 30 times in 10 minutes.
      if (round % 5 === 0) buyers = [await buyer(t), await buyer(t)]
      expect((await whileBuying(await checkouts())).slice(0, 2)).toEqual([201, 201])
      const down = await settle([planStep(3), ...(await checkouts()), review(items[0]!.id), review(items[1]!.id)])
      expect(down.slice(1, 3)).toEqual([201, 201])
      expect((await statusesOf(s.vendor.id)).map((p) => p.status)).toEqual(['active', 'active', 'active', 'draft', 'draft', 'draft'])
      // The limit lifted, the three go back on sale (catalog's publish path) while the shop sells and is reviewed.
      await planStep(null)
      const up = await settle([
        ...items.slice(3).map((item) => client(t, s.owner).api.v1.products({ slug: item.slug }).patch({ status: 'active' }).then((r) => r.status)),
        ...(await checkouts()),
        review(items[0]!.id),
        planStep(null),
      ])
      expect(up.slice(0, 5)).toEqual([200, 200, 200, 201, 201])
    }
  }, 120_000)
})
