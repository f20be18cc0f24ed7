import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq, inArray } from 'drizzle-orm'
import { readEventRange } from '../../events/log'
import { notifications } from '../notifications/table'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { requestExport } from './service/exports'
import { type AnyTrackedJob, createJobKinds } from './service/kinds'
import { bindTrackedJob, startJob, trackedJob, type TrackedJobKind } from './service/runner'
import type { JobsModel } from './model'
import type { JobsDeps } from './service/shared'
import type { JobDetail, JobProgressData, JobSnapshot } from './snapshot'
import { jobFiles, jobs } from './table'

let t: TestApp
let owner: TestUser
let other: TestUser
let admin: TestUser
let deps: JobsDeps

beforeAll(async () => {
  t = await createTestApp({ queue: true })
  deps = { db: t.ctx.database.db, bus: t.ctx.bus, clock: t.ctx.clock, log: t.ctx.log, queue: t.ctx.queue }
  owner = await signUpAndSignIn(t)
  other = await signUpAndSignIn(t)
  admin = await signUpAndSignIn(t, { role: 'admin' })
}, 30_000)
afterAll(() => t.close())

const SLOW = 30_000

/** One job, as `user` sees it. */
const jobAs = (id: string, user: TestUser) => client(t, user).api.v1.jobs({ id })
const myJobs = (user: TestUser, query: typeof JobsModel.listQuery.static = {}) => client(t, user).api.v1.jobs.get({ query })
const exportAs = (user: TestUser | undefined, sections: JobsModel.ExportBody['sections']) => client(t, user).api.v1.exports.post({ sections })

async function until(jobId: string, status: JobSnapshot['status'], timeoutMs = 15_000): Promise<JobDetail> {
  let job: JobDetail | null = null
  await waitFor(async () => (job = (await jobAs(jobId, admin).get()).data!).status === status, timeoutMs, `job ${jobId} to be ${status}`)
  return job!
}

const progressEvents = async (jobId: string) =>
  (await readEventRange(t.ctx.database.db, `job:${jobId}`, 0, Number.MAX_SAFE_INTEGER)).map((event) => event.data as JobProgressData)

/** Notifications straight into the table: the export only reads them. */
async function seedNotifications(userId: string, n: number) {
  const now = Date.now()
  await t.ctx.database.db.insert(notifications).values(
    Array.from({ length: n }, (_, i) => ({
      id: `ntf_${Bun.randomUUIDv7().replaceAll('-', '')}`,
      userId,
      type: 'system' as const,
      text: i === 0 ? '=HYPERLINK("evil"), with "quotes"' : `notice ${i}`,
      createdAt: new Date(now + i),
      updatedAt: new Date(now + i),
      readAt: i % 2 === 0 ? new Date(now) : null,
    })),
  )
}

