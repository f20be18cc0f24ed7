import Redis, { ReplyError } from 'ioredis'
import { AppError } from './errors'
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
  /**
   * Replaces the live value of `key` with `change(value)` and sets it for `ttlMs` from `nowMs`, in
   * one step as to concurrent writers (none of their changes is lost); answers the new value, or null
   * when `key` holds no live value (nothing is written). `change` must be pure: it may run again.
   */
  update<T>(key: string, change: (value: T) => T, ttlMs: number, nowMs: number): Promise<T | null>
  /** Reads and deletes `key` in one step: of concurrent callers, one gets the value, the others null. */
  take<T>(key: string, nowMs: number): Promise<T | null>
  delete(key: string): Promise<void>
  close(): Promise<void>
}

const SWEEP_EVERY = 1_000

export function createMemoryEphemeralStore(): EphemeralStore {
  // Values are kept as JSON text, as Redis keeps them: every read parses a copy of its own, so a
  // caller never shares an object with the store.
  const entries = new Map<string, { e: number; json: string }>()
  let ops = 0
  // Without a sweep, the values of guests who never came back would stay forever.
  const sweep = (nowMs: number) => {
    if (++ops % SWEEP_EVERY !== 0) return
    for (const [key, entry] of entries) if (entry.e <= nowMs) entries.delete(key)
  }
  const read = <T>(key: string, nowMs: number): T | null => {
    const entry = entries.get(key)
    return entry !== undefined && entry.e > nowMs ? (JSON.parse(entry.json) as T) : null
  }
  const write = (key: string, value: unknown, ttlMs: number, nowMs: number) => entries.set(key, { e: nowMs + ttlMs, json: JSON.stringify(value) })
  return {
    kind: 'memory',
    get: async <T>(key: string, nowMs: number) => {
      sweep(nowMs)
      return read<T>(key, nowMs)
    },
    set: async (key, value, ttlMs, nowMs) => {
      sweep(nowMs)
      write(key, value, ttlMs, nowMs)
    },
    setIfAbsent: async (key, value, ttlMs, nowMs) => {
      sweep(nowMs)
      if (read(key, nowMs) !== null) return false
      write(key, value, ttlMs, nowMs)
      return true
    },
    // Synchronous from the read to the write: no other caller runs in between.
    update: async <T>(key: string, change: (value: T) => T, ttlMs: number, nowMs: number) => {
      sweep(nowMs)
      const value = read<T>(key, nowMs)
      if (value === null) return null
      const next = change(value)
      write(key, next, ttlMs, nowMs)
      return next
    },
    take: async <T>(key: string, nowMs: number) => {
      const value = read<T>(key, nowMs)
      entries.delete(key)
      return value
    },
    delete: async (key) => {
      entries.delete(key)
    },
    close: async () => {},
  }
}

interface Entry {
  /** When it expires (ms since the epoch, by the app's clock). */
  e: number
  v: unknown
}

const live = <T>(entry: Entry | null, nowMs: number): T | null => (entry !== null && entry.e > nowMs ? (entry.v as T) : null)

/** Replies of a Redis that cannot serve for now: a 503 like one out of reach. */
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN)\b/

/** Concurrent writers an update outlasts before giving up (each failed try means another's change landed). */
const UPDATE_TRIES = 20
const busy = () => new AppError('conflict', 'Too many changes at once: try again')

// A value whose expiry (by the app's clock) passed counts as absent, though Redis may still hold it.
const SET_IF_ABSENT = `
local old = redis.call('GET', KEYS[1])
if old and cjson.decode(old).e > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`
// Compare and set: writes only when the key still holds the text the caller read.
const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`

/**
 * Values in Redis under `prefix`, as `{ e: expiry, v: value }` JSON. Unlike the rate limiter it does
 * not fail open: a lost value is an error, and Redis out of reach is a 503 (not_ready).
 */
export function createRedisEphemeralStore(url: string, log: Logger, prefix = 'souk:eph:'): EphemeralStore {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectionName: 'souk-ephemeral',
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  })
  redis.on('error', (error) => log.warn('redis connection error', { error: error.message }))
  // Redis's refusal of a command (a ReplyError) is our bug, a 500, unless it says Redis cannot serve
  // now (loading after a restart, a replica after a failover, busy); anything else is Redis out of reach.
  const reach = <T>(command: Promise<T>): Promise<T> =>
    command.catch((error: unknown) => {
      if (error instanceof ReplyError && !UNAVAILABLE_REPLY.test((error as Error).message)) throw error
      throw new AppError('not_ready', 'This is unavailable right now; try again shortly')
    })
  const parse = (raw: string | null): Entry | null => (raw === null ? null : (JSON.parse(raw) as Entry))
  const entry = (value: unknown, ttlMs: number, nowMs: number) => JSON.stringify({ e: nowMs + ttlMs, v: value } satisfies Entry)
  // Redis's expiry only collects garbage: at least a second, whatever the app's clock says.
  const px = (ttlMs: number) => Math.max(ttlMs, 1_000)
  return {
    kind: 'redis',
    get: async <T>(key: string, nowMs: number) => live<T>(parse(await reach(redis.get(prefix + key))), nowMs),
    set: async (key, value, ttlMs, nowMs) => {
      await reach(redis.set(prefix + key, entry(value, ttlMs, nowMs), 'PX', px(ttlMs)))
    },
    setIfAbsent: async (key, value, ttlMs, nowMs) => Number(await reach(redis.eval(SET_IF_ABSENT, 1, prefix + key, entry(value, ttlMs, nowMs), nowMs, px(ttlMs)))) === 1,
    // Read, change, and write only if nobody wrote meanwhile; else read again.
    update: async <T>(key: string, change: (value: T) => T, ttlMs: number, nowMs: number) => {
      for (let tries = 0; tries < UPDATE_TRIES; tries++) {
        const raw = await reach(redis.get(prefix + key))
        const value = live<T>(parse(raw), nowMs)
        if (value === null) return null
        const next = change(value)
        if (Number(await reach(redis.eval(REPLACE, 1, prefix + key, raw!, entry(next, ttlMs, nowMs), px(ttlMs)))) === 1) return next
      }
      throw busy()
    },
    take: async <T>(key: string, nowMs: number) => live<T>(parse(await reach(redis.getdel(prefix + key))), nowMs),
    delete: async (key) => {
      await reach(redis.del(prefix + key))
    },
    close: async () => {
      await redis.quit().catch(() => {})
    },
  }
}

export function createEphemeralStore(redisUrl: string | null, log: Logger, prefix?: string): EphemeralStore {
  return redisUrl === null ? createMemoryEphemeralStore() : createRedisEphemeralStore(redisUrl, log, prefix)
}
