import { createSignal } from 'solid-js'

/**
 * The tab's one socket to `/ws`. For now it only keeps the connection (with jittered backoff) and
 * exposes its state; topics, typed messages and resume-from-last-id arrive with the realtime
 * gateway, which defines the protocol this client will speak.
 */
export type LiveState = 'unavailable' | 'connecting' | 'open' | 'reconnecting'

const [state, setState] = createSignal<LiveState>('unavailable')
export const liveState = state

const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 30_000

/** Full jitter: many tabs that lost the same server do not come back in lockstep. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
}

let started = false

/** Opens the socket once per tab; call only when the server says it has one. */
export function connectLive(): void {
  if (started) return
  started = true
  let attempt = 0
  const open = () => {
    setState(attempt === 0 ? 'connecting' : 'reconnecting')
    const url = new URL('/ws', window.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const socket = new WebSocket(url)
    socket.addEventListener('open', () => {
      attempt = 0
      setState('open')
    })
    socket.addEventListener('close', () => {
      setState('reconnecting')
      setTimeout(open, backoff(attempt++))
    })
  }
  open()
}
