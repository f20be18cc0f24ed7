import { createHash, randomBytes } from 'node:crypto'
import type Redis from 'ioredis'
import type { Clock } from '../lib/clock'
import type { RouteLimit } from '../lib/rate-limit'

/** How long a ticket may wait before the socket that uses it connects. */
export const TICKET_TTL_MS = 30_000

const MINUTE = 60_000

/**
 * Tickets are counted per user, so the people behind one address (an office NAT, a carrier's
 * proxy) do not use up each other's; the per-address ceiling, ten users' worth, still stops one
 * machine from cycling through stolen tokens.
 */
export const TICKET_LIMITS = {
  perUser: { scope: 'realtime-ticket', limit: 60, windowMs: MINUTE, per: 'user' },
  perAddress: { scope: 'realtime-ticket-address', limit: 600, windowMs: MINUTE },
} as const satisfies Record<string, RouteLimit>

/** Single-use values with a lifetime; `take` answers a value at most once. */
export interface TicketStore {
  put(key: string, value: string, ttlMs: number): Promise<void>
  take(key: string): Promise<string | null>
}

export function createMemoryTicketStore(): TicketStore {
  const entries = new Map<string, { value: string; until: number }>()
  return {
    put: async (key, value, ttlMs) => {
      const now = performance.now()
      // Unused tickets would pile up otherwise; a put is a fine moment to drop the stale ones.
      for (const [k, entry] of entries) if (entry.until <= now) entries.delete(k)
      entries.set(key, { value, until: now + ttlMs })
    },
    take: async (key) => {
      const entry = entries.get(key)
      entries.delete(key)
      return entry !== undefined && entry.until > performance.now() ? entry.value : null
    },
  }
}

/** In Redis, so a ticket issued by one instance opens a socket on another. */
export function createRedisTicketStore(redis: Redis, prefix = 'souk:ticket:'): TicketStore {
  return {
    put: async (key, value, ttlMs) => {
      await redis.set(prefix + key, value, 'PX', ttlMs)
    },
    take: (key) => redis.getdel(prefix + key),
  }
}

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex')

interface Stored {
  accessToken: string
  expiresAtMs: number
}

/**
 * Socket tickets: a browser cannot set headers on a WebSocket, and a long-lived token in a URL
 * ends up in logs, so the client trades its access token (over an authenticated POST) for a
 * random single-use ticket valid TICKET_TTL_MS, and connects with `/ws?ticket=`. The server
 * keeps the access token behind the ticket and checks it again when the socket connects.
 */
export function createTickets(store: TicketStore, clock: Clock) {
  return {
    async issue(accessToken: string): Promise<{ ticket: string; expiresAt: Date }> {
      const ticket = randomBytes(32).toString('base64url')
      const expiresAtMs = clock.now().getTime() + TICKET_TTL_MS
      await store.put(hash(ticket), JSON.stringify({ accessToken, expiresAtMs } satisfies Stored), TICKET_TTL_MS)
      return { ticket, expiresAt: new Date(expiresAtMs) }
    },
    /** The access token behind a ticket, once; null when unknown, used or expired. */
    async redeem(ticket: string): Promise<string | null> {
      const raw = await store.take(hash(ticket))
      if (raw === null) return null
      const stored = JSON.parse(raw) as Stored
      // The app's clock decides, not the store's own expiry (tests move the clock).
      return stored.expiresAtMs > clock.now().getTime() ? stored.accessToken : null
    },
  }
}

export type Tickets = ReturnType<typeof createTickets>
