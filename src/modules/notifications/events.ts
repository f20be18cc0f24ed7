// The events of the notifications module, on `user:<id>`. Browser-safe (schemas only): the protocol
// union in src/realtime/protocol.ts assembles every module's events, and the web client bundles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { NotificationItem } from './item'

export const NOTIFICATION_EVENTS = [
  durable('user', 'notification', t.Object({ notification: NotificationItem, unreadCount: t.Integer({ minimum: 0 }) })),
  durable(
    'user',
    'notification.read',
    t.Object({ ids: t.Array(t.String(), { description: 'empty when `all`' }), all: t.Boolean(), unreadCount: t.Integer({ minimum: 0 }) }),
  ),
] as const
export type NotificationEvent = EventsOf<typeof NOTIFICATION_EVENTS>
export type NewNotificationEvent = NewEventOf<NotificationEvent>
