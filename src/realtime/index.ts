import { Elysia, t } from 'elysia'
import Redis from 'ioredis'
import type { Config } from '../config'
import type { Db } from '../db/client'
import type { Clock } from '../lib/clock'
import { AppError, ErrorResponse } from '../lib/errors'
import { idSchema } from '../lib/ids'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import { type RateLimiter, rateLimitPlugin } from '../lib/rate-limit'
import { authPlugin } from '../modules/accounts'
import { pruneEvents } from '../events/log'
import type { Bus } from '../lib/bus'
import { Gateway } from './gateway'
import type { SocketServices } from './handlers/context'
import { Hub } from './hub'
import { createMemoryPresenceStore, createPresence, createRedisPresenceStore, heartbeatMsFor, type Presence, type ViewedTopic } from './presence'
import { type EphemeralEvent, MAX_MESSAGE_BYTES, PresenceData, type TopicFamily } from './protocol'
import { createMemoryTicketStore, createRedisTicketStore, createTickets, TICKET_LIMITS, TICKET_TTL_MS, type Tickets } from './tickets'
import { canSeeUser, createTopicRules, type TopicRule } from './topics'

/**
 * Bun's WebSocket settings, for the ROOT Elysia instance (Bun reads them from the server; values
 * given on a route are ignored).
 */
export const SOCKET_OPTIONS = {
  /** Larger frames close the socket with 1009 before they are buffered or parsed. */
  maxPayloadLength: MAX_MESSAGE_BYTES,
  /**
   * Output queued for one socket before it is closed: live events are published to every
   * follower at once and cannot wait for one slow reader, so a client that stops reading is cut
   * off here (and reconnects and replays) instead of growing server memory or slowing the others.
   */
  backpressureLimit: 1024 * 1024,
  closeOnBackpressureLimit: true,
  /** Bun pings a quiet socket before this many seconds and closes it if nothing, not even a pong, comes back. */
  idleTimeout: 60,
  sendPings: true,
}

/** How often expired sessions are looked for (the app clock decides who expired). */
const SWEEP_MS = 1_000
const PRUNE_MS = 60 * 60_000

export interface RealtimeDeps {
  config: Config
  database: { db: Db }
  bus: Bus
  clock: Clock
  log: Logger
  limiter: RateLimiter
  metrics: Metrics
}

/**
 * What realtime keeps beyond one socket: presence and "viewing a conversation" (in Redis when
 * configured, with the heartbeat's expiry, so a killed instance's sockets stop counting), and the
 * single-use tickets. Built before the module services, which ask it whether a user views a
 * conversation, and handed to createRealtime with them.
 */
export interface RealtimeState {
  readonly presence: Presence
  readonly tickets: Tickets
  /** Whether one of the user's sockets, on any instance, follows the topic; no when Redis does not answer. */
  isViewing(userId: string, topic: ViewedTopic): Promise<boolean>
  close(): Promise<void>
}

export function createRealtimeState(deps: Pick<RealtimeDeps, 'config' | 'bus' | 'clock' | 'log'>): RealtimeState {
  const { config, bus, clock, log } = deps
  const redis =
    config.redisUrl === null
      ? null
      : new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'souk-realtime', retryStrategy: (times: number) => Math.min(times * 200, 2000) })
  redis?.on('error', (error) => log.warn('redis connection error', { error: error.message }))
  const ttlMs = config.presenceTtlMs
  const presence = createPresence({
    store: redis === null ? createMemoryPresenceStore(ttlMs) : createRedisPresenceStore(redis, undefined, ttlMs),
    bus,
    clock,
    log,
  })
  return {
    presence,
    tickets: createTickets(redis === null ? createMemoryTicketStore() : createRedisTicketStore(redis), clock),
    isViewing: (userId, topic) => presence.isViewing(userId, topic),
    close: async () => {
      await presence.leaveAll()
      await redis?.quit().catch(() => {})
    },
  }
}

export interface Realtime {
  /** `POST /api/v1/realtime/ticket`, `GET /api/v1/users/:id/presence` and the `/ws` socket. */
  readonly routes: ReturnType<typeof realtimeRoutes>
  /** The state's isViewing (see RealtimeState). */
  isViewing(userId: string, topic: ViewedTopic): Promise<boolean>
  /** Sockets open on this instance, topics they follow, sockets replaying (operations, tests). */
  stats(): { connections: number; topics: number; replaying: number }
  /** Graceful stop: sockets closed with 1001, their users taken offline, timers and Redis ended. */
  close(): Promise<void>
}

/**
 * This instance's sockets as a module's fan-out sees them (social's `FeedSockets` is this port):
 * who is here, and delivery to them alone.
 */
export interface LocalSockets {
  /** Users with a socket here following their own `user:<id>` topic (only they may). */
  usersFollowingThemselves(): string[]
  /** Sends ephemeral events to the sockets here following their topics, not through the bus. */
  sendHere(events: EphemeralEvent[], publishedAt: number): void
}

