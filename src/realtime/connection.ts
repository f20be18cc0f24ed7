import type { ServerWebSocket } from 'bun'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import type { CurrentUser } from '../modules/accounts'
import type { CloseCode, ErrorCode, ServerMessage } from './protocol'

/** Per socket: a burst of messages (a reconnect resubscribing its topics), then a steady rate. */
export const MESSAGE_BURST = 60
export const MESSAGES_PER_SECOND = 20
/** Messages refused in a row before the socket is closed with 4008. */
export const REFUSALS_BEFORE_CLOSE = 40

/**
 * One open socket: who it is, what it follows, and its own limits. Most sockets sit idle, so what
 * only a busy socket needs (its topics, message queue, drain waiters) is made on first use.
 */
export class Connection {
  closed = false
  private tokens = MESSAGE_BURST
  private refilledAt: number | null = null
  private refusals = 0
  private followed: Set<string> | null = null
  private queue: Promise<void> | null = null
  private drainWaiters: (() => void)[] | null = null

  constructor(
    readonly id: string,
    private readonly ws: ServerWebSocket<unknown>,
    public user: CurrentUser,
    /** When the access token behind the socket expires; an `auth` message moves it. */
    public expiresAtMs: number,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Topics this socket holds a hub feed for (subscribed, or replaying towards it). */
  get topics(): Set<string> {
    return (this.followed ??= new Set())
  }

  /** Empties `topics` (the socket closed), answering what it held. */
  leaveAll(): string[] {
    const held = this.followed === null ? [] : [...this.followed]
    this.followed = null
    return held
  }

  /** Bun's send status: bytes sent, -1 queued under backpressure, 0 dropped. */
  send(message: ServerMessage): number {
    if (this.closed) return 0
    this.metrics.sent(message.type)
    return this.ws.send(JSON.stringify(message))
  }

  /** Answers an `error` frame, logged under the same code. */
  fail(code: ErrorCode, message: string, ref?: string): void {
    this.log.info('realtime message refused', { code, message, connection: this.id, userId: this.user.id })
    this.send({ type: 'error', code, message, ...(ref === undefined ? {} : { ref }) })
  }

  /**
   * Sends, then waits for the socket to drain when Bun reports backpressure, so a long replay
   * goes at the client's pace instead of piling up in memory. False once the socket is gone.
   */
  async sendPaced(message: ServerMessage): Promise<boolean> {
    const status = this.send(message)
    if (status === -1) await new Promise<void>((resolve) => (this.drainWaiters ??= []).push(resolve))
    return status !== 0 && !this.closed
  }

  /** Bun's drain signal: the socket took what was queued. */
  drained(): void {
    const waiters = this.drainWaiters ?? []
    this.drainWaiters = null
    for (const resolve of waiters) resolve()
  }

  /** Live delivery through Bun's pub/sub (`server.publish` reaches every socket subscribed here). */
  subscribe(topic: string): void {
    if (!this.closed) this.ws.subscribe(topic)
  }

  unsubscribe(topic: string): void {
    if (!this.closed) this.ws.unsubscribe(topic)
  }

  close(code: CloseCode, reason: string): void {
    if (this.closed) return
    this.log.info('realtime socket closed by the server', { code, reason, connection: this.id, userId: this.user.id })
    this.ws.close(code, reason)
  }

  /** Called from the socket's close handler. */
  markClosed(): void {
    this.closed = true
    this.drained()
  }

  /** Token bucket on the app clock: `ok`, `refused` (drop it, answer RateLimited) or `close` (kept flooding). */
  admit(nowMs: number): 'ok' | 'refused' | 'close' {
    const elapsed = this.refilledAt === null ? 0 : Math.max(nowMs - this.refilledAt, 0)
    this.tokens = Math.min(MESSAGE_BURST, this.tokens + (elapsed / 1000) * MESSAGES_PER_SECOND)
    this.refilledAt = nowMs
    if (this.tokens >= 1) {
      this.tokens -= 1
      this.refusals = 0
      return 'ok'
    }
    this.refusals += 1
    return this.refusals > REFUSALS_BEFORE_CLOSE ? 'close' : 'refused'
  }

  /**
   * Runs message handlers one at a time in arrival order: a subscribe that awaits the database
   * must not be overtaken by the unsubscribe sent after it. `work` handles its own errors.
   */
  enqueue(work: () => Promise<void>): void {
    this.queue = (this.queue ?? Promise.resolve()).then(work)
  }
}
