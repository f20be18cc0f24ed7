// Real processes on one real Postgres: a worker killed with SIGKILL mid-job, and two instances
// sharing the cron schedules. Skipped on PGlite: an embedded database belongs to one process, so
// two processes cannot share it.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client'
import { createTestDatabase, type TestDatabase } from '../../db/test-database'
import { type Queue, startQueue } from '../../jobs/queue'
import { systemClock } from '../../lib/clock'
import { newId } from '../../lib/ids'
import { createLogger } from '../../lib/log'
import { createLocalBus } from '../../lib/bus'
import { users } from '../accounts/table'
import { events } from '../../events/table'
import { startSouk, waitFor } from '../../testing'
import { requestExport } from './service/exports'
import type { JobsDeps } from './service/shared'
import type { JobProgressData } from './snapshot'
import { jobFiles, jobs } from './table'

const onPostgres = (process.env.DATABASE_URL ?? '') !== ''
const log = createLogger('silent')

type Souk = Awaited<ReturnType<typeof startSouk>>

describe.skipIf(!onPostgres)('jobs across processes (real Postgres)', () => {
  let database: TestDatabase
  let dataDir: string
  const running: Souk[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    dataDir = mkdtempSync(join(tmpdir(), 'souk-jobs-'))
  })
  afterAll(async () => {
    for (const souk of running) if (souk.proc.exitCode === null) souk.proc.kill('SIGKILL')
    await Promise.all(running.map((souk) => souk.proc.exited))
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const start = async (env: Record<string, string> = {}, args: string[] = []) => {
    const souk = await startSouk({ DATABASE_URL: database.url!, DATA_DIR: dataDir, ...env }, args)
    running.push(souk)
    return souk
  }

  it('retries an export whose worker was killed with SIGKILL mid-job, and its effect happens once', async () => {
    // A user with enough notifications that collecting them takes a while.
    const db = database.db
    const userId = newId('usr')
    const now = new Date()
    await db.insert(users).values({ id: userId, email: `${userId}@example.test`, displayName: 'Many', createdAt: now, updatedAt: now })
    const ROWS = 50_000
    await db.execute(sql`
      insert into notifications (id, user_id, type, text, created_at, updated_at)
      select 'ntf_' || lpad(to_hex(n), 32, '0'), ${userId}, 'system', 'notice ' || n, now(), now() - n * interval '1 millisecond'
      from generate_series(1, ${ROWS}) as n`)

    const first = await start()
    // The request comes from a web instance; a queue without workers stands in for it here.
    const queue: Queue = await startQueue(database, log, { workers: false })
    const deps: JobsDeps = { db, bus: createLocalBus(log), clock: systemClock, log, queue }
    const { job } = await requestExport(deps, userId, { sections: ['notifications'] })
    await queue.stop()

    const read = async () => (await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!
    await waitFor(async () => (await read()).step === 'Collecting notifications', 30_000, 'the export to reach its notifications step')
    first.proc.kill('SIGKILL')
    await first.proc.exited
    const killed = await read()
    // Killed mid-way: still running as far as anyone knows, first try.
    expect(killed).toMatchObject({ status: 'running', attempts: 1, step: 'Collecting notifications' })

    // A new worker finds the job once its heartbeat has stopped (10 s), and runs it again.
    const second = await start()
    await waitFor(async () => (await read()).status === 'succeeded', 60_000, 'the retried export to finish')
    const done = await read()
    expect(done.attempts).toBe(2)
    expect(done.log.map((l) => l.line)).toEqual(['Started', 'Try 2 started', `notifications: ${ROWS}`, 'Done'])

    // One file, with every notification once.
    const files = await db.select().from(jobFiles).where(eq(jobFiles.jobId, job.id))
    expect(files).toHaveLength(1)
    const lines = Buffer.from(files[0]!.content).toString('utf8').trimEnd().split('\r\n')
    expect(lines).toHaveLength(1 + ROWS)
    expect(new Set(lines.map((l) => l.split(',')[1])).size).toBe(1 + ROWS)
    // It succeeded once: one final event on its topic, one toast event for its owner.
    const progress = await db.select().from(events).where(eq(events.topic, `job:${job.id}`))
    expect(progress.filter((e) => (e.data as JobProgressData).job.status === 'succeeded')).toHaveLength(1)
    expect(await db.select().from(events).where(and(eq(events.topic, `user:${userId}`), eq(events.kind, 'job.finished')))).toHaveLength(1)
    // The worker that finished it says so once; the killed one never did.
    expect(second.lines.filter((l) => l.msg === 'job done' && l.kind === 'exports.csv')).toHaveLength(1)
    expect(first.lines.filter((l) => l.msg === 'job done' && l.kind === 'exports.csv')).toHaveLength(0)

    second.proc.kill('SIGTERM')
    expect(await second.proc.exited).toBe(0)
  }, 120_000)

  it('fires each cron schedule once per occurrence with two instances running', async () => {
    // Every minute, on two instances: one serving everything, one worker-only.
    const env = { MAINTENANCE_CRON: '* * * * *' }
    const all = await start(env)
    const worker = await start(env, ['--worker-only'])
    expect(worker.lines.find((l) => l.msg === 'souk started')?.mode).toBe('worker')
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200)
    expect((await fetch(`${worker.url}/api/v1/jobs`)).status).toBe(404)

    // Both registered the same schedules: one row per kind.
    const schedules = await queryRows<{ name: string; cron: string }>(database.db, sql`select name, cron from pgboss.schedule order by name`)
    expect(schedules).toEqual([
      // Daily at 00:45 UTC, its own schedule: the ledger's reconciliation.
      { name: 'ledger.reconcile', cron: '45 0 * * *' },
      { name: 'maintenance.purge', cron: '* * * * *' },
      // Hourly: email digests of unread notifications, once per user and period (notifications module).
      { name: 'notifications.digest', cron: '13 * * * *' },
      // Every minute whatever MAINTENANCE_CRON says: unpaid orders' holds (orders module).
      { name: 'orders.expire-holds', cron: '* * * * *' },
      // Hourly: escrows due for automatic release (payments module).
      { name: 'payments.release-escrows', cron: '7 * * * *' },
      // Every five minutes: cached pages dropped once a boost or a feature ended (plans module).
      { name: 'placements.end', cron: '*/5 * * * *' },
      // Hourly: plan renewals, grace, ends and warnings (plans module).
      { name: 'plans.renew', cron: '29 * * * *' },
      // Hourly: approved returns never sent back (returns module).
      { name: 'returns.expire-unsent', cron: '23 * * * *' },
      { name: 'stats.daily', cron: '* * * * *' },
      // Hourly: tickets solved 7 days ago close (support module).
      { name: 'support.close-solved', cron: '41 * * * *' },
    ])

    // Occurrences per kind and minute: pg-boss's cron pass files each occurrence as a job of its
    // send-it queue under the slot (minute) the occurrence falls in (`singleton_on`), which then
    // sends the kind's own job. Not the minute a job was created in: a pass delayed past a minute on
    // a loaded machine catches up the missed occurrence beside the next one, two in one minute.
    const perOccurrence = () =>
      queryRows<{ kind: string; minute: string; n: number }>(
        database.db,
        sql`select data->>'name' as kind, date_trunc('minute', singleton_on)::text as minute, count(*)::int as n
            from pgboss.job where name = '__pgboss__send-it' and data->>'name' in ('maintenance.purge', 'stats.daily')
            group by 1, 2 order by 2, 1`,
      )
    // Wait for two occurrences of both kinds: the first one's window (a minute) has then closed on
    // both instances, so nothing can add to it any more.
    const twoEach = (rows: { kind: string }[]) => ['maintenance.purge', 'stats.daily'].every((kind) => rows.filter((r) => r.kind === kind).length >= 2)
    await waitFor(async () => twoEach(await perOccurrence()), 170_000, 'two occurrences of both schedules')
    await waitFor(async () => (await db().select().from(jobs).where(eq(jobs.status, 'running'))).length === 0, 15_000, 'the runs to finish')
    const rows = await perOccurrence()
    const first = rows[0]!.minute
    expect(rows.filter((r) => r.minute === first).map((r) => [r.kind, r.n])).toEqual([
      ['maintenance.purge', 1],
      ['stats.daily', 1],
    ])
    expect(rows.every((r) => r.n === 1)).toBe(true)
    // And each run ran on exactly one of the two instances (counted once both stopped, gracefully,
    // so every log line is in).
    for (const souk of [all, worker]) souk.proc.kill('SIGTERM')
    expect(await all.proc.exited).toBe(0)
    expect(await worker.proc.exited).toBe(0)
    await Promise.all([all.reading, worker.reading])
    const done = [...all.lines, ...worker.lines].filter((l) => l.msg === 'job done' && l.kind === 'maintenance.purge')
    expect(done).toHaveLength((await db().select().from(jobs).where(and(eq(jobs.kind, 'maintenance.purge'), eq(jobs.status, 'succeeded')))).length)
  }, 200_000)

  const db = () => database.db
})
