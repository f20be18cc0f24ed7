import { useNavigate } from '@solidjs/router'
import { createSignal, onMount, Show } from 'solid-js'
import { api, completeSignIn } from '../lib/api'
import { toApiError } from '../lib/errors'
import { effectiveTheme } from '../lib/theme'
import { toast } from './toast'

/** The slice of Google Identity Services this button uses (https://accounts.google.com/gsi/client). */
interface GoogleIdentity {
  accounts: {
    id: {
      initialize(options: { client_id: string; callback: (response: { credential: string }) => void; ux_mode?: 'popup' }): void
      renderButton(parent: HTMLElement, options: { theme?: 'outline' | 'filled_black'; size?: 'large'; text?: 'continue_with'; shape?: 'pill'; width?: number }): void
    }
  }
}

const GSI_SCRIPT = 'https://accounts.google.com/gsi/client'

let loading: Promise<GoogleIdentity> | null = null

/** Loads Google's script once per tab, only on the pages that show the button. */
function loadGoogle(): Promise<GoogleIdentity> {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = GSI_SCRIPT
    script.async = true
    script.onload = () => resolve((window as unknown as { google: GoogleIdentity }).google)
    script.onerror = () => {
      loading = null
      reject(new Error('Google sign-in could not be loaded'))
    }
    document.head.append(script)
  })
  return loading
}

/**
 * "Continue with Google": Google's own button (its script draws it), whose ID token is posted to
 * /auth/google; the server verifies it. Rendered only when the server has a Google client id.
 */
export function GoogleSignIn(props: { clientId: string; next: string }) {
  const navigate = useNavigate()
  const [failed, setFailed] = createSignal(false)
  let slot: HTMLDivElement | undefined
  const signIn = async (idToken: string) => {
    const res = await api().api.v1.auth.google.post({ idToken })
    if (res.error !== null) return toast(toApiError(res.status, res.error.value).message, 'error')
    completeSignIn(res.data)
    toast(`Welcome, ${res.data.user.displayName}.`, 'success')
    navigate(props.next)
  }
  onMount(() => {
    loadGoogle().then(
      (google) => {
        if (slot === undefined) return
        google.accounts.id.initialize({ client_id: props.clientId, callback: (response) => void signIn(response.credential), ux_mode: 'popup' })
        google.accounts.id.renderButton(slot, {
          theme: effectiveTheme() === 'dark' ? 'filled_black' : 'outline',
          size: 'large',
          text: 'continue_with',
          shape: 'pill',
          width: Math.min(400, slot.clientWidth),
        })
      },
      () => setFailed(true),
    )
  })
  return (
    <div class="google-sign-in">
      <div ref={slot} class="google-sign-in__slot" />
      <Show when={failed()}>
        <p class="field__hint">Google sign-in is unavailable right now; use your email below.</p>
      </Show>
    </div>
  )
}
