import { createEffect, createSignal } from 'solid-js'
import { api } from '../lib/api'
import { must, type ProductSummary } from '../lib/catalog'
import { signedIn } from '../lib/session'
import { ProductRail } from './product-card'

/**
 * "Recently viewed": the signed-in buyer's latest product pages, latest first. Fetched afresh each
 * time it is shown (a product viewed a moment ago must be in it), in the browser only: the server
 * renders pages anonymously, and an empty rail renders nothing, so hydration matches.
 */
export function RecentlyViewed(props: { limit?: number }) {
  const [items, setItems] = createSignal<ProductSummary[]>([])
  createEffect(() => {
    if (!signedIn()) return setItems([])
    void api()
      .api.v1.me['recently-viewed'].get({ query: { limit: props.limit ?? 8 } })
      .then((res) => setItems(must(res).items))
      // Best effort: without it the rail stays hidden.
      .catch(() => {})
  })
  return <ProductRail title="Recently viewed" id="recently-viewed-heading" products={items()} />
}
