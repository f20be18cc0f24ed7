import { SignedIn } from '../components/auth-gate'
import { EmptyState } from '../components/feedback'
import { PageMeta } from '../lib/head'

export default function Notifications() {
  return (
    <>
      <PageMeta title="Notifications" description="Order updates, messages and mentions on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>Notifications</h1>
          <p>Order updates, new messages and replies, newest first.</p>
        </div>
      </div>
      <SignedIn icon="bell" title="Sign in to see your notifications" reason="Order updates, messages and mentions collect here and arrive live while you browse.">
        <div class="card">
          <EmptyState icon="bell" title="You’re all caught up">
            New notifications appear here the moment they happen.
          </EmptyState>
        </div>
      </SignedIn>
    </>
  )
}
