import { A, action, createAsync, revalidate, type RouteDefinition, useAction, useNavigate, useParams, useSubmission } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, lazy, on, Show, Suspense } from 'solid-js'
import { isServer } from 'solid-js/web'
import { Button, ButtonLink } from '../components/button'
import { Badge, EmptyState } from '../components/feedback'
import { Gallery } from '../components/gallery'
import { Icon } from '../components/icons'
import { Avatar } from '../components/media'
import { ProductRail } from '../components/product-card'
import { PlacementControl } from '../components/placement-control'
import { PresenceDot } from '../components/presence'
import { RatingSummary } from '../components/rating'
import { ReportDialog } from '../components/report-dialog'
import { toast } from '../components/toast'
import { api } from '../lib/api'
import { CONDITION_LABEL, formatPrice, getCategories, getProduct, getSimilar, must, type Product, liveProduct } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { HttpStatus, PageMeta } from '../lib/head'
import { withNext } from '../lib/next'
import { currentUser, sessionStatus, signedIn, signedInOnceKnown } from '../lib/session'

export const route = {
  preload: ({ params }) => {
    void getProduct(params.slug!)
    void getSimilar(params.slug!)
    void getCategories()
  },
} satisfies Omit<RouteDefinition, 'path'>

const toggleFavorite = action(async (slug: string) => {
  const result = must(await api().api.v1.products({ slug }).favorite.post())
  toast(result.favorited ? 'Saved to your favorites.' : 'Removed from your favorites.', 'success')
  return result
}, 'toggle-favorite')

/**
 * Copies the product's link: anyone may share it. Signed in, the share is recorded too, counted
 * where the share policy counts it (a buyer who viewed the product, its own shop); one the policy
 * does not count (403) is still a copied link.
 */
const shareProduct = action(async (slug: string) => {
  await navigator.clipboard.writeText(new URL(`/products/${slug}`, location.origin).href)
  if (await signedInOnceKnown()) {
    const recorded = await api().api.v1.products({ slug }).share.post({ channel: 'link' })
    if (recorded.status !== 403) must(recorded)
  }
  toast('Link copied. Paste it anywhere to share this product.', 'success')
}, 'share-product')

