// Two real Souk processes on one Postgres and Redis: a user's process is killed with SIGKILL (no
// graceful stop takes them offline) and the other process reports them offline once their
// heartbeats expire. Skipped without both services: an embedded database belongs to one process.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { createTestApp, signUpAndSignIn, startSouk, type TestApp, waitFor } from '../testing'
import { heartbeatMsFor } from './presence'
import { connectAs, type TestSocket } from './test-client'

const onServices = (process.env.DATABASE_URL ?? '') !== '' && (process.env.REDIS_URL ?? '') !== ''
/** Short, so the test takes seconds; the default is 45 s. */
const TTL_MS = 4_000

type Souk = Awaited<ReturnType<typeof startSouk>>

describe.skipIf(!onServices)('a user whose process is killed (two processes, real Postgres and Redis)', () => {
  let database: TestDatabase
  let dataDir: string
  // Signs users up and issues socket tickets (kept in the shared Redis, so any process redeems them).
  let helper: TestApp
  let a: Souk
  let b: Souk
  const sockets: TestSocket[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    dataDir = mkdtempSync(join(tmpdir(), 'souk-presence-'))
    // One deployment: the same signing secret and issuer (PUBLIC_URL) everywhere.
    const env = { JWT_SECRET: randomBytes(32).toString('base64url'), PUBLIC_URL: 'http://souk.test', PRESENCE_TTL_MS: String(TTL_MS) }
    helper = await createTestApp({ env, database })
    const processEnv = { ...env, DATABASE_URL: database.url!, REDIS_URL: process.env.REDIS_URL!, DATA_DIR: dataDir }
    ;[a, b] = await Promise.all([startSouk(processEnv), startSouk(processEnv)])
  }, 120_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    for (const souk of [a, b]) if (souk !== undefined && souk.proc.exitCode === null) souk.proc.kill('SIGKILL')
    await Promise.all([a?.proc.exited, b?.proc.exited])
    await helper?.close()
    await database?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps them online while their process heartbeats, and shows them offline within the expiry window after kill -9', async () => {
    const [alice, bob] = [await signUpAndSignIn(helper), await signUpAndSignIn(helper)]
    const wsOf = (souk: Souk) => souk.url.replace(/^http/, 'ws')
    const watcher = await connectAs(helper, wsOf(b), bob)
    sockets.push(watcher)
    const topic = `presence:${alice.id}`
    await watcher.ask({ type: 'subscribe', topic })
    const presenceEvents = () => watcher.received.filter((m) => m.type === 'event' && m.topic === topic).map((m) => (m.data as { online: boolean }).online)
    await waitFor(() => presenceEvents().length === 1, 5_000, 'the current presence')
    expect(presenceEvents()).toEqual([false])

    sockets.push(await connectAs(helper, wsOf(a), alice))
    const connectedAt = Date.now()
    await waitFor(() => presenceEvents().includes(true), 5_000, 'alice online on B')

    // Past the first connection's expiry, alice is still online: A's heartbeats renewed it.
    await waitFor(() => Date.now() > connectedAt + TTL_MS + heartbeatMsFor(TTL_MS), TTL_MS * 3, 'time to pass one expiry window')
    expect(presenceEvents()).toEqual([false, true])
    expect(await (await fetch(`${b.url}/api/v1/users/${alice.id}/presence`)).json()).toMatchObject({ online: true })

    a.proc.kill('SIGKILL')
    await a.proc.exited
    const killedAt = Date.now()
    // Offline once the last heartbeat expires (≤ TTL after the kill) and a sweep on B sees it (≤ TTL/3 more).
    const window = TTL_MS + heartbeatMsFor(TTL_MS)
    await waitFor(() => presenceEvents().length === 3, window + 2_000, 'alice offline on B')
    expect(Date.now() - killedAt).toBeLessThanOrEqual(window + 1_000)
    expect(presenceEvents()).toEqual([false, true, false])
    const offline = watcher.received.findLast((m) => m.type === 'event' && m.topic === topic)!
    const lastSeen = Date.parse((offline.data as { lastSeenAt: string }).lastSeenAt)
    expect(lastSeen).toBeGreaterThan(connectedAt)
    expect(lastSeen).toBeLessThanOrEqual(killedAt)
    expect(await (await fetch(`${b.url}/api/v1/users/${alice.id}/presence`)).json()).toMatchObject({ online: false })
  }, 60_000)
})
