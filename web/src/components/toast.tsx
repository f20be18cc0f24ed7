import { createSignal, For } from 'solid-js'
import { Icon } from './icons'

export type ToastTone = 'info' | 'success' | 'error'

interface ToastItem {
  id: number
  message: string
  tone: ToastTone
}

const TOAST_MS = 6000
const [toasts, setToasts] = createSignal<ToastItem[]>([])
let nextId = 1

export function dismissToast(id: number): void {
  setToasts((list) => list.filter((t) => t.id !== id))
}

/** Shows a transient message; errors that belong to no form field end up here. */
export function toast(message: string, tone: ToastTone = 'info'): void {
  const id = nextId++
  setToasts((list) => [...list.slice(-3), { id, message, tone }])
  setTimeout(() => dismissToast(id), TOAST_MS)
}

/** Shows a failed call's message (the server's, for an ApiError), or `fallback` for anything else. */
export function toastError(error: unknown, fallback: string): void {
  toast(error instanceof Error ? error.message : fallback, 'error')
}

export function Toaster() {
  return (
    <ol class="toaster" aria-live="polite" aria-label="Notifications">
      <For each={toasts()}>
        {(item) => (
          <li class={`toast toast--${item.tone}`} role={item.tone === 'error' ? 'alert' : 'status'}>
            <p>{item.message}</p>
            <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(item.id)}>
              <Icon name="close" />
            </button>
          </li>
        )}
      </For>
    </ol>
  )
}
