import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { eq } from 'drizzle-orm'
import { ManualClock } from '../lib/clock'
import { announceRoleChanged, CSRF_HEADER, setRole } from '../modules/accounts'
import { users } from '../modules/accounts/table'
import { makeSellerWithProducts, openConversation } from '../modules/chat/testing'
import { appendEvent, withEvents } from '../events/log'
import { createTestApp, listen, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../testing'
import { CLOSE_CODES, MAX_MESSAGE_BYTES, MAX_SOCKETS_PER_USER, MAX_TOPICS_PER_SOCKET, ServerMessage } from './protocol'
import { adminOnlyTopic, connectAs, TestSocket, ticketFor } from './test-client'

const MINUTE = 60_000
const clock = new ManualClock()
let t: TestApp
let url: string
let wsUrl: string
const sockets: TestSocket[] = []

beforeAll(async () => {
  t = await createTestApp({ clock, env: { PUBLIC_URL: 'https://souk.example', ALLOWED_ORIGINS: 'https://souk.example,https://admin.souk.example' } })
  ;({ url, wsUrl } = listen(t))
}, 60_000)
afterAll(() => t.close())

/** A signed-in socket, closed after the file. */
async function open(user: TestUser): Promise<TestSocket> {
  const socket = await connectAs(t, wsUrl, user)
  sockets.push(socket)
  return socket
}
afterAll(() => {
  for (const socket of sockets) socket.close()
})

/** The HTTP answer to an upgrade request (what a refused WebSocket never shows a browser). */
async function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${url}${path}`, {
    headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', ...headers },
  })
  await response.body?.cancel()
  return response.status
}

/** Appends and publishes `count` durable notification events on `user:<id>`. */
async function publishNotifications(userId: string, count: number): Promise<void> {
  const { db } = t.ctx.database
  for (let n = 0; n < count; n++) {
    await withEvents({ db, bus: t.ctx.bus }, async (tx) => {
      const now = clock.now()
      const notification = {
        id: `ntf_${n}`,
        type: 'system' as const,
        actor: null,
        otherActors: 0,
        subject: null,
        text: `event ${n}`,
        summary: `event ${n}`,
        link: null,
        read: false,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      }
      return { result: null, events: [await appendEvent(tx, now, { topic: `user:${userId}`, kind: 'notification', data: { notification, unreadCount: n + 1 } })] }
    })
  }
}

describe('GET /ws (upgrade)', () => {
  it('refuses a request without a ticket, with an unknown one, and with a bearer token instead', async () => {
    const user = await signUpAndSignIn(t)
    expect(await upgradeStatus('/ws')).toBe(401)
    expect(await upgradeStatus('/ws?ticket=nope')).toBe(401)
    expect(await upgradeStatus('/ws', user.auth)).toBe(401)
    await expect(TestSocket.open(`${wsUrl}/ws`)).rejects.toThrow('socket refused')
  })

  it('accepts a ticket once: the same ticket again is refused', async () => {
    const user = await signUpAndSignIn(t)
    const ticket = await ticketFor(t, user)
    sockets.push(await TestSocket.open(`${wsUrl}/ws?ticket=${ticket}`))
    expect(await upgradeStatus(`/ws?ticket=${ticket}`)).toBe(401)
  })

  it('refuses a ticket older than 30 seconds', async () => {
    const user = await signUpAndSignIn(t)
    const ticket = await ticketFor(t, user)
    clock.advance(31_000)
    expect(await upgradeStatus(`/ws?ticket=${ticket}`)).toBe(401)
  })

  it('refuses the ticket route without a signed-in user', async () => {
    const response = await t.request('/api/v1/realtime/ticket', { method: 'POST' })
    expect(response.status).toBe(401)
  })

  it('refuses a foreign Origin (403) and accepts the configured ones and none', async () => {
    const user = await signUpAndSignIn(t)
    expect(await upgradeStatus(`/ws?ticket=${await ticketFor(t, user)}`, { origin: 'https://evil.example' })).toBe(403)
    for (const origin of ['https://souk.example', 'https://admin.souk.example']) {
      sockets.push(await TestSocket.open(`${wsUrl}/ws?ticket=${await ticketFor(t, user)}`, { origin }))
    }
    sockets.push(await TestSocket.open(`${wsUrl}/ws?ticket=${await ticketFor(t, user)}`))
  })

  it(`closes a user's socket past ${MAX_SOCKETS_PER_USER} on one server with 4029`, async () => {
    const user = await signUpAndSignIn(t)
    for (let n = 0; n < MAX_SOCKETS_PER_USER; n++) await open(user)
    const extra = await open(user)
    expect(await extra.waitClosed()).toEqual({ code: CLOSE_CODES.TooManyConnections, reason: 'TooManyConnections' })
  })
})

