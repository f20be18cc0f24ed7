import { t } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { NotificationItem, notificationType } from './item'

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
  export const preferences = t.Object({ items: t.Array(preference, { description: 'one per type' }) })
  export const updatePreferencesBody = t.Object({
    items: t.Array(preference, { minItems: 1, maxItems: 8, description: 'the types to change; others keep their setting' }),
  })
}
