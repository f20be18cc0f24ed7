import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { newId } from '../../lib/ids'
import { purgeReadNotifications } from '../notifications'
import { notifications } from '../notifications/table'
import { createTestApp, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { JOB_RETENTION_MS, maintenancePurge, purgeJobs } from './service/maintenance'
import { DAY } from './service/shared'
import { jobFiles, jobs } from './table'

let t: TestApp
let user: TestUser

beforeAll(async () => {
  t = await createTestApp({ queue: true })
  user = await signUpAndSignIn(t)
}, 30_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db

async function insertJob(fields: Partial<typeof jobs.$inferInsert> = {}) {
  const now = new Date()
  const id = newId('job')
  await db().insert(jobs).values({ id, ownerId: user.id, kind: 'exports.csv', status: 'succeeded', input: {}, bossId: Bun.randomUUIDv7(), createdAt: now, updatedAt: now, ...fields })
  return id
}

describe('purgeJobs()', () => {
  it('deletes expired downloads and jobs finished past retention, and keeps the rest', async () => {
    const now = new Date()
    const old = await insertJob({ finishedAt: new Date(now.getTime() - JOB_RETENTION_MS - 1) })
    const recent = await insertJob({ finishedAt: new Date(now.getTime() - DAY) })
    const running = await insertJob({ status: 'running', finishedAt: null })
    const file = { fileName: 'a.csv', contentType: 'text/csv', content: new Uint8Array([1]), createdAt: now }
    await db().insert(jobFiles).values([
      { jobId: recent, ...file, expiresAt: new Date(now.getTime() - 1) },
      { jobId: running, ...file, expiresAt: new Date(now.getTime() + DAY) },
    ])
    expect(await purgeJobs(db(), now)).toBe(2)
    const left = (await db().select({ id: jobs.id }).from(jobs)).map((r) => r.id)
    expect(left).toEqual(expect.arrayContaining([recent, running]))
    expect(left).not.toContain(old)
    expect((await db().select({ id: jobFiles.jobId }).from(jobFiles)).map((r) => r.id)).toEqual([running])
  })
})

describe('purgeReadNotifications()', () => {
  it('deletes notifications read before the cut-off; unread ones stay whatever their age', async () => {
    const long = new Date(Date.now() - 90 * DAY)
    const row = (readAt: Date | null) => ({ id: newId('ntf'), userId: user.id, type: 'system' as const, text: 'x', createdAt: long, updatedAt: long, readAt })
    const [readLongAgo, readLately, unread] = [row(long), row(new Date()), row(null)]
    await db().insert(notifications).values([readLongAgo, readLately, unread])
    expect(await purgeReadNotifications(db(), new Date(Date.now() - 30 * DAY))).toBe(1)
    const left = (await db().select({ id: notifications.id }).from(notifications).where(eq(notifications.userId, user.id))).map((r) => r.id)
    expect(left.sort()).toEqual([readLately.id, unread.id].sort())
  })
})

describe('the scheduled kinds', () => {
  /** Runs a kind as its cron would: no job record yet, no data. */
  async function runAsCron(kind: typeof maintenancePurge) {
    const bossId = await t.ctx.queue!.enqueue(kind, {})
    let row: typeof jobs.$inferSelect | undefined
    await waitFor(async () => ([row] = await db().select().from(jobs).where(eq(jobs.bossId, bossId!))).length === 1 && row!.status === 'succeeded', 15_000, `${kind.name} to run`)
    return row!
  }

  it('maintenance.purge runs each module’s purge as a step, as a system job', async () => {
    const row = await runAsCron(maintenancePurge)
    expect(row.ownerId).toBeNull()
    expect(row.steps).toEqual(['Expired email codes and reset tokens', 'Ended sessions', 'Old read notifications', 'Old digest records', 'Events past retention', 'Expired downloads and old jobs'])
    expect(Object.keys(row.result?.counts ?? {}).sort()).toEqual(['codes', 'digests', 'jobs', 'notifications', 'sessions'])
  }, 30_000)
})