describe('POST /api/v1/exports', () => {
  it('builds a CSV of my data with steps in order, and leaves a download only I can fetch', async () => {
    await seedNotifications(owner.id, 250)
    const started = await exportAs(owner, ['notifications', 'sessions'])
    expect(started.status).toBe(202)
    const job = started.data!
    expect(job).toMatchObject({ kind: 'exports.csv', ownerId: owner.id, status: 'queued', progress: 0 })

    const done = await until(job.id, 'succeeded')
    expect(done.steps).toEqual(['Collecting sign-ins', 'Collecting notifications', 'Writing the file'])
    expect(done.progress).toBe(100)
    expect(done.log.map((l) => l.line)).toEqual(['Started', 'sign-ins: 1', 'notifications: 250', 'Done'])
    expect(done.result?.download).toMatchObject({ url: `/api/v1/jobs/${job.id}/download`, rows: 251, contentType: 'text/csv; charset=utf-8' })

    // The durable events on job:<id> tell the same story, in order.
    const events = await progressEvents(job.id)
    expect(events.map((e) => e.job.status)).toEqual(['running', ...Array(events.length - 2).fill('running'), 'succeeded'])
    expect(events.flatMap((e) => (e.job.step === null ? [] : [e.job.step])).filter((s, i, all) => all[i - 1] !== s)).toEqual([
      'Collecting sign-ins',
      'Collecting notifications',
      'Writing the file',
    ])
    expect(events.map((e) => e.job.progress)).toEqual([...events.map((e) => e.job.progress)].sort((a, b) => a - b))
    expect(events.flatMap((e) => e.log.map((l) => l.line))).toEqual(done.log.map((l) => l.line))

    // The file, raw: its headers and bytes are the point, fetched from the url the result gives.
    const download = await t.request(done.result!.download!.url, { headers: owner.auth })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="souk-export-\d{4}-\d{2}-\d{2}\.csv"$/)
    const csv = await download.text()
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('type,id,at,description,ip,user_agent,link')
    expect(lines).toHaveLength(1 + 251)
    expect(lines.filter((l) => l.startsWith('sign_in,'))).toHaveLength(1)
    // A cell that would be a formula is defused, and quoting survives commas and quotes.
    expect(csv).toContain(`"'=HYPERLINK(""evil""), with ""quotes"" (read)"`)

    // Not for anyone else, admins included: it is the owner's data.
    for (const user of [other, admin]) expect((await t.request(done.result!.download!.url, { headers: user.auth })).status).toBe(404)
  }, SLOW)

  it('answers the export already queued or running instead of starting another', async () => {
    const user = await signUpAndSignIn(t)
    const [a, b] = await Promise.all([exportAs(user, ['sessions']), exportAs(user, ['sessions'])])
    const ids = [a.data!.id, b.data!.id]
    expect(ids[0]).toBe(ids[1]!)
    expect([a.status, b.status].sort()).toEqual([200, 202])
    await until(ids[0]!, 'succeeded')
    // Once it finished, a new request is a new job.
    const again = await exportAs(user, ['sessions'])
    expect(again.status).toBe(202)
    await until(again.data!.id, 'succeeded')
  }, SLOW)

  it('never runs an export enqueued in a transaction that rolled back', async () => {
    const user = await signUpAndSignIn(t)
    let jobId: string | null = null
    let bossId: string | null = null
    await expect(
      t.ctx.database.db.transaction(async (tx) => {
        const { job } = await requestExport(deps, user.id, { sections: ['sessions'] }, tx)
        jobId = job.id
        bossId = job.bossId
        throw new Error('the write that caused it failed')
      }),
    ).rejects.toThrow('the write that caused it failed')
    expect(await t.ctx.queue!.state('exports.csv', bossId!)).toBeNull()
    expect(await t.ctx.database.db.select().from(jobs).where(eq(jobs.id, jobId!))).toEqual([])
    // And the user is free to export: no singleton key was left behind.
    expect((await exportAs(user, ['sessions'])).status).toBe(202)
  }, SLOW)

  it('400s an empty or unknown list of sections', async () => {
    expect((await exportAs(owner, [])).status).toBe(400)
    // Not a section: the typed client would not send it, the server must refuse it.
    expect((await exportAs(owner, ['orders' as never])).status).toBe(400)
    expect((await exportAs(undefined, ['sessions'])).status).toBe(401)
  })
})

describe('GET /api/v1/jobs', () => {
  it('lists my jobs only, newest first, in cursor pages, filtered by status', async () => {
    const user = await signUpAndSignIn(t)
    const first = (await exportAs(user, ['sessions'])).data!
    await until(first.id, 'succeeded')
    const second = (await exportAs(user, ['sessions'])).data!
    await until(second.id, 'succeeded')
    const page1 = (await myJobs(user, { limit: 1 })).data!
    expect(page1.items.map((j) => j.id)).toEqual([second.id])
    const page2 = (await myJobs(user, { limit: 1, cursor: page1.nextCursor! })).data
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null })
    expect((await myJobs(user, { status: 'queued' })).data!.items).toEqual([])
    expect((await myJobs(other)).data!.items.map((j) => j.id)).not.toContain(first.id)
    expect((await myJobs(user, { cursor: 'nope' })).status).toBe(400)
  }, SLOW)

  it("404s someone else's job (IDOR) but shows any job to an admin", async () => {
    const [mine] = (await myJobs(owner)).data!.items
    expect(mine).toBeDefined()
    expect((await jobAs(mine!.id, other).get()).status).toBe(404)
    expect((await jobAs(mine!.id, other).cancel.post()).status).toBe(404)
    expect((await jobAs(mine!.id, other).retry.post()).status).toBe(404)
    expect((await jobAs(mine!.id, admin).get()).status).toBe(200)
  })
})

