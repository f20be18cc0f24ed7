import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Db } from '../db/client'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { ManualClock } from '../lib/clock'
import { appendEvent, EVENT_RETENTION_MS, MAX_REPLAY, publishEvents, type StoredEvent } from '../events/log'
import { events } from '../events/table'
import { createTestApp, listen, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../testing'
import { connectAs, type TestSocket } from './test-client'

/** Set by a test: the next read of the event log stops after its query ran, until released. */
let pauseNextLogRead: { reached: PromiseWithResolvers<void>; release: PromiseWithResolvers<void> } | null = null

/**
 * The database with a seam for the race under test: a read of `events` taken while paused has
 * its snapshot (the query ran) but does not answer yet, which is the moment a replaying socket
 * is most exposed to events committed and published after its read.
 */
function withPausableLogReads(db: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'select') return Reflect.get(target, prop, receiver)
      return (...args: Parameters<Db['select']>) => {
        const builder = target.select(...args)
        const from = builder.from.bind(builder)
        builder.from = ((table: Parameters<typeof from>[0]) => {
          const query = from(table)
          const pause = pauseNextLogRead
          if (table === events && pause !== null) {
            pauseNextLogRead = null
            const execute = query.execute.bind(query)
            query.execute = async (...params: Parameters<typeof execute>) => {
              const rows = await execute(...params)
              pause.reached.resolve()
              await pause.release.promise
              return rows
            }
          }
          return query
        }) as typeof builder.from
        return builder
      }
    },
  })
}

const clock = new ManualClock()
let database: TestDatabase
let t: TestApp
let wsUrl: string
const sockets: TestSocket[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  t = await createTestApp({ clock, database: { ...database, db: withPausableLogReads(database.db) } })
  ;({ wsUrl } = listen(t))
}, 60_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await t.close()
  await database.drop()
})

async function open(user: TestUser): Promise<TestSocket> {
  const socket = await connectAs(t, wsUrl, user)
  sockets.push(socket)
  return socket
}

/** Commits `count` notification events on the user's topic; publishes them unless told not to. */
async function commitEvents(userId: string, count: number, options: { publish?: boolean } = {}): Promise<StoredEvent[]> {
  const committed: StoredEvent[] = []
  for (let n = 0; n < count; n++) {
    const event = await t.ctx.database.db.transaction(async (tx) => {
      const now = clock.now().toISOString()
      const notification = { id: 'ntf_x', type: 'system' as const, actor: null, otherActors: 0, subject: null, text: 'hello', summary: 'hello', link: null, read: false, createdAt: now, updatedAt: now }
      return appendEvent(tx, clock.now(), { topic: `user:${userId}`, kind: 'notification', data: { notification, unreadCount: 0 } })
    })
    if (options.publish !== false) await publishEvents(t.ctx.bus, [event])
    committed.push(event)
  }
  return committed
}