/**
 * A module's delivery that runs on every instance to that instance's sockets (e.g. one bus message
 * becoming an event for each local follower): started with the instance's sockets, answers its stop.
 */
export type LocalFanOut = (sockets: LocalSockets) => () => void

/**
 * The realtime core of one instance: gateway, hub and topic rules over the state, with their
 * timers. Built once by the composition root (src/app.ts) with the module services socket
 * handlers call, the topic rules of the families modules own and their local fan-outs, and closed
 * on stop.
 */
export function createRealtime(
  deps: RealtimeDeps & { state: RealtimeState; services: SocketServices; topicRules: Partial<Record<TopicFamily, TopicRule>>; fanOuts?: LocalFanOut[] },
): Realtime {
  const { config, bus, clock, log, metrics, state, services } = deps
  const db = deps.database.db
  const hub = new Hub({ db, bus, log, metrics })
  const topics = createTopicRules(db, deps.topicRules)
  const gateway = new Gateway({ db, config, clock, log, metrics, bus, hub, presence: state.presence, topics, services })
  const sockets: LocalSockets = {
    usersFollowingThemselves: () => hub.followedIds('user'),
    sendHere: (events, publishedAt) => {
      for (const event of events) hub.deliverHere(event, publishedAt)
    },
  }
  const fanOutStops = (deps.fanOuts ?? []).map((start) => start(sockets))
  const timers = [
    setInterval(() => gateway.sweep(), SWEEP_MS),
    setInterval(() => void state.presence.heartbeat(), heartbeatMsFor(config.presenceTtlMs)),
    setInterval(() => void pruneEvents(db, clock.now()).catch((error: unknown) => log.error('event pruning failed', { error })), PRUNE_MS),
  ]
  for (const timer of timers) timer.unref()
  let closing: Promise<void> | null = null
  return {
    routes: realtimeRoutes(deps, { tickets: state.tickets, gateway, hub, presence: state.presence }),
    isViewing: state.isViewing,
    stats: () => ({ connections: gateway.count(), ...hub.stats() }),
    close: () =>
      (closing ??= (async () => {
        for (const timer of timers) clearInterval(timer)
        for (const stop of fanOutStops) stop()
        gateway.stop()
        await state.close()
        hub.close()
      })()),
  }
}

function realtimeRoutes(
  deps: RealtimeDeps,
  parts: { tickets: Tickets; gateway: Gateway; hub: Hub; presence: Presence },
) {
  const { tickets, gateway, hub, presence } = parts
  const { config, clock, limiter } = deps
  const db = deps.database.db
  return new Elysia({ name: 'realtime' })
    .use(authPlugin(deps))
    .use(rateLimitPlugin({ limiter, clock, trustProxy: config.trustProxy }))
    .post(
      '/api/v1/realtime/ticket',
      // The auth macro accepted the header, so it is `Bearer <token>`.
      ({ headers }) => tickets.issue(headers.authorization!.slice('Bearer '.length)),
      {
        auth: true,
        rateLimit: [TICKET_LIMITS.perUser, TICKET_LIMITS.perAddress],
        response: { 200: t.Object({ ticket: t.String(), expiresAt: t.Date() }) },
        detail: {
          tags: ['Realtime'],
          summary: `A single-use ticket for /ws?ticket=… (valid ${TICKET_TTL_MS / 1000} s): the socket's proof of sign-in, so no token goes in a URL`,
        },
      },
    )
    .get(
      '/api/v1/users/:id/presence',
      async ({ params }) => {
        if (!(await canSeeUser(db, params.id))) throw new AppError('not_found', 'No such user')
        return presence.status(params.id)
      },
      {
        params: t.Object({ id: idSchema('usr') }),
        response: { 200: PresenceData, 404: ErrorResponse },
        detail: { tags: ['Users'], summary: 'Online, or when last seen (live on the topic presence:<userId>)' },
      },
    )
    .resolve(async ({ query, request, server }) => {
      // Browsers always send Origin on a WebSocket; other clients (apps, tests) may not, and could
      // forge it anyway. The ticket is the authentication; Origin stops other sites' pages.
      const origin = request.headers.get('origin')
      if (origin !== null && !config.allowedOrigins.includes(origin)) throw new AppError('forbidden', 'This origin may not open the socket')
      const accessToken = typeof query.ticket === 'string' ? await tickets.redeem(query.ticket) : null
      const socketAuth = accessToken === null ? null : await gateway.authenticate(accessToken)
      if (socketAuth === null) throw new AppError('unauthorized', 'Connect with a fresh ticket from POST /api/v1/realtime/ticket')
      if (server !== null) hub.bind(server)
      return { socketAuth }
    })
    // A WS route of Elysia's without `.ws()`: the gateway upgrades with its own small socket data
    // (see SocketEvents in gateway.ts), so no request context stays alive per socket.
    .route('WS', '/ws', ({ request, server, socketAuth }) => gateway.upgrade(server, request, socketAuth), {
      detail: { tags: ['Realtime'], summary: 'The socket: /ws?ticket=… (messages: src/realtime/protocol.ts)' },
    })
}
