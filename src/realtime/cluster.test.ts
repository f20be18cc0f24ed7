import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createLogger } from '../lib/log'
import { announceRoleChanged, setRole } from '../modules/accounts'
import { appendEvent, withEvents } from '../events/log'
import { createTestApp, listen, signUpAndSignIn, type TestApp, twoInstances, waitFor } from '../testing'
import { createRedisBus } from '../lib/bus'
import { CLOSE_CODES } from './protocol'
import { adminOnlyTopic, connectAs, type TestSocket } from './test-client'

/** Appends and publishes one notification event on `user:<id>` through the given instance. */
function publishOn(app: TestApp, userId: string, text: string) {
  return withEvents({ db: app.ctx.database.db, bus: app.ctx.bus }, async (tx) => {
    const at = new Date().toISOString()
    const notification = { id: 'ntf_x', type: 'system' as const, actor: null, otherActors: 0, subject: null, text, summary: text, link: null, read: false, createdAt: at, updatedAt: at }
    return { result: null, events: [await appendEvent(tx, new Date(), { topic: `user:${userId}`, kind: 'notification', data: { notification, unreadCount: 1 } })] }
  })
}

const presenceOf = async (app: TestApp, userId: string) => (await app.request(`/api/v1/users/${userId}/presence`)).json()

describe.skipIf(process.env.REDIS_URL === undefined)('two instances on one database and Redis', () => {
  let a: TestApp
  let b: TestApp
  let wsA: string
  let wsB: string
  const sockets: TestSocket[] = []

  beforeAll(async () => {
    ;({ a, b, wsA, wsB } = await twoInstances())
  }, 60_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await b?.close()
    await a?.close()
  })

  it('delivers to a client on A what B publishes', async () => {
    const alice = await signUpAndSignIn(a)
    const onA = await connectAs(a, wsA, alice)
    sockets.push(onA)
    await onA.ask({ type: 'subscribe', topic: `user:${alice.id}` })
    await publishOn(b, alice.id, 'from B')
    expect(await onA.next('event', (m) => m.topic === `user:${alice.id}`)).toMatchObject({ id: 1, data: { notification: { text: 'from B' } } })
  })

  it('shows one presence on both: online while a tab is open on either, offline after the last', async () => {
    const [alice, bob] = [await signUpAndSignIn(a), await signUpAndSignIn(a)]
    const watcherOnB = await connectAs(b, wsB, bob)
    sockets.push(watcherOnB)
    await watcherOnB.ask({ type: 'subscribe', topic: `presence:${alice.id}` })
    expect(await presenceOf(b, alice.id)).toEqual({ userId: alice.id, online: false, lastSeenAt: null })

    const tabOnA = await connectAs(a, wsA, alice)
    const tabOnB = await connectAs(b, wsB, alice)
    await watcherOnB.next('event', (m) => m.kind === 'presence' && m.data.online === true)
    expect((await presenceOf(a, alice.id)).online).toBe(true)
    expect((await presenceOf(b, alice.id)).online).toBe(true)

    const openOnA = a.ctx.realtime.stats().connections
    tabOnA.close()
    await waitFor(() => a.ctx.realtime.stats().connections === openOnA - 1)
    expect((await presenceOf(b, alice.id)).online).toBe(true)
    tabOnB.close()
    const offline = await watcherOnB.next('event', (m) => m.kind === 'presence' && m.data.online === false)
    expect(offline.data).toMatchObject({ userId: alice.id, online: false })
    const seen = await presenceOf(a, alice.id)
    expect(seen.online).toBe(false)
    expect(Date.parse(seen.lastSeenAt)).toBeGreaterThan(0)
    expect(watcherOnB.received.filter((m) => m.type === 'event' && m.kind === 'presence' && m.data.online).length).toBe(1)
  })

  it("stops a demoted admin's admin-only topic on B when A changes the role", async () => {
    const admin = await signUpAndSignIn(a, { role: 'admin' })
    const onB = await connectAs(b, wsB, admin)
    sockets.push(onB)
    const topic = await adminOnlyTopic(a)
    expect(await onB.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'subscribed' })
    expect(await setRole(a.ctx.database.db, admin.id, 'buyer', ['admin'], new Date())).toBe(true)
    await announceRoleChanged(a.ctx.bus, admin.id)
    expect(await onB.next('unsubscribed', (m) => m.topic === topic)).not.toHaveProperty('ref')
    expect(await onB.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
  })

  it('closes its sockets with 1001 on a graceful stop and takes their users offline at once', async () => {
    const [carol, dave] = [await signUpAndSignIn(a), await signUpAndSignIn(a)]
    const onB = await connectAs(b, wsB, carol)
    await waitFor(async () => (await presenceOf(a, carol.id)).online)
    const watcherOnA = await connectAs(a, wsA, dave)
    sockets.push(watcherOnA)
    await watcherOnA.ask({ type: 'subscribe', topic: `presence:${carol.id}` })
    await b.ctx.realtime.close()
    expect(await onB.waitClosed()).toEqual({ code: CLOSE_CODES.GoingAway, reason: 'GoingAway' })
    await watcherOnA.next('event', (m) => m.kind === 'presence' && m.data.online === false)
    expect((await presenceOf(a, carol.id)).online).toBe(false)
  })
})

describe('an instance whose Redis is unreachable', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ bus: createRedisBus('redis://127.0.0.1:1', createLogger('silent')) })
  }, 60_000)
  afterAll(() => t.close())

  it('keeps delivering to its own clients', async () => {
    const { wsUrl } = listen(t)
    const alice = await signUpAndSignIn(t)
    const socket = await connectAs(t, wsUrl, alice)
    await socket.ask({ type: 'subscribe', topic: `user:${alice.id}` })
    await publishOn(t, alice.id, 'still here')
    expect(await socket.next('event')).toMatchObject({ id: 1, data: { notification: { text: 'still here' } } })
    expect(((await (await t.request('/readyz')).json()) as { failing: string[] }).failing).toContain('redis')
    socket.close()
  })
})
