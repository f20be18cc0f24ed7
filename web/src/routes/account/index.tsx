import { useSearchParams } from '@solidjs/router'
import { createEffect, lazy, on, Suspense } from 'solid-js'
import { SignedIn } from '../../components/auth-gate'
import { ButtonLink } from '../../components/button'
import { Icon } from '../../components/icons'
import { Skeleton } from '../../components/feedback'
import { Tabs } from '../../components/tabs'
import { toastError } from '../../components/toast'
import { api } from '../../lib/api'
import { toApiError } from '../../lib/errors'
import { PageMeta } from '../../lib/head'
import { setSessionUser, signedIn } from '../../lib/session'
import { Devices } from './devices'
import { Profile } from './profile'
import { Security } from './security'

// On demand, in the audit log's chunk (routes/audit-screens.ts): most visits never open it.
const SecurityActivity = lazy(() => import('../audit-screens').then((m) => ({ default: m.SecurityActivity })))
// In the social screens' chunk (routes/social-screens.ts), with the follow requests it links to.
const PrivacySettings = lazy(() => import('../social-screens').then((m) => ({ default: m.PrivacySettings })))

const SECTIONS = [
  { id: 'profile', label: 'Profile', content: () => <Profile /> },
  { id: 'security', label: 'Security', content: () => <Security /> },
  { id: 'devices', label: 'Devices', content: () => <Devices /> },
  {
    id: 'privacy',
    label: 'Privacy',
    content: () => (
      <Suspense fallback={<Skeleton height="120px" />}>
        <PrivacySettings />
      </Suspense>
    ),
  },
  {
    id: 'activity',
    // Not "Security …": the Security tab keeps its name to itself.
    label: 'Activity',
    content: () => (
      <Suspense fallback={<Skeleton height="180px" />}>
        <SecurityActivity />
      </Suspense>
    ),
  },
]

/**
 * The account as the server has it now. The tab's copy dates from its sign-in or last refresh, and
 * another device may have changed the profile or email since: settings must not show (and re-save) stale values.
 */
async function reloadAccount(): Promise<void> {
  const res = await api().api.v1.me.get()
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  setSessionUser(res.data)
}

export default function Account() {
  const [params] = useSearchParams()
  createEffect(on(signedIn, (now) => now && void reloadAccount().catch((error: unknown) => toastError(error, 'Your latest account details could not be loaded.'))))
  const initial = () => (SECTIONS.some((s) => s.id === params.tab) ? String(params.tab) : 'profile')
  return (
    <>
      <PageMeta title="Account settings" description="Your Souk profile, security and signed-in devices." noindex />
      <div class="page-header">
        <div>
          <h1>Account settings</h1>
          <p>Your profile, how you sign in, and the devices you are signed in on.</p>
        </div>
        <ButtonLink href="/account/addresses">
          <Icon name="pin" /> Addresses
        </ButtonLink>
      </div>
      <SignedIn>
        <div class="card card__body">
          <Tabs label="Account sections" items={SECTIONS} initial={initial()} />
        </div>
      </SignedIn>
    </>
  )
}
