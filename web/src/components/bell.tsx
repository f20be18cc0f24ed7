import { A } from '@solidjs/router'
import { createEffect, createSignal, For, Show } from 'solid-js'
import type { NotificationItem, NotificationType } from '../../../src/modules/notifications/item'
import { getUnreadCount, listNotifications, markAllNotificationsRead, markNotificationRead } from '../lib/api'
import { timeAgo } from '../lib/format'
import { type EventOf, myTopic, rereading, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'
import { Icon, type IconName } from './icons'
import { Menu } from './menu'
import { toastError } from './toast'

/** How many notifications the dropdown shows. */
const LATEST = 5

export const NOTIFICATION_ICONS: Record<NotificationType, IconName> = {
  message: 'chat',
  order: 'bag',
  payment: 'lock',
  review: 'tag',
  follow: 'user',
  follow_request: 'user',
  like: 'heart',
  comment: 'chat',
  mention: 'user',
  system: 'shield',
}

/**
 * Applies one `user:` event to a list of notifications: a new or grown group moves to the top,
 * reads mark their items. Answers the list unchanged for other kinds.
 */
export function applyNotificationEvent(list: NotificationItem[], event: EventOf<'user'>): NotificationItem[] {
  if (event.kind === 'notification') return [event.data.notification, ...list.filter((n) => n.id !== event.data.notification.id)]
  if (event.kind !== 'notification.read') return list
  const { all, ids } = event.data
  return list.map((n) => (all || ids.includes(n.id) ? { ...n, read: true } : n))
}

/** Marks one notification read, saying so in a toast if that failed. */
export function markRead(item: NotificationItem): void {
  if (!item.read) markNotificationRead(item.id).catch((error: unknown) => toastError(error, 'Could not mark it read'))
}

/**
 * The header's bell: for a signed-in user the unread count, live (fetched once, then carried by
 * every `notification` / `notification.read` event on `user:<id>`, which say the new count), and a
 * dropdown with the latest few. Visitors get a plain link (the page asks them to sign in).
 */
export function Bell() {
  const [count, setCount] = createSignal(0)
  const [latest, setLatest] = createSignal<NotificationItem[]>([])
  // Bumped by each event, so a REST answer that left before it cannot undo it.
  let eventsSeen = 0

  const load = async () => {
    const before = eventsSeen
    try {
      const [unread, page] = await Promise.all([getUnreadCount(), listNotifications({ limit: LATEST })])
      if (eventsSeen !== before) return
      setCount(unread)
      setLatest(page.items)
    } catch {
      // The bell stays as it was; the next event or reconnect brings it up to date.
    }
  }

  const userId = () => currentUser()?.id ?? null
  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'notification' && event.kind !== 'notification.read') return
      eventsSeen += 1
      setCount(event.data.unreadCount)
      setLatest((list) => applyNotificationEvent(list, event).slice(0, LATEST))
    },
    ...rereading(() => void load()),
  })
  createEffect(() => userId() !== null && void load())

  const markAll = () => {
    markAllNotificationsRead().catch((error: unknown) => toastError(error, 'Could not mark them read'))
  }

  return (
    <Show
      when={userId()}
      fallback={
        <A href="/notifications" class="icon-button" aria-label="Notifications" title="Notifications">
          <Icon name="bell" />
        </A>
      }
    >
      <Menu
        label={count() > 0 ? `Notifications, ${count()} unread` : 'Notifications'}
        buttonClass="icon-button bell"
        button={
          <>
            <Icon name="bell" />
            <Show when={count() > 0}>
              <span class="bell__count" aria-hidden="true">
                {count() > 99 ? '99+' : count()}
              </span>
            </Show>
          </>
        }
      >
        <div class="menu__heading bell__heading" role="presentation">
          <strong>Notifications</strong>
          <Show when={count() > 0}>
            <button type="button" class="menu__item bell__mark-all" role="menuitem" tabindex="-1" onClick={markAll}>
              Mark all read
            </button>
          </Show>
        </div>
        <Show when={latest().length > 0} fallback={<p class="bell__empty">You’re all caught up.</p>}>
          <For each={latest()}>
            {(item) => (
              <A href={item.link ?? '/notifications'} class="menu__item notice" classList={{ 'is-unread': !item.read }} role="menuitem" tabindex="-1" onClick={() => markRead(item)}>
                <Icon name={NOTIFICATION_ICONS[item.type]} />
                <span class="notice__text">
                  <span>{item.summary}</span>
                  <span class="notice__time">{timeAgo(item.updatedAt)}</span>
                </span>
                <Show when={!item.read}>
                  <span class="notice__unread" role="img" aria-label="Unread" />
                </Show>
              </A>
            )}
          </For>
        </Show>
        <div class="menu__separator" role="separator" />
        <A href="/notifications" class="menu__item" role="menuitem" tabindex="-1">
          <Icon name="bell" /> See all notifications
        </A>
      </Menu>
    </Show>
  )
}
