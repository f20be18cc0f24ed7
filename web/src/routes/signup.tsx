import { A, action, redirect, useSearchParams, useSubmission } from '@solidjs/router'
import { TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { api } from '../lib/api'
import { fieldErrors, toApiError } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { PageMeta } from '../lib/head'
import { safeNext, withNext } from '../lib/next'
import { noteCodeSent } from './verify'

const FIELDS = ['displayName', 'email', 'password'] as const

const signUp = action(async (form: FormInput) => {
  const email = formText(form, 'email').trim()
  const res = await api().api.v1.auth.register.post({ displayName: formText(form, 'displayName'), email, password: formText(form, 'password') })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  noteCodeSent(email, res.data.resendAfter)
  throw redirect(withNext(`/verify?email=${encodeURIComponent(email)}`, formText(form, 'next')))
}, 'sign-up')

export default function SignUp() {
  const [params] = useSearchParams()
  const next = () => safeNext(params.next)
  const submission = useSubmission(signUp)
  const errors = () => fieldErrors(submission.error)
  return (
    <>
      <PageMeta title="Create an account" description="Join Souk to buy from independent vendors or open your own storefront." />
      <div class="card form-card">
        <div class="card__body">
          <h1>Create your account</h1>
          <p class="muted">Buy from independent vendors, or open a storefront of your own.</p>
          <form action={signUp} method="post">
            <FormAlert error={submission.error} fields={FIELDS} />
            <TextField label="Display name" name="displayName" autocomplete="nickname" required maxLength={60} hint="Shown on your profile and in chats." error={errors().displayName} />
            <TextField label="Email" name="email" type="email" autocomplete="email" required error={errors().email} />
            <TextField label="Password" name="password" type="password" autocomplete="new-password" hint="At least 8 characters. A long phrase is easiest to remember." required minLength={8} maxLength={128} error={errors().password} />
            <input type="hidden" name="next" value={next()} />
            <SubmitButton size="lg" block pending={submission.pending} pendingLabel="Creating your account…">
              Create account
            </SubmitButton>
          </form>
          <p class="form-card__footer muted">
            Already have an account? <A href={withNext('/signin', next())}>Sign in</A>
          </p>
        </div>
      </div>
    </>
  )
}
