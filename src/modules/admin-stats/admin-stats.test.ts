import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { ADMIN_STATS_TOPIC } from '../../lib/admin-stats'
import { ManualClock } from '../../lib/clock'
import { connectAs } from '../../realtime/test-client'
import { client, createTestApp, makeProduct, refreshSignIn, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { placeOrder, shop, type TestShop } from '../orders/testing'
import { paidOrder } from '../payments/testing'
import { daysToRollUp, ROLLED_UP, rollUpDay, storedFigures } from './service/rollup'
import { dailyBreakdowns, dailyStats } from './table'

// The dashboard's figures against a hand-computed fixture, made through the real routes on days
// the test's clock chooses: D1 has two shops' sales, a cancelled cash order and a refunded wallet
// order; D2 (today to the clock) one sale, counted live.

const D1 = '2026-01-10'
const D2 = '2026-01-11'
const clock = new ManualClock(new Date(`${D1}T09:00:00Z`))
const moveTo = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime())
/** Access tokens last 15 minutes (by the clock): after a move, the admin and a shop owner renew theirs. */
async function signInAgain() {
  admin = await refreshSignIn(t, admin)
  a.owner = await refreshSignIn(t, a.owner)
}
let t: TestApp
let admin: TestUser
let a: TestShop
let b: TestShop
let rugs: string
let lamps: string
const product: Record<string, string> = {}

beforeAll(async () => {
  // Listening: wallet deposits go through the sandbox card page.
  t = await createTestApp({ listen: true, clock })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  rugs = (await client(t, admin).api.v1.admin.categories.post({ name: 'Rugs', slug: 'rugs' })).data!.id
  lamps = (await client(t, admin).api.v1.admin.categories.post({ name: 'Lamps', slug: 'lamps' })).data!.id
  a = await shop(t)
  b = await shop(t)
  product.rug = (await makeProduct(t, a.owner, { categoryId: rugs, priceMinor: 10_000, stock: 20 })).id
  product.lamp = (await makeProduct(t, b.owner, { categoryId: lamps, priceMinor: 5_000, stock: 20 })).id
  // D1: shop A sells two rugs (200.00 + 30.00 delivery) and shop B one lamp (50.00 + 30.00), cash on delivery.
  // (A rug of 100.00 + 30.00 delivery comes to 130.00.)
  await placeOrder(t, a, product.rug!, 2)
  await placeOrder(t, b, product.lamp!, 1)
  // A cash order cancelled by its buyer, and a wallet order paid then cancelled (refunded): no sales.
  const cancelled = await placeOrder(t, a, product.rug!, 1)
  expect((await client(t, cancelled.me.user).api.v1.orders({ id: cancelled.orderId }).cancel.post({})).status).toBe(200)
  const refunded = await paidOrder(t, a, product.rug!)
  expect((await client(t, refunded.me.user).api.v1.orders({ id: refunded.orderId }).cancel.post({})).status).toBe(200)
  // A wallet order the buyer received: its escrow goes to the shop, less 5 % commission (6.50).
  const received = await paidOrder(t, a, product.rug!)
  for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, a.owner).api.v1.sales({ id: received.orderId })[step].post()).status).toBe(200)
  expect((await client(t, received.me.user).api.v1.orders({ id: received.orderId })['confirm-receipt'].post()).status).toBe(200)
  // D2, 10:00: one more rug.
  moveTo(`${D2}T10:00:00Z`)
  await placeOrder(t, a, product.rug!, 1)
  await signInAgain()
}, 120_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db
const at = (day: string) => new Date(`${day}T00:00:00.000Z`)
const stats = (user: TestUser, query: { from: string; to: string; granularity?: 'day' | 'week' | 'month'; currency?: string }) => client(t, user).api.v1.admin.stats.get({ query })

