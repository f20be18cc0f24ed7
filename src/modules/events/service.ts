import { and, asc, eq, gt, lt, lte, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { Bus } from '../../realtime/bus'
import type { DurableEvent, NewEvent } from './kinds'
import { events, eventTopics } from './table'

const DAY = 24 * 60 * 60_000

/** How long the log keeps events: a client away longer refetches over REST instead of replaying. */
export const EVENT_RETENTION_MS = 7 * DAY
/** The most events one `subscribe` replays; further behind, the client refetches over REST. */
export const MAX_REPLAY = 500

type Row = typeof events.$inferSelect

const toEvent = (row: Row) => ({ type: 'event', topic: row.topic, id: row.id, kind: row.kind, data: row.data }) as DurableEvent

/**
 * Appends a durable event inside the caller's transaction (the one that makes the change it
 * announces) and returns it; publish it with `publishEvents` once that transaction committed.
 * Takes a transaction, not the database: the topic's sequence row stays locked until commit,
 * which is what keeps commit order equal to id order within a topic.
 */
export async function appendEvent(tx: Tx, now: Date, event: NewEvent): Promise<DurableEvent> {
  const [sequence] = await tx
    .insert(eventTopics)
    .values({ topic: event.topic, lastId: 1 })
    .onConflictDoUpdate({ target: eventTopics.topic, set: { lastId: sql`${eventTopics.lastId} + 1` } })
    .returning({ id: eventTopics.lastId })
  const id = sequence!.id
  await tx.insert(events).values({ topic: event.topic, id, kind: event.kind, data: event.data, createdAt: now })
  return { type: 'event', id, ...event } as DurableEvent
}

/** Publishes committed events to every instance's subscribers of their topics. */
export async function publishEvents(bus: Bus, committed: DurableEvent[]): Promise<void> {
  for (const event of committed) await bus.publish(event.topic, event)
}

/**
 * Runs `work` in a transaction and publishes the events it appended once it committed: the usual
 * shape of a write that announces itself. `work` returns its result and those events.
 */
export async function withEvents<T>(deps: { db: Db; bus: Bus }, work: (tx: Tx) => Promise<{ result: T; events: DurableEvent[] }>): Promise<T> {
  const { result, events: committed } = await deps.db.transaction(work)
  await publishEvents(deps.bus, committed)
  return result
}

/** The last id given out in a topic (0 when it never had an event). */
export async function latestEventId(db: Db, topic: string): Promise<number> {
  const [row] = await db.select({ lastId: eventTopics.lastId }).from(eventTopics).where(eq(eventTopics.topic, topic))
  return row?.lastId ?? 0
}

/** Events of a topic with `after < id <= upTo`, in order (fills a gap in live delivery). */
export async function readEventRange(db: Db, topic: string, after: number, upTo: number): Promise<DurableEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.topic, topic), gt(events.id, after), lte(events.id, upTo)))
    .orderBy(asc(events.id))
  return rows.map(toEvent)
}

export type Replay = { kind: 'events'; events: DurableEvent[] } | { kind: 'resync'; latestId: number }

/**
 * Everything a client that saw up to `since` missed, in order, or `resync` when that cannot be
 * replayed whole: the next event was pruned or is older than the retention window, more than
 * MAX_REPLAY events are missing, or `since` is ahead of the topic (the client knew another log).
 */
export async function readSince(db: Db, now: Date, topic: string, since: number): Promise<Replay> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.topic, topic), gt(events.id, since)))
    .orderBy(asc(events.id))
    .limit(MAX_REPLAY + 1)
  const first = rows[0]
  const replayable =
    first === undefined
      ? since === (await latestEventId(db, topic))
      : first.id === since + 1 && first.createdAt.getTime() >= now.getTime() - EVENT_RETENTION_MS && rows.length <= MAX_REPLAY
  return replayable ? { kind: 'events', events: rows.map(toEvent) } : { kind: 'resync', latestId: await latestEventId(db, topic) }
}

/** Deletes events past the retention window. Sequences stay, so an id is never given out twice. */
export async function pruneEvents(db: Db, now: Date): Promise<void> {
  await db.delete(events).where(lt(events.createdAt, new Date(now.getTime() - EVENT_RETENTION_MS)))
}
