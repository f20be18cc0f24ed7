import { A } from '@solidjs/router'
import { createEffect, createSignal, Show } from 'solid-js'
import { getInboxUnread } from '../lib/api'
import { myTopic, rereading, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'
import { Icon } from './icons'

/**
 * The header's inbox icon with my unread message total, live: fetched once when signed in, then
 * set by every `inbox` event on `user:<me>` (each says the new total).
 */
export function InboxLink() {
  const [count, setCount] = createSignal(0)
  // Bumped by each event, so a REST answer that left before it cannot undo it.
  let eventsSeen = 0
  const userId = () => currentUser()?.id ?? null
  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'inbox') return
      eventsSeen += 1
      setCount(event.data.unreadTotal)
    },
    ...rereading(() => void load()),
  })
  const load = async () => {
    const before = eventsSeen
    const total = await getInboxUnread().catch(() => null)
    if (total !== null && eventsSeen === before) setCount(total)
  }
  createEffect(() => (userId() === null ? setCount(0) : void load()))
  const label = () => (count() > 0 ? `Inbox, ${count()} unread` : 'Inbox')
  return (
    <A href="/inbox" class="icon-button inbox-link" aria-label={label()} title={label()}>
      <Icon name="inbox" />
      <Show when={count() > 0}>
        <span class="inbox-link__count" aria-hidden="true">
          {count() > 99 ? '99+' : count()}
        </span>
      </Show>
    </A>
  )
}
