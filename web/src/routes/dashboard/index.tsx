import { A, action, createAsync, useAction } from '@solidjs/router'
import { createSignal, For, lazy, Show } from 'solid-js'
import { Button, ButtonLink } from '../../components/button'
import { BarChart } from '../../components/chart'
import { Badge, EmptyState } from '../../components/feedback'
import { Icon } from '../../components/icons'
import { Img } from '../../components/media'
import { toast } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { api } from '../../lib/api'
import { formatPrice, getMyProducts, getProductStats, must, type ProductSummary } from '../../lib/catalog'
import { ApiError } from '../../lib/errors'
import { PageMeta } from '../../lib/head'
import { REVIEW_STATE_LABEL } from '../../lib/listings'

// Boost and featured placement of a listing on sale: loaded with the first such row.
const ListingPlacement = lazy(() => import('../../components/listing-placement'))

const markSold = action(async (slug: string) => must(await api().api.v1.products({ slug })['mark-sold'].post()), 'mark-sold')
const reactivate = action(async (slug: string) => must(await api().api.v1.products({ slug }).reactivate.post()), 'reactivate')

const STATUS_TONE = { active: 'success', draft: 'neutral', sold: 'danger', archived: 'warning' } as const

// The typed client turns date strings into Dates at run time, whatever the schema's type says.
const dayLabel = (day: string | Date) => new Date(day).toISOString().slice(8, 10)

function Stats(props: { product: ProductSummary }) {
  const stats = createAsync(() => getProductStats(props.product.slug))
  return (
    <section class="card card__body stack" aria-labelledby="stats-heading">
      <h2 id="stats-heading">Last 14 days · {props.product.title}</h2>
      <Show when={stats()}>
        {(s) => (
          <>
            <dl class="stat-row">
              <div><dt>Views</dt><dd>{s().totals.views}</dd></div>
              <div><dt>Favorites</dt><dd>{s().totals.favorites}</dd></div>
              <div><dt>Shares</dt><dd>{s().totals.shares}</dd></div>
              <div><dt>Chats</dt><dd>{s().totals.chats}</dd></div>
            </dl>
            <BarChart title="Views per day" data={s().days.map((d) => ({ label: dayLabel(d.day), value: d.views }))} />
          </>
        )}
      </Show>
    </section>
  )
}

function ProductRow(props: { product: ProductSummary; selected: boolean; onStats: () => void }) {
  const sell = useAction(markSold)
  const revive = useAction(reactivate)
  const p = () => props.product
  const run = (work: Promise<unknown>, done: string) =>
    work.then(
      () => toast(done, 'success'),
      (error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work. Try again.', 'error'),
    )
  return (
    <li class="dashboard-product" classList={{ 'is-selected': props.selected }}>
      <Img src={p().image?.thumbnailUrl} alt="" width={64} height={64} />
      <div class="dashboard-product__main">
        <A href={`/dashboard/products/${p().slug}`} class="text-strong">
          {p().title}
        </A>
        <span class="muted">
          {formatPrice(p().priceMinor, p().currency)} · {p().stock} in stock · {p().viewsCount} views
        </span>
      </div>
      <Badge tone={STATUS_TONE[p().status]}>{p().status}</Badge>
      <Show when={p().review.state !== 'approved'}>
        <Badge tone={p().review.state === 'pending' ? 'warning' : 'danger'}>{REVIEW_STATE_LABEL[p().review.state]}</Badge>
      </Show>
      <Show when={p().boosted}>
        <Badge tone="primary">Promoted</Badge>
      </Show>
      <Show when={p().featured}>
        <Badge tone="primary">Featured</Badge>
      </Show>
      <div class="dashboard-product__actions">
        <Button size="sm" variant="ghost" aria-pressed={props.selected} onClick={props.onStats} aria-label={`Stats of ${p().title}`}>
          <Icon name="chart" />
        </Button>
        <Show when={p().status === 'active'}>
          <Show when={p().review.state === 'approved'}>
            <ListingPlacement product={p()} />
          </Show>
          <Button size="sm" onClick={() => void run(sell(p().slug), `${p().title} is marked sold.`)}>Mark sold</Button>
        </Show>
        <Show when={p().status === 'sold' || p().status === 'archived'}>
          <Button size="sm" onClick={() => void run(revive(p().slug), `${p().title} is on sale again.`)}>Reactivate</Button>
        </Show>
      </div>
    </li>
  )
}

function Products() {
  const page = createAsync(() => getMyProducts())
  const [selected, setSelected] = createSignal<string | null>(null)
  const items = () => page()?.items ?? []
  const chosen = () => items().find((p) => p.id === selected()) ?? items()[0]
  return (
    <Show when={page()}>
      <Show
        when={items().length > 0}
        fallback={
          <div class="card">
            <EmptyState icon="tag" title="No products yet" actions={<ButtonLink variant="primary" href="/dashboard/products/new">List your first product</ButtonLink>}>
              Products you list appear here with their views, favorites and shares.
            </EmptyState>
          </div>
        }
      >
        <div class="dashboard-grid">
          <section class="card" aria-labelledby="products-heading">
            <div class="card__header">
              <h2 id="products-heading">My products</h2>
              <span class="muted">{items().length}</span>
            </div>
            <ul class="dashboard-products" aria-labelledby="products-heading">
              <For each={items()}>{(p) => <ProductRow product={p} selected={p.id === chosen()?.id} onStats={() => setSelected(p.id)} />}</For>
            </ul>
          </section>
          <Show when={chosen()}>{(p) => <Stats product={p()} />}</Show>
        </div>
      </Show>
    </Show>
  )
}

/** The vendor's dashboard: their products, what each does, and quick status changes. */
export default function Dashboard() {
  return (
    <>
      <PageMeta title="Vendor dashboard" description="Your products and how they are doing." noindex />
      <VendorGate>
        {(shop) => (
          <>
            <div class="page-header">
              <div>
                <h1>{shop.companyName}</h1>
                <p>Your products, their figures, and what buyers see.</p>
              </div>
              <div class="row">
                <ButtonLink href={`/vendors/${shop.slug}`}>
                  <Icon name="store" /> My storefront
                </ButtonLink>
                <ButtonLink href="/dashboard/sales">
                  <Icon name="bag" /> Sales
                </ButtonLink>
                <ButtonLink href="/dashboard/returns">
                  <Icon name="refresh" /> Returns
                </ButtonLink>
                <ButtonLink href="/dashboard/earnings">
                  <Icon name="chart" /> Earnings
                </ButtonLink>
                <ButtonLink href="/dashboard/plan">
                  <Icon name="star" /> Plan
                </ButtonLink>
                <ButtonLink href="/dashboard/shipping">
                  <Icon name="pin" /> Delivery
                </ButtonLink>
                <ButtonLink href="/dashboard/import-export">
                  <Icon name="activity" /> Import / export
                </ButtonLink>
                <ButtonLink variant="primary" href="/dashboard/products/new">
                  <Icon name="plus" /> List a product
                </ButtonLink>
              </div>
            </div>
            <Products />
          </>
        )}
      </VendorGate>
    </>
  )
}
