// Today's figures, counted live (issue #20) — the costly part of a dashboard read (a dozen counts
// over today's rows; the stored days are one indexed read). Each instance keeps them for
// TODAY_CACHE_MS, and drops them at once when any instance announces an order or a sign-up on
// `admin:stats` (so a dashboard reading again on that event sees it); messages and sign-ins reach
// the figures within TODAY_CACHE_MS. Under a stream of orders it counts at most once at a time.
import type { Db } from '../../../db/client'
import { ADMIN_STATS_TOPIC, type STATS_MOVED } from '../../../lib/admin-stats'
import type { Bus } from '../../../lib/bus'
import { TtlCache } from '../../../lib/cache'
import { type Figures, figuresBetween } from './figures'
import { dayStart } from './rollup'

export const TODAY_CACHE_MS = 30_000

/** The end of a range that takes in what happened at `now` itself (ranges are half-open). */
export const upToNow = (now: Date) => new Date(now.getTime() + 1)

export class TodayFigures {
  private readonly cache = new TtlCache<Figures>(TODAY_CACHE_MS, 2)

  constructor(
    private readonly db: Db,
    bus: Bus,
  ) {
    bus.subscribe(ADMIN_STATS_TOPIC, (message) => {
      if ((message as typeof STATS_MOVED.static).data?.what !== 'message') this.cache.clear()
    })
    // What was announced while the bus was away is unknown.
    bus.onResume(() => this.cache.clear())
  }

  /** The figures of `day` (today, by the server's clock) up to `now`. */
  read(day: string, now: Date): Promise<Figures> {
    return this.cache.load(day, () => figuresBetween(this.db, dayStart(day), upToNow(now)))
  }
}
