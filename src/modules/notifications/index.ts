import { Elysia, t } from 'elysia'
import type { Config } from '../../config'
import { ErrorResponse } from '../../lib/errors'
import { authPlugin } from '../accounts'
import { digestLinks, digestOfLink, unsubscribeByLink } from './digest'
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

export { DIGEST_CRON, type DigestDeps, digestJob, digestLinks, purgeOldDigests, sendDigests } from './digest'
export { hasUnreadNotification, listNotifications, notify, purgeReadNotifications, type AfterCommit, type NotificationsDeps, type NotifyInput } from './service'

/**
 * The signed-in user's notifications: list (cursor pages, `unread=true`), unread count, mark read
 * (one, all), delete, per-type preferences and the email digest's. Other users' notifications
 * answer 404. New ones are pushed live on `user:<id>`; modules create them with `notify` from the
 * service. The digest's unsubscribe link works signed out: its token is the credential.
 */
export function notificationsRoutes(ctx: { deps: NotificationsDeps; config: Pick<Config, 'secrets' | 'publicUrl'> }) {
  const { deps } = ctx
  const digest = { db: deps.db, clock: deps.clock, links: digestLinks(ctx.config) }
  return new Elysia({ name: 'notifications', prefix: '/api/v1/notifications' })
    .use(authPlugin({ database: { db: deps.db }, config: ctx.config, clock: deps.clock }))
    .guard({ detail: { tags: ['Notifications'] } }, (app) =>
      app
        .get('/digest/unsubscribe', ({ query }) => digestOfLink(digest, query.token), {
          query: M.unsubscribeQuery,
          response: { 200: M.digestChoice, 400: ErrorResponse },
          detail: { summary: 'The digest choice of the account a digest’s unsubscribe link names (signed out; changes nothing, so mail scanners opening the link change nothing)' },
        })
        .post('/digest/unsubscribe', ({ query }) => unsubscribeByLink(digest, query.token), {
          query: M.unsubscribeQuery,
          // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` as a form; the page posts nothing.
          parse: 'urlencoded',
          body: M.oneClickBody,
          response: { 200: M.digestChoice, 400: ErrorResponse },
          detail: { summary: 'Turn the email digest off with a digest’s unsubscribe link (signed out; again is the same)' },
        }),
    )
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
        .get('/preferences', ({ user }) => getPreferences(deps.db, user.id), {
          response: { 200: M.preferences },
          detail: { summary: 'My in-app and email choice for every notification type, and how often unread ones are emailed as a digest' },
        })
        .put('/preferences', ({ user, body }) => updatePreferences(deps.db, user.id, body, deps.clock.now()), {
          body: M.updatePreferencesBody,
          response: { 200: M.preferences, 400: ErrorResponse },
          detail: { summary: 'Change the choice for some types and/or the digest; answers all of them' },
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
