import { type Accessor, createEffect, createMemo, createRoot, createSignal, on, onCleanup } from 'solid-js'
import type { CLOSE_CODES, ClientMessage, EventKind, EventMessage, ServerMessage, Topic, TopicFamily } from '../../../src/realtime/protocol'
import { api, onAccessToken } from './api'
import { currentUser, signedIn } from './session'

/**
 * The tab's one socket to `/ws`, typed by the server's protocol union (src/realtime/protocol.ts).
 * Components follow topics through `followTopic`/`useTopic`: followers of one topic share one
 * subscription (reference-counted), durable events reach them once each (de-duplicated by id), and
 * after a reconnect every topic is subscribed again with `since` = the last id seen, so what was
 * missed is replayed. A `resync` (too far behind to replay) tells followers to refetch over REST;
 * so does the next `subscribed` of a topic whose socket closed before the server said the id it
 * follows from, as there is no `since` to replay from.
 *
 * Frames are discriminated on `type` and `kind`, not checked against the compiled schemas: the
 * schemas bundle Elysia's type system (~55 KB gzip), over the entry budget, and the server that
 * sends them is built from the same union. Anything unknown is logged and dropped, never thrown.
 *
 * The server admits a socket only with a single-use ticket, which only a signed-in user can get,
 * so the socket lives exactly while someone is signed in.
 */
export type LiveState = 'unavailable' | 'connecting' | 'open' | 'reconnecting'

/** The events a topic of family F carries. */
export type EventOf<F extends TopicFamily> = Extract<EventMessage, { topic: `${F}:${string}` }>

// Close codes and event kinds of the protocol, checked against it at compile time both ways (a
// kind missing here, or one the protocol lost, does not compile); importing the values would
// bundle the schemas.
const SESSION_ENDED: (typeof CLOSE_CODES)['SessionEnded'] = 4001
const TOO_MANY_CONNECTIONS: (typeof CLOSE_CODES)['TooManyConnections'] = 4029
const KINDS: Record<EventKind, true> = {
  notification: true,
  'notification.read': true,
  'job.progress': true,
  'job.finished': true,
  presence: true,
  typing: true,
  message: true,
  'message.deleted': true,
  read: true,
  transaction: true,
  inbox: true,
  'product.updated': true,
  'order.payment': true,
  cart: true,
  'order.updated': true,
  'wallet.balance': true,
  'payment.updated': true,
  'shipment.updated': true,
  'dispute.updated': true,
  'return.updated': true,
  'ticket.updated': true,
  'queues.changed': true,
  'stats.moved': true,
  'feed.post': true,
  'post.counts': true,
  'post.comment': true,
  'assistant.delta': true,
  'shop.updated': true,
}

/** An answer a message sent with `askLive` was refused with: an `error` frame's code and message. */
export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'LiveError'
  }
}

/** Answers the server sends to a message carrying a `ref`. */
export type LiveAnswer = Exclude<ServerMessage, EventMessage | { type: 'error' }>

const [state, setState] = createSignal<LiveState>('unavailable')
export const liveState = state

export interface TopicHandlers<F extends TopicFamily> {
  /** Each new event of the topic, once, in order. */
  onEvent?(event: EventOf<F>): void
  /** Events were lost beyond replay: refetch the topic's state over REST. */
  onResync?(): void
  /**
   * The topic is followed live (the server answered `subscribed`; at once when it already was),
   * again after each reconnect. A REST read started from here meets the live events with no gap:
   * what it does not hold yet arrives as an event. Reading before it can miss what is committed
   * between the read and the subscription.
   */
  onLive?(): void
}

/**
 * Handlers for a follower that holds the topic's state from a REST read: `read` runs again once
 * the topic is followed live (and after each reconnect) and when events were lost beyond replay,
 * so nothing committed between a read and the subscription is missed.
 */
export const rereading = (read: () => void): Pick<TopicHandlers<TopicFamily>, 'onResync' | 'onLive'> => ({ onResync: read, onLive: read })

/**
 * Wraps a read so calls never overlap: a call during a read makes one more read after it, however
 * many arrive (live events in a burst cost two reads, and the last one sees them all).
 */
export function serialReads(read: () => Promise<void>): () => Promise<void> {
  let reading = false
  let again = false
  return async () => {
    if (reading) {
      again = true
      return
    }
    reading = true
    try {
      do {
        again = false
        await read()
      } while (again)
    } finally {
      reading = false
    }
  }
}

/**
 * A record's live state: `base` (the server's read, taken again whenever it changes and is not
 * older) folded with each live change in version order. A change at or below the version held is
 * old news; one past the next version means changes were missed (ephemeral events are not
 * replayed), so `reread` asks the server, whose answer arrives as a new `base`.
 */
export function foldVersions<T extends { id: string; version: number }>(base: Accessor<T>, reread: () => void): [Accessor<T>, (version: number, changes: Partial<T>) => void] {
  const [held, setHeld] = createSignal(base())
  createEffect(on(base, (next) => void setHeld((h) => (next.id !== h.id || next.version >= h.version ? next : h)), { defer: true }))
  return [
    held,
    (version, changes) => {
      const h = held()
      if (version > h.version + 1) reread()
      else if (version > h.version) setHeld(() => ({ ...h, ...changes, version }))
    },
  ]
}

