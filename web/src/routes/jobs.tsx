import { SignedIn } from '../components/auth-gate'
import { EmptyState } from '../components/feedback'
import { PageMeta } from '../lib/head'

export default function Jobs() {
  return (
    <>
      <PageMeta title="Jobs" description="Imports, exports and other long tasks, with live progress." noindex />
      <div class="page-header">
        <div>
          <h1>Jobs</h1>
          <p>Imports, exports and reports you started, with live progress.</p>
        </div>
      </div>
      <SignedIn icon="activity" title="Sign in to follow your jobs" reason="Long tasks such as catalog imports and sales reports run in the background; their progress shows here live.">
        <div class="card">
          <EmptyState icon="activity" title="No jobs yet">
            When you start an import or an export, its progress appears here.
          </EmptyState>
        </div>
      </SignedIn>
    </>
  )
}
