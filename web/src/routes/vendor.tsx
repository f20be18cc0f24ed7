import { A, createAsync, type RouteDefinition, useNavigate, useParams } from '@solidjs/router'
import { createSignal, lazy, Show, Suspense } from 'solid-js'
import { Button, ButtonLink } from '../components/button'
import { Badge, EmptyState } from '../components/feedback'
import { Icon } from '../components/icons'
import { Avatar } from '../components/media'
import { ProductGrid } from '../components/product-card'
import { RatingSummary } from '../components/rating'
import { ReportDialog } from '../components/report-dialog'
import { getMyVendor, getStorefront, searchProducts } from '../lib/catalog'
import { monthYear } from '../lib/format'
import { HttpStatus, PageMeta } from '../lib/head'
import { withNext } from '../lib/next'
import { signedIn } from '../lib/session'

const ShopDelivery = lazy(() => import('../components/shop-delivery'))
const Reviews = lazy(() => import('../components/reviews'))
const ShopFollow = lazy(() => import('../components/profile-social').then((m) => ({ default: m.ShopFollow })))

const productsOf = (vendor: string) => ({ vendor, limit: 48, sort: 'newest' }) as const

// Only the shop is warmed: its products are asked for once it exists (an unknown slug is a 400 there).
export const route = {
  preload: ({ params }) => void getStorefront(params.slug!),
} satisfies Omit<RouteDefinition, 'path'>

/** A shop's public storefront, rendered on the server: who they are and what they sell. */
export default function Vendor() {
  const params = useParams<{ slug: string }>()
  const shop = createAsync(() => getStorefront(params.slug))
  return (
    <Show when={shop() !== undefined}>
      <Show
        when={shop()}
        fallback={
          <>
            <HttpStatus code={404} />
            <PageMeta title="Storefront not found" description="This storefront is not available on Souk." type="profile" noindex />
            <div class="card">
              <EmptyState
                icon="store"
                title="No storefront here"
                actions={
                  <>
                    <ButtonLink variant="primary" href="/vendors">See all shops</ButtonLink>
                    <ButtonLink href="/catalog">Browse the catalog</ButtonLink>
                  </>
                }
              >
                {`No open shop uses the address “${params.slug}”. It may have closed, or the link is mistyped.`}
              </EmptyState>
            </div>
          </>
        }
      >
        {(s) => <Storefront shop={s()} />}
      </Show>
    </Show>
  )
}

/** "Report this shop": visitors sign in first; the shop's owner does not see it (they may not report their own). */
function ReportShop(props: { slug: string }) {
  const navigate = useNavigate()
  const [open, setOpen] = createSignal(false)
  const mine = createAsync(async () => (signedIn() ? getMyVendor() : null))
  // Its own boundary: asking for the visitor's shop once they are signed in holds this button, not the page.
  return (
    <Suspense>
      <Show when={mine()?.slug !== props.slug}>
        <div>
          <Button size="sm" variant="ghost" onClick={() => (signedIn() ? setOpen(true) : navigate(withNext('/signin', `/vendors/${props.slug}`)))}>
            <Icon name="flag" /> Report this shop
          </Button>
        </div>
        <ReportDialog target={{ kind: 'vendor', slug: props.slug }} open={open()} onClose={() => setOpen(false)} />
      </Show>
    </Suspense>
  )
}

function Storefront(props: { shop: NonNullable<Awaited<ReturnType<typeof getStorefront>>> }) {
  const products = createAsync(() => searchProducts(productsOf(props.shop.slug)))
  return (
    <>
      <PageMeta title={props.shop.companyName} description={props.shop.description.slice(0, 200)} image={props.shop.logoUrl ?? undefined} type="profile" />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/" end>Home</A></li>
          <li><A href="/vendors" end>Shops</A></li>
          <li aria-current="page">{props.shop.companyName}</li>
        </ol>
      </nav>
      <div class="storefront-banner" />
      <div class="storefront-head">
        <Avatar src={props.shop.logoUrl} name={`${props.shop.companyName} logo`} size={88} />
        <div>
          <h1>{props.shop.companyName}</h1>
          <Show when={props.shop.badge}>{(badge) => <Badge tone="primary">{badge()}</Badge>}</Show>
          <p class="muted">
            {props.shop.city}, {props.shop.country} · on Souk since {monthYear(props.shop.memberSince)}
          </p>
          <Suspense>
            <ShopFollow ownerId={props.shop.ownerId} name={props.shop.companyName} />
          </Suspense>
        </div>
      </div>
      <div class="layout-sidebar">
        <aside class="card card__body stack storefront-about" aria-labelledby="about-shop">
          <h2 id="about-shop">About the shop</h2>
          <p>{props.shop.description}</p>
          <ul class="storefront-contact">
            <li>
              <Icon name="mail" /> <a href={`mailto:${props.shop.contactEmail}`}>{props.shop.contactEmail}</a>
            </li>
            <li>
              <Icon name="phone" /> {props.shop.contactPhone}
            </li>
            <Show when={props.shop.website}>
              {(site) => (
                <li>
                  <Icon name="monitor" /> <a href={site()} rel="noopener nofollow">{site().replace(/^https?:\/\//, '')}</a>
                </li>
              )}
            </Show>
          </ul>
          <Suspense>
            <ShopDelivery slug={props.shop.slug} />
          </Suspense>
          <RatingSummary rating={props.shop.rating} empty="No reviews yet" href="#reviews" />
          <ReportShop slug={props.shop.slug} />
        </aside>
        <section aria-labelledby="shop-products">
          <h2 id="shop-products" class="visually-hidden">Products</h2>
          <Show
            when={(products()?.items.length ?? 0) > 0}
            fallback={
              <div class="card">
                <EmptyState icon="bag" title="Nothing for sale right now" headingLevel={3}>
                  This shop has no products listed at the moment. Check back soon.
                </EmptyState>
              </div>
            }
          >
            <ProductGrid products={products()!.items} label={`Products of ${props.shop.companyName}`} eager={3} />
          </Show>
        </section>
      </div>
      <Suspense>
        <Reviews of={{ shop: props.shop.slug }} />
      </Suspense>
    </>
  )
}
