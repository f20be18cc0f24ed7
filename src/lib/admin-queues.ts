// The admins' queues (issue #20, "queues in one place"): what a module contributes to the admin
// console's queue list, and the one live signal that a queue changed. Each module exports a small
// count of its own queue (`…Queue(db)`: one indexed read) through its index; the admin-queues module
// assembles them. A module whose items enter or leave a queue calls `announceQueuesChanged(bus)`
// after commit, and admins' screens following `admin:queues` read the counts again. The event's
// schema lives here, beside its publisher, so modules below the admin console need not import it;
// this file is browser-safe (schemas only, `import type` for the rest).
import { t } from 'elysia/type-system'
import type { Bus } from './bus'
import { ephemeral } from './event-schema'

/** How many items wait in a queue, and since when the oldest of them (null when none waits). */
export interface QueueCount {
  waiting: number
  oldestAt: Date | null
}

/** The one topic of the admins' queues; only admins may follow it. */
export const ADMIN_QUEUES_TOPIC = 'admin:queues'

export const QUEUES_CHANGED = ephemeral(
  'admin',
  'queues.changed',
  t.Object({ at: t.String({ format: 'date-time', description: 'when an item entered or left a queue: read GET /api/v1/admin/queues again' }) }),
)
type QueuesChangedEvent = typeof QUEUES_CHANGED.static

/**
 * Tells admins' screens that an item entered or left a queue (after the change committed). It
 * carries no count: screens read the counts again, so every instance and every tab agrees with
 * the database, however many changes raced (and the screens' periodic read catches up with what
 * no module announces, e.g. dead letters).
 */
export async function announceQueuesChanged(bus: Bus, now: Date): Promise<void> {
  const event: QueuesChangedEvent = { type: 'event', topic: ADMIN_QUEUES_TOPIC, id: null, kind: 'queues.changed', data: { at: now.toISOString() } }
  await bus.publish(ADMIN_QUEUES_TOPIC, event)
}
