// Test helpers for the socket: a real WebSocket client that records what it receives, and the
// ticket exchange. Used by the realtime and notifications tests only.
import { jobs } from '../modules/jobs/table'
import { type TestApp, type TestUser, waitFor } from '../testing'
import type { ServerMessage } from './protocol'

export type Received = ServerMessage & Record<string, unknown>

// Bun's WebSocket takes request headers (to pose as a page of some Origin); the DOM typings the
// project also loads only know subprotocols.
const BunWebSocket = WebSocket as unknown as new (url: string, options: Bun.WebSocketOptions) => WebSocket

/** A WebSocket client that keeps every frame it receives and how it was closed. */
export class TestSocket {
  readonly received: Received[] = []
  closed: { code: number; reason: string } | null = null

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => this.received.push(JSON.parse(String(event.data)) as Received))
    ws.addEventListener('close', (event) => {
      this.closed = { code: event.code, reason: event.reason }
    })
  }

  /** Opens a socket; rejects with the close code when the server refuses the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new BunWebSocket(url, { headers })
    const socket = new TestSocket(ws)
    return new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(socket), { once: true })
      ws.addEventListener('close', (event) => reject(new Error(`socket refused: ${event.code}`)), { once: true })
    })
  }

  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  /** The first received frame matching `match` (waits for it). */
  async next<T extends Received['type']>(type: T, match: (m: Extract<Received, { type: T }>) => boolean = () => true, timeoutMs = 5_000) {
    let found: Extract<Received, { type: T }> | undefined
    await waitFor(
      () => {
        found = this.received.find((m): m is Extract<Received, { type: T }> => m.type === type && match(m as Extract<Received, { type: T }>))
        return found !== undefined
      },
      timeoutMs,
      `a ${type} frame`,
    )
    return found!
  }

  /** Sends a message with a fresh `ref` and waits for the answer carrying it. */
  async ask(message: Record<string, unknown>, timeoutMs = 5_000): Promise<Received> {
    const ref = crypto.randomUUID().slice(0, 8)
    this.send({ ...message, ref })
    let answer: Received | undefined
    await waitFor(() => (answer = this.received.find((m) => m.ref === ref)) !== undefined, timeoutMs, `the answer to ${String(message.type)}`)
    return answer!
  }

  /** Durable event ids received on a topic, in arrival order. */
  eventIds(topic: string): number[] {
    return this.received.flatMap((m) => (m.type === 'event' && m.topic === topic && m.id !== null ? [m.id] : []))
  }

  async waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closed !== null, timeoutMs, 'the socket to close')
    return this.closed!
  }

  close(): void {
    this.ws.close()
  }
}

/** A socket ticket for the user, through the real route. */
export async function ticketFor(t: TestApp, user: Pick<TestUser, 'auth' | 'ip'>): Promise<string> {
  const response = await t.request('/api/v1/realtime/ticket', { method: 'POST', headers: { ...user.auth, 'x-forwarded-for': user.ip } })
  if (response.status !== 200) throw new Error(`ticket answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { ticket: string }).ticket
}

/** Opens a signed-in socket for the user on a listening app. */
export async function connectAs(t: TestApp, wsUrl: string, user: Pick<TestUser, 'auth' | 'ip'>, headers: Record<string, string> = {}): Promise<TestSocket> {
  return TestSocket.open(`${wsUrl}/ws?ticket=${await ticketFor(t, user)}`, headers)
}

/** The topic of a new system job (no owner): only admins may follow it. */
export async function adminOnlyTopic(t: TestApp): Promise<string> {
  const id = `job_${crypto.randomUUID().replaceAll('-', '')}`
  const now = new Date()
  await t.ctx.database.db.insert(jobs).values({ id, ownerId: null, kind: 'maintenance.purge', status: 'succeeded', input: {}, bossId: crypto.randomUUID(), createdAt: now, updatedAt: now })
  return `job:${id}`
}
