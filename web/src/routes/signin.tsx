import { A, action, redirect, useSearchParams, useSubmission } from '@solidjs/router'
import { Show } from 'solid-js'
import { TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { GoogleSignIn } from '../components/google-sign-in'
import { toast } from '../components/toast'
import { api, completeSignIn } from '../lib/api'
import { boot } from '../lib/boot'
import { ApiError, fieldErrors, toApiError } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { PageMeta } from '../lib/head'
import { safeNext, withNext } from '../lib/next'

const FIELDS = ['email', 'password'] as const

const signIn = action(async (form: FormInput) => {
  const res = await api().api.v1.auth.login.post({ email: formText(form, 'email').trim(), password: formText(form, 'password') })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  completeSignIn(res.data)
  toast(`Welcome back, ${res.data.user.displayName}.`, 'success')
  throw redirect(safeNext(formText(form, 'next')))
}, 'sign-in')

export default function SignIn() {
  const [params] = useSearchParams()
  const next = () => safeNext(params.next)
  const submission = useSubmission(signIn)
  const errors = () => fieldErrors(submission.error)
  const unverifiedEmail = () => {
    const error = submission.error
    if (!(error instanceof ApiError) || error.facts.reason !== 'email_not_verified') return null
    return formText(submission.input?.[0] ?? new URLSearchParams(), 'email').trim()
  }
  return (
    <>
      <PageMeta title="Sign in" description="Sign in to Souk to chat with vendors, follow orders and manage your storefront." noindex />
      <div class="card form-card">
        <div class="card__body">
          <h1>Welcome back</h1>
          <p class="muted">Sign in to chat with vendors and follow your orders.</p>
          <Show when={boot().googleClientId}>
            {(clientId) => (
              <>
                <GoogleSignIn clientId={clientId()} next={next()} />
                <div class="divider" role="presentation">
                  <span>or with your email</span>
                </div>
              </>
            )}
          </Show>
          <form action={signIn} method="post">
            <FormAlert error={submission.error} fields={FIELDS}>
              <Show when={unverifiedEmail()}>
                {(email) => (
                  <p>
                    <A href={withNext(`/verify?email=${encodeURIComponent(email())}`, next())}>Enter your code</A>
                  </p>
                )}
              </Show>
            </FormAlert>
            <TextField label="Email" name="email" type="email" autocomplete="email" required value={typeof params.email === 'string' ? params.email : ''} error={errors().email} />
            <div class="stack stack--tight">
              <TextField label="Password" name="password" type="password" autocomplete="current-password" required error={errors().password} />
              <A class="field__aside" href="/forgot-password">
                Forgot your password?
              </A>
            </div>
            <input type="hidden" name="next" value={next()} />
            <SubmitButton size="lg" block pending={submission.pending} pendingLabel="Signing in…">
              Sign in
            </SubmitButton>
          </form>
          <p class="form-card__footer muted">
            New to Souk? <A href={withNext('/signup', next())}>Create an account</A>
          </p>
        </div>
      </div>
    </>
  )
}