describe('messages', () => {
  it('answers every client message kind, each frame a valid ServerMessage', async () => {
    const [alice, bob] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const socket = await open(alice)
    const watcher = await open(bob)

    expect(await socket.ask({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect(await socket.ask({ type: 'subscribe', topic: `user:${alice.id}` })).toMatchObject({ type: 'subscribed', topic: `user:${alice.id}`, replayed: 0, lastId: 0 })
    await publishNotifications(alice.id, 1)
    expect(await socket.next('event', (m) => m.topic === `user:${alice.id}`)).toMatchObject({ id: 1, kind: 'notification', data: { unreadCount: 1 } })
    expect(await socket.ask({ type: 'unsubscribe', topic: `user:${alice.id}` })).toMatchObject({ type: 'unsubscribed', topic: `user:${alice.id}` })

    // Presence: a snapshot on subscribe, then live changes.
    expect(await watcher.ask({ type: 'subscribe', topic: `presence:${alice.id}` })).toMatchObject({ type: 'subscribed' })
    expect(await watcher.next('event', (m) => m.kind === 'presence')).toMatchObject({ id: null, data: { userId: alice.id, online: true, lastSeenAt: null } })

    const refreshed = await t.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: alice.refreshCookie, [CSRF_HEADER]: '1', 'x-forwarded-for': alice.ip } })
    const { accessToken } = (await refreshed.json()) as { accessToken: string }
    const ack = await socket.ask({ type: 'auth', accessToken })
    expect(ack).toMatchObject({ type: 'ack', of: 'auth' })
    expect(Date.parse(String(ack.expiresAt))).toBeGreaterThan(clock.now().getTime())

    // Typing and chat ride a conversation topic, which chat's rule opens to its two participants.
    const { seller, product } = await makeSellerWithProducts(t)
    const conversation = await openConversation(t, alice, product.id)
    const topic = `conversation:${conversation.id}`
    const sellerSocket = await open(seller)
    await socket.ask({ type: 'subscribe', topic })
    await sellerSocket.ask({ type: 'subscribe', topic })
    socket.send({ type: 'typing', topic, typing: true })
    expect(await sellerSocket.next('event', (m) => m.kind === 'typing')).toMatchObject({ topic, id: null, data: { userId: alice.id, typing: true } })
    expect(await socket.ask({ type: 'chat.send', conversationId: conversation.id, clientId: crypto.randomUUID(), body: 'Salam' })).toMatchObject({ type: 'ack', of: 'chat.send' })
    expect(await sellerSocket.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 1 })).toMatchObject({ type: 'ack', of: 'chat.read' })
    await socket.next('event', (m) => m.topic === topic && m.kind === 'read')

    expect(await socket.ask({ type: 'subscribe', topic: 'user:usr_00000000000000000000000000000000' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })

    socket.close()
    expect(await watcher.next('event', (m) => m.kind === 'presence' && m.data.online === false)).toMatchObject({ data: { userId: alice.id } })

    const check = TypeCompiler.Compile(ServerMessage)
    for (const frame of [...socket.received, ...watcher.received, ...sellerSocket.received]) expect(check.Check(frame)).toBe(true)
  })

  it('answers malformed JSON, non-objects, unknown types and bad fields with error frames', async () => {
    const socket = await open(await signUpAndSignIn(t))
    socket.send('{not json')
    expect(await socket.next('error')).toMatchObject({ code: 'BadMessage' })
    socket.send('[1,2]')
    await waitFor(() => socket.received.filter((m) => m.type === 'error' && m.code === 'BadMessage').length === 2)
    expect(await socket.ask({ type: 'shout' })).toMatchObject({ type: 'error', code: 'UnknownType' })
    expect(await socket.ask({ type: 'subscribe', topic: 'secrets:1' })).toMatchObject({ type: 'error', code: 'BadMessage' })
    expect(await socket.ask({ type: 'subscribe', topic: 'product:p1', since: -1 })).toMatchObject({ type: 'error', code: 'BadMessage' })
    expect(await socket.ask({ type: 'ping' })).toMatchObject({ type: 'pong' })
  })

  it(`closes the socket with 1009 on a frame over ${MAX_MESSAGE_BYTES / 1024} KiB`, async () => {
    const socket = await open(await signUpAndSignIn(t))
    socket.send({ type: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES) })
    expect((await socket.waitClosed()).code).toBe(CLOSE_CODES.PayloadTooLarge)
  })

  it('answers a flood with RateLimited, then closes with 4008', async () => {
    const socket = await open(await signUpAndSignIn(t))
    for (let n = 0; n < 300; n++) socket.send({ type: 'ping', ref: `p${n}` })
    expect(await socket.waitClosed()).toEqual({ code: CLOSE_CODES.RateLimited, reason: 'RateLimited' })
    expect(socket.received.some((m) => m.type === 'pong')).toBe(true)
    expect(socket.received.some((m) => m.type === 'error' && m.code === 'RateLimited')).toBe(true)
  })

  it(`refuses more than ${MAX_TOPICS_PER_SOCKET} topics on one socket`, async () => {
    const socket = await open(await signUpAndSignIn(t))
    for (let n = 0; n < MAX_TOPICS_PER_SOCKET; n++) {
      socket.send({ type: 'subscribe', topic: `product:p${n}` })
      // A legitimate client with many topics, paced under the rate limit (the limit runs on the app clock).
      if (n % 50 === 49) {
        await waitFor(() => socket.received.filter((m) => m.type === 'subscribed').length === n + 1)
        clock.advance(5_000)
      }
    }
    expect(await socket.ask({ type: 'subscribe', topic: 'product:one-more' })).toMatchObject({ type: 'error', code: 'TooManySubscriptions' })
    expect(socket.received.some((m) => m.type === 'error' && m.code === 'RateLimited')).toBe(false)
  })
})