describe('the roll-up', () => {
  it('writes a day’s figures from each module: sales without cancelled orders, refunds, sign-ups', async () => {
    const { figures, breakdowns } = await rollUpDay(db(), D1)
    expect(figures['orders:MAD']).toBe(3)
    expect(figures['gmv:MAD']).toBe(23_000 + 8_000 + 13_000)
    expect(figures['refunds:MAD']).toBe(13_000)
    expect(figures['revenue.commission:MAD']).toBe(650)
    expect(figures['revenue.plans:MAD'] ?? 0).toBe(0)
    // The admin, two shop owners and five buyers signed up on D1; all of them signed in.
    expect(figures['users.signed_up']).toBe(8)
    expect(figures['users.active']).toBe(8)
    expect(figures['listings.new']).toBe(2)
    expect(breakdowns).toEqual(
      expect.arrayContaining([
        { metric: 'shop:MAD', key: a.vendor.id, value: 36_000 },
        { metric: 'shop:MAD', key: b.vendor.id, value: 8_000 },
        { metric: 'category:MAD', key: rugs, value: 30_000 },
        { metric: 'category:MAD', key: lamps, value: 5_000 },
      ]),
    )
    expect(breakdowns).toHaveLength(4)
  }, 30_000)

  it('gives the same rows when run twice for a day', async () => {
    await rollUpDay(db(), D1)
    const once = await db().select().from(dailyStats).where(eq(dailyStats.day, D1))
    const onceSplit = await db().select().from(dailyBreakdowns).where(eq(dailyBreakdowns.day, D1))
    await rollUpDay(db(), D1)
    const sort = <T extends { metric: string }>(rows: T[]) => [...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))
    expect(sort(await db().select().from(dailyStats).where(eq(dailyStats.day, D1)))).toEqual(sort(once))
    expect(sort(await db().select().from(dailyBreakdowns).where(eq(dailyBreakdowns.day, D1)))).toEqual(sort(onceSplit))
    expect(once.find((r) => r.metric === ROLLED_UP)?.value).toBe(1)
  }, 30_000)

  it('fills the days it missed since the first roll-up, and re-rolls the last seven', async () => {
    await rollUpDay(db(), D1)
    // Ten days later, nothing rolled up in between: D1+1 and D1+2 were missed, the last seven are re-rolled.
    const days = await daysToRollUp(db(), new Date('2026-01-20T00:30:00Z'))
    expect(days).toEqual(['2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19'])
    for (const day of days) await rollUpDay(db(), day)
    expect(await daysToRollUp(db(), new Date('2026-01-21T00:30:00Z'))).toEqual(['2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19', '2026-01-20'])
    expect((await storedFigures(db(), D2, D2)).get(D2)?.['gmv:MAD']).toBe(13_000)
    // Leave D2 to be counted live by the dashboard tests.
    await db().delete(dailyStats).where(eq(dailyStats.day, D2))
    await db().delete(dailyBreakdowns).where(eq(dailyBreakdowns.day, D2))
  }, 60_000)
})

describe('the roll-up, again', () => {
  it('recomputes a rolled-up day’s sales but keeps what people did (its traces are purged after 30 days)', async () => {
    await rollUpDay(db(), D1)
    // As if D1's sessions had been purged since: its stored activity must survive a re-roll.
    await db().update(dailyStats).set({ value: 99 }).where(and(eq(dailyStats.day, D1), eq(dailyStats.metric, 'users.active')))
    await db().update(dailyStats).set({ value: 1 }).where(and(eq(dailyStats.day, D1), eq(dailyStats.metric, 'gmv:MAD')))
    const { figures } = await rollUpDay(db(), D1)
    expect(figures['users.active']).toBe(99)
    expect(figures['gmv:MAD']).toBe(44_000)
    const stored = (await storedFigures(db(), D1, D1)).get(D1)!
    expect([stored['users.active'], stored['gmv:MAD']]).toEqual([99, 44_000])
    await db().update(dailyStats).set({ value: 8 }).where(and(eq(dailyStats.day, D1), eq(dailyStats.metric, 'users.active')))
  }, 30_000)

  it('fills missed days at most 28 days back (sessions and jobs are kept 30)', async () => {
    const days = await daysToRollUp(db(), new Date('2027-06-10T00:30:00Z'))
    expect(days).toHaveLength(28)
    expect([days[0], days.at(-1)]).toEqual(['2027-05-13', '2027-06-09'])
  })
})

