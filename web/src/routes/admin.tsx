import { useSearchParams } from '@solidjs/router'
import { lazy } from 'solid-js'
import { REPORT_SUBJECTS } from '../../../src/modules/catalog/live'
import { SignedIn } from '../components/auth-gate'
import { Tabs } from '../components/tabs'
import { PageMeta } from '../lib/head'
import { AdminCategories } from './admin/categories'
import { AdminMessageReports } from './admin/message-reports'
import { AdminReports } from './admin/reports'
import { AdminVendors } from './admin/vendors'

const AdminReviewReports = lazy(() => import('./admin/review-reports'))
const AdminListings = lazy(() => import('./admin/listings'))
const AdminSettings = lazy(() => import('./admin/settings'))

/** The tabs a link may open (`/admin?tab=reports`, as the queues link them). */
const TAB_IDS = ['vendors', 'categories', 'reports', 'message-reports', 'review-reports', 'listings', 'settings']

export default function Admin() {
  const [params] = useSearchParams()
  // The moderation queue's subject filter, as the queues' "Reported products|shops" links set it.
  const subject = () => REPORT_SUBJECTS.find((s) => s === params.subject)
  const tab = () => {
    const wanted = params.tab
    return typeof wanted === 'string' && TAB_IDS.includes(wanted) ? wanted : undefined
  }
  return (
    <>
      <PageMeta title="Admin" description="Souk administration." noindex />
      <div class="page-header">
        <div>
          <h1>Admin</h1>
          <p>Shop applications, the category tree, the moderation queues and the platform settings.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <div class="card card__body">
          <Tabs
            label="Administration"
            initial={tab()}
            items={[
              { id: 'vendors', label: 'Vendor applications', content: () => <AdminVendors /> },
              { id: 'categories', label: 'Categories', content: () => <AdminCategories /> },
              { id: 'reports', label: 'Moderation queue', content: () => <AdminReports subject={subject()} /> },
              { id: 'message-reports', label: 'Reported messages', content: () => <AdminMessageReports /> },
              { id: 'review-reports', label: 'Reported reviews', content: () => <AdminReviewReports /> },
              { id: 'listings', label: 'Listings to review', content: () => <AdminListings /> },
              { id: 'settings', label: 'Settings', content: () => <AdminSettings /> },
            ]}
          />
        </div>
      </SignedIn>
    </>
  )
}
