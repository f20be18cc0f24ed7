import { Elysia, t } from 'elysia'
import type { Config } from '../../config'
import { ErrorResponse } from '../../lib/errors'
import { authPlugin } from '../accounts'
import { NotificationsModel as M } from './model'
import {
  countUnread,
  deleteNotification,
  getPreferences,
  listNotifications,
  markAllRead,
  markRead,
  type NotificationsDeps,
  updatePreferences,
} from './service'

export { hasUnreadNotification, listNotifications, notify, purgeReadNotifications, type AfterCommit, type NotificationsDeps, type NotifyInput } from './service'

/**
 * The signed-in user's notifications: list (cursor pages, `unread=true`), unread count, mark read
 * (one, all), delete, per-type preferences. Other users' notifications answer 404. New ones are
 * pushed live on `user:<id>`; modules create them with `notify` from the service.
 */
export function notificationsRoutes(ctx: { deps: NotificationsDeps; config: Pick<Config, 'secrets' | 'publicUrl'> }) {
  const { deps } = ctx
  return new Elysia({ name: 'notifications', prefix: '/api/v1/notifications' })
    .use(authPlugin({ database: { db: deps.db }, config: ctx.config, clock: deps.clock }))
    .guard({ auth: true, detail: { tags: ['Notifications'] } }, (app) =>
      app
        .get('', ({ user, query }) => listNotifications(deps.db, user.id, query), {
          query: M.listQuery,
          response: { 200: M.page, 400: ErrorResponse },
          detail: { summary: 'My notifications, latest activity first (cursor pages; `unread=true` for unread only)' },
        })
        .get('/unread-count', async ({ user }) => ({ unreadCount: await countUnread(deps.db, user.id) }), {
          response: { 200: M.unreadCount },
          detail: { summary: 'How many of my notifications are unread (the bell)' },
        })
        .post('/read-all', async ({ user }) => ({ read: await markAllRead(deps, user.id) }), {
          response: { 200: M.readAll },
          detail: { summary: 'Mark all my notifications read' },
        })
        .get('/preferences', async ({ user }) => ({ items: await getPreferences(deps.db, user.id) }), {
          response: { 200: M.preferences },
          detail: { summary: 'My in-app and email choice for every notification type' },
        })
        .put('/preferences', async ({ user, body }) => ({ items: await updatePreferences(deps.db, user.id, body.items) }), {
          body: M.updatePreferencesBody,
          response: { 200: M.preferences, 400: ErrorResponse },
          detail: { summary: 'Change the choice for some types; answers all of them' },
        })
        .post('/:id/read', ({ user, params }) => markRead(deps, user.id, params.id), {
          params: M.params,
          response: { 200: M.item, 404: ErrorResponse },
          detail: { summary: 'Mark one of my notifications read' },
        })
        .delete(
          '/:id',
          async ({ user, params, status }) => {
            await deleteNotification(deps, user.id, params.id)
            return status(204, undefined)
          },
          {
            params: M.params,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'Delete one of my notifications' },
          },
        ),
    )
}
