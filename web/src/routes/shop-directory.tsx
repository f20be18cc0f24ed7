import { A, createAsync, type RouteDefinition } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { Icon } from '../components/icons'
import { Avatar } from '../components/media'
import { InfiniteList } from '../components/pagination'
import { toastError } from '../components/toast'
import { getShops } from '../lib/catalog'
import { monthYear } from '../lib/format'
import { PageMeta } from '../lib/head'

type Shop = Awaited<ReturnType<typeof getShops>>['items'][number]

export const route = {
  preload: () => void getShops(),
} satisfies Omit<RouteDefinition, 'path'>

function ShopCard(props: { shop: Shop }) {
  return (
    <A href={`/vendors/${props.shop.slug}`} class="card shop-card">
      <Avatar src={props.shop.logoUrl} name={`${props.shop.companyName} logo`} size={56} />
      <span class="shop-card__text">
        <strong>{props.shop.companyName}</strong>
        <span class="muted">
          {props.shop.city}, {props.shop.country} · since {monthYear(props.shop.memberSince)}
        </span>
        <span class="shop-card__about">{props.shop.description}</span>
      </span>
    </A>
  )
}

/** The shop directory: approved shops A to Z. The first page comes from the server render; further pages follow the API's cursor as the list's end scrolls into view. */
export default function ShopDirectory() {
  const first = createAsync(() => getShops())
  const [more, setMore] = createSignal<Shop[]>([])
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined)
  const next = () => (cursor() === undefined ? (first()?.nextCursor ?? null) : cursor()!)
  const shops = () => [...(first()?.items ?? []), ...more()]
  const loadMore = async () => {
    const after = next()
    if (after === null) return
    try {
      const page = await getShops(after)
      setMore((items) => [...items, ...page.items])
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, 'More shops could not be loaded. Try again.')
    }
  }
  return (
    <>
      <PageMeta title="Shops" description="Independent shops selling on Souk, from A to Z: visit a storefront to see what they make and sell." />
      <div class="page-header">
        <div>
          <h1>Shops</h1>
          <p>Independent vendors selling on Souk, A to Z.</p>
        </div>
        <ButtonLink href="/sell">
          <Icon name="store" /> Open your shop
        </ButtonLink>
      </div>
      <Show when={first()}>
        <Show
          when={shops().length > 0}
          fallback={
            <div class="card">
              <EmptyState icon="store" title="No shops yet" actions={<ButtonLink variant="primary" href="/sell">Open the first one</ButtonLink>}>
                Shops appear here once an admin approves them.
              </EmptyState>
            </div>
          }
        >
          <InfiniteList items={shops()} hasMore={next() !== null} loadMore={loadMore} label="Shops" class="shop-grid">
            {(shop) => <ShopCard shop={shop} />}
          </InfiniteList>
        </Show>
      </Show>
    </>
  )
}
