import { randomUUID } from 'node:crypto'
import { Elysia } from 'elysia'
import Redis from 'ioredis'
import type { Clock } from './clock'
import { AppError, ErrorResponse } from './errors'
import type { Logger } from './log'

/**
 * Counters and locks shared by every instance (Redis) or kept in this process (memory).
 * Time is always passed in by the caller (from the app's Clock), never read from the store, so
 * tests move time instead of sleeping; store-side expiry only collects garbage.
 */
export interface RateLimiter {
  readonly kind: 'memory' | 'redis'
  /** Takes one slot of `limit` per sliding `windowMs`; a refused call takes none. */
  consume(key: string, limit: number, windowMs: number, nowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>
  /** Records one event and answers how many fell within the last `windowMs`, this one included. */
  hit(key: string, windowMs: number, nowMs: number): Promise<number>
  lock(key: string, untilMs: number, nowMs: number): Promise<void>
  /** When the lock on `key` ends, or null when there is none. */
  lockedUntil(key: string, nowMs: number): Promise<number | null>
  /** Forgets the events and the lock of `key`. */
  reset(key: string): Promise<void>
  close(): Promise<void>
}

const SWEEP_EVERY = 1_000

export function createMemoryRateLimiter(): RateLimiter {
  const logs = new Map<string, { times: number[]; windowMs: number }>()
  const locks = new Map<string, number>()
  let ops = 0
  // Without a sweep, keys of one-off visitors would stay forever.
  const sweep = (nowMs: number) => {
    if (++ops % SWEEP_EVERY !== 0) return
    for (const [key, log] of logs) if ((log.times.at(-1) ?? 0) + log.windowMs <= nowMs) logs.delete(key)
    for (const [key, until] of locks) if (until <= nowMs) locks.delete(key)
  }
  const windowOf = (key: string, windowMs: number, nowMs: number) => {
    const log = logs.get(key) ?? { times: [], windowMs }
    log.windowMs = windowMs
    log.times = log.times.filter((time) => time > nowMs - windowMs)
    logs.set(key, log)
    return log.times
  }
  return {
    kind: 'memory',
    consume: async (key, limit, windowMs, nowMs) => {
      sweep(nowMs)
      const times = windowOf(key, windowMs, nowMs)
      if (times.length < limit) {
        times.push(nowMs)
        return { allowed: true, retryAfterMs: 0 }
      }
      return { allowed: false, retryAfterMs: times[0]! + windowMs - nowMs }
    },
    hit: async (key, windowMs, nowMs) => {
      sweep(nowMs)
      const times = windowOf(key, windowMs, nowMs)
      times.push(nowMs)
      return times.length
    },
    lock: async (key, untilMs) => {
      locks.set(key, untilMs)
    },
    lockedUntil: async (key, nowMs) => {
      const until = locks.get(key)
      return until !== undefined && until > nowMs ? until : null
    },
    reset: async (key) => {
      logs.delete(key)
      locks.delete(key)
    },
    close: async () => {},
  }
}

// Sliding logs in sorted sets scored by time; each script is one atomic step, so concurrent
// instances cannot both take the last slot.
const CONSUME = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[3])`
const HIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[1]))
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])`

/**
 * Limits that hold across instances. If Redis does not answer, limits fail open (logged): an
 * outage of the limiter must not stop every sign-in.
 */
export function createRedisRateLimiter(url: string, log: Logger, prefix = 'souk:rl:'): RateLimiter {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectionName: 'souk-rate-limit',
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  })
  redis.on('error', (error) => log.warn('redis connection error', { error: error.message }))
  const events = (key: string) => `${prefix}ev:${key}`
  const lockKey = (key: string) => `${prefix}lock:${key}`
  const failOpen = async <T>(what: string, fallback: T, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      log.warn('rate limiter unavailable; allowing', { what, error: (error as Error).message })
      return fallback
    }
  }
  return {
    kind: 'redis',
    consume: (key, limit, windowMs, nowMs) =>
      failOpen('consume', { allowed: true, retryAfterMs: 0 }, async () => {
        const wait = Number(await redis.eval(CONSUME, 1, events(key), limit, windowMs, nowMs, randomUUID()))
        return { allowed: wait === 0, retryAfterMs: wait }
      }),
    hit: (key, windowMs, nowMs) =>
      failOpen('hit', 0, async () => Number(await redis.eval(HIT, 1, events(key), windowMs, nowMs, randomUUID()))),
    lock: (key, untilMs, nowMs) =>
      failOpen('lock', undefined, async () => {
        await redis.set(lockKey(key), String(untilMs), 'PX', Math.max(untilMs - nowMs, 1))
      }),
    lockedUntil: (key, nowMs) =>
      failOpen('lockedUntil', null, async () => {
        const until = Number(await redis.get(lockKey(key)))
        return until > nowMs ? until : null
      }),
    reset: (key) =>
      failOpen('reset', undefined, async () => {
        await redis.del(events(key), lockKey(key))
      }),
    close: async () => {
      await redis.quit().catch(() => {})
    },
  }
}

