import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { ServerWebSocket } from 'bun'
import { decodeJwt } from 'jose'
import type { Config } from '../config'
import type { Db } from '../db/client'
import type { Clock } from '../lib/clock'
import type { Logger } from '../lib/log'
import { type AccountsModel, type CurrentUser, SESSION_REVOKED_TOPIC } from '../modules/accounts'
import { authenticate } from '../modules/accounts/service/sessions'
import type { Bus, Unsubscribe } from './bus'
import { Connection } from './connection'
import type { HandlerContext, SocketServices } from './handlers/context'
import { ROUTES } from './handlers'
import type { Hub } from './hub'
import type { Presence } from './presence'
import { type ClientMessage, type ClientMessageType, CLOSE_CODES, type ErrorCode, MAX_SOCKETS_PER_USER } from './protocol'
import type { TopicRules } from './topics'

/** A revocation that lands while a socket is still upgrading is remembered this long. */
const REVOCATION_MEMORY_MS = 5 * 60_000

export interface GatewayDeps {
  db: Db
  config: Pick<Config, 'secrets' | 'publicUrl'>
  clock: Clock
  log: Logger
  bus: Bus
  hub: Hub
  presence: Presence
  topics: TopicRules
}

/** Who an upgraded socket is: resolved from its ticket before the upgrade. */
export interface SocketAuth {
  user: CurrentUser
  expiresAtMs: number
}

type Refusal = { code: ErrorCode; message: string; ref?: string }

const validators = Object.fromEntries(Object.entries(ROUTES).map(([type, route]) => [type, TypeCompiler.Compile(route.schema)])) as Record<
  ClientMessageType,
  TypeCheck<never>
>

/**
 * Parses one frame. Elysia has already JSON-parsed a text frame that looked like JSON, so a
 * string here is text that failed to parse.
 */
function parseMessage(raw: unknown): ClientMessage | Refusal {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    return { code: 'BadMessage', message: 'Each message is one JSON object in a text frame' }
  }
  const { type, ref: rawRef } = raw as { type?: unknown; ref?: unknown }
  const ref = typeof rawRef === 'string' ? rawRef.slice(0, 64) : undefined
  if (typeof type !== 'string') return { code: 'BadMessage', message: 'A message needs a string `type`', ref }
  if (!Object.hasOwn(ROUTES, type)) return { code: 'UnknownType', message: `Unknown message type "${type.slice(0, 40)}"`, ref }
  const check = validators[type as ClientMessageType]
  if (!check.Check(raw)) {
    const first = check.Errors(raw).First()
    return { code: 'BadMessage', message: `${type}${first?.path ?? ''}: ${first?.message ?? 'invalid'}`, ref }
  }
  return raw as ClientMessage
}

/**
 * The socket entry: keeps the open sockets, runs each message through the guard chain (session
 * still valid, per-socket rate, parse and schema, topic access) and hands it to its handler in
 * handlers/. The 64 KiB payload cap comes first, in Bun (maxPayloadLength): a larger frame closes
 * the socket with 1009 before anything here reads it. Closes a session's sockets when the
 * session is revoked (bus topic `session:revoked`) or its token expires without an `auth`.
 */
export class Gateway {
  private readonly connections = new Map<string, Connection>()
  private readonly byUser = new Map<string, Set<Connection>>()
  private readonly bySession = new Map<string, Set<Connection>>()
  private readonly recentlyRevoked = new Map<string, number>()
  private readonly offRevoked: Unsubscribe
  private readonly ctx: HandlerContext
  private provided: SocketServices | null = null
  private stopping = false

