// The `stats.daily` roll-up (issue #20): each UTC day's figures into daily_stats and
// daily_breakdowns. A day is rewritten in one transaction, so running it twice gives the same rows;
// each night it re-rolls the last days (late payments, cancellations and refunds move their sales
// and money) and fills any day missed since the first roll-up (the job did not run, the server was
// down). What people did on a day (sign-ins, jobs run) never changes afterwards, while its traces
// are purged (sessions and jobs after 30 days): once rolled, those figures are kept as they were.
import { between, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../../db/client'
import { trackedJob } from '../../jobs'
import { dailyBreakdowns, dailyStats } from '../table'
import { DAY_MS, type Figures, figuresBetween, metric } from './figures'

/** Written with each rolled-up day: a day without it was missed. */
export const ROLLED_UP = 'rolled_up'
/** Days before today re-rolled every night. */
export const RECHECK_DAYS = 7
/** How far back a missed day is filled: sessions and jobs, which its activity is counted from, are kept 30 days. */
export const BACKFILL_DAYS = 28
/** Figures of what people did that day, kept once rolled up (see above). */
const isFinal = (name: string) => [metric.sessions, metric.activeUsers, metric.weeklyActiveUsers].includes(name as never) || name.startsWith(metric.jobRuns(''))

export const dayOf = (at: Date) => at.toISOString().slice(0, 10)
export const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`)
export const addDays = (day: string, n: number) => dayOf(new Date(dayStart(day).getTime() + n * DAY_MS))

/**
 * Computes one UTC day's figures and writes them in place of what that day held (keeping its final
 * figures when it was rolled up before). Two roll-ups of one day at once take turns.
 */
export async function rollUpDay(db: Db, day: string): Promise<Figures> {
  const from = dayStart(day)
  const computed = await figuresBetween(db, from, new Date(from.getTime() + DAY_MS))
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`stats.daily:${day}`}))`)
    const before = await tx.select().from(dailyStats).where(eq(dailyStats.day, day))
    if (before.some((row) => row.metric === ROLLED_UP)) {
      for (const name of Object.keys(computed.figures)) if (isFinal(name)) delete computed.figures[name]
      for (const row of before) if (isFinal(row.metric)) computed.figures[row.metric] = row.value
    }
    const rows = [...Object.entries(computed.figures).map(([name, value]) => ({ day, metric: name, value })), { day, metric: ROLLED_UP, value: 1 }]
    await tx.delete(dailyStats).where(eq(dailyStats.day, day))
    await tx.delete(dailyBreakdowns).where(eq(dailyBreakdowns.day, day))
    await tx.insert(dailyStats).values(rows)
    for (let i = 0; i < computed.breakdowns.length; i += 1_000) {
      await tx.insert(dailyBreakdowns).values(computed.breakdowns.slice(i, i + 1_000).map((b) => ({ day, ...b })))
    }
  })
  return computed
}

/**
 * The days to roll up at `now`, oldest first: the RECHECK_DAYS days before today, and every day
 * since the first rolled-up one (at most BACKFILL_DAYS back) that has no roll-up. The first run
 * rolls up only the RECHECK_DAYS.
 */
export async function daysToRollUp(db: Db, now: Date): Promise<string[]> {
  const yesterday = addDays(dayOf(now), -1)
  const recheckFrom = addDays(yesterday, -(RECHECK_DAYS - 1))
  const backfillFrom = addDays(yesterday, -(BACKFILL_DAYS - 1))
  const missed = await queryRows<{ day: string }>(
    db,
    sql`select to_char(d, 'YYYY-MM-DD') as day
        from generate_series(greatest(coalesce((select min(${dailyStats.day}) from ${dailyStats} where ${dailyStats.metric} = ${ROLLED_UP}), ${recheckFrom}::date), ${backfillFrom}::date), ${recheckFrom}::date - 1, interval '1 day') as d
        where not exists (select 1 from ${dailyStats} where ${dailyStats.day} = d::date and ${dailyStats.metric} = ${ROLLED_UP})`,
  )
  const recheck = Array.from({ length: RECHECK_DAYS }, (_, i) => addDays(recheckFrom, i))
  return [...missed.map((r) => r.day), ...recheck]
}

/** The stored figures of the days `from`..`to` (YYYY-MM-DD, both included), by day. */
export async function storedFigures(db: Db, from: string, to: string): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .select()
    .from(dailyStats)
    .where(between(dailyStats.day, from, to))
  const byDay = new Map<string, Record<string, number>>()
  for (const row of rows) {
    const day = byDay.get(row.day) ?? {}
    day[row.metric] = row.value
    byDay.set(row.day, day)
  }
  return byDay
}

/**
 * `stats.daily` (daily, on MAINTENANCE_CRON): rolls up the days `daysToRollUp` names, one step
 * each, or only `day` when given (an admin re-running one day).
 */
export const statsRollUp = trackedJob<{ day?: string }>(
  'stats.daily',
  async (deps, input, progress) => {
    const days = input.day === undefined ? await daysToRollUp(deps.db, deps.clock.now()) : [input.day]
    for (const day of days) {
      await progress.step(`Rolling up ${day}`)
      await rollUpDay(deps.db, day)
    }
    return { result: { counts: { days: days.length } } }
  },
  { concurrency: 1, retryLimit: 2, retryDelaySeconds: 60 },
)

declare module '../../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'stats.daily': true
  }
}
