import type { Server } from 'bun'
import type { Db } from '../db/client'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import { latestEventId, readEventRange, type StoredEvent } from '../events/log'
import { type Bus, busTime, type Unsubscribe } from '../lib/bus'
import type { DurableEvent, EphemeralEvent, EventMessage } from './protocol'

/**
 * Events read back from the log, as the protocol's type: the log stores any kind, and what it holds
 * is what modules appended through the kinds they declare, each a member of the union.
 */
export const asProtocolEvents = (stored: StoredEvent[]) => stored as DurableEvent[]

/** This instance's live view of one topic, shared by every local socket following it. */
export interface Feed {
  readonly topic: string
  /** The last durable id delivered to the topic's sockets; later ones arrive in order after it. */
  lastId: number
  refs: number
  /** Resolves once the bus subscription is live and `lastId` is read from the event log. */
  readonly ready: Promise<void>
  /** Durable events go through here one at a time (gap fills await the database). */
  chain: Promise<void>
  /** Sockets replaying towards this topic collect its live events here meanwhile. */
  readonly buffers: Set<EventMessage[]>
  readonly off: Unsubscribe
  /** Records one delivery's publish-to-delivery time (seconds) under the topic's family. */
  readonly delivered: (seconds: number) => void
}

function isEvent(message: unknown): message is EventMessage {
  if (typeof message !== 'object' || message === null) return false
  const m = message as Record<string, unknown>
  return m.type === 'event' && typeof m.topic === 'string' && (m.id === null || Number.isSafeInteger(m.id))
}

/**
 * Fans bus events out to local sockets through Bun's `server.publish`: one bus subscription per
 * topic however many sockets follow it, dropped with the last one. Durable events reach sockets
 * in id order without gaps or repeats: an id at or below `lastId` is a repeat (dropped), an id
 * past `lastId + 1` means events were published out of order or lost (two writers, a Redis
 * outage), and the missing ones are read from the event log first. Every id is in the log by then:
 * events are published after commit, and per-topic ids commit in order. When the bus comes back
 * from an outage, every feed reads what it missed from the log at once, without waiting for the
 * topic's next event.
 */
export class Hub {
  private server: Server<unknown> | null = null
  private readonly feeds = new Map<string, Feed>()
  private readonly offResume: () => void

  constructor(private readonly deps: { db: Db; bus: Bus; log: Logger; metrics: Metrics }) {
    this.offResume = deps.bus.onResume(() => {
      for (const feed of this.feeds.values()) this.enqueue(feed, () => this.catchUp(feed))
    })
  }

  /** The server sockets are upgraded on; known from the first upgrade. */
  bind(server: Server<unknown>): void {
    this.server ??= server
  }

  /** Follows a topic (counted: pair with `leave`); resolves when its feed is live. */
  async join(topic: string): Promise<Feed> {
    const feed = this.feeds.get(topic) ?? this.open(topic)
    feed.refs += 1
    try {
      await feed.ready
    } catch (error) {
      feed.refs -= 1
      throw error
    }
    return feed
  }

  leave(topic: string): void {
    const feed = this.feeds.get(topic)
    if (feed === undefined || --feed.refs > 0) return
    this.feeds.delete(topic)
    feed.off()
  }

  /** The last id delivered on a topic this instance follows (0 when it does not). */
  lastIdOf(topic: string): number {
    return this.feeds.get(topic)?.lastId ?? 0
  }

  /**
   * Resolves once the feed has delivered every event up to `id`, reading from the log those still
   * on their way through the bus: a socket replayed up to `id` then goes live without repeats.
   */
  advance(feed: Feed, id: number): Promise<void> {
    this.enqueue(feed, async () => {
      if (id > feed.lastId) await this.fill(feed, id)
    })
    return feed.chain
  }

  /** Starts collecting a feed's live events (for a socket replaying); call the returned stop. */
  collect(feed: Feed): { events: EventMessage[]; stop(): void } {
    const events: EventMessage[] = []
    feed.buffers.add(events)
    return { events, stop: () => void feed.buffers.delete(events) }
  }