/** Names a test-only kind, which is none of the app's (TrackedJobKinds). */
const testKind = (name: string) => name as TrackedJobKind

/** A test-only kind whose handler waits at a gate, to catch a job mid-way. */
function gatedKind(name: string) {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const reached: string[] = []
  const spec = trackedJob<Record<string, never>>(testKind(name), async (_deps, _input, progress) => {
    await progress.step('Before the gate')
    reached.push('gate')
    await gate
    await progress.step('After the gate')
    reached.push('after')
    return { result: null }
  })
  return { spec, open: () => open(), reached }
}

const startFor = (user: TestUser, spec: ReturnType<typeof gatedKind>['spec']) =>
  t.ctx.database.db.transaction((tx) => startJob(deps, tx, spec, { ownerId: user.id, input: {} }))

describe('cancelling and retrying', () => {
  it('cancels a running job: it stops at its next step', async () => {
    const gated = gatedKind('test.gated-running')
    await t.ctx.queue!.register(bindTrackedJob(deps, gated.spec))
    const job = (await startFor(owner, gated.spec))!
    await waitFor(() => gated.reached.includes('gate'), 15_000, 'the handler to reach its gate')
    const cancelled = await jobAs(job.id, owner).cancel.post()
    expect(cancelled.status).toBe(200)
    expect(cancelled.data!.status).toBe('cancelled')
    gated.open()
    await waitFor(async () => (await t.ctx.queue!.state(gated.spec.name, job.bossId)) !== 'active', 10_000, 'the handler to return')
    const after = (await jobAs(job.id, owner).get()).data!
    expect(after.status).toBe('cancelled')
    expect(after.steps).toEqual(['Before the gate'])
    expect(gated.reached).toEqual(['gate'])
    expect((await jobAs(job.id, owner).cancel.post()).status).toBe(409)
  }, SLOW)

  it('cancels a queued job: it never starts', async () => {
    const gated = gatedKind('test.gated-queued')
    // The queue exists but no worker runs it yet, so the job waits.
    await t.ctx.queue!.boss.createQueue(gated.spec.name)
    const job = (await startFor(owner, gated.spec))!
    expect((await jobAs(job.id, owner).cancel.post()).status).toBe(200)
    expect(await t.ctx.queue!.state(gated.spec.name, job.bossId)).toBe('cancelled')
    const events = await progressEvents(job.id)
    expect(events.map((e) => e.job.status)).toEqual(['cancelled'])
  }, SLOW)

  it('marks a job failed after its last try, with its error, and tells its owner', async () => {
    let tries = 0
    const flaky = trackedJob<Record<string, never>>(
      testKind('test.flaky'),
      async (_deps, _input, progress) => {
        tries += 1
        await progress.step('Trying')
        if (tries === 1) throw new Error('the disk is full')
        return { result: { counts: { tries } } }
      },
      { retryLimit: 0 },
    )
    await t.ctx.queue!.register(bindTrackedJob(deps, flaky))
    const job = (await t.ctx.database.db.transaction((tx) => startJob(deps, tx, flaky, { ownerId: owner.id, input: {} })))!
    const failed = await until(job.id, 'failed')
    expect(failed.error).toBe('the disk is full')
    expect(failed.log.map((l) => l.line)).toEqual(['Started', 'Try 1 failed: the disk is full'])
    const finished = await readEventRange(t.ctx.database.db, `user:${owner.id}`, 0, Number.MAX_SAFE_INTEGER)
    expect(finished.filter((e) => e.kind === 'job.finished').map((e) => (e.data as JobSnapshot).id)).toContain(job.id)
    // A tracked kind keeps its failures on the record; only records of known kinds can be retried by API.
    expect((await jobAs(job.id, owner).retry.post()).status).toBe(503)
  }, SLOW)

  it('retries a failed export through the API: a new try on the same job', async () => {
    const user = await signUpAndSignIn(t)
    const job = (await exportAs(user, ['sessions'])).data!
    await until(job.id, 'succeeded')
    expect((await jobAs(job.id, user).retry.post()).status).toBe(409)
    // As if its last try had failed (the kind itself fails only when the database does).
    await t.ctx.database.db.update(jobs).set({ status: 'failed', error: 'connection reset' }).where(eq(jobs.id, job.id))
    await t.ctx.database.db.delete(jobFiles).where(eq(jobFiles.jobId, job.id))
    const retried = await jobAs(job.id, user).retry.post()
    expect(retried.status).toBe(200)
    expect(retried.data!.status).toBe('queued')
    const done = await until(job.id, 'succeeded')
    expect(done.attempts).toBe(2)
    expect(done.log.map((l) => l.line)).toEqual(['Started', 'sign-ins: 1', 'Done', 'Retried', 'Try 2 started', 'sign-ins: 1', 'Done'])
    expect((await t.request(done.result!.download!.url, { headers: user.auth })).status).toBe(200)
  }, SLOW)
})

