import { useSearchParams } from '@solidjs/router'
import { lazy } from 'solid-js'
import { AdminQueueNav } from '../components/admin-queues'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { Icon } from '../components/icons'
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
        <div class="row">
          <ButtonLink href="/admin/dashboard">
            <Icon name="chart" /> Dashboard
          </ButtonLink>
          <ButtonLink href="/admin/users">
            <Icon name="user" /> Users
          </ButtonLink>
          <ButtonLink href="/admin/orders">
            <Icon name="bag" /> Orders
          </ButtonLink>
          <ButtonLink href="/admin/disputes">
            <Icon name="flag" /> Disputes
          </ButtonLink>
          <ButtonLink href="/admin/finance">
            <Icon name="shield" /> Finance
          </ButtonLink>
          <ButtonLink href="/admin/support">
            <Icon name="chat" /> Support
          </ButtonLink>
          <ButtonLink href="/admin/audit">
            <Icon name="activity" /> Audit log
          </ButtonLink>
          <ButtonLink href="/admin/plans">
            <Icon name="star" /> Plans
          </ButtonLink>
          <ButtonLink href="/admin/placements">
            <Icon name="star" /> Placement
          </ButtonLink>
          <ButtonLink href="/admin?tab=settings">
            <Icon name="settings" /> Settings
          </ButtonLink>
        </div>
      </div>
      <SignedIn role="admin">
        <div class="layout-sidebar">
          <AdminQueueNav />
          <div class="card card__body">
            <Tabs
              label="Administration"
              initial={tab()}
              items={[
                { id: 'vendors', label: 'Vendor applications', content: () => <AdminVendors /> },
                { id: 'categories', label: 'Categories', content: () => <AdminCategories /> },
                { id: 'reports', label: 'Moderation queue', content: () => <AdminReports /> },
                { id: 'message-reports', label: 'Reported messages', content: () => <AdminMessageReports /> },
                { id: 'review-reports', label: 'Reported reviews', content: () => <AdminReviewReports /> },
                { id: 'listings', label: 'Listings to review', content: () => <AdminListings /> },
                { id: 'settings', label: 'Settings', content: () => <AdminSettings /> },
              ]}
            />
          </div>
        </div>
      </SignedIn>
    </>
  )
}
