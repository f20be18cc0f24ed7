// A notification as clients see it, over REST and on the socket. The web client bundles this file
// (through src/realtime/protocol.ts), so it holds schemas only: `t` from 'elysia/type-system'
// (no server runtime) and no server-only import.
import { t } from 'elysia/type-system'

/**
 * Every type of notification, and so every row of the preferences screen: a type is listed only
 * while some module sends it (notifications/types.test.ts finds a sender for each).
 */
export const NOTIFICATION_TYPES = ['message', 'order', 'payment', 'review', 'follow', 'follow_request', 'like', 'comment', 'mention', 'system'] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

export const notificationType = t.UnionEnum(NOTIFICATION_TYPES)

/** How often unread notifications are emailed as one digest; without a choice, weekly. */
export const DIGEST_FREQUENCIES = ['daily', 'weekly', 'off'] as const
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number]
export const digestFrequency = t.UnionEnum(DIGEST_FREQUENCIES, { description: 'email digest of unread notifications: daily, weekly (the default) or off' })

const nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()])

export const NotificationItem = t.Object({
  id: t.String({ description: 'ntf_ id' }),
  type: notificationType,
  actor: nullable(t.Object({ id: t.String(), name: t.String() }, { description: 'who did it last; null for system notices' })),
  otherActors: t.Integer({ minimum: 0, description: 'how many others did the same on this subject while it was unread' }),
  subject: nullable(t.String({ description: 'what it is about, `<kind>:<id>`; repeated events on one subject group into one notification' })),
  text: t.String({ description: 'what happened, without the actor: "liked your post"' }),
  summary: t.String({ description: 'the sentence to show: "Ana and 4 others liked your post"' }),
  link: nullable(t.String({ description: 'a path in the web app' })),
  read: t.Boolean(),
  createdAt: t.String({ format: 'date-time' }),
  updatedAt: t.String({ format: 'date-time', description: 'the latest event of the group; lists are ordered by it' }),
})
export type NotificationItem = typeof NotificationItem.static
