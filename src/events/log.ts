// The durable event log: infrastructure every module appends to (inside the transaction that makes
// the change an event announces) and the realtime core reads from (replay on subscribe, gaps in
// live delivery). It knows no event kind: each module declares its own (its `events.ts`), and the
// protocol union in src/realtime/protocol.ts assembles them.
import { and, asc, eq, gt, lt, lte, type SQL, sql } from 'drizzle-orm'
import { compiled, type Db, queryRows, type Tx } from '../db/client'
import type { Bus } from '../lib/bus'
import { events, eventTopics } from './table'

/** A durable event before the log gives it an id. */
export interface NewEvent {
  topic: string
  kind: string
  data: unknown
}

/** An event as the log keeps it: the appended event with its id in the topic. */
export type Appended<E extends NewEvent> = E & { type: 'event'; id: number }

/** An event read back from the log, of whatever kind a module appended. */
export type StoredEvent = Appended<NewEvent>

const DAY = 24 * 60 * 60_000

/** How long the log keeps events: a client away longer refetches over REST instead of replaying. */
export const EVENT_RETENTION_MS = 7 * DAY
/** The most events one `subscribe` replays; further behind, the client refetches over REST. */
export const MAX_REPLAY = 500

type Row = typeof events.$inferSelect

const toEvent = (row: Row): StoredEvent => ({ type: 'event', topic: row.topic, id: row.id, kind: row.kind, data: row.data })

/**
 * SQL for CTEs that append one event per row of `source` inside a larger statement, so a batch of
 * writes and their events go to the database in one round trip. `source` names a CTE with a
 * `topic` column and an `ord` column that orders rows within a topic; `data` and `createdAt` are
 * expressions over its row, aliased `s`. `<name>` yields each source row with its `event_id`. Each topic's
 * counter row is bumped once, topics in order (no deadlock between two batches), and stays
 * locked until commit (see appendEvent): append events as late as the transaction allows.
 */
export function eventCtes(name: string, source: SQL, event: { kind: string | SQL; data: SQL; createdAt: SQL }): SQL {
  const counters = sql.identifier(`${name}_counters`)
  const numbered = sql.identifier(name)
  return sql`${counters} as (
      insert into ${eventTopics} (topic, last_id) select topic, count(*) from ${source} group by topic order by topic
      on conflict (topic) do update set last_id = ${eventTopics}.last_id + excluded.last_id
      returning topic, last_id),
    ${numbered} as (
      select s.*, c.last_id - count(*) over (partition by s.topic) + row_number() over (partition by s.topic order by s.ord) as event_id
      from ${source} as s join ${counters} as c on c.topic = s.topic),
    ${sql.identifier(`${name}_rows`)} as (
      insert into ${events} (topic, id, kind, data, created_at)
      select s.topic, s.event_id, ${event.kind}, ${event.data}, ${event.createdAt} from ${numbered} as s)`
}

/** appendEvents' statement, built once (see compiled). */
const appendStatement = compiled<'batch' | 'now'>(
  () => sql`with appending as (select * from jsonb_to_recordset(${sql.placeholder('batch')}::jsonb) as a (ord int, topic text, kind text, data jsonb)),
      ${eventCtes('appended', sql`appending`, { kind: sql`s.kind`, data: sql`s.data`, createdAt: sql`${sql.placeholder('now')}::timestamptz` })}
      select ord, event_id from appended`,
)

/**
 * Appends durable events inside the caller's transaction (the one that makes the change they
 * announce), in one statement, and returns them in the same order; publish them with
 * `publishEvents` once that transaction committed. Takes a transaction, not the database: each
 * topic's sequence row stays locked until commit, which is what keeps commit order equal to id
 * order within a topic.
 */