describe('admin', () => {
  it('lists every job with filters, queue depths and dead letters; others get 403', async () => {
    const adminJobs = (user: TestUser) => client(t, user).api.v1.admin.jobs
    const all = await adminJobs(admin).get({ query: { kind: 'exports.csv', owner: owner.id } })
    expect(all.status).toBe(200)
    expect(all.data!.items.length).toBeGreaterThan(0)
    expect(all.data!.items.every((j) => j.kind === 'exports.csv' && j.ownerId === owner.id)).toBe(true)
    const failed = (await adminJobs(admin).get({ query: { status: 'failed' } })).data!
    expect(failed.items.every((j) => j.status === 'failed' && j.error !== null)).toBe(true)
    const queues = await adminJobs(admin).queues.get()
    expect(queues.status).toBe(200)
    expect(queues.data!.queues.map((q) => q.kind)).toEqual(expect.arrayContaining(['email.send', 'exports.csv', 'maintenance.purge', 'stats.daily']))
    expect((await adminJobs(owner).get()).status).toBe(403)
    expect((await adminJobs(owner).queues.get()).status).toBe(403)
    const missing = await adminJobs(admin)['dead-letters']({ kind: 'email.send' })({ id: '00000000-0000-4000-8000-000000000000' }).retry.post()
    expect(missing.status).toBe(404)
  })
})

describe('admin bulk retry', () => {
  it('retries many failed jobs at once, and lists a job that had not failed', async () => {
    // Three users' exports (a user has one export queued or running at a time).
    const made = [] as string[]
    for (let i = 0; i < 3; i++) made.push((await exportAs(await signUpAndSignIn(t), ['sessions'])).data!.id)
    for (const id of made) await until(id, 'succeeded')
    const [a, b, c] = made as [string, string, string]
    await t.ctx.database.db.update(jobs).set({ status: 'failed', error: 'connection reset' }).where(inArray(jobs.id, [a, b]))
    await t.ctx.database.db.delete(jobFiles).where(inArray(jobFiles.jobId, [a, b]))
    const answer = await client(t, admin).api.v1.admin.jobs.retry.post({ ids: [a, b, c] })
    expect(answer.status).toBe(200)
    expect(answer.data!.done).toEqual([a, b])
    expect(answer.data!.failed.map((f) => [f.id, f.type])).toEqual([[c, 'conflict']])
    for (const id of [a, b]) expect((await until(id, 'succeeded')).attempts).toBe(2)
    expect((await client(t, owner).api.v1.admin.jobs.retry.post({ ids: [a] })).status).toBe(403)
  }, SLOW)
})

describe('createJobKinds()', () => {
  it('holds this module’s kinds and the ones other modules register, and refuses two kinds of one name', () => {
    const imports = trackedJob<{ n: number }>(testKind('catalog.import-test'), async () => ({ result: null }))
    const kinds = createJobKinds([imports as AnyTrackedJob])
    expect(kinds.named('exports.csv')?.name).toBe('exports.csv')
    expect(kinds.named('catalog.import-test')).toBe(imports as AnyTrackedJob)
    expect(kinds.named('no.such-kind')).toBeNull()
    expect(() => createJobKinds([imports as AnyTrackedJob, imports as AnyTrackedJob])).toThrow('two tracked job kinds share a name')
  })
})
