import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { authPlugin } from '../accounts'
import { CartModel as M } from './model'
import { MAX_CART_QUANTITY, MAX_MERGE_ITEMS } from './rules'
import { type CartDeps, clearCart, getCart, mergeGuestCart, removeCartItem, setCartItem } from './service'

export { CartModel } from './model'
/**
 * For the checkout, inside its transaction: `cartLinesForCheckout(tx, userId)` answers the lines
 * (`{ productId, quantity, priceSeenMinor }`, oldest first) and holds the cart until commit (given
 * the database instead, for a quote, it only reads); `removeCartLines(tx, userId, productIds, now)`
 * removes the bought lines and answers the `cart` event to publish after commit.
 */
export { cartLinesForCheckout, type CheckoutLine, removeCartLines } from './service'
/** The table other modules' tables reference (foreign keys); services go through this module's functions. */
export { cartItems } from './table'

// Each change appends an event to the buyer's topic: a generous allowance for a stepper, none for a loop.
const WRITE_LIMIT = { scope: 'cart-write', limit: 300, windowMs: 60_000, per: 'user' } as const

/**
 * My cart (issue #15): one line per product with the product as it is now, changed by single
 * upserts capped by the stock, and every change announced on `user:<id>` (`cart`, with the count)
 * so every tab's badge follows. A guest cart kept in the browser merges in at sign-in.
 */
export function cartRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'limiter'>) {
  const deps: CartDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock }
  return new Elysia({ name: 'cart', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .guard({ auth: true, detail: { tags: ['Cart'] } }, (app) =>
      app
        .get('/cart', ({ user }) => getCart(deps.db, user.id), {
          response: { 200: M.cart },
          detail: { summary: 'My cart: each line with the current price, stock and status of its product, whether it can be bought now, and the item count' },
        })
        .put('/cart/items/:productId', ({ user, params, body }) => setCartItem(deps, user.id, params.productId, body), {
          params: M.productParams,
          body: M.setBody,
          rateLimit: WRITE_LIMIT,
          response: { 200: M.cart, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Put a product in my cart: set its quantity, or add to it',
            description: `\`{ quantity }\` sets the line, \`{ add }\` adds to it atomically (the same product twice is one line). A line holds at most its stock and ${MAX_CART_QUANTITY}: more is a 409 with \`details.available\`. 404 for a product that is not on sale (409 when it is sold), 403 for my own listing.`,
          },
        })
        .delete('/cart/items/:productId', ({ user, params }) => removeCartItem(deps, user.id, params.productId), {
          params: M.productParams,
          rateLimit: WRITE_LIMIT,
          response: { 200: M.cart, 400: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Take a product out of my cart (not there is not an error)' },
        })
        .delete('/cart', ({ user }) => clearCart(deps, user.id), {
          rateLimit: WRITE_LIMIT,
          response: { 200: M.cart, 429: ErrorResponse },
          detail: { summary: 'Empty my cart' },
        })
        .post('/cart/merge', ({ user, body }) => mergeGuestCart(deps, user.id, body), {
          body: M.mergeBody,
          rateLimit: WRITE_LIMIT,
          response: { 200: M.merged, 400: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Merge the cart I kept as a guest into mine (at sign-in)',
            description: `Up to ${MAX_MERGE_ITEMS} lines. Quantities add up, capped by the stock; products I cannot buy are skipped. \`adjusted\` lists each line not merged whole, with why.`,
          },
        }),
    )
}
