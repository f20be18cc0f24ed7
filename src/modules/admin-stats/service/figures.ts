// What one stretch of time adds up to, from the modules that own each fact (issue #20). The roll-up
// stores it per UTC day in daily_stats; the dashboard computes today's the same way, live.
import type { Db } from '../../../db/client'
import { countActiveUsers, countSessionsOpened, countSignUps } from '../../accounts'
import { catalogBetween, categoriesOfProducts } from '../../catalog'
import { countMessagesSent } from '../../chat'
import { jobRunsBetween } from '../../jobs'
import { moneyBetween } from '../../ledger'
import { salesBetween } from '../../orders'

export const DAY_MS = 86_400_000

/**
 * The metric names. Counts have one name; money has one per currency (`gmv:MAD`); breakdowns
 * (daily_breakdowns) are keyed by shop id (`shop:MAD`) or category id (`category:MAD`).
 */
export const metric = {
  signUps: 'users.signed_up',
  sessions: 'sessions.opened',
  activeUsers: 'users.active',
  weeklyActiveUsers: 'users.active_weekly',
  newListings: 'listings.new',
  visitors: 'visitors',
  messages: 'messages.sent',
  orders: (currency: string) => `orders:${currency}`,
  gmv: (currency: string) => `gmv:${currency}`,
  commission: (currency: string) => `revenue.commission:${currency}`,
  plans: (currency: string) => `revenue.plans:${currency}`,
  refunds: (currency: string) => `refunds:${currency}`,
  jobRuns: (kind: string) => `jobs.run.${kind}`,
  byShop: (currency: string) => `shop:${currency}`,
  byCategory: (currency: string) => `category:${currency}`,
} as const

export interface Breakdown {
  metric: string
  key: string
  value: number
}

export interface Figures {
  figures: Record<string, number>
  breakdowns: Breakdown[]
}

/**
 * Every figure of `[from, to)`. Weekly active users are those of the seven days ending at `to`
 * (from the start of the sixth day before `to`'s, so a day's figure covers seven whole days).
 */
export async function figuresBetween(db: Db, from: Date, to: Date): Promise<Figures> {
  const weekFrom = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) - 6 * DAY_MS)
  const [signUps, sessions, active, weekly, catalog, messages, sales, money, runs] = await Promise.all([
    countSignUps(db, from, to),
    countSessionsOpened(db, from, to),
    countActiveUsers(db, from, to),
    countActiveUsers(db, weekFrom, to),
    catalogBetween(db, from, to),
    countMessagesSent(db, from, to),
    salesBetween(db, from, to),
    moneyBetween(db, from, to),
    jobRunsBetween(db, from, to),
  ])
  const figures: Record<string, number> = {
    [metric.signUps]: signUps,
    [metric.sessions]: sessions,
    [metric.activeUsers]: active,
    [metric.weeklyActiveUsers]: weekly,
    [metric.newListings]: catalog.newListings,
    [metric.visitors]: catalog.visitors,
    [metric.messages]: messages,
  }
  for (const row of sales.byCurrency) {
    figures[metric.orders(row.currency)] = row.orders
    figures[metric.gmv(row.currency)] = row.gmvMinor
  }
  for (const row of money) {
    figures[metric.commission(row.currency)] = row.commissionMinor
    figures[metric.plans(row.currency)] = row.plansMinor
    figures[metric.refunds(row.currency)] = row.refundsMinor
  }
  for (const run of runs) figures[metric.jobRuns(run.kind)] = run.n
  const breakdowns: Breakdown[] = sales.byShop.map((row) => ({ metric: metric.byShop(row.currency), key: row.vendorId, value: row.gmvMinor }))
  const categories = await categoriesOfProducts(db, sales.byProduct.map((row) => row.productId))
  const byCategory = new Map<string, Breakdown>()
  for (const row of sales.byProduct) {
    const categoryId = categories.get(row.productId)
    if (categoryId === undefined) continue
    const name = `${metric.byCategory(row.currency)} ${categoryId}`
    const entry = byCategory.get(name) ?? { metric: metric.byCategory(row.currency), key: categoryId, value: 0 }
    entry.value += row.itemsMinor
    byCategory.set(name, entry)
  }
  breakdowns.push(...byCategory.values())
  return { figures, breakdowns }
}
