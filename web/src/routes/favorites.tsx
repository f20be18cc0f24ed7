import { createSignal, onMount } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { EmptyState, Listed, Loading } from '../components/feedback'
import { Icon } from '../components/icons'
import { InfiniteList } from '../components/pagination'
import { ProductCard } from '../components/product-card'
import { RecentlyViewed } from '../components/recently-viewed'
import { toast, toastError } from '../components/toast'
import { api } from '../lib/api'
import { must, type ProductSummary } from '../lib/catalog'
import { PageMeta } from '../lib/head'

const PAGE_SIZE = 24

const fetchFavorites = async (cursor: string | null) =>
  must(await api().api.v1.me.favorites.get({ query: { limit: PAGE_SIZE, ...(cursor === null ? {} : { cursor }) } }))

/** My favorites, latest first, in cursor pages; "Remove" on a card takes it off the list. */
function FavoriteList() {
  const [items, setItems] = createSignal<ProductSummary[] | null>(null)
  const [cursor, setCursor] = createSignal<string | null>(null)
  const load = async (after: string | null) => {
    try {
      const page = await fetchFavorites(after)
      setItems((list) => (after === null ? page.items : [...(list ?? []), ...page.items.filter((p) => !list?.some((q) => q.id === p.id))]))
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, 'Could not load your favorites')
    }
  }
  onMount(() => void load(null))
  const remove = async (product: ProductSummary) => {
    try {
      // The endpoint toggles: false means it left my favorites (true: another tab had removed it already).
      const { favorited } = must(await api().api.v1.products({ slug: product.slug }).favorite.post())
      if (favorited) return toast('It was already removed; it is saved again.', 'info')
      setItems((list) => list?.filter((p) => p.id !== product.id) ?? null)
      toast('Removed from your favorites.', 'success')
    } catch (error) {
      toastError(error, 'Could not remove it')
    }
  }
  return (
    <Listed
      items={items()}
      loading={<Loading class="grid grid--cards" label="Loading your favorites" rows={3} height="260px" />}
      empty={
        <div class="card">
          <EmptyState icon="heart" title="No favorites yet" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
            Press “Save” on a product to keep it here.
          </EmptyState>
        </div>
      }
    >
      {(list) => (
        <InfiniteList class="grid grid--cards product-grid" items={list()} hasMore={cursor() !== null} loadMore={() => load(cursor())} label="Your favorites">
          {(product) => (
            <div class="favorite">
              <ProductCard product={product} />
              <Button size="sm" variant="ghost" aria-label={`Remove ${product.title} from favorites`} onClick={() => void remove(product)}>
                <Icon name="heart" /> Remove
              </Button>
            </div>
          )}
        </InfiniteList>
      )}
    </Listed>
  )
}

export default function Favorites() {
  return (
    <>
      <PageMeta title="Favorites" description="The products you saved on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>Favorites</h1>
          <p>The products you saved, latest first.</p>
        </div>
      </div>
      <SignedIn>
        <FavoriteList />
        <RecentlyViewed limit={12} />
      </SignedIn>
    </>
  )
}