interface TopicEntry {
  refs: number
  /** The last durable id this tab has of the topic; null until the server or an event says. */
  lastId: number | null
  /** Subscribed on the open socket (answered `subscribed` or `resync`). */
  live: boolean
  /**
   * A socket closed while `lastId` was still null: the topic was followed "from now" and the server
   * never said which id that was, so the next socket follows from its own now, and what the topic
   * carried in between is neither replayed nor delivered. Its next answer is taken as a resync.
   */
  unplaced: boolean
  last: Accessor<EventMessage | undefined>
  setLast(event: EventMessage): void
  handlers: Set<TopicHandlers<TopicFamily>>
}

const topics = new Map<string, TopicEntry>()
let socket: WebSocket | null = null

/**
 * Sends a message on the open socket; answers false when there is none (it is not queued: what
 * matters after a reconnect is resent by its owner, e.g. subscriptions).
 */
export function sendLive(message: ClientMessage): boolean {
  if (socket?.readyState !== WebSocket.OPEN) return false
  socket.send(JSON.stringify(message))
  return true
}

const ASK_TIMEOUT_MS = 10_000
const asked = new Map<string, { resolve(answer: LiveAnswer): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>()
let lastRef = 0

/**
 * Sends a message with a fresh `ref` and resolves with the server's answer to it (`ack`,
 * `subscribed`, `pong`, ...), or rejects with a LiveError (an `error` frame), or an Error when
 * there is no socket, it closes first, or nothing comes back in time. For `chat.send` and
 * `chat.read`, whose acks carry the result; the REST routes are the fallback when it rejects.
 */
export function askLive(message: ClientMessage): Promise<LiveAnswer> {
  const ref = `r${++lastRef}`
  return new Promise((resolve, reject) => {
    if (!sendLive({ ...message, ref })) return reject(new Error('Not connected to live updates'))
    const timer = setTimeout(() => settle(ref, new Error('No answer from the server')), ASK_TIMEOUT_MS)
    asked.set(ref, { resolve, reject, timer })
  })
}

function settleAll(reason: string): void {
  for (const ref of [...asked.keys()]) settle(ref, new Error(reason))
}

/** Ends the wait of one `askLive` with its answer or failure. */
function settle(ref: string, answer: LiveAnswer | Error): void {
  const waiting = asked.get(ref)
  if (waiting === undefined) return
  asked.delete(ref)
  clearTimeout(waiting.timer)
  if (answer instanceof Error) waiting.reject(answer)
  else waiting.resolve(answer)
}

function subscribeMessage(topic: string, entry: TopicEntry): ClientMessage {
  return entry.lastId === null ? { type: 'subscribe', topic } : { type: 'subscribe', topic, since: entry.lastId }
}

/**
 * Follows a topic until the returned function is called. `since` (usually 0) replays the topic
 * from after that id on the first subscribe, e.g. a job's whole progress; without it the topic goes
 * live from now. Outside components; components use `useTopic`.
 */
export function followTopic<F extends TopicFamily>(topic: Topic<F>, handlers: TopicHandlers<F> = {}, options: { since?: number } = {}): () => void {
  let entry = topics.get(topic)
  if (entry === undefined) {
    const [last, setLast] = createSignal<EventMessage | undefined>(undefined, { equals: false })
    entry = { refs: 0, lastId: options.since ?? null, live: false, unplaced: false, last, setLast, handlers: new Set() }
    topics.set(topic, entry)
    sendLive(subscribeMessage(topic, entry))
  }
  const current = entry
  current.refs += 1
  const own = handlers as TopicHandlers<TopicFamily>
  current.handlers.add(own)
  let released = false
  // Live already (another follower): told once the caller has its handle, unless released by then.
  if (current.live) queueMicrotask(() => !released && current.live && own.onLive?.())
  return () => {
    if (released) return
    released = true
    current.handlers.delete(own)
    if (--current.refs > 0) return
    topics.delete(topic)
    sendLive({ type: 'unsubscribe', topic })
  }
}

/**
 * Follows the topic `topic()` names while the calling component lives (none while it is null),
 * and answers its latest event. Sharing a topic with other components costs no second subscription.
 */
export function useTopic<F extends TopicFamily>(topic: () => Topic<F> | null, handlers: TopicHandlers<F> = {}, options: { since?: number } = {}): Accessor<EventOf<F> | undefined> {
  // The same name again (a refetched page computing it anew) keeps the subscription as it is.
  const wanted = createMemo(topic)
  const [name, setName] = createSignal<Topic<F> | null>(null)
  createEffect(() => {
    const current = wanted()
    // Followed before it is named, so readers of the answer find the topic's entry.
    if (current !== null) onCleanup(followTopic(current, handlers, options))
    setName(() => current)
  })
  return () => {
    const current = name()
    return current === null ? undefined : (topics.get(current)?.last() as EventOf<F> | undefined)
  }
}

/** The signed-in user's own topic (notifications, job results, inbox), for `useTopic`; null when signed out. */
export function myTopic(): Topic<'user'> | null {
  const user = currentUser()
  return user === null ? null : `user:${user.id}`
}

function deliver(event: EventMessage): void {
  const entry = topics.get(event.topic)
  if (entry === undefined) return
  if (event.id !== null) {
    // Ids order a topic: one at or below the last seen is a repeat (a replay overlapping live delivery).
    if (entry.lastId !== null && event.id <= entry.lastId) return
    entry.lastId = event.id
  }
  entry.setLast(event)
  for (const handlers of [...entry.handlers]) handlers.onEvent?.(event)
}

/** The topic is followed again, but what it carried meanwhile cannot be replayed: followers refetch over REST. */
function resynced(entry: TopicEntry): void {
  entry.live = true
  entry.unplaced = false
  for (const handlers of [...entry.handlers]) handlers.onResync?.()
}

/** The socket is gone (closed, or signed out): no topic is live until subscribed again. */
function disconnected(): void {
  for (const entry of topics.values()) {
    entry.live = false
    if (entry.lastId === null) entry.unplaced = true
  }
}

function receive(raw: string): void {
  let message: ServerMessage
  try {
    message = JSON.parse(raw) as ServerMessage
  } catch {
    return console.warn('live: a frame that is not JSON', raw.slice(0, 200))
  }
  if (message.type === 'event') {
    if (Object.hasOwn(KINDS, message.kind)) return deliver(message)
    return console.warn('live: an event of an unknown kind', raw.slice(0, 200))
  }
  if (message.ref !== undefined && asked.has(message.ref)) {
    return settle(message.ref, message.type === 'error' ? new LiveError(message.code, message.message) : message)
  }
  switch (message.type) {
    case 'subscribed': {
      const entry = topics.get(message.topic)
      if (entry === undefined) return
      if (entry.lastId === null || message.lastId > entry.lastId) entry.lastId = message.lastId
      if (entry.unplaced) return resynced(entry)
      entry.live = true
      for (const handlers of [...entry.handlers]) handlers.onLive?.()
      return
    }
    case 'resync': {
      const entry = topics.get(message.topic)
      if (entry === undefined) return
      entry.lastId = message.lastId
      return resynced(entry)
    }
    case 'error':
      return console.warn(`live: ${message.code}: ${message.message}`)
    case 'ack':
    case 'pong':
    case 'unsubscribed':
      return
    default:
      console.warn('live: a frame of an unknown type', raw.slice(0, 200))
  }
}

const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 30_000
const SESSION_ENDED_FLOOR_MS = 1_000

/** Full jitter: many tabs that lost the same server do not come back in lockstep. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
}

let started = false

/** Follows the session: connects once signed in, closes on sign-out. Call once, when the server has a socket. */
export function connectLive(): void {
  if (started) return
  started = true
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const retry = (floorMs = 0) => {
    if (!signedIn()) return
    clearTimeout(timer)
    setState('reconnecting')
    timer = setTimeout(() => void open(), floorMs + backoff(attempt++))
  }

  let opening = false
  const open = async () => {
    if (opening || socket !== null) return
    opening = true
    setState(attempt === 0 ? 'connecting' : 'reconnecting')
    // Through the typed client: an expired access token is refreshed like for any other call.
    const res = await api()
      .api.v1.realtime.ticket.post()
      .catch(() => null)
      .finally(() => (opening = false))
    if (!signedIn()) return
    if (res === null || res.error !== null) return retry()
    const url = new URL(`/ws?ticket=${encodeURIComponent(res.data.ticket)}`, window.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const current = new WebSocket(url)
    socket = current
    current.addEventListener('open', () => {
      attempt = 0
      setState('open')
      for (const [topic, entry] of topics) sendLive(subscribeMessage(topic, entry))
    })
    current.addEventListener('message', (event) => {
      if (socket === current && typeof event.data === 'string') receive(event.data)
    })
    current.addEventListener('close', (event) => {
      if (socket !== current) return
      socket = null
      disconnected()
      settleAll('The live connection closed')
      if (event.code === TOO_MANY_CONNECTIONS) return void setState('unavailable')
      if (event.code !== SESSION_ENDED) return retry()
      // The access token expired (or the session was revoked): reconnect soon, not backed off.
      // The ticket request meets the 401 and runs the tab's one shared refresh (or reuses one
      // another call just made) and retries; a failed refresh signs the tab out. The floor lets
      // a sign-out in this tab, whose revocation closes the socket too, land first and cancel it.
      attempt = 0
      retry(SESSION_ENDED_FLOOR_MS)
    })
  }

  // A refreshed access token extends the open socket too (otherwise it is closed at expiry).
  onAccessToken((accessToken) => sendLive({ type: 'auth', accessToken }))

  createRoot(() =>
    createEffect(
      on(signedIn, (yes) => {
        if (yes) return void open()
        clearTimeout(timer)
        const closing = socket
        socket = null
        disconnected()
        closing?.close()
        settleAll('Signed out')
        attempt = 0
        setState('unavailable')
      }),
    ),
  )
}
