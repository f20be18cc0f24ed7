import { createSignal, Show } from 'solid-js'
import { Button, ButtonLink } from '../../components/button'
import { EmptyState } from '../../components/feedback'
import { Icon } from '../../components/icons'
import { JobCard } from '../../components/job-card'
import { byStatus, createOrderPages, noOrdersTitle, OrderPages, OrderRow, StatusFilter } from '../../components/order-list'
import { toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { PageMeta } from '../../lib/head'
import { exportMySales, listMySales, type OrderStatus } from '../../lib/orders'

/**
 * My shop's orders, newest first, by status, in cursor pages, and their CSV export (a job, shown
 * here as it runs). Live: an `order` notification on my topic (a new order, a buyer's cancellation)
 * reads the rows shown again, so new ones appear on top.
 */
function SalesList() {
  const [status, setStatus] = createSignal<OrderStatus | undefined>(undefined)
  const [exportJob, setExportJob] = createSignal<Awaited<ReturnType<typeof exportMySales>> | null>(null)
  const sales = createOrderPages({
    query: () => byStatus(status()),
    read: listMySales,
    pageSize: 20,
    live: true,
    failed: { load: 'Could not load your sales', more: 'Could not load more sales' },
  })
  const startExport = async () => {
    try {
      setExportJob(await exportMySales(status()))
    } catch (error) {
      toastError(error, 'Could not start the export')
    }
  }

  return (
    <div class="stack">
      <Show when={exportJob()} keyed>
        {(job) => <JobCard job={job} />}
      </Show>
      <section class="card" aria-labelledby="sales-heading">
        <div class="card__header">
          <h2 id="sales-heading">Orders</h2>
          <Button size="sm" onClick={() => void startExport()}>
            <Icon name="arrowDown" /> Export CSV
          </Button>
        </div>
        <div class="card__body stack">
          <StatusFilter value={status()} onChange={setStatus} />
          <OrderPages
            pages={sales}
            label="Sales"
            loadingLabel="Loading your sales"
            empty={
              <EmptyState icon="bag" title={noOrdersTitle(status())} headingLevel={3}>
                Orders for your products appear here the moment they are placed.
              </EmptyState>
            }
            row={(order) => <OrderRow order={order} href={`/dashboard/sales/${order.id}`} />}
          />
        </div>
      </section>
    </div>
  )
}

/** The vendor's Sales: orders for their shop, live, with a link to each. */
export default function Sales() {
  return (
    <>
      <PageMeta title="Sales" description="Orders for your shop." noindex />
      <VendorGate>
        {(shop) => (
          <>
            <div class="page-header">
              <div>
                <h1>Sales</h1>
                <p>Orders for {shop.companyName}: accept new ones, or cancel with a reason before they ship.</p>
              </div>
              <div class="row">
                <ButtonLink href="/dashboard/earnings">
                  <Icon name="chart" /> Earnings
                </ButtonLink>
                <ButtonLink href="/dashboard/shipping">
                  <Icon name="pin" /> Delivery options
                </ButtonLink>
                <ButtonLink href="/dashboard">Back to dashboard</ButtonLink>
              </div>
            </div>
            <SalesList />
          </>
        )}
      </VendorGate>
    </>
  )
}