describe('GET /admin/stats', () => {
  it('adds today, counted live, to the rolled-up days; compares with the previous range; ranks shops and categories', async () => {
    await rollUpDay(db(), D1)
    const read = await stats(admin, { from: D1, to: D2 })
    expect(read.status).toBe(200)
    const s = read.data!
    expect(s).toMatchObject({ from: at(D1), to: at(D2), previousFrom: at('2026-01-08'), previousTo: at('2026-01-09'), currency: 'MAD', currencies: ['MAD'], live: true })
    expect(s.current).toMatchObject({ gmv: 57_000, orders: 4, aov: 14_250, revenue: 650, refunds: 13_000, newUsers: 9, newListings: 2 })
    expect(s.previous).toMatchObject({ gmv: 0, orders: 0, newUsers: 0 })
    expect(s.series.map((p) => [p.start, p.values.gmv, p.values.orders])).toEqual([
      [at(D1), 44_000, 3],
      [at(D2), 13_000, 1],
    ])
    expect(s.topShops.map((x) => [x.id, x.gmvMinor])).toEqual([
      [a.vendor.id, 49_000],
      [b.vendor.id, 8_000],
    ])
    expect(s.topCategories.map((x) => [x.name, x.salesMinor])).toEqual([
      ['Rugs', 40_000],
      ['Lamps', 5_000],
    ])
  }, 30_000)

  it('groups the chart by week or month', async () => {
    const s = (await stats(admin, { from: '2026-01-01', to: D2, granularity: 'week' })).data!
    // 2026-01-01 is a Thursday: its week starts on Monday 2025-12-29; D1 (Saturday) is in the week of 01-05, D2 (Sunday) too.
    expect(s.series.map((p) => [p.start, p.values.orders])).toEqual([
      [at('2025-12-29'), 0],
      [at('2026-01-05'), 4],
    ])
    expect((await stats(admin, { from: '2026-01-01', to: D2, granularity: 'month' })).data!.series.map((p) => p.start)).toEqual([at('2026-01-01')])
  }, 30_000)

  it('ends a range reaching past today today, and refuses one backwards, in the future, too long, too early or in another currency, and anyone but an admin', async () => {
    const ahead = await stats(admin, { from: D1, to: '2026-01-12' })
    expect(ahead.status).toBe(200)
    expect(ahead.data).toMatchObject({ to: at(D2), live: true })
    for (const query of [
      { from: D2, to: D1 },
      { from: '2026-01-12', to: '2026-01-13' },
      { from: '2024-01-01', to: D1 },
      { from: '0001-01-01', to: '0001-01-01' },
      { from: 'tomorrow', to: D1 },
      { from: D1, to: D2, currency: 'EUR' },
    ]) {
        const read = await stats(admin, query)
      expect(read.status).toBe(400)
      expect(read.error!.value).toMatchObject({ error: { type: 'invalid_data' } })
    }
    expect((await stats(a.owner, { from: D1, to: D2 })).status).toBe(403)
    expect((await t.request(`/api/v1/admin/stats?from=${D1}&to=${D2}`)).status).toBe(401)
  })
})

describe('the live strip', () => {
  it('counts the last minutes and is announced on admin:stats, which only admins follow', async () => {
    moveTo(`${D2}T12:00:00Z`)
    await signInAgain()
    const announced: unknown[] = []
    t.ctx.bus.subscribe(ADMIN_STATS_TOPIC, (message) => announced.push(message))
    const wsUrl = `ws://127.0.0.1:${t.app.server!.port}`
    const theirs = await connectAs(t, wsUrl, a.owner)
    expect(await theirs.ask({ type: 'subscribe', topic: 'admin:stats' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    const mine = await connectAs(t, wsUrl, admin)
    expect(await mine.ask({ type: 'subscribe', topic: 'admin:stats' })).toMatchObject({ type: 'subscribed', topic: 'admin:stats' })

    const before = (await client(t, admin).api.v1.admin.stats.live.get()).data!
    expect(before).toMatchObject({ minutes: 15, orders: 0, signUps: 0, messages: 0 })
    await placeOrder(t, b, product.lamp!, 1)
    const event = await mine.next('event', (m) => m.topic === 'admin:stats' && m.kind === 'stats.moved' && (m.data as { what: string }).what === 'order')
    expect(event).toMatchObject({ id: null, data: { at: `${D2}T12:00:00.000Z` } })
    await waitFor(async () => announced.some((m) => (m as { data?: { what?: string } }).data?.what === 'sign_up'), 5_000, 'the sign-up announced')
    const after = (await client(t, admin).api.v1.admin.stats.live.get()).data!
    expect(after).toMatchObject({ orders: 1, signUps: 1 })
    theirs.close()
    mine.close()
  }, 30_000)
})
