import { A, action, useSubmission } from '@solidjs/router'
import { Show } from 'solid-js'
import { Callout } from '../components/feedback'
import { TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { api } from '../lib/api'
import { boot } from '../lib/boot'
import { fieldErrors, toApiError } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { PageMeta } from '../lib/head'

const requestReset = action(async (form: FormInput) => {
  const email = formText(form, 'email').trim()
  const res = await api().api.v1.auth.password.forgot.post({ email })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return { email, message: res.data.message }
}, 'forgot-password')

export default function ForgotPassword() {
  const submission = useSubmission(requestReset)
  const errors = () => fieldErrors(submission.error)
  return (
    <>
      <PageMeta title="Forgot your password?" description="Get a link to choose a new Souk password." noindex />
      <div class="card form-card">
        <div class="card__body">
          <h1>Forgot your password?</h1>
          <p class="muted">Enter the address you sign in with. We will email you a link to choose a new password.</p>
          <form action={requestReset} method="post">
            <Show when={submission.result}>
              {(sent) => (
                <Callout tone="success">
                  <p>{sent().message}</p>
                  <Show when={boot().devMail}>
                    <p>
                      This server sends no real email: open the <A href={`/dev/mail?to=${encodeURIComponent(sent().email)}`}>development mailbox</A>.
                    </p>
                  </Show>
                </Callout>
              )}
            </Show>
            <FormAlert error={submission.error} fields={['email']} />
            <TextField label="Email" name="email" type="email" autocomplete="email" required error={errors().email} />
            <SubmitButton size="lg" block pending={submission.pending} pendingLabel="Sending…">
              {submission.result === undefined ? 'Email me a link' : 'Send another link'}
            </SubmitButton>
          </form>
          <p class="form-card__footer muted">
            Remembered it? <A href="/signin">Sign in</A>
          </p>
        </div>
      </div>
    </>
  )
}