/** Attribute labels from the category definitions; a key no definition names is shown as it is. */
function useAttributeLabels() {
  const categories = createAsync(() => getCategories())
  return (key: string) => categories()?.flatMap((c) => c.attributes).find((d) => d.key === key)?.label ?? key.replaceAll('_', ' ')
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

const valueText = (value: string | number | boolean) => (value === true ? 'Yes' : value === false ? 'No' : String(value))

function Availability(props: { product: Product }) {
  return (
    <Show
      when={props.product.status === 'active'}
      fallback={<Badge tone={props.product.status === 'sold' ? 'danger' : 'warning'}>{props.product.status === 'sold' ? 'Sold' : props.product.status === 'draft' ? 'Draft — only you see it' : 'Archived'}</Badge>}
    >
      <Show when={props.product.stock > 0} fallback={<Badge tone="warning">Out of stock</Badge>}>
        <Badge tone="success">{props.product.stock === 1 ? 'Only 1 left' : `${props.product.stock} in stock`}</Badge>
      </Show>
    </Show>
  )
}

function Actions(props: { product: Product }) {
  const navigate = useNavigate()
  const favorite = useAction(toggleFavorite)
  const share = useAction(shareProduct)
  const favoriting = useSubmission(toggleFavorite)
  const sharing = useSubmission(shareProduct)
  const [reporting, setReporting] = createSignal(false)
  const here = () => `/products/${props.product.slug}`
  const attempt = (then: () => Promise<unknown>) => () => {
    then().catch((error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work. Try again.', 'error'))
  }
  const asMember = (then: () => Promise<unknown>) => async () => ((await signedInOnceKnown()) ? attempt(then)() : navigate(withNext('/signin', here())))
  return (
    <>
      <div class="product-actions">
        <Button
          variant={props.product.favorited ? 'primary' : 'secondary'}
          aria-pressed={props.product.favorited}
          disabled={favoriting.pending === true}
          onClick={asMember(() => favorite(props.product.slug))}
        >
          <Icon name="heart" /> {props.product.favorited ? 'Saved' : 'Save'} <span class="muted-count">{props.product.favoritesCount}</span>
        </Button>
        <Button disabled={sharing.pending === true} onClick={attempt(() => share(props.product.slug))}>
          <Icon name="share" /> Share
        </Button>
        <Button variant="ghost" onClick={asMember(async () => setReporting(true))}>
          <Icon name="flag" /> Report
        </Button>
      </div>
      <ReportDialog target={{ kind: 'product', slug: props.product.slug }} open={reporting()} onClose={() => setReporting(false)} />
    </>
  )
}

const Reviews = lazy(() => import('../components/reviews'))

/** What search engines read of a product page: the product, its offer and its rating (schema.org). */
function structuredData(p: Product): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: p.title,
    description: p.description.slice(0, 500),
    ...(p.image === null ? {} : { image: p.image.url }),
    ...(p.sku === null ? {} : { sku: p.sku }),
    brand: { '@type': 'Brand', name: p.vendor.companyName },
    offers: {
      '@type': 'Offer',
      price: (p.priceMinor / 100).toFixed(2),
      priceCurrency: p.currency,
      availability: p.status === 'active' && p.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
    },
    ...(p.rating.average === null ? {} : { aggregateRating: { '@type': 'AggregateRating', ratingValue: p.rating.average, reviewCount: p.rating.count, bestRating: 5, worstRating: 1 } }),
  }
}

function ProductView(props: { product: Product }) {
  const label = useAttributeLabels()
  const similar = createAsync(() => getSimilar(props.product.slug))
  const product = liveProduct(() => props.product)
  // Counted once per page shown (the server deduplicates per viewer and day), as whoever is signed
  // in: posted while the session is still being restored, it would count anonymously and miss
  // the viewer's "recently viewed".
  const viewed = createMemo(() => (sessionStatus() === 'restoring' ? null : props.product.slug))
  createEffect(
    on(viewed, (slug) => {
      if (slug !== null) void api().api.v1.products({ slug }).view.post()
    }),
  )
  const p = product
  const attributes = () => Object.entries(p().attributes)
  return (
    <>
      <PageMeta
        title={p().title}
        description={`${formatPrice(p().priceMinor, p().currency)} · ${p().vendor.companyName}. ${p().description.slice(0, 150)}`}
        image={p().image?.url}
        type="product"
        noindex={p().status !== 'active' && p().status !== 'sold'}
        structuredData={structuredData(p())}
      />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/" end>Home</A></li>
          <li><A href="/catalog">Catalog</A></li>
          <Show when={p().category}>{(c) => <li><A href={`/catalog?category=${c().slug}`}>{c().name}</A></li>}</Show>
          <li aria-current="page">{p().title}</li>
        </ol>
      </nav>
      <div class="product-layout">
        <div class="stack">
          <Gallery images={p().images} title={p().title} />
          <For each={p().videos}>
            {(video, i) => (
              <video controls preload="metadata" aria-label={`${p().title}, video ${i() + 1}`} style={{ width: '100%', 'border-radius': 'var(--radius-lg)' }}>
                <source src={video.url} type={video.contentType} />
              </video>
            )}
          </For>
        </div>
        <div class="stack product-info">
          <div class="stack stack--tight">
            <div class="row">
              <Availability product={p()} />
              <Show when={p().featured}><Badge tone="primary">Featured</Badge></Show>
              <Show when={p().boosted}><Badge>Promoted</Badge></Show>
              <Badge>{CONDITION_LABEL[p().condition]}</Badge>
            </div>
            <h1 class="product-title">{p().title}</h1>
            <p class="product-price" data-testid="price">{formatPrice(p().priceMinor, p().currency)}</p>
            <RatingSummary rating={p().rating} empty="No reviews yet" href="#reviews" />
            <p class="muted product-facts">
              <Icon name="pin" /> {p().location}
              <span aria-hidden="true">·</span> {count(p().viewsCount, 'view')}
              <span aria-hidden="true">·</span> {count(p().sharesCount, 'share')}
            </p>
          </div>
          <div class="row">
            <Show when={p().status === 'active' && p().stock > 0 && currentUser()?.id !== p().vendorUserId}>
              <Button variant="primary" size="lg" onClick={() => void import('../lib/cart-store').then((cart) => cart.addToCart(p()))}>
                <Icon name="bag" /> Add to cart
              </Button>
            </Show>
            <Show when={currentUser()?.id !== p().vendorUserId}>
              <ButtonLink variant="primary" size="lg" href={`/inbox?product=${p().id}`}>
                <Icon name="chat" /> Message seller
              </ButtonLink>
            </Show>
            <Show when={p().canEdit}>
              <ButtonLink size="lg" href={`/dashboard/products/${p().slug}`}>
                <Icon name="settings" /> Edit listing
              </ButtonLink>
            </Show>
          </div>
          <Actions product={p()} />
          <Show when={currentUser()?.role === 'admin'}>
            <PlacementControl product={p()} />
          </Show>
          <A href={`/vendors/${p().vendor.slug}`} class="card vendor-card">
            <Avatar src={p().vendor.logoUrl} name={`${p().vendor.companyName} logo`} size={48} />
            <span class="stack stack--tight">
              <strong>{p().vendor.companyName}</strong>
              <span class="muted">{p().vendor.city}, {p().vendor.country} · Visit the storefront</span>
              {/* The seller's presence: live over the socket when signed in, last known over REST otherwise. */}
              <PresenceDot userId={p().vendorUserId} withLabel />
            </span>
            <Icon name="chevronRight" />
          </A>
        </div>
      </div>
      <div class="product-details">
        <section class="card card__body" aria-labelledby="about-heading">
          <h2 id="about-heading">About this item</h2>
          <p class="product-description">{p().description}</p>
        </section>
        <Show when={attributes().length > 0}>
          <section class="card card__body" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <dl class="attributes">
              <For each={attributes()}>
                {([key, value]) => (
                  <>
                    <dt>{label(key)}</dt>
                    <dd>{valueText(value)}</dd>
                  </>
                )}
              </For>
            </dl>
          </section>
        </Show>
      </div>
      <Suspense>
        <Reviews of={{ product: p().slug }} />
      </Suspense>
      <ProductRail title="You may also like" id="similar-heading" products={similar() ?? []} />
    </>
  )
}

/** A product page, rendered on the server with its share tags; live while open. */
export default function ProductPage() {
  const params = useParams<{ slug: string }>()
  const product = createAsync(() => getProduct(params.slug))
  // The server renders anonymously; once the session is back, "saved" and "edit" follow the user.
  if (!isServer) createEffect(on(signedIn, () => void revalidate(getProduct.keyFor(params.slug)), { defer: true }))
  return (
    <Show when={product() !== undefined}>
      <Show
        when={product()}
        fallback={
          <>
            <HttpStatus code={404} />
            <PageMeta title="Product not found" description="This product is not available on Souk." type="product" noindex />
            <div class="card">
              <EmptyState icon="tag" title="This listing isn’t available" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
                It may have been removed by its vendor, or the link is mistyped.
              </EmptyState>
            </div>
          </>
        }
      >
        {(p) => <ProductView product={p()} />}
      </Show>
    </Show>
  )
}
