import type Redis from 'ioredis'
import type { Clock } from '../lib/clock'
import type { Logger } from '../lib/log'
import type { Bus } from '../lib/bus'
import type { EphemeralEvent, PresenceData, TypingData } from './protocol'

/**
 * A connection not refreshed for this long is gone (its process died). The default of
 * PRESENCE_TTL_MS (config); every store takes the configured value.
 */
export const PRESENCE_TTL_MS = 45_000

/**
 * How often an instance refreshes its connections and looks for users whose instance died: a third
 * of the TTL, so one late heartbeat does not take a live user offline, and a killed instance's
 * users show offline within TTL + TTL/3 (≤ 60 s at the largest TTL config allows).
 */
export const heartbeatMsFor = (ttlMs: number) => Math.round(ttlMs / 3)
/** A typing indicator lasts this long unless repeated. */
export const TYPING_TTL_MS = 6_000

/** A socket following one of these topics counts as "viewing" it (chat, support: no notification then). */
export type ViewedTopic = `conversation:${string}` | `ticket:${string}`
const isViewedTopic = (topic: string): topic is ViewedTopic => topic.startsWith('conversation:') || topic.startsWith('ticket:')

export interface PresenceStatus {
  online: boolean
  lastSeenMs: number | null
}

/**
 * Connections per user with an expiry each: a user is online while one of them is alive, so
 * several tabs and devices (on any instance) count once.
 */
export interface PresenceStore {
  /** Adds a connection; true when the user was offline before it. */
  connect(userId: string, connId: string, nowMs: number): Promise<boolean>
  /** Removes a connection; true when it was the user's last. */
  disconnect(userId: string, connId: string, nowMs: number): Promise<boolean>
  /** Keeps these connections, and the topics they view, alive for another TTL. */
  refresh(connections: { userId: string; connId: string; viewing?: ViewedTopic[] }[], nowMs: number): Promise<void>
  /** Takes users whose every connection expired offline (each reported by one caller only). */
  expire(nowMs: number): Promise<{ userId: string; lastSeenMs: number }[]>
  status(userId: string, nowMs: number): Promise<PresenceStatus>
  /** Records that a connection follows the topic, until `unview` or the connection expires. */
  view(userId: string, connId: string, topic: ViewedTopic, nowMs: number): Promise<void>
  unview(userId: string, connId: string, topic: ViewedTopic): Promise<void>
  /** Whether a live connection of the user (on any instance) follows the topic. */
  isViewing(userId: string, topic: ViewedTopic, nowMs: number): Promise<boolean>
}

/** One instance: the process holds every connection, so its memory is the truth. */
export function createMemoryPresenceStore(ttlMs = PRESENCE_TTL_MS): PresenceStore {
  // Expired connections stay until `expire` takes them, as in Redis.
  const users = new Map<string, Map<string, number>>()
  const lastSeen = new Map<string, number>()
  // Per `<user> <topic>`: the viewing connections and their expiry.
  const views = new Map<string, Map<string, number>>()
  const isLive = (userId: string, nowMs: number) => [...(users.get(userId)?.values() ?? [])].some((until) => until > nowMs)
  const viewKey = (userId: string, topic: string) => `${userId} ${topic}`
  return {
    connect: async (userId, connId, nowMs) => {
      const wasOnline = isLive(userId, nowMs)
      const conns = users.get(userId) ?? new Map<string, number>()
      conns.set(connId, nowMs + ttlMs)
      users.set(userId, conns)
      return !wasOnline
    },
    disconnect: async (userId, connId, nowMs) => {
      if (users.get(userId)?.delete(connId) !== true || isLive(userId, nowMs)) return false
      users.delete(userId)
      lastSeen.set(userId, nowMs)
      return true
    },
    refresh: async (connections, nowMs) => {
      for (const { userId, connId, viewing = [] } of connections) {
        users.get(userId)?.set(connId, nowMs + ttlMs)
        for (const topic of viewing) views.get(viewKey(userId, topic))?.set(connId, nowMs + ttlMs)
      }
    },
    expire: async (nowMs) => {
      const gone: { userId: string; lastSeenMs: number }[] = []
      for (const [userId, conns] of users) {
        const latest = Math.max(...conns.values())
        if (latest > nowMs) continue
        users.delete(userId)
        lastSeen.set(userId, latest - ttlMs)
        gone.push({ userId, lastSeenMs: latest - ttlMs })
      }
      return gone
    },
    status: async (userId, nowMs) => (isLive(userId, nowMs) ? { online: true, lastSeenMs: null } : { online: false, lastSeenMs: lastSeen.get(userId) ?? null }),
    view: async (userId, connId, topic, nowMs) => {
      const key = viewKey(userId, topic)
      views.set(key, (views.get(key) ?? new Map<string, number>()).set(connId, nowMs + ttlMs))
    },
    unview: async (userId, connId, topic) => {
      const key = viewKey(userId, topic)
      const conns = views.get(key)
      if (conns?.delete(connId) === true && conns.size === 0) views.delete(key)
    },
    isViewing: async (userId, topic, nowMs) => [...(views.get(viewKey(userId, topic))?.values() ?? [])].some((until) => until > nowMs),
  }
}

