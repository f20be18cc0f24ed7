// The admins' queues (issue #20, "queues in one place"): what a module contributes to the admin
// console's queue list, and the one live signal that a queue changed. Each module exports a small
// count of its own queue (`…Queue(db)`: one indexed read) through its index; the admin-queues module
// assembles them. A module whose items enter or leave a queue calls `announceQueuesChanged(bus)`
// after commit, and admins' screens following `admin:queues` read the counts again. The event's
// schema lives here, beside its publisher, so modules below the admin console need not import it;
// this file is browser-safe (schemas only, `import type` for the rest). The queue lists' age filter
// and the bulk actions' shapes live here too, one for every queue.
import type { TSchema } from '@sinclair/typebox'
import { t } from 'elysia/type-system'
import type { Bus } from './bus'
import { AppError, ERROR_STATUS, type ErrorType } from './errors'
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

/** The age filter every queue list takes: items waiting at least this long. */
export const minAgeHours = t.Optional(t.Integer({ minimum: 1, maximum: 24 * 366, title: 'query.minAgeHours', description: 'waiting at least this many hours' }))

/** `minAgeHours` as the newest time an item may have entered its queue (undefined: no filter). */
export function enteredBy(now: Date, hours: number | undefined): Date | undefined {
  return hours === undefined ? undefined : new Date(now.getTime() - hours * 3_600_000)
}

/** The most items one bulk action takes: a screen's page or two. */
export const BULK_MAX = 100

/** The items a bulk action applies to (`id`: the schema of one item's id). */
export const bulkIds = <S extends TSchema>(id: S) =>
  t.Array(id, { minItems: 1, maxItems: BULK_MAX, uniqueItems: true, description: `the items, at most ${BULK_MAX}, each once` })

export const BulkOutcome = t.Object(
  {
    done: t.Array(t.String(), { description: 'the items the action was applied to' }),
    failed: t.Array(
      t.Object({ id: t.String(), type: t.UnionEnum(Object.keys(ERROR_STATUS) as [ErrorType, ...ErrorType[]]), message: t.String() }),
      { description: 'the items it could not be applied to, each with the error its own request would have answered (already decided by another admin, gone, …)' },
    ),
  },
  { description: 'A bulk action is the one-item action applied to each item in turn, each in its own transaction with its own audit entry.' },
)
export type BulkOutcome = typeof BulkOutcome.static

/**
 * Applies a queue's one-item action to each of `ids` in turn (issue #20, "bulk actions where
 * safe"). Each runs as its own request would — its transaction, its checks, its audit entry — so
 * an item another admin decided meanwhile is reported, not fatal, and the rest go ahead. Only an
 * action that is safe to repeat over many items without looking at each gets a bulk route.
 */
export async function eachItem(ids: readonly string[], act: (id: string) => Promise<unknown>): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], failed: [] }
  for (const id of ids) {
    try {
      await act(id)
      outcome.done.push(id)
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error
      outcome.failed.push({ id, type: error.type, message: error.message })
    }
  }
  return outcome
}
