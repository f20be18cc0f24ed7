import { A } from '@solidjs/router'
import { Button } from '../components/button'
import { TextField } from '../components/field'
import { PageMeta } from '../lib/head'
import { AccountsPending } from './signin'

export default function SignUp() {
  return (
    <>
      <PageMeta title="Create an account" description="Join Souk to buy from independent vendors or open your own storefront." />
      <div class="card form-card">
        <div class="card__body">
          <h1>Create your account</h1>
          <p class="muted">Buy from independent vendors, or open a storefront of your own.</p>
          <form method="post" onSubmit={(e) => e.preventDefault()}>
            <AccountsPending />
            <TextField label="Display name" name="displayName" autocomplete="nickname" required />
            <TextField label="Email" name="email" type="email" autocomplete="email" required />
            <TextField label="Password" name="password" type="password" autocomplete="new-password" hint="At least 8 characters." required minLength={8} />
            <Button type="submit" variant="primary" size="lg" block disabled>
              Create account
            </Button>
          </form>
          <p class="muted" style={{ margin: '20px 0 0', 'text-align': 'center' }}>
            Already have an account? <A href="/signin">Sign in</A>
          </p>
        </div>
      </div>
    </>
  )
}
