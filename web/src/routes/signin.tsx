import { A, useSearchParams } from '@solidjs/router'
import { Button } from '../components/button'
import { Callout } from '../components/feedback'
import { TextField } from '../components/field'
import { PageMeta } from '../lib/head'

/** Only same-site paths are honoured as return targets (no open redirect through ?next=). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

export function AccountsPending() {
  return <Callout>Accounts are not open on this server yet — signing in and signing up arrive with Souk accounts.</Callout>
}

export default function SignIn() {
  const [params] = useSearchParams()
  const next = () => safeNext(params.next)
  return (
    <>
      <PageMeta title="Sign in" description="Sign in to Souk to chat with vendors, follow orders and manage your storefront." noindex />
      <div class="card form-card">
        <div class="card__body">
          <h1>Welcome back</h1>
          <p class="muted">Sign in to chat with vendors and follow your orders.</p>
          <form method="post" onSubmit={(e) => e.preventDefault()}>
            <AccountsPending />
            <TextField label="Email" name="email" type="email" autocomplete="email" required />
            <TextField label="Password" name="password" type="password" autocomplete="current-password" required />
            <input type="hidden" name="next" value={next()} />
            <Button type="submit" variant="primary" size="lg" block disabled>
              Sign in
            </Button>
          </form>
          <p class="muted" style={{ margin: '20px 0 0', 'text-align': 'center' }}>
            New to Souk? <A href={`/signup${next() === '/' ? '' : `?next=${encodeURIComponent(next())}`}`}>Create an account</A>
          </p>
        </div>
      </div>
    </>
  )
}
