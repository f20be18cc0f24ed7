// The admin dashboard's figures (issue #20): a range's headline figures against the previous range
// of the same length, the charts' series and the top shops and categories. Past days come from
// daily_stats (the nightly roll-up); today, when in range, is counted live the same way. Query
// budget: one read of daily_stats, two of daily_breakdowns (and one more for today's shops and
// categories), the names of the top five of each, and, with today in range, the figures of today
// (about a dozen indexed counts, kept for a while: see today.ts) — under 100 ms p95 for 90 days
// on the bench database.
import { and, between, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { categoryNames } from '../../catalog'
import { vendorSummaries } from '../../vendors'
import type { AdminStatsModel, Figure, Granularity } from '../model'
import { dailyBreakdowns } from '../table'
import { DAY_MS, metric } from './figures'
import { addDays, dayOf, dayStart, storedFigures } from './rollup'
import type { TodayFigures } from './today'

/** The longest range the dashboard reads at once. */
export const MAX_RANGE_DAYS = 366
/** No range starts earlier (nor does its previous range end before it). */
const FIRST_DAY = '2000-01-01'
const TOP = 5

type Values = Record<Figure, number>
const daysFrom = (from: string, to: string) => Array.from({ length: Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / DAY_MS) + 1 }, (_, i) => addDays(from, i))
const invalid = (field: string, message: string) => new AppError('invalid_data', `Invalid ${field}`, [{ field, message }])

/** What one stretch of days adds up to; ratios are of the sums, active users the daily average. */
function total(days: Record<string, number>[], currency: string): Values {
  const sum = (name: string) => days.reduce((n, d) => n + (d[name] ?? 0), 0)
  const orders = sum(metric.orders(currency))
  const gmv = sum(metric.gmv(currency))
  const visitors = sum(metric.visitors)
  return {
    gmv,
    orders,
    aov: orders === 0 ? 0 : Math.round(gmv / orders),
    revenue: sum(metric.commission(currency)) + sum(metric.plans(currency)),
    refunds: sum(metric.refunds(currency)),
    newUsers: sum(metric.signUps),
    activeUsers: days.length === 0 ? 0 : Math.round(sum(metric.activeUsers) / days.length),
    weeklyActiveUsers: days.at(-1)?.[metric.weeklyActiveUsers] ?? 0,
    newListings: sum(metric.newListings),
    messages: sum(metric.messages),
    visitors,
    // Basis points: orders per 10,000 daily visitors.
    conversion: visitors === 0 ? 0 : Math.round((orders * 10_000) / visitors),
  }
}

/** The first day of the chart point `day` falls in. */
function bucketOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day
  if (granularity === 'month') return `${day.slice(0, 7)}-01`
  const weekday = (dayStart(day).getUTCDay() + 6) % 7 // Monday first
  return addDays(day, -weekday)
}

/** Sums of one breakdown over the stored days, plus today's, top five. */
async function top(db: Db, name: string, from: string, to: string, today: Map<string, number>): Promise<[string, number][]> {
  const stored = (keys?: string[]) =>
    db
      .select({ key: dailyBreakdowns.key, value: sql`sum(${dailyBreakdowns.value})`.mapWith(Number) })
      .from(dailyBreakdowns)
      .where(and(eq(dailyBreakdowns.metric, name), between(dailyBreakdowns.day, from, to), keys === undefined ? undefined : inArray(dailyBreakdowns.key, keys)))
      .groupBy(dailyBreakdowns.key)
      .orderBy(desc(sql`sum(${dailyBreakdowns.value})`))
      .limit(keys === undefined ? TOP * 2 : keys.length)
  // A key outside the stored top ten that sold nothing today cannot overtake five of them: only
  // today's keys need their stored sums read as well.
  const rows = [...(await stored()), ...(today.size === 0 ? [] : await stored([...today.keys()]))]
  const sums = new Map(rows.map((r) => [r.key, r.value]))
  for (const [key, value] of today) sums.set(key, (sums.get(key) ?? 0) + value)
  return [...sums].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP)
}

export interface DashboardDeps {
  db: Db
  now: Date
  currencies: readonly string[]
  today: TodayFigures
}

export async function readDashboard(deps: DashboardDeps, query: AdminStatsModel.Query): Promise<AdminStatsModel.Stats> {
  const { db, now } = deps
  const today = dayOf(now)
  const currency = query.currency ?? deps.currencies[0]!
  if (!deps.currencies.includes(currency)) throw invalid('query.currency', `must be one of ${deps.currencies.join(', ')}`)
  if (query.from < FIRST_DAY) throw invalid('query.from', `must not be before ${FIRST_DAY}`)
  // A range reaching past today (a browser's clock ahead of the server's) ends today.
  const to = query.to > today ? today : query.to
  if (query.from > to) throw invalid('query.from', 'must not be after `to` (nor after today)')
  const span = Math.round((dayStart(to).getTime() - dayStart(query.from).getTime()) / DAY_MS) + 1
  if (span > MAX_RANGE_DAYS) throw invalid('query.to', `the range may span ${MAX_RANGE_DAYS} days at most`)
  const days = daysFrom(query.from, to)
  const previousTo = addDays(query.from, -1)
  const previousFrom = addDays(previousTo, -(days.length - 1))

  const live = to === today
  const storedTo = live ? addDays(today, -1) : to
  const [stored, todays] = await Promise.all([storedFigures(db, previousFrom, storedTo), live ? deps.today.read(today, now) : null])
  if (todays !== null) stored.set(today, todays.figures)
  const figuresOf = (list: string[]) => list.map((d) => stored.get(d) ?? {})

  const buckets = new Map<string, string[]>()
  for (const d of days) {
    const start = bucketOf(d, query.granularity ?? 'day')
    buckets.set(start, [...(buckets.get(start) ?? []), d])
  }

  const todayOf = (name: string) => new Map((todays?.breakdowns ?? []).filter((b) => b.metric === name).map((b) => [b.key, b.value]))
  const [shops, categories] = await Promise.all([
    top(db, metric.byShop(currency), query.from, storedTo, todayOf(metric.byShop(currency))),
    top(db, metric.byCategory(currency), query.from, storedTo, todayOf(metric.byCategory(currency))),
  ])
  const [shopNames, names] = await Promise.all([vendorSummaries(db, shops.map(([id]) => id)), categoryNames(db, categories.map(([id]) => id))])

  return {
    from: dayStart(query.from),
    to: dayStart(to),
    previousFrom: dayStart(previousFrom),
    previousTo: dayStart(previousTo),
    currency,
    currencies: [...deps.currencies],
    current: total(figuresOf(days), currency),
    previous: total(figuresOf(daysFrom(previousFrom, previousTo)), currency),
    series: [...buckets].map(([start, list]) => ({ start: dayStart(start), values: total(figuresOf(list), currency) })),
    topShops: shops.flatMap(([id, gmvMinor]) => {
      const shop = shopNames.get(id)
      return shop === undefined ? [] : [{ id, name: shop.companyName, slug: shop.slug, gmvMinor }]
    }),
    topCategories: categories.map(([id, salesMinor]) => ({ id, name: names.get(id) ?? id, salesMinor })),
    live,
    at: now,
  }
}
