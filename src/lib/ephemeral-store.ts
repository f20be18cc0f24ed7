import Redis from 'ioredis'
import type { Logger } from './log'

/**
 * Short-lived JSON values shared by every instance (Redis) or kept in this process (memory): what
 * must never reach the database (a guest's help conversation) yet outlive one request. Like the
 * rate limiter, time comes from the caller (the app's Clock): each value carries its expiry, which
 * reads check against `nowMs`, so tests move time instead of sleeping; Redis's own expiry (PX)
 * only collects garbage.
 */
export interface EphemeralStore {
  readonly kind: 'memory' | 'redis'
  /** The value of `key`, or null when there is none or it expired. */
  get<T>(key: string, nowMs: number): Promise<T | null>
  /** Sets `key` for `ttlMs` from `nowMs` (replacing any value). */
  set(key: string, value: unknown, ttlMs: number, nowMs: number): Promise<void>
  /** Sets `key` only when it holds no live value; answers whether this call set it (one of concurrent callers wins). */
  setIfAbsent(key: string, value: unknown, ttlMs: number, nowMs: number): Promise<boolean>
  /** Reads and deletes `key` in one step: of concurrent callers, one gets the value, the others null. */
  take<T>(key: string, nowMs: number): Promise<T | null>
  delete(key: string): Promise<void>
  close(): Promise<void>
}

interface Entry {
  /** When it expires (ms since the epoch, by the app's clock). */
  e: number
  v: unknown
}

const live = <T>(entry: Entry | null, nowMs: number): T | null => (entry !== null && entry.e > nowMs ? (entry.v as T) : null)

const SWEEP_EVERY = 1_000

export function createMemoryEphemeralStore(): EphemeralStore {
  const entries = new Map<string, Entry>()
  let ops = 0
  // Without a sweep, the values of guests who never came back would stay forever.
  const sweep = (nowMs: number) => {
    if (++ops % SWEEP_EVERY !== 0) return
    for (const [key, entry] of entries) if (entry.e <= nowMs) entries.delete(key)
  }
  // Values are copied through JSON, as Redis stores them: a caller never shares an object with the store.
  const copy = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown
  return {
    kind: 'memory',
    get: async <T>(key: string, nowMs: number) => {
      sweep(nowMs)
      return live<T>(entries.get(key) ?? null, nowMs)
    },
    set: async (key, value, ttlMs, nowMs) => {
      sweep(nowMs)
      entries.set(key, { e: nowMs + ttlMs, v: copy(value) })
    },
    setIfAbsent: async (key, value, ttlMs, nowMs) => {
      sweep(nowMs)
      if (live(entries.get(key) ?? null, nowMs) !== null) return false
      entries.set(key, { e: nowMs + ttlMs, v: copy(value) })
      return true
    },
    take: async <T>(key: string, nowMs: number) => {
      const entry = entries.get(key) ?? null
      entries.delete(key)
      return live<T>(entry, nowMs)
    },
    delete: async (key) => {
      entries.delete(key)
    },
    close: async () => {},
  }
}

// A value whose expiry (by the app's clock) passed counts as absent, though Redis may still hold it.
const SET_IF_ABSENT = `
local old = redis.call('GET', KEYS[1])
if old and cjson.decode(old).e > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`

/** Values in Redis under `prefix`, as `{ e: expiry, v: value }` JSON. Unlike the rate limiter it does not fail open: a lost value is an error. */
export function createRedisEphemeralStore(url: string, log: Logger, prefix = 'souk:eph:'): EphemeralStore {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectionName: 'souk-ephemeral',
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  })
  redis.on('error', (error) => log.warn('redis connection error', { error: error.message }))
  const parse = (raw: string | null): Entry | null => (raw === null ? null : (JSON.parse(raw) as Entry))
  const entry = (value: unknown, ttlMs: number, nowMs: number) => JSON.stringify({ e: nowMs + ttlMs, v: value } satisfies Entry)
  // Redis's expiry only collects garbage: at least a second, whatever the app's clock says.
  const px = (ttlMs: number) => Math.max(ttlMs, 1_000)
  return {
    kind: 'redis',
    get: async <T>(key: string, nowMs: number) => live<T>(parse(await redis.get(prefix + key)), nowMs),
    set: async (key, value, ttlMs, nowMs) => {
      await redis.set(prefix + key, entry(value, ttlMs, nowMs), 'PX', px(ttlMs))
    },
    setIfAbsent: async (key, value, ttlMs, nowMs) => Number(await redis.eval(SET_IF_ABSENT, 1, prefix + key, entry(value, ttlMs, nowMs), nowMs, px(ttlMs))) === 1,
    take: async <T>(key: string, nowMs: number) => live<T>(parse(await redis.getdel(prefix + key)), nowMs),
    delete: async (key) => {
      await redis.del(prefix + key)
    },
    close: async () => {
      await redis.quit().catch(() => {})
    },
  }
}

export function createEphemeralStore(redisUrl: string | null, log: Logger, prefix?: string): EphemeralStore {
  return redisUrl === null ? createMemoryEphemeralStore() : createRedisEphemeralStore(redisUrl, log, prefix)
}
