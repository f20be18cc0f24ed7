import { randomUUID } from 'node:crypto'
import Redis from 'ioredis'
import type { Logger } from './log'

/** `publishedAt`: busTime() when the message was published, on whichever instance. */
export type BusHandler = (message: unknown, publishedAt: number) => void

/** Milliseconds since the epoch, sub-millisecond: comparable across the instances of one machine. */
export function busTime(): number {
  return performance.timeOrigin + performance.now()
}

/** Removes a subscription when called. */
export interface Unsubscribe {
  (): void
  /**
   * Resolves once messages published on any instance reach the handler (the Redis SUBSCRIBE is
   * acknowledged, or failed: local delivery works either way). Read a log after it, not before,
   * and nothing published in between is missed.
   */
  readonly ready: Promise<void>
}

/**
 * What modules publish through and the gateway listens on. Delivery to this instance's
 * subscribers is immediate; a Redis-backed bus also carries the message to every other instance.
 */
export interface Bus {
  readonly kind: 'local' | 'redis'
  publish(topic: string, message: unknown): Promise<void>
  subscribe(topic: string, handler: BusHandler): Unsubscribe
  /**
   * Calls `listener` each time the transport is back after losing its connection, once it
   * receives again: what other instances published meanwhile never arrived. Returns its removal.
   */
  onResume(listener: () => void): () => void
  /** Resolves when the transport answers; throws otherwise (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}

class LocalTopics {
  private readonly handlers = new Map<string, Set<BusHandler>>()

  /** Adds a handler; reports whether it is the topic's first. */
  add(topic: string, handler: BusHandler): boolean {
    let set = this.handlers.get(topic)
    const first = set === undefined
    if (set === undefined) this.handlers.set(topic, (set = new Set()))
    set.add(handler)
    return first
  }

  /** Removes a handler; reports whether the topic is now empty. */
  remove(topic: string, handler: BusHandler): boolean {
    const set = this.handlers.get(topic)
    if (set === undefined || !set.delete(handler)) return false
    if (set.size > 0) return false
    this.handlers.delete(topic)
    return true
  }

  names(): string[] {
    return [...this.handlers.keys()]
  }

  deliver(topic: string, message: unknown, publishedAt: number, log: Logger): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        handler(message, publishedAt)
      } catch (error) {
        log.error('bus handler failed', { topic, error })
      }
    }
  }
}

/** One process: subscribers are in this process only. */
export function createLocalBus(log: Logger): Bus {
  const topics = new LocalTopics()
  return {
    kind: 'local',
    publish: async (topic, message) => topics.deliver(topic, message, busTime(), log),
    subscribe: (topic, handler) => {
      topics.add(topic, handler)
      return Object.assign(() => void topics.remove(topic, handler), { ready: Promise.resolve() })
    },
    // One process never loses its transport.
    onResume: () => () => {},
    ping: async () => {},
    close: async () => {},
  }
}

interface Envelope {
  origin: string
  /** busTime() at publish (absent from instances that predate it). */
  at?: number
  message: unknown
}

/**
 * Many instances: each publish also goes to Redis, and an instance subscribes in Redis only to
 * topics it has local subscribers for (reference-counted). If Redis drops, local delivery goes on,
 * ioredis reconnects and resubscribes, and `onResume` listeners (the hub) fill the gap.
 */
export function createRedisBus(url: string, log: Logger): Bus {
  const origin = randomUUID()
  const topics = new LocalTopics()
  const options = { maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 200, 2000) }
  const pub = new Redis(url, { ...options, connectionName: 'souk-pub' })
  const sub = new Redis(url, { ...options, connectionName: 'souk-sub' })
  // Per topic, the SUBSCRIBE that later handlers of the topic wait on too.
  const subscribing = new Map<string, Promise<void>>()
  for (const conn of [pub, sub]) conn.on('error', (error) => log.warn('redis connection error', { error: error.message }))
  const resumeListeners = new Set<() => void>()
  let lost = false
  sub.on('close', () => {
    lost = true
  })
  sub.on('ready', () => {
    if (!lost) return
    lost = false
    // ioredis resubscribes on its own right after 'ready'; subscribing again (a no-op for Redis)
    // answers once every channel receives again, so listeners read the log after that, not before.
    const channels = topics.names()
    ;(channels.length === 0 ? Promise.resolve() : sub.subscribe(...channels)).then(
      () => {
        for (const listener of resumeListeners) listener()
      },
      (error: Error) => log.warn('redis resubscribe failed', { error: error.message }),
    )
  })
  sub.on('message', (channel: string, raw: string) => {
    let envelope: Envelope
    try {
      envelope = JSON.parse(raw) as Envelope
    } catch {
      log.warn('bus dropped a malformed message', { topic: channel })
      return
    }
    if (envelope.origin !== origin) topics.deliver(channel, envelope.message, envelope.at ?? busTime(), log)
  })
  return {
    kind: 'redis',
    publish: async (topic, message) => {
      const at = busTime()
      topics.deliver(topic, message, at, log)
      try {
        await pub.publish(topic, JSON.stringify({ origin, at, message } satisfies Envelope))
      } catch (error) {
        log.warn('bus publish to redis failed', { topic, error: (error as Error).message })
      }
    },
    subscribe: (topic, handler) => {
      if (topics.add(topic, handler)) {
        subscribing.set(
          topic,
          sub.subscribe(topic).then(
            () => {},
            (error: Error) => log.warn('redis subscribe failed', { topic, error: error.message }),
          ),
        )
      }
      const unsubscribe = () => {
        if (topics.remove(topic, handler)) {
          subscribing.delete(topic)
          sub.unsubscribe(topic).catch((error: Error) => log.warn('redis unsubscribe failed', { topic, error: error.message }))
        }
      }
      return Object.assign(unsubscribe, { ready: subscribing.get(topic) ?? Promise.resolve() })
    },
    onResume: (listener) => {
      resumeListeners.add(listener)
      return () => void resumeListeners.delete(listener)
    },
    ping: async () => {
      await pub.ping()
    },
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()])
    },
  }
}

export function createBus(redisUrl: string | null, log: Logger): Bus {
  return redisUrl === null ? createLocalBus(log) : createRedisBus(redisUrl, log)
}
