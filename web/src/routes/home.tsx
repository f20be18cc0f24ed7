import { A, createAsync, type RouteDefinition } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { Icon } from '../components/icons'
import { ProductGrid, ProductRail } from '../components/product-card'
import { RecentlyViewed } from '../components/recently-viewed'
import { getCategories, searchProducts } from '../lib/catalog'
import { PageMeta } from '../lib/head'

const FEATURED = { featured: true, limit: 8 } as const
const BOOSTED = { boosted: true, limit: 8 } as const
const NEWEST = { sort: 'newest', limit: 8 } as const

export const route = {
  preload: () => {
    void getCategories()
    void searchProducts(FEATURED)
    void searchProducts(BOOSTED)
    void searchProducts(NEWEST)
  },
} satisfies Omit<RouteDefinition, 'path'>

export default function Home() {
  const categories = createAsync(() => getCategories())
  const featured = createAsync(() => searchProducts(FEATURED))
  const boosted = createAsync(() => searchProducts(BOOSTED))
  const newest = createAsync(() => searchProducts(NEWEST))
  const topLevel = () => (categories() ?? []).filter((c) => c.depth === 0)
  return (
    <>
      <PageMeta title="Souk" description="Buy from independent vendors, chat with them live and pay safely through escrow." />
      <section class="hero">
        <h1>Buy from people, not just listings.</h1>
        <p>Souk connects you with independent vendors. Ask questions in chat, follow each parcel as it moves, and pay by card or wallet through escrow: the shop is paid once your order has arrived.</p>
        <div class="row">
          <ButtonLink variant="primary" size="lg" href="/catalog">
            <Icon name="bag" /> Browse the catalog
          </ButtonLink>
          <ButtonLink size="lg" href="/vendors">
            <Icon name="briefcase" /> Meet the shops
          </ButtonLink>
          <ButtonLink size="lg" variant="ghost" href="/sell">
            <Icon name="store" /> Start selling
          </ButtonLink>
        </div>
      </section>

      <Show when={topLevel().length > 0}>
        <section class="section" aria-labelledby="categories-heading">
          <div class="section__header">
            <h2 id="categories-heading">Shop by category</h2>
          </div>
          <ul class="category-tiles">
            <For each={topLevel()}>
              {(category) => (
                <li>
                  <A href={`/catalog?category=${category.slug}`} class="card category-tile">
                    <span class="category-tile__name">{category.name}</span>
                    <Show when={category.description}>{(text) => <span class="muted">{text()}</span>}</Show>
                  </A>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <RecentlyViewed />
      <ProductRail title="Featured" id="featured-heading" products={featured()?.items ?? []} more="/catalog?featured=1" />
      <ProductRail title="Promoted by vendors" id="boosted-heading" products={boosted()?.items ?? []} />

      <section class="section" aria-labelledby="fresh-heading">
        <div class="section__header">
          <h2 id="fresh-heading">New arrivals</h2>
          <A href="/catalog?sort=newest">See all</A>
        </div>
        <Show
          when={(newest()?.items.length ?? 0) > 0}
          fallback={
            <div class="card">
              <EmptyState icon="tag" title="No listings yet" headingLevel={3} actions={<ButtonLink href="/sell">Open a storefront</ButtonLink>}>
                New products show up here as soon as vendors publish them.
              </EmptyState>
            </div>
          }
        >
          <ProductGrid products={newest()!.items} label="New arrivals" eager={4} />
        </Show>
      </section>
    </>
  )
}
