import { createAsync, query } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { api, must } from '../lib/api'
import { formatPrice } from '../lib/catalog'

const getShopDelivery = query(async (slug: string) => must(await api().api.v1.vendors({ slug })['shipping-options'].get()).items, 'shop-delivery')

/** How a shop delivers, on its storefront: each option's price, free-above threshold and handling time. Lazy: few open it. */
export default function ShopDelivery(props: { slug: string }) {
  const options = createAsync(() => getShopDelivery(props.slug))
  return (
    <Show when={(options() ?? []).length > 0}>
      <section class="stack" aria-labelledby="shop-delivery">
        <h3 id="shop-delivery">Delivery</h3>
        <ul class="storefront-contact">
          <For each={options()}>
            {(option) => (
              <li>
                <strong>{option.name}</strong>: {option.priceMinor === 0 ? 'free' : formatPrice(option.priceMinor, option.currency)}
                {option.freeAboveMinor !== null && option.priceMinor > 0 ? `, free from ${formatPrice(option.freeAboveMinor, option.currency)}` : ''}
                {option.pickup ? ' (pick it up at the shop)' : `, ships within ${option.handlingDays} day${option.handlingDays === 1 ? '' : 's'}`}
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  )
}
