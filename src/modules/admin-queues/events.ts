// The event of the admins' queues, on `admin:queues` (admins only): an item entered or left a queue.
// Declared in lib (src/lib/admin-queues.ts) beside its publisher, since the modules that own the
// queues sit below this one. Browser-safe (schemas only).
import type { EventsOf } from '../../lib/event-schema'
import { QUEUES_CHANGED } from '../../lib/admin-queues'

export const ADMIN_QUEUE_EVENTS = [QUEUES_CHANGED] as const
export type AdminQueueEvent = EventsOf<typeof ADMIN_QUEUE_EVENTS>