  /** The ids of the topics of a family that sockets of this instance follow (`user` → the users following their own topic). */
  followedIds(family: string): string[] {
    const prefix = `${family}:`
    const ids: string[] = []
    for (const topic of this.feeds.keys()) if (topic.startsWith(prefix)) ids.push(topic.slice(prefix.length))
    return ids
  }

  /**
   * Delivers an ephemeral event to this instance's sockets on its topic only, not through the bus:
   * for a module that fans out on every instance to that instance's own sockets. None follow it: dropped.
   */
  deliverHere(event: EphemeralEvent, publishedAt: number): void {
    const feed = this.feeds.get(event.topic)
    if (feed !== undefined) this.deliver(feed, event, publishedAt)
  }

  /** Topics followed on this instance, and sockets replaying towards one right now. */
  stats(): { topics: number; replaying: number } {
    let replaying = 0
    for (const feed of this.feeds.values()) replaying += feed.buffers.size
    return { topics: this.feeds.size, replaying }
  }

  close(): void {
    this.offResume()
    for (const feed of this.feeds.values()) feed.off()
    this.feeds.clear()
  }

  private open(topic: string): Feed {
    const { bus, db, log, metrics } = this.deps
    const off = bus.subscribe(topic, (message, publishedAt) => {
      if (!isEvent(message)) return void log.warn('hub dropped a malformed event', { topic })
      if (message.id === null) return this.deliver(feed, message, publishedAt)
      this.enqueue(feed, () => this.deliverInOrder(feed, message as EventMessage & { id: number }, publishedAt))
    })
    const ready = off.ready.then(async () => {
      feed.lastId = await latestEventId(db, topic)
    })
    const feed: Feed = { topic, lastId: 0, refs: 0, ready, chain: ready, buffers: new Set(), off, delivered: metrics.deliveryOf(topic) }
    // A feed that failed to start is not kept: the next join tries again.
    ready.catch(() => {
      if (this.feeds.get(topic) === feed) this.feeds.delete(topic)
      off()
    })
    this.feeds.set(topic, feed)
    return feed
  }

  /** Runs a step of the feed's durable delivery after the ones before it. */
  private enqueue(feed: Feed, step: () => Promise<void>): void {
    feed.chain = feed.chain.then(step).catch((error: unknown) => this.deps.log.error('hub delivery failed', { topic: feed.topic, error }))
  }

  private async deliverInOrder(feed: Feed, event: EventMessage & { id: number }, publishedAt: number): Promise<void> {
    if (event.id <= feed.lastId) return
    if (event.id > feed.lastId + 1) await this.fill(feed, event.id - 1)
    feed.lastId = event.id
    this.deliver(feed, event, publishedAt)
  }

  /** After a bus outage: delivers what the log holds past `lastId`. */
  private async catchUp(feed: Feed): Promise<void> {
    const latest = await latestEventId(this.deps.db, feed.topic)
    if (latest > feed.lastId) await this.fill(feed, latest)
  }

  /** Delivers the logged events `lastId < id <= upTo` and moves `lastId` to `upTo`. */
  private async fill(feed: Feed, upTo: number): Promise<void> {
    const missed = asProtocolEvents(await readEventRange(this.deps.db, feed.topic, feed.lastId, upTo))
    if (missed.length < upTo - feed.lastId) this.deps.log.warn('hub could not fill a gap', { topic: feed.topic, from: feed.lastId, to: upTo })
    for (const earlier of missed) this.deliver(feed, earlier, null)
    feed.lastId = upTo
  }

  /** `publishedAt` (busTime) times a live event; a gap fill read from the log has none. */
  private deliver(feed: Feed, event: EventMessage, publishedAt: number | null): void {
    if (this.server !== null) {
      this.server.publish(feed.topic, JSON.stringify(event))
      this.deps.metrics.sent('event', this.server.subscriberCount(feed.topic))
      if (publishedAt !== null) feed.delivered((busTime() - publishedAt) / 1000)
    }
    for (const buffer of feed.buffers) buffer.push(event)
  }
}