  constructor(private readonly deps: GatewayDeps) {
    this.ctx = {
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      hub: deps.hub,
      presence: deps.presence,
      authenticate: (token) => this.authenticate(token),
      moveSession: (conn, user) => this.moveSession(conn, user),
      services: () => {
        if (this.provided === null) throw new Error('socket services were not provided (createApp does it)')
        return this.provided
      },
    }
    this.offRevoked = deps.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => this.revoked(message as AccountsModel.SessionRevoked))
  }

  /** The user behind an access token (session still open) and when the token expires. */
  async authenticate(accessToken: string): Promise<SocketAuth | null> {
    const { db, config, clock } = this.deps
    const user = await authenticate({ db, config, clock }, accessToken)
    if (user === null) return null
    return { user, expiresAtMs: (decodeJwt(accessToken).exp ?? 0) * 1000 }
  }

  open(ws: ServerWebSocket<unknown>, id: string, auth: SocketAuth): void {
    const { user } = auth
    if (this.stopping) return ws.close(CLOSE_CODES.GoingAway, 'GoingAway')
    // Revoked while the upgrade was in flight: the bus message came before the socket existed.
    if (this.recentlyRevoked.has(user.sessionId)) return ws.close(CLOSE_CODES.SessionEnded, 'SessionRevoked')
    if ((this.byUser.get(user.id)?.size ?? 0) >= MAX_SOCKETS_PER_USER) return ws.close(CLOSE_CODES.TooManyConnections, 'TooManyConnections')
    const conn = new Connection(id, ws, user, auth.expiresAtMs, this.deps.log)
    this.connections.set(id, conn)
    file(this.byUser, user.id, conn)
    file(this.bySession, user.sessionId, conn)
    void this.deps.presence.join(user.id, id)
  }

  message(id: string, raw: unknown): void {
    const conn = this.connections.get(id)
    if (conn === undefined || conn.closed) return
    // Guard: the session. The sweep closes expired sockets too; this catches one between sweeps.
    if (this.closeIfExpired(conn)) return
    // Guard: the rate, before parsing, so a flood of garbage counts too.
    const admitted = conn.admit(this.deps.clock.now().getTime())
    if (admitted === 'close') return conn.close(CLOSE_CODES.RateLimited, 'RateLimited')
    if (admitted === 'refused') return conn.fail('RateLimited', 'Too many messages; slow down', refOf(raw))
    const message = parseMessage(raw)
    if ('code' in message) return conn.fail(message.code, message.message, message.ref)
    conn.enqueue(() => this.dispatch(conn, message))
  }

  drain(id: string): void {
    this.connections.get(id)?.drained()
  }

  close(id: string): void {
    const conn = this.connections.get(id)
    if (conn === undefined) return
    conn.markClosed()
    this.connections.delete(id)
    unfile(this.byUser, conn.user.id, conn)
    unfile(this.bySession, conn.user.sessionId, conn)
    for (const topic of conn.topics) this.deps.hub.leave(topic)
    conn.topics.clear()
    // On a graceful stop, presence takes every local connection offline in one go.
    if (!this.stopping) void this.deps.presence.leave(conn.user.id, id)
  }

  /** Closes sockets whose token expired without an `auth`, and forgets old revocations. */
  sweep(): void {
    for (const conn of this.connections.values()) this.closeIfExpired(conn)
    const now = performance.now()
    for (const [sessionId, until] of this.recentlyRevoked) if (until <= now) this.recentlyRevoked.delete(sessionId)
  }

  /** Graceful stop: every socket is closed with 1001 (going away) so clients reconnect elsewhere. */
  stop(): void {
    this.stopping = true
    this.offRevoked()
    for (const conn of this.connections.values()) conn.close(CLOSE_CODES.GoingAway, 'GoingAway')
  }

  /** Hands the module services to the handlers (createApp, once it built them). */
  provide(services: SocketServices): void {
    this.provided = services
  }

  /** Whether one of the user's sockets on this instance follows the topic. */
  isSubscribed(userId: string, topic: string): boolean {
    for (const conn of this.byUser.get(userId) ?? []) if (conn.topics.has(topic)) return true
    return false
  }

  /** Sockets open on this instance. */
  count(): number {
    return this.connections.size
  }

  private async dispatch(conn: Connection, message: ClientMessage): Promise<void> {
    if (conn.closed) return
    const route = ROUTES[message.type]
    try {
      // Guard: topic access, checked by the owning module's rule on every subscribe.
      if (route.checksTopicAccess && 'topic' in message && !(await this.deps.topics.allows(conn.user, message.topic))) {
        return conn.fail('TopicForbidden', `You may not read ${message.topic}`, message.ref)
      }
      await route.handle(this.ctx, conn, message as never)
    } catch (error) {
      this.deps.log.error('realtime handler failed', { type: message.type, connection: conn.id, error })
      conn.fail('Internal', 'Something went wrong on our side', message.ref)
    }
  }

  private closeIfExpired(conn: Connection): boolean {
    if (this.deps.clock.now().getTime() < conn.expiresAtMs) return false
    conn.close(CLOSE_CODES.SessionEnded, 'SessionExpired')
    return true
  }

  private revoked(event: AccountsModel.SessionRevoked): void {
    const until = performance.now() + REVOCATION_MEMORY_MS
    for (const sessionId of event.sessionIds ?? []) {
      this.recentlyRevoked.set(sessionId, until)
      for (const conn of this.bySession.get(sessionId) ?? []) conn.close(CLOSE_CODES.SessionEnded, 'SessionRevoked')
    }
  }

  private moveSession(conn: Connection, user: CurrentUser): void {
    unfile(this.bySession, conn.user.sessionId, conn)
    conn.user = user
    file(this.bySession, user.sessionId, conn)
  }
}

function refOf(raw: unknown): string | undefined {
  const ref = typeof raw === 'object' && raw !== null ? (raw as { ref?: unknown }).ref : undefined
  return typeof ref === 'string' ? ref.slice(0, 64) : undefined
}

function file<K>(index: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  const set = index.get(key) ?? new Set<Connection>()
  set.add(conn)
  index.set(key, set)
}

function unfile<K>(index: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  const set = index.get(key)
  if (set === undefined) return
  set.delete(conn)
  if (set.size === 0) index.delete(key)
}
