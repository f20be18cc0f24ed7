// What a step leaves for after its transaction committed: the durable events to publish and the
// work to run (notifications, stock announcements, provider calls). Modules build one inside the
// transaction and run it once the commit succeeded (the transaction-in / events-out pattern).
import type { Bus } from '../lib/bus'
import type { Logger } from '../lib/log'
import { publishEvents, type StoredEvent } from './log'

export interface Committed {
  events: StoredEvent[]
  afterCommit: (() => Promise<void>)[]
}

export const nothing = (): Committed => ({ events: [], afterCommit: [] })

export function merge(into: Committed, more: Committed): Committed {
  into.events.push(...more.events)
  into.afterCommit.push(...more.afterCommit)
  return into
}

/** Publishes and runs what a committed step left, each part on its own: the change is made, a failure here is logged under `scope`. */
export async function runCommitted(deps: { bus: Bus; log: Logger }, scope: string, committed: Committed): Promise<void> {
  await publishEvents(deps.bus, committed.events).catch((error) => deps.log.error(`${scope}: publishing events after commit failed`, { error }))
  for (const run of committed.afterCommit) await run().catch((error) => deps.log.error(`${scope}: after-commit step failed`, { error }))
}
