// The WebSocket contract, both directions, imported by the web client (web/src/lib/live.ts): every
// frame is one JSON object, a member of `ClientMessage` or `ServerMessage`, discriminated on
// `type`. Schemas only: `t` from 'elysia/type-system' and nothing server-only, so it bundles for
// the browser. Each module declares the event kinds of its topics in its `events.ts`; the
// `EventMessage` union below assembles them (a new module adds its list there).
import { t } from 'elysia/type-system'
import { familyOf, ephemeral } from '../lib/event-schema'
import { CART_EVENTS } from '../modules/cart/events'
import { CATALOG_EVENTS } from '../modules/catalog/events'
import { CHAT_EVENTS, ChatMessage, ChatReceipt, MAX_MESSAGE_LENGTH } from '../modules/chat/events'
import { JOB_EVENTS } from '../modules/jobs/events'
import { NOTIFICATION_EVENTS } from '../modules/notifications/events'
import { LEDGER_EVENTS } from '../modules/ledger/events'
import { PAYMENT_EVENTS } from '../modules/payments/events'
import { SHIPMENT_EVENTS } from '../modules/shipments/events'
import { DISPUTE_EVENTS } from '../modules/disputes/events'
import { RETURN_EVENTS } from '../modules/returns/events'
import { SUPPORT_EVENTS } from '../modules/support/events'
import { ORDER_EVENTS } from '../modules/orders/events'
import { ADMIN_QUEUE_EVENTS } from '../modules/admin-queues/events'
import { ADMIN_STATS_EVENTS } from '../modules/admin-stats/events'
import { SOCIAL_EVENTS } from '../modules/social/events'
import { ASSISTANT_EVENTS } from '../modules/assistant/events'
import { VENDOR_EVENTS } from '../modules/vendors/events'

export { TypingData } from '../modules/chat/events'

const date = t.String({ format: 'date-time' })

/** Presence is the realtime core's own topic family: `presence:<userId>`. */
export const PresenceData = t.Object({
  userId: t.String(),
  online: t.Boolean({ description: 'at least one tab or device of the user is connected' }),
  lastSeenAt: t.Union([date, t.Null()], { description: 'when the user was last connected; null while online or if never seen' }),
})
export type PresenceData = typeof PresenceData.static

/** Every event a topic carries: the one list both ends compile against. */
export const EventMessage = t.Union([
  ...NOTIFICATION_EVENTS,
  ...JOB_EVENTS,
  ephemeral('presence', 'presence', PresenceData),
  ...CATALOG_EVENTS,
  ...CHAT_EVENTS,
  ...CART_EVENTS,
  ...ORDER_EVENTS,
  ...LEDGER_EVENTS,
  ...PAYMENT_EVENTS,
  ...SHIPMENT_EVENTS,
  ...DISPUTE_EVENTS,
  ...RETURN_EVENTS,
  ...SUPPORT_EVENTS,
  ...ADMIN_QUEUE_EVENTS,
  ...ADMIN_STATS_EVENTS,
  ...SOCIAL_EVENTS,
  ...ASSISTANT_EVENTS,
  ...VENDOR_EVENTS,
])
export type EventMessage = typeof EventMessage.static
export type EventKind = EventMessage['kind']
export type DurableEvent = Extract<EventMessage, { id: number }>
export type DurableKind = DurableEvent['kind']
export type EphemeralEvent = Extract<EventMessage, { id: null }>

/** Topic families (`user`, `conversation`, …): a topic is `<family>:<id>`. */
export type TopicFamily = FamilyOf<EventMessage['topic']>
type FamilyOf<T> = T extends `${infer F}:${string}` ? F : never
export type Topic<F extends TopicFamily = TopicFamily> = `${F}:${string}`
export const TOPIC_FAMILIES = [...new Set(EventMessage.anyOf.map(familyOf))] as TopicFamily[]

/** Frames larger than this close the socket with 1009 before they are read. */
export const MAX_MESSAGE_BYTES = 64 * 1024

/** Topics one socket may be subscribed to at once. */
export const MAX_TOPICS_PER_SOCKET = 100
/** Sockets one user may keep open on one server (tabs and devices). */
export const MAX_SOCKETS_PER_USER = 20

/** `<family>:<id>`: one of TOPIC_FAMILIES, then an id. */
export const TopicString = t.String({ pattern: `^(${TOPIC_FAMILIES.join('|')}):[A-Za-z0-9_-]{1,64}$`, maxLength: 80 })

const ref = t.Optional(t.String({ minLength: 1, maxLength: 64, description: 'chosen by the client; echoed in the answer to this message' }))

// ---- client -> server ----

export const SubscribeMessage = t.Object({
  type: t.Literal('subscribe'),
  ref,
  topic: TopicString,
  since: t.Optional(t.Integer({ minimum: 0, description: 'the last event id seen: replays what came after, then goes live' })),
})
export const UnsubscribeMessage = t.Object({ type: t.Literal('unsubscribe'), ref, topic: TopicString })
export const PingMessage = t.Object({ type: t.Literal('ping'), ref })
export const AuthMessage = t.Object({
  type: t.Literal('auth'),
  ref,
  accessToken: t.String({ minLength: 1, maxLength: 4096, description: 'a fresh access token (after a refresh): extends the socket' }),
})
export const TypingMessage = t.Object({
  type: t.Literal('typing'),
  ref,
  topic: TopicString,
  typing: t.Boolean({ description: 'true while typing (repeat every few seconds), false when stopped' }),
})

