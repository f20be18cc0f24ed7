import { A, action, redirect, useSearchParams, useSubmission } from '@solidjs/router'
import { Show } from 'solid-js'
import { Callout } from '../components/feedback'
import { TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { toast } from '../components/toast'
import { api } from '../lib/api'
import { ApiError, fieldErrors, toApiError } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { PageMeta } from '../lib/head'

const resetPassword = action(async (form: FormInput) => {
  const password = formText(form, 'password')
  // Checked here only: a typo in a password nobody can see would lock its owner out.
  if (password !== formText(form, 'confirm')) {
    throw new ApiError(400, 'invalid_data', 'Invalid body.confirm', [{ field: 'confirm', message: 'does not match the new password' }])
  }
  const res = await api().api.v1.auth.password.reset.post({ token: formText(form, 'token'), password })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  toast('Your password is changed and every device was signed out. Sign in with the new password.', 'success')
  throw redirect('/signin')
}, 'reset-password')

export default function ResetPassword() {
  const [params] = useSearchParams()
  const token = () => (typeof params.token === 'string' ? params.token : '')
  const submission = useSubmission(resetPassword)
  const errors = () => fieldErrors(submission.error)
  const linkDead = () => submission.error instanceof ApiError && submission.error.details.some((d) => d.field === 'body.token')
  return (
    <>
      <PageMeta title="Choose a new password" description="Set a new password for your Souk account." noindex />
      <div class="card form-card">
        <div class="card__body">
          <h1>Choose a new password</h1>
          <Show
            when={token() !== ''}
            fallback={
              <Callout tone="danger">
                <p>This page needs the link from your password-reset email.</p>
                <p>
                  <A href="/forgot-password">Ask for a new link</A>
                </p>
              </Callout>
            }
          >
            <p class="muted">Pick something long that you do not use anywhere else. Every device signed in to your account will be signed out.</p>
            <form action={resetPassword} method="post">
              <FormAlert error={submission.error} fields={['password', 'confirm']}>
                <Show when={linkDead()}>
                  <p>
                    <A href="/forgot-password">Ask for a new link</A>
                  </p>
                </Show>
              </FormAlert>
              <input type="hidden" name="token" value={token()} />
              <TextField label="New password" name="password" type="password" autocomplete="new-password" hint="At least 8 characters." required minLength={8} maxLength={128} error={errors().password} />
              <TextField label="New password, again" name="confirm" type="password" autocomplete="new-password" required error={errors().confirm} />
              <SubmitButton size="lg" block pending={submission.pending} pendingLabel="Saving…">
                Save the new password
              </SubmitButton>
            </form>
          </Show>
        </div>
      </div>
    </>
  )
}
