import { createEffect, createSignal, Show } from 'solid-js'
import type { PresenceData } from '../../../src/realtime/protocol'
import { api } from '../lib/api'
import { timeAgo } from '../lib/format'
import { useTopic } from '../lib/live'
import { sessionStatus } from '../lib/session'

function describe(data: PresenceData): string {
  if (data.online) return 'Online'
  return data.lastSeenAt === null ? 'Offline' : `Last seen ${timeAgo(data.lastSeenAt)}`
}

/**
 * Whether a person is online, or when they were last seen, live from `presence:<userId>` (the
 * server starts the topic with the current state). Visitors without a socket get it once over
 * REST. Nothing renders until it is known (the server renders nothing, so hydration matches).
 * `withLabel` prints the words beside the dot; otherwise they are its accessible name and tooltip.
 */
export function PresenceDot(props: { userId: string; withLabel?: boolean; class?: string }) {
  const live = useTopic(() => `presence:${props.userId}` as const)
  const [once, setOnce] = createSignal<PresenceData | null>(null)
  // Effects run in the browser only: the server never asks.
  createEffect(() => {
    if (sessionStatus() !== 'anonymous') return
    const id = props.userId
    void api()
      .api.v1.users({ id })
      .presence.get()
      .then((res) => res.data !== null && id === props.userId && setOnce(res.data))
      // Best effort: without it the dot stays hidden.
      .catch(() => {})
  })
  const data = () => live()?.data ?? once()
  return (
    <Show when={data()}>
      {(known) => (
        <span class={`presence ${props.class ?? ''}`} data-online={known().online} title={describe(known())}>
          <span class="presence__dot" role="img" aria-label={describe(known())} />
          <Show when={props.withLabel}>
            <span class="presence__label" aria-hidden="true">
              {describe(known())}
            </span>
          </Show>
        </span>
      )}
    </Show>
  )
}
