import { createSignal } from 'solid-js'

/**
 * The cart's part of every page: the item count the header badge shows, and who it belongs to.
 * What does the work (reading the count, merging a guest cart, adding a product) is in
 * lib/cart-store.ts, loaded on demand, as the entry chunk is near its size budget.
 */

/** Where a visitor's cart (the guest cart) is kept in this browser until they sign in. */
export const GUEST_CART_KEY = 'souk:guest-cart'

const [count, setCount] = createSignal(0)
/** Items in my cart (or this browser's guest cart): the header badge. */
export const cartCount = count

let counted = 0
/** Takes the count a cart answer or a `cart` event carried. */
export function noteCartCount(next: number): void {
  counted += 1
  setCount(next)
}

/** How many counts were taken so far: a read that saw another count come meanwhile is stale. */
export const countsTaken = () => counted

let settling: Promise<void> = Promise.resolve()
/** Resolves once the cart follows the latest owner: a guest cart merged at sign-in is in the account's. */
export const cartSettled = () => settling

/**
 * Follows who is signed in (the header calls it, on sign-in and when its topic is followed): see
 * syncCart in lib/cart-store.ts. Calls run one after another, so a guest cart is merged once: a
 * second call finds it merged and cleared, and only reads the count.
 */
export function followCartOwner(userId: string | null): void {
  settling = settling
    .then(() => import('./cart-store'))
    .then((store) => store.syncCart(userId))
    .catch(() => {
      // The badge stays as it was; a guest cart is kept and merged at the next sign-in.
    })
}