// Keys: `<p>conns:<user>` sorted set of connections scored by expiry; `<p>online` sorted set of
// users scored by their latest connection expiry; `<p>seen:<user>` last-seen time;
// `<p>viewing:<user>:<topic>` sorted set of the user's connections following the topic, by expiry. Each script is
// one atomic step, so two instances never both announce the same transition.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local before = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[4], ARGV[1])
if before and tonumber(before) > tonumber(ARGV[3]) then return 0 end
return 1`
const DISCONNECT = `
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
return redis.call('ZREM', KEYS[2], ARGV[1])`
const EXPIRE = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, 500)
local out = {}
for i = 1, #gone, 2 do
  local seen = tonumber(gone[i + 1]) - tonumber(ARGV[2])
  redis.call('ZREM', KEYS[1], gone[i])
  redis.call('SET', ARGV[3] .. gone[i], seen)
  table.insert(out, gone[i])
  table.insert(out, tostring(seen))
end
return out`

/** Users per ZADD of `online` in a heartbeat. */
const ONLINE_PER_COMMAND = 1_000

/** Across instances: heartbeats with expiry in Redis, so a killed instance's users go offline. */
export function createRedisPresenceStore(redis: Redis, prefix = 'souk:presence:', ttlMs = PRESENCE_TTL_MS): PresenceStore {
  const conns = (userId: string) => `${prefix}conns:${userId}`
  const online = `${prefix}online`
  const seen = (userId: string) => `${prefix}seen:${userId}`
  const viewing = (userId: string, topic: string) => `${prefix}viewing:${userId}:${topic}`
  return {
    connect: async (userId, connId, nowMs) =>
      Number(await redis.eval(CONNECT, 2, conns(userId), online, userId, connId, nowMs, nowMs + ttlMs, ttlMs)) === 1,
    disconnect: async (userId, connId, nowMs) =>
      Number(await redis.eval(DISCONNECT, 3, conns(userId), online, seen(userId), userId, connId, nowMs)) === 1,
    refresh: async (connections, nowMs) => {
      if (connections.length === 0) return
      const until = nowMs + ttlMs
      // One ZADD per key with all its members, not one per connection: a heartbeat of 20,000
      // sockets of 2,000 users is ~4,000 commands instead of 60,000 (each a promise and closures
      // in ioredis, all garbage a moment later).
      const members = new Map<string, (string | number)[]>()
      const add = (key: string, member: string) => {
        const list = members.get(key)
        if (list === undefined) members.set(key, [until, member])
        else list.push(until, member)
      }
      const users = new Set<string>()
      for (const { userId, connId, viewing: topics = [] } of connections) {
        add(conns(userId), connId)
        users.add(userId)
        for (const topic of topics) add(viewing(userId, topic), connId)
      }
      const batch = redis.pipeline()
      for (const [key, list] of members) batch.zadd(key, ...list).pexpire(key, ttlMs)
      const everyone = [...users]
      for (let i = 0; i < everyone.length; i += ONLINE_PER_COMMAND) {
        batch.zadd(online, 'GT', ...everyone.slice(i, i + ONLINE_PER_COMMAND).flatMap((userId) => [until, userId]))
      }
      await batch.exec()
    },
    expire: async (nowMs) => {
      const flat = (await redis.eval(EXPIRE, 1, online, nowMs, ttlMs, `${prefix}seen:`)) as string[]
      const gone: { userId: string; lastSeenMs: number }[] = []
      for (let i = 0; i < flat.length; i += 2) gone.push({ userId: flat[i]!, lastSeenMs: Number(flat[i + 1]) })
      return gone
    },
    status: async (userId, nowMs) => {
      const [score, last] = await Promise.all([redis.zscore(online, userId), redis.get(seen(userId))])
      if (score !== null && Number(score) > nowMs) return { online: true, lastSeenMs: null }
      return { online: false, lastSeenMs: last === null ? null : Number(last) }
    },
    view: async (userId, connId, topic, nowMs) => {
      await redis.multi().zadd(viewing(userId, topic), nowMs + ttlMs, connId).pexpire(viewing(userId, topic), ttlMs).exec()
    },
    unview: async (userId, connId, topic) => {
      await redis.zrem(viewing(userId, topic), connId)
    },
    // Expired members (a killed instance's sockets) are past their score; the key itself expires.
    isViewing: async (userId, topic, nowMs) => (await redis.zcount(viewing(userId, topic), `(${nowMs}`, '+inf')) > 0,
  }
}

const toData = (userId: string, status: PresenceStatus): PresenceData => ({
  userId,
  online: status.online,
  lastSeenAt: status.lastSeenMs === null ? null : new Date(status.lastSeenMs).toISOString(),
})