export function createRateLimiter(redisUrl: string | null, log: Logger, prefix?: string): RateLimiter {
  return redisUrl === null ? createMemoryRateLimiter() : createRedisRateLimiter(redisUrl, log, prefix)
}

/** The 429 every limit answers; `details.retryAfter` is in whole seconds. */
export function rateLimitedError(retryAfterMs: number, message = 'Too many attempts'): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new AppError('rate_limited', `${message}; try again in ${retryAfter} s`, { retryAfter })
}

/**
 * The caller's address. Behind a proxy (TRUST_PROXY) it is the last X-Forwarded-For entry,
 * the one our proxy appended; earlier entries are whatever the client sent.
 * TODO: assumes a single proxy hop.
 */
export function clientIpOf(request: Request, server: { requestIP(request: Request): { address: string } | null } | null, trustProxy: boolean): string {
  if (trustProxy) {
    const last = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (last !== undefined && last !== '') return last
  }
  return server?.requestIP(request)?.address ?? 'unknown'
}

/** One route's allowance: `limit` requests per `windowMs` per client address, or per user. */
export interface RouteLimit {
  scope: string
  limit: number
  windowMs: number
  /**
   * `address` (the default): per client address. `user`: per signed-in user (as resolved by the
   * `auth` or `viewer` macro on the same route), per address for an anonymous caller; people
   * sharing one address (an office, a mobile carrier) then do not use up each other's allowance.
   */
  per?: 'address' | 'user'
}

/**
 * The `rateLimit` macro: `{ rateLimit: { scope: 'login', limit: 20, windowMs: 15 * MINUTE } }`
 * counts per client address and answers 429 past the limit. It counts in `transform`, before
 * validation, so malformed floods count too; it also resolves `clientIp` for the handler.
 * With `per: 'user'` it counts once the caller is known (before the handler, after validation).
 * A list of rules applies each (a per-user allowance under a looser per-address ceiling).
 */
export function rateLimitPlugin(deps: { limiter: RateLimiter; clock: Clock; trustProxy: boolean }) {
  const take = async (rule: RouteLimit, who: string) => {
    const { allowed, retryAfterMs } = await deps.limiter.consume(`route:${rule.scope}:${who}`, rule.limit, rule.windowMs, deps.clock.now().getTime())
    if (!allowed) throw rateLimitedError(retryAfterMs, 'Too many requests')
  }
  type Caller = { id: string } | null | undefined
  return new Elysia({ name: 'rate-limit' }).macro({
    rateLimit: (rules: RouteLimit | readonly RouteLimit[]) => {
      const all = ([] as RouteLimit[]).concat(rules)
      const perAddress = all.filter((rule) => rule.per !== 'user')
      const perUser = all.filter((rule) => rule.per === 'user')
      return {
        response: { 429: ErrorResponse },
        async transform({ request, server }) {
          for (const rule of perAddress) await take(rule, clientIpOf(request, server, deps.trustProxy))
        },
        async beforeHandle(context) {
          if (perUser.length === 0) return
          const { user, viewer } = context as { user?: Caller; viewer?: Caller }
          const caller = user ?? viewer
          const who = caller == null ? clientIpOf(context.request, context.server, deps.trustProxy) : `user:${caller.id}`
          for (const rule of perUser) await take(rule, who)
        },
        resolve: ({ request, server }) => ({ clientIp: clientIpOf(request, server, deps.trustProxy) }),
      }
    },
  })
}
