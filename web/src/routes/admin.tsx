import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { Icon } from '../components/icons'
import { Tabs } from '../components/tabs'
import { PageMeta } from '../lib/head'
import { AdminCategories } from './admin/categories'
import { AdminMessageReports } from './admin/message-reports'
import { AdminReports } from './admin/reports'
import { AdminVendors } from './admin/vendors'

export default function Admin() {
  return (
    <>
      <PageMeta title="Admin" description="Souk administration." noindex />
      <div class="page-header">
        <div>
          <h1>Admin</h1>
          <p>Shop applications, the category tree and the moderation queues.</p>
        </div>
        <ButtonLink href="/admin/orders">
          <Icon name="bag" /> Orders
        </ButtonLink>
      </div>
      <SignedIn role="admin">
        <div class="card card__body">
          <Tabs
            label="Administration"
            items={[
              { id: 'vendors', label: 'Vendor applications', content: () => <AdminVendors /> },
              { id: 'categories', label: 'Categories', content: () => <AdminCategories /> },
              { id: 'reports', label: 'Moderation queue', content: () => <AdminReports /> },
              { id: 'message-reports', label: 'Reported messages', content: () => <AdminMessageReports /> },
            ]}
          />
        </div>
      </SignedIn>
    </>
  )
}
