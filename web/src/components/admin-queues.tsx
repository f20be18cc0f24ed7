import { A } from '@solidjs/router'
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js'
import { type AdminQueue, getAdminQueues, QUEUE_LABEL, URGENT_LABEL } from '../lib/admin-queues'
import { timeAgo } from '../lib/format'
import { rereading, serialReads, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'
import { Loading } from './feedback'

/**
 * A safety net, not the live path: what no module announces (dead letters, jobs purged, listings
 * imported in bulk) shows within this long. Every other change arrives as `queues.changed`.
 */
const REREAD_MS = 60_000

/**
 * The admins' queues with a count badge each, linking to the screen each is worked from. Read over
 * REST, then again on every `queues.changed` on `admin:queues` (admins only), on every (re)connect,
 * and once a minute. Reads never overlap: events arriving during one make one more read after it.
 */
export function AdminQueueNav(props: { onRead?: (queues: AdminQueue[]) => void }) {
  const [queues, setQueues] = createSignal<AdminQueue[] | null>(null)
  const [failed, setFailed] = createSignal(false)
  const read = serialReads(async () => {
    try {
      const { items } = await getAdminQueues()
      setQueues(items)
      props.onRead?.(items)
      setFailed(false)
    } catch {
      setFailed(true)
    }
  })

  const isAdmin = () => currentUser()?.role === 'admin'
  useTopic<'admin'>(() => (isAdmin() ? 'admin:queues' : null), { onEvent: (event) => event.kind === 'queues.changed' && void read(), ...rereading(() => void read()) })
  createEffect(() => {
    if (!isAdmin()) return
    void read()
    const timer = setInterval(() => void read(), REREAD_MS)
    onCleanup(() => clearInterval(timer))
  })

  return (
    <nav class="card card__body queue-nav" aria-labelledby="queue-nav-heading" data-testid="admin-queues">
      <h2 id="queue-nav-heading" class="section-title">
        Queues
      </h2>
      <Show when={failed() && queues() === null}>
        <p class="queue-nav__note">Could not load the queues.</p>
      </Show>
      <Show
        when={queues()}
        fallback={
          <Show when={!failed()}>
            <Loading label="Loading the queues" rows={3} height="18px" />
          </Show>
        }
      >
        {(items) => (
          <ul class="queue-nav__list">
            <For each={items()}>
              {(queue) => (
                <li>
                  <A href={queue.path} class="queue-nav__item" data-queue={queue.id}>
                    <span class="queue-nav__label">
                      {QUEUE_LABEL[queue.id]}
                      <Show when={queue.oldestAt}>{(oldest) => <small class="queue-nav__age">oldest {timeAgo(oldest())}</small>}</Show>
                      <Show when={queue.urgent !== null && queue.urgent > 0 && URGENT_LABEL[queue.id]}>
                        {(label) => (
                          <small class="queue-nav__age">
                            {queue.urgent} {label()}
                          </small>
                        )}
                      </Show>
                    </span>
                    <span class={`badge ${queue.waiting > 0 ? 'badge--warning' : ''}`} data-testid={`queue-count-${queue.id}`}>
                      {queue.waiting}
                    </span>
                  </A>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
    </nav>
  )
}
