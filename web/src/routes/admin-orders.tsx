import { ExportJob } from '../components/export-job'
import { createSignal } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Button } from '../components/button'
import { EmptyState } from '../components/feedback'
import { TextField } from '../components/field'
import { Icon } from '../components/icons'
import { byStatus, createOrderPages, OrderPages, OrderRow, StatusFilter } from '../components/order-list'
import { PageMeta } from '../lib/head'
import { exportAllOrders, listAllOrders, type OrderStatus } from '../lib/orders'

/** Every order, newest first: found by order id or invoice number, filtered by status, in cursor pages. */
function OrderSearch() {
  const [q, setQ] = createSignal('')
  const [status, setStatus] = createSignal<OrderStatus | undefined>(undefined)
  const orders = createOrderPages({
    query: () => ({ ...(q() === '' ? {} : { q: q() }), ...byStatus(status()) }),
    read: listAllOrders,
    pageSize: 30,
    live: false,
    failed: { load: 'Could not load the orders', more: 'Could not load more orders' },
  })

  return (
    <section class="card" aria-labelledby="orders-heading">
      <div class="card__header">
        <h2 id="orders-heading">Orders</h2>
        <ExportJob start={() => exportAllOrders(status())} />
      </div>
      <div class="card__body stack">
        <form
          role="search"
          class="row order-search"
          onSubmit={(e) => {
            e.preventDefault()
            setQ(String(new FormData(e.currentTarget).get('q') ?? '').trim())
          }}
        >
          <TextField label="Order id or invoice number" name="q" type="search" maxLength={100} placeholder="e.g. ATLAS-2026-000042" />
          <Button type="submit">
            <Icon name="search" /> Search
          </Button>
        </form>
        <StatusFilter value={status()} onChange={setStatus} />
        <OrderPages
          pages={orders}
          label="Orders"
          loadingLabel="Loading orders"
          empty={
            <EmptyState icon="search" title={q() === '' ? 'No orders' : `No order matches “${q()}”`} headingLevel={3}>
              An order id finds that order; part of an invoice number finds every order whose number holds it.
            </EmptyState>
          }
          row={(order) => <OrderRow order={order} href={`/admin/orders/${order.id}`} showShop />}
        />
      </div>
    </section>
  )
}

export default function AdminOrders() {
  return (
    <>
      <PageMeta title="Orders" description="Souk administration: every order." noindex />
      <div class="page-header">
        <div>
          <h1>Orders</h1>
          <p>Every order of every shop. Open one to see it as its shop does, or cancel it with a reason.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <OrderSearch />
      </SignedIn>
    </>
  )
}
