// The admin dashboard (issue #20): the marketplace's figures over a range, from the nightly roll-up
// of each module's own counts (`stats.daily`, service/rollup.ts) plus today's counted live, and a
// live strip of the last minutes that admins' pages read again on `admin:stats`.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { authPlugin } from '../accounts'
import { AdminStatsModel as M } from './model'
import { readDashboard } from './service/dashboard'
import { readLive } from './service/live'
import { TodayFigures } from './service/today'

export { ADMIN_STATS_EVENTS } from './events'
export { AdminStatsModel, FIGURES, type Figure, GRANULARITIES } from './model'
export { statsRollUp } from './service/rollup'

export function adminStatsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus'>) {
  const db = ctx.database.db
  const today = new TodayFigures(db, ctx.bus)
  return new Elysia({ name: 'admin-stats', prefix: '/api/v1/admin/stats' })
    .use(authPlugin(ctx))
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('', ({ query }) => readDashboard({ db, now: ctx.clock.now(), currencies: ctx.config.money.currencies, today }, query), {
          query: M.query,
          response: { 200: M.stats, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
          detail: {
            summary: 'The marketplace’s figures for a range of days, against the previous range, with chart series and top shops and categories',
            description:
              'Definitions: GMV is what buyers pay (items not cancelled, TVA included, plus delivery) for orders created in the range that were paid or placed cash on delivery and not cancelled; AOV = GMV ÷ orders; revenue = commission kept + plan charges; refunds = money given back to buyers; active users = distinct users who signed in or renewed a session that day (daily average over the range; weekly: the seven days ending on the last day); visitors = distinct people who opened a product page, per day; conversion = orders per 10,000 daily visitors (basis points). Days before today come from the nightly roll-up.',
          },
        })
        .get('/live', () => readLive(db, ctx.clock.now()), {
          response: { 200: M.live, 401: ErrorResponse, 403: ErrorResponse },
          detail: {
            summary: 'Orders, sign-ups and messages of the last minutes',
            description: 'Live: follow the `admin:stats` topic; its `stats.moved` event says to read this again.',
          },
        }),
    )
}
