import { t } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { digestFrequency, NotificationItem, notificationType } from './item'

export namespace NotificationsModel {
  export const item = NotificationItem
  export type Item = NotificationItem
  export const page = pageOf(item)
  export const listQuery = t.Object({
    ...pageQuery,
    unread: t.Optional(t.Boolean({ description: 'true: only unread notifications', title: 'query.unread' })),
  })
  export type ListQuery = typeof listQuery.static
  export const params = t.Object({ id: idSchema('ntf') })
  export const unreadCount = t.Object({ unreadCount: t.Integer({ minimum: 0 }) })
  export const readAll = t.Object({ read: t.Integer({ minimum: 0, description: 'how many notifications were marked read' }) })

  export const preference = t.Object({
    type: notificationType,
    inApp: t.Boolean({ description: 'show it in the app (bell, list, live)' }),
    email: t.Boolean({ description: 'also send it by email' }),
  })
  export type Preference = typeof preference.static
  export const preferences = t.Object({ items: t.Array(preference, { description: 'one per type' }), digest: digestFrequency })
  export type Preferences = typeof preferences.static
  export const updatePreferencesBody = t.Object({
    items: t.Optional(t.Array(preference, { minItems: 1, maxItems: 8, description: 'the types to change; others keep their setting' })),
    digest: t.Optional(digestFrequency),
  })
  export type UpdatePreferencesBody = typeof updatePreferencesBody.static

  /** An emailed unsubscribe link's token: it names the user and is signed by the server. */
  export const unsubscribeQuery = t.Object({ token: t.String({ minLength: 1, maxLength: 200, description: 'the token of the link in a digest email' }) })
  /** What RFC 8058's one-click unsubscribe POSTs (a form); a person's click on the page sends nothing. */
  export const oneClickBody = t.Optional(t.Object({ 'List-Unsubscribe': t.Optional(t.Literal('One-Click')) }))
  export const digestChoice = t.Object({ digest: digestFrequency })
  export type DigestChoice = typeof digestChoice.static
}
