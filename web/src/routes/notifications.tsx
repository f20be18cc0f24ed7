import { A } from '@solidjs/router'
import { createEffect, createSignal, Index, on, Show } from 'solid-js'
import type { NotificationItem } from '../../../src/modules/notifications/item'
import type { NotificationsModel } from '../../../src/modules/notifications/model'
import { SignedIn } from '../components/auth-gate'
import { applyNotificationEvent, markRead, NOTIFICATION_ICONS } from '../components/bell'
import { Button } from '../components/button'
import { EmptyState, Listed, Loading, Skeleton } from '../components/feedback'
import { SelectField } from '../components/field'
import { Icon } from '../components/icons'
import { InfiniteList } from '../components/pagination'
import { toast, toastError } from '../components/toast'
import { deleteNotification, getNotificationPreferences, listNotifications, markAllNotificationsRead, updateNotificationPreferences } from '../lib/api'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { myTopic, rereading, useTopic } from '../lib/live'

const TYPE_LABEL: Record<NotificationsModel.Preference['type'], string> = {
  message: 'Messages',
  order: 'Orders',
  payment: 'Payments and wallet',
  review: 'Reviews',
  follow: 'New followers',
  follow_request: 'Follow requests',
  like: 'Likes',
  comment: 'Comments',
  mention: 'Mentions',
  system: 'Security and account',
}

type Digest = NotificationsModel.Preferences['digest']
const DIGEST_LABEL: Record<Digest, string> = { daily: 'Daily', weekly: 'Weekly', off: 'Off' }
const DIGEST_OPTIONS = Object.entries(DIGEST_LABEL).map(([value, label]) => ({ value, label }))

/** My notifications, newest activity first, live: cursor pages, an unread filter, read and delete. */
function NotificationList() {
  const [unreadOnly, setUnreadOnly] = createSignal(false)
  const [items, setItems] = createSignal<NotificationItem[] | null>(null)
  const [cursor, setCursor] = createSignal<string | null>(null)

  const load = async () => {
    const unread = unreadOnly()
    try {
      const page = await listNotifications(unread ? { unread } : {})
      if (unread !== unreadOnly()) return
      setItems(page.items)
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, 'Could not load your notifications')
    }
  }
  const loadMore = async () => {
    const after = cursor()
    if (after === null) return
    try {
      const page = await listNotifications({ ...(unreadOnly() ? { unread: true } : {}), cursor: after })
      setItems((list) => [...(list ?? []), ...page.items.filter((n) => !list?.some((m) => m.id === n.id))])
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, 'Could not load more notifications')
    }
  }
  createEffect(on(unreadOnly, () => void load()))

  useTopic(myTopic, {
    onEvent: (event) => setItems((list) => (list === null ? list : applyNotificationEvent(list, event))),
    ...rereading(() => void load()),
  })

  const remove = async (item: NotificationItem) => {
    try {
      await deleteNotification(item.id)
      setItems((list) => list?.filter((n) => n.id !== item.id) ?? null)
    } catch (error) {
      toastError(error, 'Could not delete it')
    }
  }
  const markAll = () => markAllNotificationsRead().catch((error: unknown) => toastError(error, 'Could not mark them read'))
  // Read ones stay in the unread view until it is reloaded: nothing jumps away under the pointer.
  const unreadCount = () => (items() ?? []).filter((n) => !n.read).length

  return (
    <section class="card" aria-labelledby="notifications-list">
      <div class="card__header">
        <h2 id="notifications-list">Latest</h2>
        <div class="row">
          <div class="segmented" role="group" aria-label="Show">
            <button type="button" aria-pressed={!unreadOnly()} onClick={() => setUnreadOnly(false)}>
              All
            </button>
            <button type="button" aria-pressed={unreadOnly()} onClick={() => setUnreadOnly(true)}>
              Unread
            </button>
          </div>
          <Button size="sm" onClick={() => void markAll()} disabled={unreadCount() === 0}>
            <Icon name="check" /> Mark all read
          </Button>
        </div>
      </div>
      <div class="card__body">
        <Listed
          items={items()}
          loading={<Loading label="Loading notifications" rows={3} height="48px" />}
          empty={
            <EmptyState icon="bell" title={unreadOnly() ? 'Nothing unread' : 'You’re all caught up'} headingLevel={3}>
              New notifications appear here the moment they happen.
            </EmptyState>
          }
        >
          {(list) => (
            <InfiniteList items={list()} hasMore={cursor() !== null} loadMore={loadMore} label="Notifications">
              {(item) => (
                <div class="notice-row" classList={{ 'is-unread': !item.read }}>
                  <span class="notice-row__icon">
                    <Icon name={NOTIFICATION_ICONS[item.type]} />
                  </span>
                  <div class="notice-row__text">
                    <Show when={item.link} fallback={<span>{item.summary}</span>}>
                      {(link) => (
                        <A href={link()} onClick={() => markRead(item)}>
                          {item.summary}
                        </A>
                      )}
                    </Show>
                    <span class="muted">
                      {timeAgo(item.updatedAt)}
                      <Show when={!item.read}> · unread</Show>
                    </span>
                  </div>
                  <div class="notice-row__actions">
                    <Show when={!item.read}>
                      <Button size="sm" variant="ghost" onClick={() => markRead(item)} aria-label={`Mark read: ${item.summary}`}>
                        <Icon name="check" />
                      </Button>
                    </Show>
                    <Button size="sm" variant="ghost" onClick={() => void remove(item)} aria-label={`Delete: ${item.summary}`}>
                      <Icon name="trash" />
                    </Button>
                  </div>
                </div>
              )}
            </InfiniteList>
          )}
        </Listed>
      </div>
    </section>
  )
}

