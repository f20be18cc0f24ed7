// The event of the admin dashboard's live strip, on `admin:stats` (admins only). Declared in lib
// (src/lib/admin-stats.ts) beside its publisher, since the modules that announce sit below this one.
// Browser-safe (schemas only).
import type { EventsOf } from '../../lib/event-schema'
import { STATS_MOVED } from '../../lib/admin-stats'

export const ADMIN_STATS_EVENTS = [STATS_MOVED] as const
export type AdminStatsEvent = EventsOf<typeof ADMIN_STATS_EVENTS>