const conversationId = t.String({ pattern: '^cnv_[0-9a-f]{32}$' })
export const ChatSendMessage = t.Object({
  type: t.Literal('chat.send'),
  ref,
  conversationId,
  clientId: t.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    description: 'a UUID the client makes per message; a retry with it never makes a second message',
  }),
  body: t.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH }),
})
export const ChatReadMessage = t.Object({
  type: t.Literal('chat.read'),
  ref,
  conversationId,
  upTo: t.Integer({ minimum: 0, description: 'the seq of the newest message seen; the read pointer only moves forward' }),
})

export const ClientMessage = t.Union([SubscribeMessage, UnsubscribeMessage, PingMessage, AuthMessage, TypingMessage, ChatSendMessage, ChatReadMessage])
export type ClientMessage = typeof ClientMessage.static
export type ClientMessageType = ClientMessage['type']

// ---- server -> client ----

/** Stable codes of `error` frames: the same string in the reply and in the server log. */
export const ERROR_CODES = [
  /** Not JSON, not an object, or fields that do not match the message's schema. */
  'BadMessage',
  /** A `type` the server does not know. */
  'UnknownType',
  /** Too many messages: this one was dropped (keep flooding and the socket is closed with 4008). */
  'RateLimited',
  /** The topic may not be read by this user (or, for `typing`, is not subscribed). */
  'TopicForbidden',
  /** More topics on one socket than MAX_TOPICS_PER_SOCKET. */
  'TooManySubscriptions',
  /** `auth` with a token that is invalid, expired, or of another user; the socket keeps its old one. */
  'Unauthorized',
  /** No such conversation or message, or not one of this user's. */
  'NotFound',
  /** Not allowed, e.g. a message to or from a user who blocked the other. */
  'Forbidden',
  /** The request conflicts with the current state; refetch and retry. */
  'Conflict',
  /** The server failed; retry later. */
  'Internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Close codes the server uses. The close reason is the name (`SessionRevoked` and
 * `SessionExpired` share 4001). A client reconnects after any of them except 4001 (refresh the
 * access token first) and 4029 (too many tabs).
 */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect (another instance answers). */
  GoingAway: 1001,
  /** A frame over MAX_MESSAGE_BYTES (closed by the server before reading it). */
  PayloadTooLarge: 1009,
  /** The session was revoked, or its access token expired without an `auth` message. */
  SessionEnded: 4001,
  /** Kept sending after `RateLimited` errors. */
  RateLimited: 4008,
  /** The user has MAX_SOCKETS_PER_USER sockets open on this server already. */
  TooManyConnections: 4029,
} as const
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES]

export const SubscribedMessage = t.Object({
  type: t.Literal('subscribed'),
  ref,
  topic: t.String(),
  replayed: t.Integer({ minimum: 0, description: 'events replayed (sent just before this message)' }),
  lastId: t.Integer({ minimum: 0, description: 'the last event id of the topic the client now has: resume from it' }),
})
export const UnsubscribedMessage = t.Object(
  { type: t.Literal('unsubscribed'), ref, topic: t.String() },
  { description: 'answers `unsubscribe`; sent without `ref` when the server stopped the topic because the user may no longer read it (their role changed)' },
)
export const ResyncMessage = t.Object(
  {
    type: t.Literal('resync'),
    ref,
    topic: t.String(),
    reason: t.Literal('ReplayWindowExceeded'),
    lastId: t.Integer({ minimum: 0, description: 'live events continue after this id' }),
  },
  { description: 'answers a `subscribe` whose `since` cannot be replayed: the client is subscribed (live), and refetches the state over REST' },
)
export const AckMessage = t.Object({
  type: t.Literal('ack'),
  ref,
  of: t.Literal('auth'),
  expiresAt: t.String({ format: 'date-time', description: 'when the socket must be re-authenticated' }),
})
export const ChatSentMessage = t.Object(
  {
    type: t.Literal('ack'),
    ref,
    of: t.Literal('chat.send'),
    clientId: t.String(),
    message: ChatMessage,
  },
  { description: 'answers `chat.send`: the stored message for the client id (the first one, for a retry)' },
)
export const ChatReadAckMessage = t.Object(
  { type: t.Literal('ack'), ref, of: t.Literal('chat.read'), receipt: ChatReceipt },
  { description: 'answers `chat.read` with my pointers and unread counts after it' },
)
export const ErrorMessage = t.Object({
  type: t.Literal('error'),
  ref,
  code: t.UnionEnum(ERROR_CODES),
  message: t.String(),
})
export const PongMessage = t.Object({ type: t.Literal('pong'), ref })

export const ServerMessage = t.Union([...EventMessage.anyOf, SubscribedMessage, UnsubscribedMessage, ResyncMessage, AckMessage, ChatSentMessage, ChatReadAckMessage, ErrorMessage, PongMessage])
export type ServerMessage = typeof ServerMessage.static
