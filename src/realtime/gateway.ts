import { randomUUID } from 'node:crypto'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { Server, ServerWebSocket } from 'bun'
import { decodeJwt } from 'jose'
import type { Config } from '../config'
import type { Db } from '../db/client'
import type { Clock } from '../lib/clock'
import { findRefusedValue } from '../lib/input'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import { type AccountsModel, authenticate, type CurrentUser, findRole, ROLE_CHANGED_TOPIC, SESSION_REVOKED_TOPIC } from '../modules/accounts'
import type { Bus, Unsubscribe } from '../lib/bus'
import { Connection } from './connection'
import type { HandlerContext, SocketServices } from './handlers/context'
import { ROUTES } from './handlers'
import { leaveTopic } from './handlers/unsubscribe'
import type { Hub } from './hub'
import type { Presence } from './presence'
import { type ClientMessage, type ClientMessageType, CLOSE_CODES, type CloseCode, type ErrorCode, MAX_SOCKETS_PER_USER } from './protocol'
import type { TopicRules } from './topics'

/** A revocation that lands while a socket is still upgrading is remembered this long. */
const REVOCATION_MEMORY_MS = 5 * 60_000

export interface GatewayDeps {
  db: Db
  config: Pick<Config, 'secrets' | 'publicUrl'>
  clock: Clock
  log: Logger
  metrics: Metrics
  bus: Bus
  hub: Hub
  presence: Presence
  topics: TopicRules
  services: SocketServices
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

/** A text frame as JSON; undefined for a binary frame or text that is not JSON. */
function decode(raw: string | Buffer): unknown {
  if (typeof raw !== 'string') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

/** Checks one decoded frame against the protocol union. */
function parseMessage(raw: unknown): ClientMessage | Refusal {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
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
  // As over HTTP (httpBasics): text Postgres cannot store is refused here, not by a failed write.
  const refused = findRefusedValue(raw, type)
  if (refused !== null) return { code: 'BadMessage', message: `${refused.field}: ${refused.message}`, ref }
  return raw as ClientMessage
}

/**
 * What Bun keeps on each socket (`ws.data`). Elysia's Bun adapter hands every socket event to
 * `ws.data.open/message/drain/close`, so the gateway upgrades with this small object itself
 * (`upgrade`) instead of through Elysia's `.ws()`, which keeps the upgrade's whole context (the
 * Request, its headers and query, a dozen closures) alive as long as the socket: most of the
 * 11 KB an idle socket used to cost (bench S3). The handlers are prototype methods, shared by
 * every socket.
 */
class SocketEvents {
  private conn: Connection | null = null

  constructor(
    private readonly gateway: Gateway,
    private auth: SocketAuth | null,
  ) {}

  open(ws: ServerWebSocket<unknown>): void {
    this.conn = this.gateway.open(ws, this.auth!)
    this.auth = null
  }

  message(_ws: ServerWebSocket<unknown>, raw: string | Buffer): void {
    if (this.conn !== null) this.gateway.message(this.conn, raw)
  }

  drain(): void {
    this.conn?.drained()
  }

  close(): void {
    if (this.conn !== null) this.gateway.close(this.conn)
  }
}

/**
 * The socket entry: keeps the open sockets, runs each message through the guard chain (session
 * still valid, per-socket rate, parse and schema, topic access) and hands it to its handler in
 * handlers/. The 64 KiB payload cap comes first, in Bun (maxPayloadLength): a larger frame closes
 * the socket with 1009 before anything here reads it. Closes a session's sockets when the
 * session is revoked (bus topic `session:revoked`) or its token expires without an `auth`, and
 * stops the topics a user may no longer follow when their role changes (bus topic `role:changed`).
 */
export class Gateway {
  private readonly connections = new Set<Connection>()
  private readonly byUser = new Map<string, Set<Connection>>()
  private readonly bySession = new Map<string, Set<Connection>>()
  private readonly recentlyRevoked = new Map<string, number>()
  private readonly offRevoked: Unsubscribe
  private readonly offRoleChanged: Unsubscribe
  private readonly ctx: HandlerContext
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
      recheckTopics: (conn) => this.recheckTopics(conn),
      services: deps.services,
    }
    this.offRevoked = deps.bus.subscribe(SESSION_REVOKED_TOPIC, (message) => this.revoked(message as AccountsModel.SessionRevoked))
    this.offRoleChanged = deps.bus.subscribe(ROLE_CHANGED_TOPIC, (message) => void this.roleChanged(message as AccountsModel.RoleChanged))
  }

  /** The user behind an access token (session still open) and when the token expires. */
  async authenticate(accessToken: string): Promise<SocketAuth | null> {
    const { db, config, clock } = this.deps
    const user = await authenticate({ db, config, clock }, accessToken)
    if (user === null) return null
    return { user, expiresAtMs: (decodeJwt(accessToken).exp ?? 0) * 1000 }
  }

  /**
   * Upgrades the request to a socket of `auth`'s user (the route resolved it from the ticket);
   * the answer when it cannot be upgraded (not a WebSocket handshake, or no server: `app.handle`),
   * otherwise nothing (Bun has answered).
   */
  upgrade(server: Server<unknown> | null, request: Request, auth: SocketAuth): Response | undefined {
    if (server?.upgrade(request, { data: new SocketEvents(this, auth) }) === true) return undefined
    return new Response('Expected a websocket connection', { status: 400 })
  }

