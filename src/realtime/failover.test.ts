import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Cluster, startCluster } from '../../scripts/cluster'
import type { ChatMessage } from '../modules/chat/item'
import { makeSellerWithProducts, openConversation } from '../modules/chat/testing'
import { createTestApp, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../testing'
import { CLOSE_CODES } from './protocol'
import { connectAs, type TestSocket } from './test-client'

const MESSAGES_EACH = 60
const SEND_EVERY_MS = 20

/**
 * One side of a conversation as a real client behaves: it sends steadily, each message with its
 * own client id, until every one is acknowledged; when its instance goes away it reconnects to
 * another, resubscribes from the last event id it saw, and sends again what was not acknowledged.
 */
class Participant {
  readonly sockets: TestSocket[] = []
  readonly clientIds: string[] = []
  closedWith: number | null = null

  constructor(
    readonly user: TestUser,
    readonly conversationId: string,
    private wsUrl: string,
  ) {}

  get topic() {
    return `conversation:${this.conversationId}`
  }

  get socket(): TestSocket {
    return this.sockets.at(-1)!
  }

  async connect(t: TestApp, since?: number): Promise<void> {
    const socket = await connectAs(t, this.wsUrl, this.user)
    this.sockets.push(socket)
    await socket.ask({ type: 'subscribe', topic: this.topic, ...(since === undefined ? {} : { since }) })
  }

  acked(): Set<string> {
    return new Set(this.sockets.flatMap((s) => s.received.flatMap((m) => (m.type === 'ack' && m.of === 'chat.send' ? [String(m.clientId)] : []))))
  }

  /** Every `message` event of the conversation this client received, on any of its sockets, in order. */
  messages(): ChatMessage[] {
    return this.sockets.flatMap((s) => s.received.flatMap((m) => (m.type === 'event' && m.topic === this.topic && m.kind === 'message' ? [m.data as ChatMessage] : [])))
  }

  private send(clientId: string) {
    this.socket.send({ type: 'chat.send', conversationId: this.conversationId, clientId, body: `message ${clientId}` })
  }

  /** Sends MESSAGES_EACH messages steadily, failing over to `fallback` when its socket is closed. */
  async run(t: TestApp, fallback: string): Promise<void> {
    while (this.clientIds.length < MESSAGES_EACH || this.acked().size < MESSAGES_EACH) {
      if (this.socket.closed !== null) {
        this.closedWith = this.socket.closed.code
        const since = Math.max(0, ...this.socket.eventIds(this.topic))
        this.wsUrl = fallback
        await this.connect(t, since)
        const acked = this.acked()
        for (const clientId of this.clientIds) if (!acked.has(clientId)) this.send(clientId)
      } else if (this.clientIds.length < MESSAGES_EACH) {
        const clientId = randomUUID()
        this.clientIds.push(clientId)
        this.send(clientId)
      }
      await Bun.sleep(SEND_EVERY_MS) // the pace of the sender, not a wait for a condition
    }
  }
}

// Two real Souk processes share one Postgres and Redis; without both there is nothing to fail over to.
describe.skipIf(process.env.REDIS_URL === undefined || process.env.DATABASE_URL === undefined)('SIGTERM of an instance under chat load', () => {
  let t: TestApp
  let cluster: Cluster
  const participants: Participant[] = []
  const logDir = mkdtempSync(join(tmpdir(), 'souk-failover-'))

  beforeAll(async () => {
    // One deployment: the same signing secret and public address (the token issuer) everywhere.
    const env = { JWT_SECRET: randomBytes(32).toString('base64url'), PUBLIC_URL: 'http://souk-failover.localhost' }
    t = await createTestApp({ env })
    const databaseUrl = t.ctx.database.url
    if (databaseUrl === null) throw new Error('a cluster needs Postgres')
    cluster = await startCluster({ instances: 2, proxy: false, logDir, env: { ...env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn' } })
  }, 60_000)
  afterAll(async () => {
    for (const socket of participants.flatMap((p) => p.sockets)) socket.close()
    await cluster?.stop()
    await t?.close()
    rmSync(logDir, { recursive: true, force: true })
  })

  it('loses and duplicates nothing: clients of the stopped instance reconnect, replay and resend', async () => {
    const [a, b] = cluster.instances.map((i) => i.url.replace('http', 'ws')) as [string, string]
    const { seller, product, other } = await makeSellerWithProducts(t)
    const [first, second] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const one = await openConversation(t, first, product.id)
    const two = await openConversation(t, second, other.id)
    // Each conversation has one side on A and one on B.
    participants.push(new Participant(first, one.id, a), new Participant(seller, one.id, b), new Participant(seller, two.id, a), new Participant(second, two.id, b))
    for (const p of participants) await p.connect(t)
    const pairs = [
      [participants[0]!, participants[1]!],
      [participants[2]!, participants[3]!],
    ] as const

    const running = participants.map((p) => p.run(t, b))
    // Mid-stream: every sender has messages acknowledged and more to send.
    await waitFor(() => participants.every((p) => p.acked().size >= MESSAGES_EACH / 4), 15_000, 'a quarter of the messages acknowledged')
    const [instanceA] = cluster.instances
    expect(await instanceA!.stop('SIGTERM')).toBe(0)
    await Promise.all(running)

    expect(participants.map((p) => p.closedWith)).toEqual([CLOSE_CODES.GoingAway, null, CLOSE_CODES.GoingAway, null])
    for (const [x, y] of pairs) {
      for (const [receiver, sender] of [
        [x, y],
        [y, x],
      ] as const) {
        // Every message the sender sent (each acknowledged in the end) reaches the receiver exactly once.
        await waitFor(() => receiver.messages().filter((m) => m.senderId === sender.user.id).length >= MESSAGES_EACH, 10_000, 'every message delivered')
        const heard = receiver.messages().filter((m) => m.senderId === sender.user.id)
        expect(heard.map((m) => m.clientId).sort()).toEqual([...sender.clientIds].sort())
        expect(new Set(heard.map((m) => m.id)).size).toBe(heard.length)
      }
    }
  }, 60_000)
})
