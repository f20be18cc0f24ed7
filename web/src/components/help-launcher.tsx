import { createSignal, lazy, onMount, Show, Suspense } from 'solid-js'
import { signedIn } from '../lib/session'
import { Icon } from './icons'

// In the entry (every page has it), so it stays a button: the panel and all it uses are a lazy
// chunk (the support screens', with the ticket thread it shows), loaded on the first click.
const Panel = lazy(() => import('../routes/support-screens').then((m) => ({ default: m.AssistantPanel })))

const GUEST_ASKED_KEY = 'souk:assistant-guest'
const [guestAsked, setGuestAsked] = createSignal(false)

/** Whether this browser asked as a guest (its conversation may still be behind the guest cookie): only then is it read, and offered to keep after signing in. */
export { guestAsked }

export function markGuestAsked(asked: boolean): void {
  try {
    if (asked) localStorage.setItem(GUEST_ASKED_KEY, '1')
    else localStorage.removeItem(GUEST_ASKED_KEY)
  } catch {
    // Storage refused (a private mode): this page still knows.
  }
  setGuestAsked(asked)
}

/** The help launcher: a button on every page that opens the help assistant's panel. */
export function HelpLauncher() {
  const [open, setOpen] = createSignal(false)
  const [loaded, setLoaded] = createSignal(false)
  onMount(() => {
    try {
      setGuestAsked(localStorage.getItem(GUEST_ASKED_KEY) !== null)
    } catch {
      // As above.
    }
  })
  return (
    <>
      <button
        type="button"
        class="btn btn--primary help-launcher"
        aria-haspopup="dialog"
        onClick={() => {
          setLoaded(true)
          setOpen(true)
        }}
      >
        <Icon name="chat" /> {signedIn() && guestAsked() ? 'Keep your help conversation?' : 'Help'}
      </button>
      <Show when={loaded()}>
        <Suspense>
          <Panel open={open()} onClose={() => setOpen(false)} />
        </Suspense>
      </Show>
    </>
  )
}
