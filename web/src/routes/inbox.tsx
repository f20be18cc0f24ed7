import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { PageMeta } from '../lib/head'

export default function Inbox() {
  return (
    <>
      <PageMeta title="Inbox" description="Your conversations with vendors and buyers on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>Inbox</h1>
          <p>Conversations with vendors and buyers, live as they type.</p>
        </div>
      </div>
      <SignedIn icon="chat" title="Sign in to read your messages" reason="Your conversations with vendors and buyers live here, with replies arriving as they are sent.">
        <div class="card">
          <EmptyState icon="chat" title="No conversations yet" actions={<ButtonLink href="/catalog">Find something to ask about</ButtonLink>}>
            Start one from any product page with “Ask the seller”.
          </EmptyState>
        </div>
      </SignedIn>
    </>
  )
}
