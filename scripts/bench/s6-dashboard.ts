// S6 admin dashboard, against Souk only (the ceiling has no dashboard): an admin reads
// GET /api/v1/admin/stats for the last 90 days (today included, counted live; the 89 days before
// from the roll-up) over the data of dashboard-data.ts (generated here, the first time S6 runs in
// an invocation), after a warm-up: one request at a time, then 4 at a time. Target (issue #20):
// p95 under 100 ms.
import { dayOf } from '../../src/modules/admin-stats/service/rollup'
import { type BenchContext, drive, type Target } from './drive'
import { type Latency, settle } from './proc'
import { type Result, toResult } from './results'
import { seedDashboard } from './dashboard-data'
import { accessTokens } from './setup'

interface DashboardResult {
  achieved: number
  latency: Latency
  p95: number
  errors: number
  orders: number
  requests: number
}

const DAYS = 90
const round = (value: number) => Math.round(value * 100) / 100

export async function dashboardReads(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const data = (ctx.data.dashboard ??= await seedDashboard(ctx.databaseUrl))
  const now = new Date()
  const from = dayOf(new Date(now.getTime() - (DAYS - 1) * 86_400_000))
  const [token] = await accessTokens([data.admin], ctx)
  const phases = ctx.quick
    ? [
        { name: 'sequential', concurrency: 1, requests: 50 },
        { name: '4 at once', concurrency: 4, requests: 80 },
      ]
    : [
        { name: 'sequential', concurrency: 1, requests: 300 },
        { name: '4 at once', concurrency: 4, requests: 400 },
      ]
  const config = { url: target.urls[0], token, path: `/api/v1/admin/stats?from=${from}&to=${dayOf(now)}`, days: DAYS, warmup: ctx.quick ? 10 : 30, phases }
  await settle(target.pids)
  const measured = await drive<DashboardResult>('load-dashboard.ts', config, { serverPids: target.pids, database: ctx.database })
  const results = measured.map((m) => {
    const { achieved, latency, p95, errors, orders, requests } = m.result
    if (errors > 0) console.error(`S6 FAIL: ${errors} of ${requests} dashboard reads (${m.phase}) were not a 200 with the generated figures`)
    return toResult(target.name, 'S6 dashboard', instances, m, {
      variant: `90 days, ${m.phase}`,
      unit: 'req/s',
      offered: null,
      achieved,
      latencyMs: latency,
      errors,
      extra: { p95: round(p95), orders },
    })
  })
  return results
}
