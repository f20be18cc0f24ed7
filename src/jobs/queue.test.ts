import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { sql } from '../db/client'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { createLogger } from '../lib/log'
import { waitFor } from '../testing'
import { deadLetterOf, defineJob, type Queue, startQueue } from './queue'

let database: TestDatabase
let queue: Queue
const log = createLogger('silent')

beforeAll(async () => {
  database = await createTestDatabase()
  queue = await startQueue(database, log)
}, 30_000)
afterAll(async () => {
  await queue.stop()
  await database.drop()
})

const SLOW = 30_000

describe('job queue', () => {
  it('runs an enqueued job once with its data', async () => {
    const seen: { n: number; attempt: number }[] = []
    const kind = defineJob<{ n: number }>('test.once', async (data, attempt) => {
      seen.push({ n: data.n, attempt: attempt.attempt })
    })
    await queue.register(kind)
    const id = await queue.enqueue(kind, { n: 7 })
    expect(id).not.toBeNull()
    await waitFor(() => seen.length === 1, 15_000, 'the job to run')
    const job = await queue.boss.getJobById(kind.name, id!)
    await waitFor(async () => (await queue.boss.getJobById(kind.name, id!))?.state === 'completed', 5_000, 'completion')
    expect(seen).toEqual([{ n: 7, attempt: 0 }])
    expect(job).not.toBeNull()
  }, SLOW)

  it('retries a failing job, then moves it to the dead-letter queue', async () => {
    const attempts: number[] = []
    const kind = defineJob<{ tag: string }>(
      'test.flaky',
      async (_data, attempt) => {
        attempts.push(attempt.attempt)
        throw new Error('always fails')
      },
      { retryLimit: 1, retryDelaySeconds: 1, backoff: false },
    )
    await queue.register(kind)
    const id = await queue.enqueue(kind, { tag: 'dead-one' })
    await waitFor(async () => (await queue.boss.getJobById(kind.name, id!))?.state === 'failed', 20_000, 'the job to fail for good')
    expect(attempts).toEqual([0, 1])
    // pg-boss copies the payload into the dead-letter queue after the last failure.
    let dead: { data: unknown }[] | null = null
    await waitFor(async () => ((dead = await queue.boss.fetch(deadLetterOf(kind.name))) ?? []).length > 0, 10_000, 'the dead letter')
    expect(dead![0]!.data).toEqual({ tag: 'dead-one' })
  }, SLOW)

  it('makes a second enqueue of a singleton kind with the same key a no-op while the first waits', async () => {
    const kind = defineJob<{ user: string }>('test.singleton', async () => {}, { singleton: true })
    await queue.register(kind)
    // Deferred, so both sends meet a queued job.
    const later = new Date(Date.now() + 60_000)
    const first = await queue.enqueue(kind, { user: 'a' }, { singletonKey: 'export:usr_a', startAfter: later })
    const second = await queue.enqueue(kind, { user: 'a' }, { singletonKey: 'export:usr_a', startAfter: later })
    const other = await queue.enqueue(kind, { user: 'b' }, { singletonKey: 'export:usr_b', startAfter: later })
    expect(first).not.toBeNull()
    expect(second).toBeNull()
    expect(other).not.toBeNull()
    expect(() => queue.enqueue(kind, { user: 'c' })).toThrow('needs a singleton key')
  }, SLOW)

  it('enqueues inside a transaction: a rollback leaves no job, a commit runs it', async () => {
    const ran: string[] = []
    const kind = defineJob<{ label: string }>('test.tx', async (data) => {
      ran.push(data.label)
    })
    await queue.register(kind)
    await database.db.execute(sql`create table if not exists queue_tx_probe (label text primary key)`)
    let rolledBackId: string | null = null
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into queue_tx_probe values ('rolled-back')`)
        rolledBackId = await queue.enqueue(kind, { label: 'rolled-back' }, { tx })
        throw new Error('abort the write')
      }),
    ).rejects.toThrow('abort the write')
    expect(rolledBackId).not.toBeNull()
    expect(await queue.boss.getJobById(kind.name, rolledBackId!)).toBeNull()

    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into queue_tx_probe values ('committed')`)
      await queue.enqueue(kind, { label: 'committed' }, { tx })
    })
    await waitFor(() => ran.includes('committed'), 15_000, 'the committed job')
    expect(ran).toEqual(['committed'])
  }, SLOW)

  it('lists dead letters with their errors, and redrives one for a new round of tries', async () => {
    let fail = true
    const runs: string[] = []
    const kind = defineJob<{ tag: string }>(
      'test.redrive',
      async (data) => {
        runs.push(data.tag)
        if (fail) throw new Error('mailbox unavailable')
      },
      { retryLimit: 0, backoff: false },
    )
    await queue.register(kind)
    const id = await queue.enqueue(kind, { tag: 'lost' })
    await queue.whenFinished(kind.name, [id!], 15_000)
    expect(await queue.state(kind.name, id!)).toBe('failed')
    let dead: Awaited<ReturnType<Queue['deadLetters']>> = []
    await waitFor(async () => (dead = (await queue.deadLetters(10)).filter((d) => d.kind === kind.name)).length === 1, 10_000, 'the dead letter')
    expect(dead[0]).toMatchObject({ kind: kind.name, error: 'mailbox unavailable', attempts: 1 })
    fail = false
    expect(await queue.redrive(kind.name, dead[0]!.id)).toBe(true)
    await waitFor(() => runs.length === 2, 15_000, 'the redriven job to run')
    expect(await queue.redrive(kind.name, dead[0]!.id)).toBe(false)
  }, SLOW)

  it('applies a kind’s changed options to its queue made by an earlier release', async () => {
    const name = `test.options.${Date.now()}`
    await queue.register(defineJob(name, async () => {}, { retryLimit: 1, retryDelaySeconds: 1, backoff: false, deadLetter: true }))
    // The next release, with other options for the same kind.
    const next = await startQueue(database, log, { workers: false })
    try {
      await next.register(defineJob(name, async () => {}, { retryLimit: 4, retryDelaySeconds: 7, backoff: true, deadLetter: false }))
      expect(await next.boss.getQueue(name)).toMatchObject({ retryLimit: 4, retryDelay: 7, retryBackoff: true, deadLetter: null, policy: 'standard' })
    } finally {
      await next.stop()
    }
  }, SLOW)

  it('cancels a waiting job: it never runs', async () => {
    const ran: string[] = []
    const kind = defineJob<{ tag: string }>('test.cancel', async (data) => {
      ran.push(data.tag)
    })
    await queue.register(kind)
    const id = await queue.enqueue(kind, { tag: 'cancelled' }, { startAfter: new Date(Date.now() + 2_000) })
    await queue.cancel(kind.name, id!)
    expect(await queue.state(kind.name, id!)).toBe('cancelled')
    const later = await queue.enqueue(kind, { tag: 'runs' })
    await queue.whenFinished(kind.name, [later!], 15_000)
    expect(ran).toEqual(['runs'])
  }, SLOW)
})
