import { SignedIn } from '../components/auth-gate'
import { EmptyState } from '../components/feedback'
import { Tabs } from '../components/tabs'
import { PageMeta } from '../lib/head'

export default function Account() {
  return (
    <>
      <PageMeta title="Account settings" description="Your Souk profile, security and signed-in devices." noindex />
      <div class="page-header">
        <div>
          <h1>Account settings</h1>
          <p>Your profile, password and the devices you are signed in on.</p>
        </div>
      </div>
      <SignedIn icon="settings" title="Sign in to manage your account" reason="Change your profile, email and password, and sign out devices you no longer use.">
        <div class="card card__body">
          <Tabs
            label="Account sections"
            items={[
              { id: 'profile', label: 'Profile', content: () => <EmptyState icon="user" title="Your profile" headingLevel={3}>Your display name, photo and bio, as other people see them.</EmptyState> },
              { id: 'security', label: 'Security', content: () => <EmptyState icon="shield" title="Password and email" headingLevel={3}>Change your password or the email you sign in with.</EmptyState> },
              { id: 'sessions', label: 'Devices', content: () => <EmptyState icon="activity" title="Signed-in devices" headingLevel={3}>Every browser and phone signed in to your account, and a way to sign them out.</EmptyState> },
            ]}
          />
        </div>
      </SignedIn>
    </>
  )
}