describe('topic access', () => {
  it("refuses another user's user: topic, and job: topics while no module registered a rule", async () => {
    const [alice, bob] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const socket = await open(alice)
    expect(await socket.ask({ type: 'subscribe', topic: `user:${bob.id}` })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect(await socket.ask({ type: 'subscribe', topic: 'job:job_1' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect(await socket.ask({ type: 'subscribe', topic: 'product:prd_1' })).toMatchObject({ type: 'subscribed' })
    expect(await socket.ask({ type: 'subscribe', topic: `presence:${bob.id}` })).toMatchObject({ type: 'subscribed' })
    expect(await socket.ask({ type: 'subscribe', topic: 'presence:usr_00000000000000000000000000000000' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    // Typing only goes to a conversation the socket follows.
    expect(await socket.ask({ type: 'typing', topic: 'conversation:not-followed', typing: true })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
  })

  it('refuses conversation: topics by default (before chat registers its rule)', async () => {
    const app = await createTestApp()
    try {
      const { wsUrl: otherWs } = listen(app)
      const user = await signUpAndSignIn(app)
      const socket = await connectAs(app, otherWs, user)
      expect(await socket.ask({ type: 'subscribe', topic: 'conversation:c1' })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
      socket.close()
    } finally {
      await app.close()
    }
  }, 60_000)
})

describe('sessions', () => {
  it('closes the socket with 4001 when its session is revoked (sign-out)', async () => {
    const user = await signUpAndSignIn(t)
    const socket = await open(user)
    const other = await open(await signUpAndSignIn(t))
    const response = await t.request('/api/v1/auth/logout', { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1' } })
    expect(response.status).toBe(204)
    expect(await socket.waitClosed()).toEqual({ code: CLOSE_CODES.SessionEnded, reason: 'SessionRevoked' })
    expect((await other.ask({ type: 'ping' })).type).toBe('pong')
  })

  it('closes the socket with 4001 when its token expires without re-auth; auth extends it', async () => {
    const user = await signUpAndSignIn(t)
    const kept = await open(user)
    const lapsed = await open(user)
    clock.advance(10 * MINUTE)
    const refreshed = await t.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1', 'x-forwarded-for': user.ip } })
    const { accessToken } = (await refreshed.json()) as { accessToken: string }
    expect(await kept.ask({ type: 'auth', accessToken })).toMatchObject({ type: 'ack' })
    clock.advance(6 * MINUTE)
    expect(await lapsed.waitClosed()).toEqual({ code: CLOSE_CODES.SessionEnded, reason: 'SessionExpired' })
    expect((await kept.ask({ type: 'ping' })).type).toBe('pong')
    clock.advance(10 * MINUTE)
    expect(await kept.waitClosed()).toEqual({ code: CLOSE_CODES.SessionEnded, reason: 'SessionExpired' })
  })

  it("refuses auth with another user's token, keeping the socket", async () => {
    const [alice, bob] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const socket = await open(alice)
    expect(await socket.ask({ type: 'auth', accessToken: bob.accessToken })).toMatchObject({ type: 'error', code: 'Unauthorized' })
    expect(await socket.ask({ type: 'auth', accessToken: 'not.a.token' })).toMatchObject({ type: 'error', code: 'Unauthorized' })
    expect(await socket.ask({ type: 'subscribe', topic: `user:${bob.id}` })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
  })
})

describe('role changes', () => {
  it("stops a demoted admin's admin-only topics on every socket at once, keeping the others", async () => {
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const [first, second] = [await open(admin), await open(admin)]
    const topic = await adminOnlyTopic(t)
    for (const socket of [first, second]) {
      expect(await socket.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'subscribed' })
      expect(await socket.ask({ type: 'subscribe', topic: `user:${admin.id}` })).toMatchObject({ type: 'subscribed' })
    }
    expect(await setRole(t.ctx.database.db, admin.id, 'buyer', ['admin'], clock.now())).toBe(true)
    await announceRoleChanged(t.ctx.bus, admin.id)
    for (const socket of [first, second]) {
      expect(await socket.next('unsubscribed', (m) => m.topic === topic)).not.toHaveProperty('ref')
      expect(await socket.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
      expect(socket.received.filter((m) => m.type === 'unsubscribed').map((m) => m.topic)).toEqual([topic])
    }
    // Its own topic still delivers.
    await publishNotifications(admin.id, 1)
    await first.next('event', (m) => m.topic === `user:${admin.id}`)
  })

  it('re-checks the topics when an auth message finds the role changed', async () => {
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const socket = await open(admin)
    const topic = await adminOnlyTopic(t)
    expect(await socket.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'subscribed' })
    // Changed without an announcement (by hand in the database): the next auth sees it.
    await t.ctx.database.db.update(users).set({ role: 'vendor' }).where(eq(users.id, admin.id))
    expect(await socket.ask({ type: 'auth', accessToken: admin.accessToken })).toMatchObject({ type: 'ack' })
    expect(await socket.next('unsubscribed', (m) => m.topic === topic)).not.toHaveProperty('ref')
  })
})

/** A WebSocket client on a raw TCP socket, so the test can stop reading (a browser cannot). */
async function rawClient(path: string): Promise<Socket> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  await once(socket, 'connect')
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  return socket
}

/** A masked client text frame (payload under 64 KiB). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255])
  const mask = Buffer.from([1, 2, 3, 4])
  return Buffer.concat([header, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)])
}

describe('slow consumer', () => {
  it('cuts off a client that stops reading; another client on the topic gets every event', async () => {
    const [reader, stalled, subject] = [await signUpAndSignIn(t), await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const topic = `presence:${subject.id}`
    const healthy = await open(reader)
    await healthy.ask({ type: 'subscribe', topic })

    const raw = await rawClient(`/ws?ticket=${await ticketFor(t, stalled)}`)
    let seen = ''
    raw.on('data', (chunk: Buffer) => void (seen += chunk.toString('latin1')))
    await waitFor(() => seen.includes('101 Switching Protocols'), 5_000, 'the upgrade')
    raw.write(clientFrame(JSON.stringify({ type: 'subscribe', topic })))
    await waitFor(() => seen.includes('"subscribed"'), 5_000, 'the raw subscription')
    raw.pause()
    const before = t.ctx.realtime.stats().connections

    const big = 'x'.repeat(60_000)
    let sent = 0
    // One event at a time, each waited for by the healthy client: it always keeps up.
    while (t.ctx.realtime.stats().connections === before && sent < 2_000) {
      sent += 1
      const data = { userId: subject.id, online: true, lastSeenAt: null, padding: `${sent}:${big}` }
      await t.ctx.bus.publish(topic, { type: 'event', topic, id: null, kind: 'presence', data })
      await waitFor(() => healthy.received.filter((m) => m.type === 'event' && m.topic === topic).length === sent + 1)
    }
    expect(t.ctx.realtime.stats().connections).toBe(before - 1)
    expect(healthy.closed).toBeNull()
    raw.destroy()
  }, 60_000)
})