  /** A socket opened; null when it was refused (and is closing). */
  open(ws: ServerWebSocket<unknown>, auth: SocketAuth): Connection | null {
    const user = this.sharedUser(auth.user)
    const refuse = (code: CloseCode, reason: string) => (ws.close(code, reason), null)
    if (this.stopping) return refuse(CLOSE_CODES.GoingAway, 'GoingAway')
    // Revoked while the upgrade was in flight: the bus message came before the socket existed.
    if (this.recentlyRevoked.has(user.sessionId)) return refuse(CLOSE_CODES.SessionEnded, 'SessionRevoked')
    if ((this.byUser.get(user.id)?.size ?? 0) >= MAX_SOCKETS_PER_USER) return refuse(CLOSE_CODES.TooManyConnections, 'TooManyConnections')
    const conn = new Connection(randomUUID(), ws, user, auth.expiresAtMs, this.deps.log, this.deps.metrics)
    this.connections.add(conn)
    this.deps.metrics.socketOpened()
    file(this.byUser, user.id, conn)
    file(this.bySession, user.sessionId, conn)
    void this.deps.presence.join(user.id, conn.id)
    return conn
  }

  message(conn: Connection, raw: string | Buffer): void {
    if (conn.closed) return
    // Guard: the session. The sweep closes expired sockets too; this catches one between sweeps.
    const nowMs = this.deps.clock.now().getTime()
    if (this.closeIfExpired(conn, nowMs)) return
    const decoded = decode(raw)
    // Guard: the rate, before the schema check, so a flood of garbage counts too.
    const admitted = conn.admit(nowMs)
    if (admitted === 'close') return conn.close(CLOSE_CODES.RateLimited, 'RateLimited')
    if (admitted === 'refused') return conn.fail('RateLimited', 'Too many messages; slow down', refOf(decoded))
    const message = parseMessage(decoded)
    this.deps.metrics.received('code' in message ? 'invalid' : message.type)
    if ('code' in message) return conn.fail(message.code, message.message, message.ref)
    conn.enqueue(() => this.dispatch(conn, message))
  }

  close(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    conn.markClosed()
    this.deps.metrics.socketClosed()
    unfile(this.byUser, conn.user.id, conn)
    unfile(this.bySession, conn.user.sessionId, conn)
    for (const topic of conn.leaveAll()) this.deps.hub.leave(topic)
    // On a graceful stop, presence takes every local connection offline in one go.
    if (!this.stopping) void this.deps.presence.leave(conn.user.id, conn.id)
  }

  /** Closes sockets whose token expired without an `auth`, and forgets old revocations. */
  sweep(): void {
    const nowMs = this.deps.clock.now().getTime()
    for (const conn of this.connections) this.closeIfExpired(conn, nowMs)
    const now = performance.now()
    for (const [sessionId, until] of this.recentlyRevoked) if (until <= now) this.recentlyRevoked.delete(sessionId)
  }

  /** Graceful stop: every socket is closed with 1001 (going away) so clients reconnect elsewhere. */
  stop(): void {
    this.stopping = true
    this.offRevoked()
    this.offRoleChanged()
    for (const conn of this.connections) conn.close(CLOSE_CODES.GoingAway, 'GoingAway')
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

  /** A session's sockets (a browser's tabs) share one `user` when it is the same, not a copy each. */
  private sharedUser(user: CurrentUser): CurrentUser {
    for (const other of this.bySession.get(user.sessionId) ?? []) {
      if (other.user.id === user.id && other.user.role === user.role) return other.user
    }
    return user
  }

  private closeIfExpired(conn: Connection, nowMs: number): boolean {
    if (nowMs < conn.expiresAtMs) return false
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

  /**
   * Takes a user's new role onto their sockets here, then re-checks their topics. Each socket does
   * it in its message queue, so a subscribe already under way (checked against the old role)
   * finishes first and is re-checked too.
   */
  private async roleChanged(event: AccountsModel.RoleChanged): Promise<void> {
    if (!this.byUser.has(event.userId)) return
    try {
      const role = await findRole(this.deps.db, event.userId)
      // A deleted account: its sessions are revoked, which closes the sockets.
      if (role === null) return
      for (const conn of this.byUser.get(event.userId) ?? []) {
        if (conn.user.role === role) continue
        conn.user = { ...conn.user, role }
        conn.enqueue(() =>
          this.recheckTopics(conn).catch((error: unknown) => this.deps.log.error('realtime topic re-check failed', { connection: conn.id, error })),
        )
      }
    } catch (error) {
      this.deps.log.error('realtime role change not applied', { userId: event.userId, error })
    }
  }

  /**
   * Stops each followed topic the socket's user may no longer read, with an `unsubscribed` frame
   * (no `ref`: nobody asked). A rule that fails counts as a refusal: access is not kept on doubt.
   */
  private async recheckTopics(conn: Connection): Promise<void> {
    for (const topic of [...conn.topics]) {
      if (conn.closed) return
      const allowed = await this.deps.topics.allows(conn.user, topic).catch((error: unknown) => {
        this.deps.log.error('realtime topic re-check failed', { topic, connection: conn.id, error })
        return false
      })
      if (allowed || !(await leaveTopic(this.ctx, conn, topic))) continue
      this.deps.log.info('realtime topic stopped: access lost', { topic, connection: conn.id, userId: conn.user.id })
      conn.send({ type: 'unsubscribed', topic })
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