export async function appendEvents<E extends NewEvent>(tx: Tx, now: Date, list: E[]): Promise<Appended<E>[]> {
  if (list.length === 0) return []
  // The batch goes as one JSON parameter: the statement's text is the same for any number of
  // events, so Postgres parses it once per connection and can keep its plan.
  const batch = JSON.stringify(list.map((event, ord) => ({ ord, topic: event.topic, kind: event.kind, data: event.data })))
  const appended = await queryRows<{ ord: number; event_id: string | number }>(tx, appendStatement({ batch, now: now.toISOString() }))
  const ids = new Map(appended.map((row) => [row.ord, Number(row.event_id)]))
  return list.map((event, ord) => ({ type: 'event', id: ids.get(ord)!, ...event }) as Appended<E>)
}

/**
 * Locks the counter rows of `topics` in topic order, until commit. For a transaction that will
 * append to several topics in an order it does not choose (services it calls append as they go):
 * two such transactions, each appending to the other's topic, would otherwise deadlock.
 */
export async function lockTopics(tx: Tx, topics: string[]): Promise<void> {
  const sorted = [...new Set(topics)].sort()
  if (sorted.length === 0) return
  await queryRows(
    tx,
    sql`insert into ${eventTopics} (topic, last_id) select topic, 0 from (values ${sql.join(sorted.map((topic, n) => sql`(${topic}::text, ${n}::int)`), sql`, `)}) as t (topic, n) order by n
      on conflict (topic) do update set last_id = ${eventTopics}.last_id`,
  )
}

/** appendEvents for one event. */
export async function appendEvent<E extends NewEvent>(tx: Tx, now: Date, event: E): Promise<Appended<E>> {
  const [appended] = await appendEvents(tx, now, [event])
  return appended!
}

/**
 * Publishes committed events to every instance's subscribers of their topics, in order and all
 * before the caller's next turn: a publish that waited on the one before could let a later
 * transaction's event on the same topic overtake it (subscribers then refill the gap from the log).
 */
export async function publishEvents(bus: Bus, committed: StoredEvent[]): Promise<void> {
  await Promise.all(committed.map((event) => bus.publish(event.topic, event)))
}

/**
 * Runs `work` in a transaction and publishes the events it appended once it committed: the usual
 * shape of a write that announces itself. `work` returns its result and those events.
 */
export async function withEvents<T>(deps: { db: Db; bus: Bus }, work: (tx: Tx) => Promise<{ result: T; events: StoredEvent[] }>): Promise<T> {
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
export async function readEventRange(db: Db, topic: string, after: number, upTo: number): Promise<StoredEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.topic, topic), gt(events.id, after), lte(events.id, upTo)))
    .orderBy(asc(events.id))
  return rows.map(toEvent)
}

export type Replay = { kind: 'events'; events: StoredEvent[] } | { kind: 'resync'; latestId: number }

/**
 * Everything a client that saw up to `since` missed, in order, or `resync` when that cannot be
 * replayed whole: the next event was pruned or is older than the retention window, more than
 * MAX_REPLAY events are missing, or `since` is ahead of the topic (the client knew another log).
 */
export async function readSince(db: Db, now: Date, topic: string, since: number): Promise<Replay> {
  // The latest id before the events: one committed between the two reads is then among the rows
  // and replayed. Read after them, it would be past rows that came back empty: a resync nobody
  // needed, whose re-read over REST could come back older than the live events after it.
  const latest = await latestEventId(db, topic)
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.topic, topic), gt(events.id, since)))
    .orderBy(asc(events.id))
    .limit(MAX_REPLAY + 1)
  const first = rows[0]
  const replayable =
    first === undefined
      ? since === latest
      : first.id === since + 1 && first.createdAt.getTime() >= now.getTime() - EVENT_RETENTION_MS && rows.length <= MAX_REPLAY
  return replayable ? { kind: 'events', events: rows.map(toEvent) } : { kind: 'resync', latestId: await latestEventId(db, topic) }
}

/** Deletes events past the retention window. Sequences stay, so an id is never given out twice. */
export async function pruneEvents(db: Db, now: Date): Promise<void> {
  await db.delete(events).where(lt(events.createdAt, new Date(now.getTime() - EVENT_RETENTION_MS)))
}