/** The user with a new access token (after the clock moved past the old one's expiry). */
async function signedInAgain(user: TestUser): Promise<TestUser> {
  const response = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': user.ip })
  const { accessToken } = (await response.json()) as { accessToken: string }
  return { ...user, accessToken, auth: { authorization: `Bearer ${accessToken}` } }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('subscribe with since', () => {
  it('replays exactly the events missed while disconnected, in order, then continues live', async () => {
    const alice = await signUpAndSignIn(t)
    const topic = `user:${alice.id}`
    const first = await open(alice)
    await first.ask({ type: 'subscribe', topic })
    await commitEvents(alice.id, 3)
    await waitFor(() => first.eventIds(topic).length === 3)
    first.close()
    await first.waitClosed()

    await commitEvents(alice.id, 50)
    const again = await open(alice)
    const answer = await again.ask({ type: 'subscribe', topic, since: 3 })
    expect(answer).toMatchObject({ type: 'subscribed', replayed: 50, lastId: 53 })
    expect(again.eventIds(topic)).toEqual(range(4, 53))
    // Replayed events come before the answer, live ones after.
    expect(again.received.findIndex((m) => m.type === 'subscribed')).toBe(50)

    await commitEvents(alice.id, 2)
    await waitFor(() => again.eventIds(topic).length === 52)
    expect(again.eventIds(topic)).toEqual(range(4, 55))
  })

  it('neither misses nor repeats events published or committed during the replay', async () => {
    const alice = await signUpAndSignIn(t)
    const topic = `user:${alice.id}`
    // Another tab of Alice follows live all along, so the topic's feed runs during the replay.
    const watcher = await open(alice)
    await watcher.ask({ type: 'subscribe', topic })
    await commitEvents(alice.id, 50)
    const late = await commitEvents(alice.id, 10, { publish: false })
    const replaying = await open(alice)

    pauseNextLogRead = { reached: Promise.withResolvers(), release: Promise.withResolvers() }
    const { reached, release } = pauseNextLogRead
    replaying.send({ type: 'subscribe', topic, since: 0, ref: 'resume' })
    await reached.promise
    // Committed before the replay's read, published during it: in both, to be sent once.
    await publishEvents(t.ctx.bus, late)
    // Committed and published after the read: only live, to be sent after the replay.
    await commitEvents(alice.id, 10)
    await waitFor(() => watcher.eventIds(topic).length === 70)
    release.resolve()

    expect(await replaying.next('subscribed')).toMatchObject({ ref: 'resume', replayed: 60, lastId: 60 })
    await waitFor(() => replaying.eventIds(topic).length >= 70, 5_000, 'all 70 events')
    expect(replaying.eventIds(topic)).toEqual(range(1, 70))
    expect(watcher.eventIds(topic)).toEqual(range(1, 70))
  })

  it('does not repeat events it replayed that reach this instance through the bus only afterwards', async () => {
    const alice = await signUpAndSignIn(t)
    const topic = `user:${alice.id}`
    const watcher = await open(alice)
    await watcher.ask({ type: 'subscribe', topic })
    await commitEvents(alice.id, 2)
    await waitFor(() => watcher.eventIds(topic).length === 2)
    // Committed, still on their way from another instance: the log has them, this feed not yet.
    const inTransit = await commitEvents(alice.id, 5, { publish: false })

    const resumed = await open(alice)
    expect(await resumed.ask({ type: 'subscribe', topic, since: 2 })).toMatchObject({ type: 'subscribed', replayed: 5, lastId: 7 })
    await publishEvents(t.ctx.bus, inTransit)
    await commitEvents(alice.id, 1)
    await waitFor(() => resumed.eventIds(topic).includes(8), 5_000, 'the next live event')
    expect(resumed.eventIds(topic)).toEqual(range(3, 8))
    expect(watcher.eventIds(topic)).toEqual(range(1, 8))
  })

  it('answers resync past the retention window or MAX_REPLAY, then goes live after the latest id', async () => {
    const alice = await signUpAndSignIn(t)
    const topic = `user:${alice.id}`
    await commitEvents(alice.id, 2)
    clock.advance(EVENT_RETENTION_MS + 60_000)
    const socket = await open(await signedInAgain(alice))
    expect(await socket.ask({ type: 'subscribe', topic, since: 0 })).toMatchObject({ type: 'resync', reason: 'ReplayWindowExceeded', lastId: 2 })
    expect(socket.eventIds(topic)).toEqual([])
    await commitEvents(alice.id, 1)
    await waitFor(() => socket.eventIds(topic).length === 1)
    expect(socket.eventIds(topic)).toEqual([3])

    const bob = await signUpAndSignIn(t)
    await commitEvents(bob.id, MAX_REPLAY + 1)
    const behind = await open(bob)
    expect(await behind.ask({ type: 'subscribe', topic: `user:${bob.id}`, since: 0 })).toMatchObject({ type: 'resync', lastId: MAX_REPLAY + 1 })
    // Subscribing again to a followed topic replays nothing twice.
    expect(await behind.ask({ type: 'subscribe', topic: `user:${bob.id}`, since: 0 })).toMatchObject({ type: 'subscribed', replayed: 0, lastId: MAX_REPLAY + 1 })
    // A since ahead of the topic (the client knew another log) cannot be trusted either.
    const fresh = await open(bob)
    expect(await fresh.ask({ type: 'subscribe', topic: `user:${bob.id}`, since: 9_999 })).toMatchObject({ type: 'resync', lastId: MAX_REPLAY + 1 })
  }, 60_000)
})

describe('live delivery', () => {
  it('delivers durable events in id order even when published out of order, filling gaps from the log', async () => {
    const alice = await signUpAndSignIn(t)
    const topic = `user:${alice.id}`
    const socket = await open(alice)
    await socket.ask({ type: 'subscribe', topic })
    const [one, two, three] = await commitEvents(alice.id, 3, { publish: false })
    await publishEvents(t.ctx.bus, [three!])
    await waitFor(() => socket.eventIds(topic).length === 3)
    await publishEvents(t.ctx.bus, [one!, two!, three!])
    await commitEvents(alice.id, 1)
    await waitFor(() => socket.eventIds(topic).length === 4)
    expect(socket.eventIds(topic)).toEqual([1, 2, 3, 4])
  })
})
