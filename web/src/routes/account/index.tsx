import { useSearchParams } from '@solidjs/router'
import { SignedIn } from '../../components/auth-gate'
import { Tabs } from '../../components/tabs'
import { PageMeta } from '../../lib/head'
import { Devices } from './devices'
import { Profile } from './profile'
import { Security } from './security'

const SECTIONS = [
  { id: 'profile', label: 'Profile', content: () => <Profile /> },
  { id: 'security', label: 'Security', content: () => <Security /> },
  { id: 'devices', label: 'Devices', content: () => <Devices /> },
]

export default function Account() {
  const [params] = useSearchParams()
  const initial = () => (SECTIONS.some((s) => s.id === params.tab) ? String(params.tab) : 'profile')
  return (
    <>
      <PageMeta title="Account settings" description="Your Souk profile, security and signed-in devices." noindex />
      <div class="page-header">
        <div>
          <h1>Account settings</h1>
          <p>Your profile, how you sign in, and the devices you are signed in on.</p>
        </div>
      </div>
      <SignedIn>
        <div class="card card__body">
          <Tabs label="Account sections" items={SECTIONS} initial={initial()} />
        </div>
      </SignedIn>
    </>
  )
}