/**
 * In-app and email, per notification type, and the email digest of unread ones. Each control saves
 * at once (rows by index keep focus across the answer).
 */
function Preferences() {
  const [prefs, setPrefs] = createSignal<NotificationsModel.Preferences | null>(null)
  getNotificationPreferences()
    .then(setPrefs)
    .catch((error: unknown) => toastError(error, 'Could not load your preferences'))

  const save = async (change: NotificationsModel.UpdatePreferencesBody) => {
    try {
      setPrefs(await updateNotificationPreferences(change))
      toast('Preferences saved.', 'success')
    } catch (error) {
      toastError(error, 'Could not save your preferences')
    }
  }
  const change = (next: NotificationsModel.Preference) => save({ items: [next] })
  const items = () => prefs()?.items
  return (
    <section class="card" aria-labelledby="notification-preferences">
      <div class="card__header">
        <h2 id="notification-preferences">Preferences</h2>
      </div>
      <div class="card__body">
        <Show when={items()} fallback={<Skeleton height="240px" />}>
          {(list) => (
            <table class="prefs">
              <caption class="visually-hidden">Where each kind of notification reaches you</caption>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">In the app</th>
                  <th scope="col">Email</th>
                </tr>
              </thead>
              <tbody>
                <Index each={list()}>
                  {(pref) => (
                    <tr>
                      <th scope="row">{TYPE_LABEL[pref().type]}</th>
                      <td>
                        <input type="checkbox" class="switch" checked={pref().inApp} aria-label={`${TYPE_LABEL[pref().type]} in the app`} onChange={(e) => void change({ ...pref(), inApp: e.currentTarget.checked })} />
                      </td>
                      <td>
                        <input type="checkbox" class="switch" checked={pref().email} aria-label={`${TYPE_LABEL[pref().type]} by email`} onChange={(e) => void change({ ...pref(), email: e.currentTarget.checked })} />
                      </td>
                    </tr>
                  )}
                </Index>
              </tbody>
            </table>
          )}
        </Show>
        <Show when={prefs()}>
          {(current) => (
            <SelectField
              label="Email digest"
              hint="Your unread notifications in one email, once a day or once a week."
              options={DIGEST_OPTIONS}
              value={current().digest}
              onChange={(e) => void save({ digest: e.currentTarget.value as Digest })}
            />
          )}
        </Show>
      </div>
    </section>
  )
}

export default function Notifications() {
  return (
    <>
      <PageMeta title="Notifications" description="Order updates, messages and mentions on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>Notifications</h1>
          <p>Order updates, new messages and replies, newest first.</p>
        </div>
      </div>
      <SignedIn>
        <div class="notifications-layout">
          <NotificationList />
          <Preferences />
        </div>
      </SignedIn>
    </>
  )
}
