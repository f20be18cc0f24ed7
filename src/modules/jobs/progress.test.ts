import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { createTestApp, listen, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { bindTrackedJob, startJob, trackedJob, type TrackedJobKind } from './service/runner'
import type { JobsDeps } from './service/shared'
import type { JobProgressData } from './snapshot'

let t: TestApp
let wsUrl: string
let owner: TestUser
let stranger: TestUser
let deps: JobsDeps
const sockets: TestSocket[] = []

beforeAll(async () => {
  t = await createTestApp({ queue: true })
  ;({ wsUrl } = listen(t))
  deps = { db: t.ctx.database.db, bus: t.ctx.bus, clock: t.ctx.clock, log: t.ctx.log, queue: t.ctx.queue }
  owner = await signUpAndSignIn(t)
  stranger = await signUpAndSignIn(t)
}, 30_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await t.close()
})

const open = async (user: TestUser) => {
  const socket = await connectAs(t, wsUrl, user)
  sockets.push(socket)
  return socket
}

/** A test-only kind with three steps; it waits at a gate after the first, so a client can join mid-job. */
function threeSteps() {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const spec = trackedJob<Record<string, never>>('test.three-steps' as TrackedJobKind, async (_deps, _input, progress) => {
    await progress.step('Validating rows')
    await progress.log('row 17: price missing')
    await progress.percent(40)
    await gate
    await progress.step('Importing')
    await progress.percent(80)
    await progress.step('Reindexing')
    return { result: { counts: { rows: 41 } } }
  })
  return { spec, open: () => open() }
}

const progressOf = (socket: TestSocket, jobId: string) =>
  socket.received.flatMap((m) => (m.type === 'event' && m.topic === `job:${jobId}` ? [{ id: m.id as number, ...(m.data as JobProgressData) }] : []))

describe('job progress on job:<id>', () => {
  it('streams a handler’s steps in order to its owner, replays them to a late subscriber, and refuses others', async () => {
    const job3 = threeSteps()
    await t.ctx.queue!.register(bindTrackedJob(deps, job3.spec))
    const job = (await t.ctx.database.db.transaction((tx) => startJob(deps, tx, job3.spec, { ownerId: owner.id, input: {} })))!
    const topic = `job:${job.id}`

    const live = await open(owner)
    expect(await live.ask({ type: 'subscribe', topic, since: 0 })).toMatchObject({ type: 'subscribed', topic })
    const intruder = await open(stranger)
    expect(await intruder.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect((await t.request(`/api/v1/jobs/${job.id}`, { headers: stranger.auth })).status).toBe(404)

    await waitFor(() => progressOf(live, job.id).some((e) => e.job.progress === 40), 15_000, 'the first step to arrive')
    job3.open()
    await waitFor(() => progressOf(live, job.id).some((e) => e.job.status === 'succeeded'), 15_000, 'the job to finish')

    const seen = progressOf(live, job.id)
    expect(seen.map((e) => e.id)).toEqual(seen.map((_, i) => i + 1))
    expect(seen.map((e) => [e.job.status, e.job.step, e.job.progress, e.log.map((l) => l.line)])).toEqual([
      ['running', null, 0, ['Started']],
      ['running', 'Validating rows', 0, []],
      ['running', 'Validating rows', 0, ['row 17: price missing']],
      ['running', 'Validating rows', 40, []],
      ['running', 'Importing', 40, []],
      ['running', 'Importing', 80, []],
      ['running', 'Reindexing', 80, []],
      ['succeeded', null, 100, ['Done']],
    ])
    expect(seen.at(-1)!.job.steps).toEqual(['Validating rows', 'Importing', 'Reindexing'])

    // A page refreshed mid-job resumes from the last id it saw and misses nothing.
    const refreshed = await open(owner)
    expect(await refreshed.ask({ type: 'subscribe', topic, since: 3 })).toMatchObject({ type: 'subscribed', replayed: seen.length - 3 })
    await waitFor(() => progressOf(refreshed, job.id).length === seen.length - 3, 5_000, 'the replay')
    expect(progressOf(refreshed, job.id)).toEqual(seen.slice(3))

    // The owner's own topic says it finished, for a toast anywhere in the app.
    const personal = await open(owner)
    await personal.ask({ type: 'subscribe', topic: `user:${owner.id}`, since: 0 })
    const finished = await personal.next('event', (m) => m.kind === 'job.finished')
    expect(finished.data).toMatchObject({ id: job.id, status: 'succeeded' })
  }, 40_000)
})
