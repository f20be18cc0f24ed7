import { A } from '@solidjs/router'
import { createEffect, on, onCleanup, onMount, Show } from 'solid-js'
import { cartCount, followCartOwner, GUEST_CART_KEY, noteCartCount } from '../lib/cart'
import { myTopic, rereading, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'
import { Icon } from './icons'

/**
 * The header's cart icon with the item count, live: every `cart` event on `user:<me>` says the
 * new count (a change in any tab); a visitor's guest cart is counted here, also when another tab
 * adds to it. Signing in merges the guest cart (lib/cart-store.ts).
 */
export function CartLink() {
  const userId = () => currentUser()?.id ?? null
  useTopic(myTopic, {
    onEvent: (event) => event.kind === 'cart' && noteCartCount(event.data.count),
    ...rereading(() => followCartOwner(userId())),
  })
  createEffect(on(userId, (id) => followCartOwner(id)))
  onMount(() => {
    const onStorage = (event: StorageEvent) => event.key === GUEST_CART_KEY && userId() === null && followCartOwner(null)
    window.addEventListener('storage', onStorage)
    onCleanup(() => window.removeEventListener('storage', onStorage))
  })
  const label = () => (cartCount() > 0 ? `Cart, ${cartCount()} items` : 'Cart')
  return (
    <A href="/cart" class="icon-button cart-link" aria-label={label()} title={label()}>
      <Icon name="bag" />
      <Show when={cartCount() > 0}>
        <span class="cart-link__count" aria-hidden="true">
          {cartCount() > 99 ? '99+' : cartCount()}
        </span>
      </Show>
    </A>
  )
}
