import type { CartModel } from '../../../src/modules/cart/model'
import { MAX_CART_QUANTITY, MAX_MERGE_ITEMS } from '../../../src/modules/cart/rules'
import { toast, toastError } from '../components/toast'
import { api, must } from './api'
import { countsTaken, GUEST_CART_KEY, noteCartCount } from './cart'
import { signedIn } from './session'

/**
 * A signed-in buyer's cart is on the server; a visitor's is kept in this browser (the guest cart)
 * and merged into their account when they sign in or sign up. Loaded on demand (lib/cart.ts).
 */

export type Cart = CartModel.Cart
type GuestLine = CartModel.MergeBody['items'][number]

const isLine = (line: Partial<GuestLine> | null): line is GuestLine =>
  /^prd_[0-9a-f]{32}$/.test(String(line?.productId)) && Number.isInteger(line?.quantity) && line!.quantity! >= 1 && line!.quantity! <= MAX_CART_QUANTITY

/** The guest cart of this browser; lines the server would refuse (edited by hand) are dropped. */
function guestCart(): GuestLine[] {
  try {
    const lines: unknown = JSON.parse(localStorage.getItem(GUEST_CART_KEY) ?? '[]')
    return Array.isArray(lines) ? lines.filter(isLine) : []
  } catch {
    return []
  }
}

const guestCount = (lines: GuestLine[]) => lines.reduce((sum, line) => sum + line.quantity, 0)

/**
 * Follows who is signed in: a visitor sees their guest cart's count; a buyer who just signed in
 * gets the guest cart merged into theirs (then cleared here), otherwise their count is read.
 */
export async function syncCart(userId: string | null): Promise<void> {
  const guest = guestCart()
  if (userId === null) return noteCartCount(guestCount(guest))
  if (guest.length === 0) {
    const before = countsTaken()
    const cart = must(await api().api.v1.cart.get())
    if (countsTaken() === before) noteCartCount(cart.count)
    return
  }
  const merged = must(await api().api.v1.cart.merge.post({ items: guest.slice(0, MAX_MERGE_ITEMS) }))
  localStorage.removeItem(GUEST_CART_KEY)
  noteCartCount(merged.cart.count)
  if (merged.adjusted.length > 0) toast('What you added before signing in is in your cart, but some items are limited by their stock or no longer for sale.', 'info')
}

/**
 * Adds one of a product to my cart (or, for a visitor, to this browser's guest cart, at most as
 * many as are in stock) and says so; a refusal is shown as the server's message.
 */
export async function addToCart(product: { id: string; stock: number }): Promise<void> {
  try {
    if (signedIn()) {
      noteCartCount(must(await api().api.v1.cart.items({ productId: product.id }).put({ add: 1 })).count)
      return toast('Added to your cart.', 'success')
    }
    const lines = guestCart()
    const line = lines.find((l) => l.productId === product.id)
    const cap = Math.min(product.stock, MAX_CART_QUANTITY)
    if ((line?.quantity ?? 0) >= cap) return toast(`Only ${cap} left: your cart has them all.`, 'error')
    if (line === undefined) lines.push({ productId: product.id, quantity: 1 })
    else line.quantity += 1
    localStorage.setItem(GUEST_CART_KEY, JSON.stringify(lines.slice(-MAX_MERGE_ITEMS)))
    noteCartCount(guestCount(lines))
    toast('Added to your cart. Sign in to check out.', 'success')
  } catch (error) {
    toastError(error, 'Could not add it to your cart')
  }
}
