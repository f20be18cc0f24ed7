import type Redis from 'ioredis'
import type { Clock } from '../lib/clock'
import type { Logger } from '../lib/log'
import type { Bus } from './bus'
import type { EphemeralEvent, PresenceData, TypingData } from './protocol'

/** A connection not refreshed for this long is gone (its process died): ≤ 60 s to show offline. */
export const PRESENCE_TTL_MS = 45_000
/** How often an instance refreshes its connections and looks for users whose instance died. */
export const HEARTBEAT_MS = 15_000
/** A typing indicator lasts this long unless repeated. */
export const TYPING_TTL_MS = 6_000

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
  /** Keeps these connections alive for another PRESENCE_TTL_MS. */
  refresh(connections: { userId: string; connId: string }[], nowMs: number): Promise<void>
  /** Takes users whose every connection expired offline (each reported by one caller only). */
  expire(nowMs: number): Promise<{ userId: string; lastSeenMs: number }[]>
  status(userId: string, nowMs: number): Promise<PresenceStatus>
}

/** One instance: the process holds every connection, so its memory is the truth. */
export function createMemoryPresenceStore(): PresenceStore {
  // Expired connections stay until `expire` takes them, as in Redis.
  const users = new Map<string, Map<string, number>>()
  const lastSeen = new Map<string, number>()
  const isLive = (userId: string, nowMs: number) => [...(users.get(userId)?.values() ?? [])].some((until) => until > nowMs)
  return {
    connect: async (userId, connId, nowMs) => {
      const wasOnline = isLive(userId, nowMs)
      const conns = users.get(userId) ?? new Map<string, number>()
      conns.set(connId, nowMs + PRESENCE_TTL_MS)
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
      for (const { userId, connId } of connections) users.get(userId)?.set(connId, nowMs + PRESENCE_TTL_MS)
    },
    expire: async (nowMs) => {
      const gone: { userId: string; lastSeenMs: number }[] = []
      for (const [userId, conns] of users) {
        const latest = Math.max(...conns.values())
        if (latest > nowMs) continue
        users.delete(userId)
        lastSeen.set(userId, latest - PRESENCE_TTL_MS)
        gone.push({ userId, lastSeenMs: latest - PRESENCE_TTL_MS })
      }
      return gone
    },
    status: async (userId, nowMs) => (isLive(userId, nowMs) ? { online: true, lastSeenMs: null } : { online: false, lastSeenMs: lastSeen.get(userId) ?? null }),
  }
}

// Keys: `<p>conns:<user>` sorted set of connections scored by expiry; `<p>online` sorted set of
// users scored by their latest connection expiry; `<p>seen:<user>` last-seen time. Each script is
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

/** Across instances: heartbeats with expiry in Redis, so a killed instance's users go offline. */
export function createRedisPresenceStore(redis: Redis, prefix = 'souk:presence:'): PresenceStore {
  const conns = (userId: string) => `${prefix}conns:${userId}`
  const online = `${prefix}online`
  const seen = (userId: string) => `${prefix}seen:${userId}`
  return {
    connect: async (userId, connId, nowMs) =>
      Number(await redis.eval(CONNECT, 2, conns(userId), online, userId, connId, nowMs, nowMs + PRESENCE_TTL_MS, PRESENCE_TTL_MS)) === 1,
    disconnect: async (userId, connId, nowMs) =>
      Number(await redis.eval(DISCONNECT, 3, conns(userId), online, seen(userId), userId, connId, nowMs)) === 1,
    refresh: async (connections, nowMs) => {
      if (connections.length === 0) return
      const until = nowMs + PRESENCE_TTL_MS
      const batch = redis.pipeline()
      for (const { userId, connId } of connections) {
        batch.zadd(conns(userId), until, connId).pexpire(conns(userId), PRESENCE_TTL_MS).zadd(online, 'GT', until, userId)
      }
      await batch.exec()
    },
    expire: async (nowMs) => {
      const flat = (await redis.eval(EXPIRE, 1, online, nowMs, PRESENCE_TTL_MS, `${prefix}seen:`)) as string[]
      const gone: { userId: string; lastSeenMs: number }[] = []
      for (let i = 0; i < flat.length; i += 2) gone.push({ userId: flat[i]!, lastSeenMs: Number(flat[i + 1]) })
      return gone
    },
    status: async (userId, nowMs) => {
      const [score, last] = await Promise.all([redis.zscore(online, userId), redis.get(seen(userId))])
      if (score !== null && Number(score) > nowMs) return { online: true, lastSeenMs: null }
      return { online: false, lastSeenMs: last === null ? null : Number(last) }
    },
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
  const local = new Map<string, string>()
  const nowMs = () => clock.now().getTime()
  const announce = async (userId: string, status: PresenceStatus) => {
    const topic = `presence:${userId}` as const
    await bus.publish(topic, { type: 'event', topic, id: null, kind: 'presence', data: toData(userId, status) } satisfies EphemeralEvent)
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
        const now = nowMs()
        if (await store.disconnect(userId, connId, now)) await announce(userId, { online: false, lastSeenMs: now })
      }),
    heartbeat: () =>
      quietly('heartbeat', async () => {
        const now = nowMs()
        await store.refresh([...local].map(([connId, userId]) => ({ userId, connId })), now)
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
          if (await store.disconnect(userId, connId, now)) await announce(userId, { online: false, lastSeenMs: now })
        }
      })
    },
  }
}

export type Presence = ReturnType<typeof createPresence>
