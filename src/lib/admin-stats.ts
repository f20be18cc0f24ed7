// The admin dashboard's live strip (issue #20): the one signal that something it counts happened.
// Modules that place an order or open an account call `announceStatsMoved(bus)` after commit;
// admins' dashboards following `admin:stats` read the live counts again. Like the queues' signal
// (admin-queues.ts), its schema lives here beside its publisher; browser-safe.
import { t } from 'elysia/type-system'
import type { Bus } from './bus'
import { ephemeral } from './event-schema'

/** The live strip's topic; only admins may follow it. */
export const ADMIN_STATS_TOPIC = 'admin:stats'

export const STATS_MOVED = ephemeral(
  'admin',
  'stats.moved',
  t.Object({
    what: t.UnionEnum(['order', 'sign_up', 'message'], { description: 'what happened' }),
    at: t.String({ format: 'date-time', description: 'read GET /api/v1/admin/stats/live again' }),
  }),
)
type StatsMovedEvent = typeof STATS_MOVED.static

/** Tells admins' dashboards that an order was placed, an account opened or messages were sent (after commit). */
export async function announceStatsMoved(bus: Bus, what: StatsMovedEvent['data']['what'], now: Date): Promise<void> {
  const event: StatsMovedEvent = { type: 'event', topic: ADMIN_STATS_TOPIC, id: null, kind: 'stats.moved', data: { what, at: now.toISOString() } }
  await bus.publish(ADMIN_STATS_TOPIC, event)
}
