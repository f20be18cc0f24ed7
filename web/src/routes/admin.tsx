import { SignedIn } from '../components/auth-gate'
import { EmptyState } from '../components/feedback'
import { PageMeta } from '../lib/head'

export default function Admin() {
  return (
    <>
      <PageMeta title="Admin" description="Souk administration." noindex />
      <div class="page-header">
        <div>
          <h1>Admin</h1>
          <p>Marketplace health, vendor applications, reports and users.</p>
        </div>
      </div>
      <SignedIn icon="shield" title="Administrators only" reason="Sign in with an administrator account to review vendor applications, reports and marketplace figures.">
        <div class="card">
          <EmptyState icon="chart" title="No figures yet">
            Orders, revenue and sign-ups per day chart here once the marketplace has activity.
          </EmptyState>
        </div>
      </SignedIn>
    </>
  )
}
