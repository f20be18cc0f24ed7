import { action, redirect, useSubmission } from '@solidjs/router'
import { createEffect, createSignal, on, Show } from 'solid-js'
import { Button } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { Callout } from '../../components/feedback'
import { TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast } from '../../components/toast'
import { api, endSessionWith } from '../../lib/api'
import { boot } from '../../lib/boot'
import { fieldErrors, toApiError } from '../../lib/errors'
import { type FormInput, formText } from '../../lib/forms'
import { currentUser, setSessionUser } from '../../lib/session'

const requestEmailChange = action(async (form: FormInput) => {
  const newEmail = formText(form, 'newEmail').trim()
  const res = await api().api.v1.me.email.post({ newEmail, password: formText(form, 'password') })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return { newEmail, message: res.data.message }
}, 'request-email-change')

const confirmEmailChange = action(async (form: FormInput) => {
  const res = await api().api.v1.me.email.confirm.post({ code: formText(form, 'code').trim() })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  setSessionUser(res.data)
  return `You now sign in with ${res.data.email}. We told your old address about the change.`
}, 'confirm-email-change')

const changePassword = action(async (form: FormInput) => {
  const res = await api().api.v1.me.password.post({ currentPassword: formText(form, 'currentPassword'), newPassword: formText(form, 'newPassword') })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return 'Your password is changed. Every other device was signed out; this one stays signed in.'
}, 'change-password')

const deleteAccount = action(async (form: FormInput) => {
  await endSessionWith(async () => {
    const res = await api().api.v1.me.delete({ password: formText(form, 'password') })
    if (res.error !== null) throw toApiError(res.status, res.error.value)
  })
  toast('Your account is deleted. Everything personal in it is gone.', 'success')
  throw redirect('/')
}, 'delete-account')

function EmailChange() {
  const requested = useSubmission(requestEmailChange)
  const confirmed = useSubmission(confirmEmailChange)
  const requestErrors = () => fieldErrors(requested.error)
  const confirmErrors = () => fieldErrors(confirmed.error)
  return (
    <section class="settings-block" aria-labelledby="email-heading">
      <div class="settings-block__intro">
        <h3 id="email-heading">
          <Icon name="mail" /> Email address
        </h3>
        <p class="muted">
          You sign in with <strong class="text-strong">{currentUser()?.email}</strong>. A new address counts once you enter the code we send to it.
        </p>
      </div>
      <Show when={confirmed.result}>{(message) => <Callout tone="success">{message()}</Callout>}</Show>
      <Show
        when={requested.result !== undefined && confirmed.result === undefined ? requested.result : null}
        fallback={
          <form action={requestEmailChange} method="post" class="settings-form">
            <FormAlert error={requested.error} fields={['newEmail', 'password']} />
            <div class="grid grid--2">
              <TextField label="New email address" name="newEmail" type="email" autocomplete="email" required error={requestErrors().newEmail} />
              <TextField label="Your password" name="password" type="password" autocomplete="current-password" required error={requestErrors().password} />
            </div>
            <div>
              <SubmitButton variant="secondary" pending={requested.pending} pendingLabel="Sending a code…">
                Send a code
              </SubmitButton>
            </div>
          </form>
        }
      >
        {(sent) => (
          <form action={confirmEmailChange} method="post" class="settings-form">
            <Callout>
              <p>{sent().message}</p>
              <Show when={boot().devMail}>
                <p>
                  This server sends no real email: read the code in the <a href={`/dev/mail?to=${encodeURIComponent(sent().newEmail)}`} target="_blank">development mailbox</a>.
                </p>
              </Show>
            </Callout>
            <FormAlert error={confirmed.error} fields={['code']} />
            <TextField label={`Code sent to ${sent().newEmail}`} name="code" class="code-input" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required error={confirmErrors().code} />
            <div class="row">
              <SubmitButton pending={confirmed.pending} pendingLabel="Checking…">
                Confirm the new address
              </SubmitButton>
              <Button variant="ghost" onClick={() => requested.clear()}>
                Cancel
              </Button>
            </div>
          </form>
        )}
      </Show>
    </section>
  )
}

function PasswordChange() {
  const submission = useSubmission(changePassword)
  const errors = () => fieldErrors(submission.error)
  let form: HTMLFormElement | undefined
  // Passwords do not linger in the fields once they were accepted.
  createEffect(on(() => submission.result, (result) => result !== undefined && form?.reset()))
  return (
    <section class="settings-block" aria-labelledby="password-heading">
      <div class="settings-block__intro">
        <h3 id="password-heading">
          <Icon name="lock" /> Password
        </h3>
        <p class="muted">Changing it signs out every other device. You cannot reuse any of your last 5 passwords.</p>
      </div>
      <Show when={currentUser()?.hasPassword} fallback={<Callout>Your account signs in with Google and has no password. To add one, use “Forgot your password?” on the sign-in page.</Callout>}>
        <form ref={form} action={changePassword} method="post" class="settings-form">
          <Show when={submission.result}>{(message) => <Callout tone="success">{message()}</Callout>}</Show>
          <FormAlert error={submission.error} fields={['currentPassword', 'newPassword']} />
          <div class="grid grid--2">
            <TextField label="Current password" name="currentPassword" type="password" autocomplete="current-password" required error={errors().currentPassword} />
            <TextField label="New password" name="newPassword" type="password" autocomplete="new-password" minLength={8} maxLength={128} hint="At least 8 characters." required error={errors().newPassword} />
          </div>
          <div>
            <SubmitButton variant="secondary" pending={submission.pending} pendingLabel="Changing…">
              Change password
            </SubmitButton>
          </div>
        </form>
      </Show>
    </section>
  )
}

function DeleteAccount() {
  const [open, setOpen] = createSignal(false)
  const submission = useSubmission(deleteAccount)
  const errors = () => fieldErrors(submission.error)
  return (
    <section class="settings-block settings-block--danger" aria-labelledby="delete-heading">
      <div class="settings-block__intro">
        <h3 id="delete-heading">
          <Icon name="trash" /> Delete your account
        </h3>
        <p class="muted">Your profile, photo and contact details are erased and every device is signed out. Orders and messages other people took part in stay, shown as from “Deleted user”. This cannot be undone.</p>
      </div>
      <div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete my account…
        </Button>
      </div>
      <Dialog open={open()} onClose={() => setOpen(false)} title="Delete your account?">
        <form action={deleteAccount} method="post" class="settings-form">
          <p>Enter your password to confirm. This cannot be undone.</p>
          <FormAlert error={submission.error} fields={['password']} />
          <TextField label="Password" name="password" type="password" autocomplete="current-password" required error={errors().password} />
          <div class="row row--end">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Keep my account
            </Button>
            <SubmitButton variant="danger" pending={submission.pending} pendingLabel="Deleting…">
              Delete my account
            </SubmitButton>
          </div>
        </form>
      </Dialog>
    </section>
  )
}

export function Security() {
  return (
    <div class="settings-section">
      <EmailChange />
      <PasswordChange />
      <DeleteAccount />
    </div>
  )
}
