import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { sql } from '../db/client'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { createLogger } from '../lib/log'
import { createLocalBus } from '../lib/bus'
import { appendEvent, appendEvents, EVENT_RETENTION_MS, latestEventId, MAX_REPLAY, type NewEvent, pruneEvents, readSince, withEvents } from './log'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
}, 60_000)
afterAll(() => database.drop())

const DAY = 24 * 60 * 60_000
const bus = createLocalBus(createLogger('silent'))

function notice(topic: `user:${string}`, text: string): NewEvent {
  const at = new Date().toISOString()
  const notification = { id: 'ntf_x', type: 'system' as const, actor: null, otherActors: 0, subject: null, text, summary: text, link: null, read: false, createdAt: at, updatedAt: at }
  return { topic, kind: 'notification', data: { notification, unreadCount: 0 } }
}

const append = (event: NewEvent, now = new Date()) => database.db.transaction((tx) => appendEvent(tx, now, event))
const ids = (replay: Awaited<ReturnType<typeof readSince>>) => (replay.kind === 'events' ? replay.events.map((e) => e.id) : replay)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('appendEvent()', () => {
  it('appends many events across topics in one call, numbered in list order within each topic', async () => {
    const appended = await database.db.transaction((tx) =>
      appendEvents(tx, new Date(), [notice('user:many-a', 'a1'), notice('user:many-b', 'b1'), notice('user:many-a', 'a2'), notice('user:many-a', 'a3')]),
    )
    expect(appended.map((e) => [e.topic, e.id])).toEqual([
      ['user:many-a', 1],
      ['user:many-b', 1],
      ['user:many-a', 2],
      ['user:many-a', 3],
    ])
    expect(ids(await readSince(database.db, new Date(), 'user:many-a', 0))).toEqual([1, 2, 3])
    expect(await append(notice('user:many-a', 'a4')).then((e) => e.id)).toBe(4)
  })

  it('numbers events 1, 2, 3… within each topic, independently of other topics', async () => {
    expect((await append(notice('user:a', 'one'))).id).toBe(1)
    expect((await append(notice('user:b', 'one'))).id).toBe(1)
    expect((await append(notice('user:a', 'two'))).id).toBe(2)
    expect(await latestEventId(database.db, 'user:a')).toBe(2)
    expect(await latestEventId(database.db, 'user:never')).toBe(0)
  })

  it('keeps commit order equal to id order under concurrent writers', async () => {
    const topic = 'user:concurrent'
    const writers = 30
    let done = false
    const seen: number[][] = []
    // A reader polling the log the whole time: it must only ever see 1..n, never n+1 without n.
    const reader = (async () => {
      while (!done) seen.push(ids(await readSince(database.db, new Date(), topic, 0)) as number[])
    })()
    await Promise.all(
      Array.from({ length: writers }, (_, n) =>
        database.db.transaction(async (tx) => {
          const event = await appendEvent(tx, new Date(), notice(topic, `writer ${n}`))
          // Holds the transaction open a random while after taking its id, so a later writer
          // would commit first if ids were not handed out in commit order (as with a bigserial).
          if (database.kind === 'postgres') await tx.execute(sql`select pg_sleep(${Math.random() * 0.02})`)
          return event
        }),
      ),
    )
    done = true
    await reader
    expect(seen.length).toBeGreaterThan(0)
    for (const visible of seen) expect(visible).toEqual(range(1, visible.length))
    expect(ids(await readSince(database.db, new Date(), topic, 0))).toEqual(range(1, writers))
  })

  it('is rolled back with the transaction that wrote it, leaving no hole', async () => {
    const topic = 'user:rollback'
    await append(notice(topic, 'kept'))
    await expect(
      database.db.transaction(async (tx) => {
        await appendEvent(tx, new Date(), notice(topic, 'lost'))
        throw new Error('the write failed')
      }),
    ).rejects.toThrow('the write failed')
    expect((await append(notice(topic, 'next'))).id).toBe(2)
  })
})

describe('withEvents()', () => {
  it('publishes the appended events only after commit', async () => {
    const topic = 'user:published'
    const got: unknown[] = []
    bus.subscribe(topic, (message) => got.push(message))
    const result = await withEvents({ db: database.db, bus }, async (tx) => {
      const event = await appendEvent(tx, new Date(), notice(topic, 'hello'))
      expect(got).toEqual([])
      return { result: 'ok', events: [event] }
    })
    expect(result).toBe('ok')
    expect(got).toMatchObject([{ type: 'event', topic, id: 1, kind: 'notification' }])
  })
})

describe('readSince()', () => {
  it('answers what came after since, nothing when caught up', async () => {
    const topic = 'user:replay'
    for (let n = 0; n < 5; n++) await append(notice(topic, `n${n}`))
    expect(ids(await readSince(database.db, new Date(), topic, 2))).toEqual([3, 4, 5])
    expect(ids(await readSince(database.db, new Date(), topic, 5))).toEqual([])
  })

  it('replays to a reader that keeps up with a writer, never a resync', async () => {
    const topic = 'user:following'
    const appends = 200
    let done = false
    let since = 0
    const resyncs: unknown[] = []
    // Each read asks from the last id it got, as a socket resubscribing with since does; an event
    // committed while it reads must come back as an event, not as a resync.
    const reader = (async () => {
      while (!done) {
        const replay = await readSince(database.db, new Date(), topic, since)
        if (replay.kind === 'resync') resyncs.push(replay)
        else since = replay.events.at(-1)?.id ?? since
      }
    })()
    try {
      for (let n = 0; n < appends; n++) await append(notice(topic, `n${n}`))
    } finally {
      done = true
      await reader
    }
    expect(resyncs).toEqual([])
    expect(since).toBeGreaterThan(0)
  })

  it('answers resync past the retention window, past MAX_REPLAY, after pruning and ahead of the topic', async () => {
    const old = new Date(Date.now() - EVENT_RETENTION_MS - DAY)
    await append(notice('user:old', 'old'), old)
    await append(notice('user:old', 'new'))
    expect(await readSince(database.db, new Date(), 'user:old', 0)).toEqual({ kind: 'resync', latestId: 2 })
    expect(ids(await readSince(database.db, new Date(), 'user:old', 1))).toEqual([2])

    await pruneEvents(database.db, new Date())
    expect(await readSince(database.db, new Date(), 'user:old', 0)).toEqual({ kind: 'resync', latestId: 2 })
    // Pruning keeps the sequence: ids are never given out twice.
    expect((await append(notice('user:old', 'newer'))).id).toBe(3)

    expect(await readSince(database.db, new Date(), 'user:old', 10)).toEqual({ kind: 'resync', latestId: 3 })

    await database.db.transaction(async (tx) => {
      for (let n = 0; n <= MAX_REPLAY; n++) await appendEvent(tx, new Date(), notice('user:busy', `n${n}`))
    })
    expect(await readSince(database.db, new Date(), 'user:busy', 0)).toEqual({ kind: 'resync', latestId: MAX_REPLAY + 1 })
    expect(ids(await readSince(database.db, new Date(), 'user:busy', 1))).toHaveLength(MAX_REPLAY)
  })
})