/**
 * Presence of this instance's sockets: announces online/offline on `presence:<userId>` when a
 * user's first connection opens or last one closes (anywhere), refreshes the heartbeats of local
 * connections, and announces users whose instance stopped refreshing. Typing indicators are
 * ephemeral events with an expiry, published straight on their topic.
 */
export function createPresence(deps: { store: PresenceStore; bus: Bus; clock: Clock; log: Logger }) {
  const { store, bus, clock, log } = deps
  // This instance's connections (id -> user id), and the topics of those that view any: most
  // sockets view none, so an idle one costs an entry in `local` alone.
  const local = new Map<string, string>()
  const viewing = new Map<string, Set<ViewedTopic>>()
  const nowMs = () => clock.now().getTime()
  const announce = async (userId: string, status: PresenceStatus) => {
    const topic = `presence:${userId}` as const
    await bus.publish(topic, { type: 'event', topic, id: null, kind: 'presence', data: toData(userId, status) } satisfies EphemeralEvent)
  }
  const forget = async (connId: string, userId: string) => {
    const topics = viewing.get(connId) ?? []
    viewing.delete(connId)
    for (const topic of topics) await store.unview(userId, connId, topic)
  }
  // Presence is best effort: a store failure is logged, never thrown into a socket.
  const quietly = async (what: string, run: () => Promise<void>) => {
    try {
      await run()
    } catch (error) {
      log.warn('presence unavailable', { what, error: (error as Error).message })
    }
  }
  return {
    join: (userId: string, connId: string) =>
      quietly('join', async () => {
        local.set(connId, userId)
        if (await store.connect(userId, connId, nowMs())) await announce(userId, { online: true, lastSeenMs: null })
      }),
    leave: (userId: string, connId: string) =>
      quietly('leave', async () => {
        if (!local.delete(connId)) return
        await forget(connId, userId)
        const now = nowMs()
        if (await store.disconnect(userId, connId, now)) await announce(userId, { online: false, lastSeenMs: now })
      }),
    /**
     * Records that a connection follows a topic; only conversation topics are kept, the one
     * question asked of them being chat's "is the recipient viewing it" (isViewing).
     */
    view: (connId: string, topic: string) =>
      quietly('view', async () => {
        const userId = local.get(connId)
        if (userId === undefined || !isViewedTopic(topic)) return
        const topics = viewing.get(connId) ?? new Set()
        viewing.set(connId, topics.add(topic))
        await store.view(userId, connId, topic, nowMs())
        // Closed or unsubscribed while this was written: not left behind until expiry.
        if (viewing.get(connId)?.has(topic) !== true) await store.unview(userId, connId, topic)
      }),
    unview: (connId: string, topic: string) =>
      quietly('unview', async () => {
        const userId = local.get(connId)
        const topics = viewing.get(connId)
        if (userId === undefined || !isViewedTopic(topic) || topics?.delete(topic) !== true) return
        if (topics.size === 0) viewing.delete(connId)
        await store.unview(userId, connId, topic)
      }),
    /**
     * Whether one of the user's sockets, on any instance, follows the topic. When the store does not
     * answer it says no: a notification too many rather than a message missed.
     */
    async isViewing(userId: string, topic: ViewedTopic): Promise<boolean> {
      try {
        return await store.isViewing(userId, topic, nowMs())
      } catch (error) {
        log.warn('presence unavailable', { what: 'isViewing', error: (error as Error).message })
        return false
      }
    },
    heartbeat: () =>
      quietly('heartbeat', async () => {
        const now = nowMs()
        const connections: Parameters<PresenceStore['refresh']>[0] = []
        for (const [connId, userId] of local) {
          const topics = viewing.get(connId)
          connections.push(topics === undefined ? { userId, connId } : { userId, connId, viewing: [...topics] })
        }
        await store.refresh(connections, now)
        for (const gone of await store.expire(now)) await announce(gone.userId, { online: false, lastSeenMs: gone.lastSeenMs })
      }),
    async status(userId: string): Promise<PresenceData> {
      return toData(userId, await store.status(userId, nowMs()))
    },
    typing: async (topic: `conversation:${string}`, userId: string, typing: boolean) => {
      const data: TypingData = { userId, typing, expiresAt: new Date(nowMs() + TYPING_TTL_MS).toISOString() }
      await bus.publish(topic, { type: 'event', topic, id: null, kind: 'typing', data } satisfies EphemeralEvent)
    },
    /** Takes every local connection offline (graceful stop), so users do not wait for expiry. */
    leaveAll: async () => {
      const now = nowMs()
      await quietly('leaveAll', async () => {
        for (const [connId, userId] of [...local]) {
          local.delete(connId)
          await forget(connId, userId)
          if (await store.disconnect(userId, connId, now)) await announce(userId, { online: false, lastSeenMs: now })
        }
      })
    },
  }
}

export type Presence = ReturnType<typeof createPresence>
