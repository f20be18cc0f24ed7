// Every kind of event a topic carries: the one list both ends compile against. The web client
// bundles this file through src/realtime/protocol.ts, so it and what it imports hold schemas only
// (`t` from 'elysia/type-system', no server-only import).
//
// Adding a kind is one line in `EventMessage` below: `durable(family, kind, data)` for events kept
// in the event log (replayed on reconnect, ordered by a per-topic id), `ephemeral(...)` for events
// that only matter now (id null, never replayed).
import type { TSchema } from '@sinclair/typebox'
import { t } from 'elysia/type-system'
import { ChatMessage, InboxData, MessageDeletedData, ReceiptData, TransactionData } from '../chat/item'
import { JobProgressData, JobSnapshot } from '../jobs/snapshot'
import { ProductUpdatedData } from '../catalog/live'
import { NotificationItem } from '../notifications/item'

/** Topic families: a topic is `<family>:<id>`, e.g. `user:usr_…`, `product:prd_…`. */
export const TOPIC_FAMILIES = ['user', 'conversation', 'job', 'product', 'presence'] as const
export type TopicFamily = (typeof TOPIC_FAMILIES)[number]
export type Topic<F extends TopicFamily = TopicFamily> = `${F}:${string}`

export const TOPIC_PATTERN = `^(${TOPIC_FAMILIES.join('|')}):[A-Za-z0-9_-]{1,64}$`

const date = t.String({ format: 'date-time' })

const topicOf = <F extends TopicFamily>(family: F) => t.TemplateLiteral([t.Literal(family), t.Literal(':'), t.String()])

const durable = <F extends TopicFamily, K extends string, D extends TSchema>(family: F, kind: K, data: D) =>
  t.Object({
    type: t.Literal('event'),
    topic: topicOf(family),
    id: t.Integer({ minimum: 1, description: 'orders the event within its topic; resume with `since`' }),
    kind: t.Literal(kind),
    data,
  })

const ephemeral = <F extends TopicFamily, K extends string, D extends TSchema>(family: F, kind: K, data: D) =>
  t.Object({ type: t.Literal('event'), topic: topicOf(family), id: t.Null({ description: 'not kept: never replayed' }), kind: t.Literal(kind), data })

export const PresenceData = t.Object({
  userId: t.String(),
  online: t.Boolean({ description: 'at least one tab or device of the user is connected' }),
  lastSeenAt: t.Union([date, t.Null()], { description: 'when the user was last connected; null while online or if never seen' }),
})
export type PresenceData = typeof PresenceData.static

export const TypingData = t.Object({
  userId: t.String(),
  typing: t.Boolean(),
  expiresAt: date,
})
export type TypingData = typeof TypingData.static

export const EventMessage = t.Union([
  durable('user', 'notification', t.Object({ notification: NotificationItem, unreadCount: t.Integer({ minimum: 0 }) })),
  durable(
    'user',
    'notification.read',
    t.Object({ ids: t.Array(t.String(), { description: 'empty when `all`' }), all: t.Boolean(), unreadCount: t.Integer({ minimum: 0 }) }),
  ),
  durable('job', 'job.progress', JobProgressData),
  durable('user', 'job.finished', JobSnapshot),
  ephemeral('presence', 'presence', PresenceData),
  ephemeral('product', 'product.updated', ProductUpdatedData),
  ephemeral('conversation', 'typing', TypingData),
  durable('conversation', 'message', ChatMessage),
  durable('conversation', 'message.deleted', MessageDeletedData),
  durable('conversation', 'read', ReceiptData),
  durable('conversation', 'transaction', TransactionData),
  durable('user', 'inbox', InboxData),
])
export type EventMessage = typeof EventMessage.static
export type EventKind = EventMessage['kind']
export type DurableEvent = Extract<EventMessage, { id: number }>
export type DurableKind = DurableEvent['kind']
export type EphemeralEvent = Extract<EventMessage, { id: null }>

/** A durable event before the log gives it an id. */
export type NewEvent = DurableEvent extends infer E ? (E extends DurableEvent ? Omit<E, 'type' | 'id'> : never) : never
