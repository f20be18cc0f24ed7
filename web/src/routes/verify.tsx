import { A, action, redirect, useSearchParams, useSubmission } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { Callout } from '../components/feedback'
import { TextField } from '../components/field'
import { createCountdown, FormAlert, formatWait, SubmitButton } from '../components/form'
import { toast } from '../components/toast'
import { api, completeSignIn } from '../lib/api'
import { boot } from '../lib/boot'
import { fieldErrors, toApiError } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { PageMeta } from '../lib/head'
import { safeNext, withNext } from '../lib/next'

// When the last code went out and to whom (browser only): the resend button waits out the cooldown.
const [lastSent, setLastSent] = createSignal<{ email: string; until: number } | null>(null)

/** Records that a code was just sent (sign-up, resend) and how long until another may be asked for. */
export function noteCodeSent(email: string, waitSeconds: number): void {
  setLastSent({ email: email.toLowerCase(), until: Date.now() + waitSeconds * 1000 })
}

const verify = action(async (form: FormInput) => {
  const res = await api().api.v1.auth.verify.post({ email: formText(form, 'email').trim(), code: formText(form, 'code').trim() })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  completeSignIn(res.data)
  toast(`Welcome to Souk, ${res.data.user.displayName}! Your email address is confirmed and you are signed in.`, 'success')
  throw redirect(safeNext(formText(form, 'next')))
}, 'verify-email')

const resend = action(async (form: FormInput) => {
  const email = formText(form, 'email').trim()
  const res = await api().api.v1.auth.resend.post({ email })
  if (res.error === null) {
    noteCodeSent(email, res.data.resendAfter)
    return 'We sent a new code. Codes work for 10 minutes; only the newest one counts.'
  }
  const error = toApiError(res.status, res.error.value)
  // Asked too soon: the button shows the wait instead of an error.
  if (error.facts.retryAfter === undefined) throw error
  noteCodeSent(email, error.facts.retryAfter)
  return null
}, 'resend-code')

export default function Verify() {
  const [params] = useSearchParams()
  const email = () => (typeof params.email === 'string' ? params.email.trim() : '')
  const next = () => safeNext(params.next)
  const submission = useSubmission(verify)
  const resent = useSubmission(resend)
  const errors = () => fieldErrors(submission.error)
  const wait = createCountdown(() => (lastSent()?.email === email().toLowerCase() ? (lastSent()?.until ?? 0) : 0))
  return (
    <>
      <PageMeta title="Confirm your email" description="Enter the 6-digit code we emailed you to finish creating your Souk account." noindex />
      <div class="card form-card">
        <div class="card__body">
          <h1>Check your email</h1>
          <Show when={email() !== ''} fallback={<p class="muted">Enter the address you signed up with and the 6-digit code we sent to it.</p>}>
            <p class="muted">
              We sent a 6-digit code to <strong class="text-strong">{email()}</strong>. Enter it to finish creating your account; it works for 10 minutes.
            </p>
          </Show>
          <Show when={boot().devMail && email() !== ''}>
            <Callout>
              This server sends no real email. Read the code in the <A href={`/dev/mail?to=${encodeURIComponent(email())}`}>development mailbox</A>.
            </Callout>
          </Show>
          <form action={verify} method="post">
            <FormAlert error={submission.error} fields={['code', ...(email() === '' ? ['email'] : [])]} />
            <Show when={email() === ''} fallback={<input type="hidden" name="email" value={email()} />}>
              <TextField label="Email" name="email" type="email" autocomplete="email" required error={errors().email} />
            </Show>
            <TextField
              label="Code"
              name="code"
              class="code-input"
              inputmode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              placeholder="••••••"
              required
              error={errors().code}
            />
            <input type="hidden" name="next" value={next()} />
            <SubmitButton size="lg" block pending={submission.pending} pendingLabel="Checking…">
              Confirm and sign in
            </SubmitButton>
          </form>
          <Show when={email() !== ''}>
            <form action={resend} method="post" class="resend">
              <input type="hidden" name="email" value={email()} />
              <Show when={resent.result}>{(message) => <Callout tone="success">{message()}</Callout>}</Show>
              <FormAlert error={resent.error} />
              <p class="muted">
                No code?{' '}
                <SubmitButton variant="ghost" size="sm" disabled={wait() > 0} pending={resent.pending} pendingLabel="Sending…">
                  {wait() > 0 ? `Send a new code in ${formatWait(wait())}` : 'Send a new code'}
                </SubmitButton>
              </p>
            </form>
          </Show>
          <p class="form-card__footer muted">
            Wrong address? <A href={withNext('/signup', next())}>Sign up again</A>
          </p>
        </div>
      </div>
    </>
  )
}
