// The buyer's cart: one line per product, its quantity changed by single conditional upserts, and
// every change announced on `user:<id>` (the `cart` event, with the new count) in its transaction.
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { type Db, lockName, queryRows, type Tx } from '../../db/client'
import { appendEvent, type Appended, withEvents } from '../../events/log'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { type ProductForSale, productsForSale } from '../catalog'
import { findVendorOfUser, vendorSummaries } from '../vendors'
import type { NewCartEvent } from './events'
import type { CartModel } from './model'
import { type CartProblem, MAX_CART_QUANTITY } from './rules'
import { cartItems } from './table'

/** What the cart services need, handed in by the plugin (or a test). */
export interface CartDeps {
  db: Db
  bus: Bus
  clock: Clock
}

type Conn = Db | Tx
type CartEvent = Appended<NewCartEvent>

/**
 * Takes the user's cart lock until commit. Every change counts the cart and appends its `cart`
 * event under it, so events carry counts in the order they were counted (two writers could
 * otherwise count in one order and append in the other, and the badge would end on the older
 * count). Taken first in a transaction, before any row of the cart; taking it twice is a no-op.
 */
async function lockCart(conn: Conn, userId: string): Promise<void> {
  await lockName(conn, `cart:${userId}`)
}

/** Counts the cart (the sum of its quantities) and appends its `cart` event; under lockCart. */
async function appendCartEvent(tx: Tx, userId: string, now: Date): Promise<CartEvent> {
  const [row] = await tx
    .select({ count: sql<number>`coalesce(sum(${cartItems.quantity}), 0)::int` })
    .from(cartItems)
    .where(eq(cartItems.userId, userId))
  return appendEvent<NewCartEvent>(tx, now, { topic: `user:${userId}`, kind: 'cart', data: { count: row?.count ?? 0 } })
}

/** How many of a product one line may hold now. */
const capOf = (product: ProductForSale) => Math.min(product.stock, MAX_CART_QUANTITY)

/** Why none of the product can be bought now, whatever the quantity (null: some can). */
function unbuyable(product: ProductForSale, own: boolean): Exclude<CartProblem, 'short'> | null {
  if (own) return 'own_listing'
  if (!product.forSale) return 'unavailable'
  return product.stock === 0 ? 'sold_out' : null
}

const problemOf = (product: ProductForSale, quantity: number, own: boolean): CartProblem | null =>
  unbuyable(product, own) ?? (product.stock < quantity ? 'short' : null)

/** The id of the user's own shop, if they have one: its products are not for them to buy. */
async function ownShopId(db: Conn, userId: string): Promise<string | null> {
  return (await findVendorOfUser(db, userId))?.id ?? null
}

/** My cart, each line with its product as it is now. */
export async function getCart(db: Conn, userId: string): Promise<CartModel.Cart> {
  const rows = await db.select().from(cartItems).where(eq(cartItems.userId, userId)).orderBy(asc(cartItems.addedAt), asc(cartItems.productId))
  if (rows.length === 0) return { lines: [], count: 0 }
  const [products, own] = await Promise.all([productsForSale(db, rows.map((row) => row.productId)), ownShopId(db, userId)])
  const shops = await vendorSummaries(db, [...products.values()].map((product) => product.vendorId))
  const lines = rows.map((row): CartModel.Line => {
    // Products are only soft-deleted and shops never deleted while a cart holds them (foreign keys).
    const product = products.get(row.productId)!
    const shop = shops.get(product.vendorId)!
    const problem = problemOf(product, row.quantity, product.vendorId === own)
    return {
      productId: row.productId,
      quantity: row.quantity,
      priceSeenMinor: row.priceSeenMinor,
      priceChanged: row.priceSeenMinor !== product.priceMinor,
      addedAt: row.addedAt,
      product: {
        slug: product.slug,
        title: product.title,
        priceMinor: product.priceMinor,
        currency: product.currency,
        stock: product.stock,
        status: product.status,
        imageUrl: product.imageUrl,
      },
      shop: { id: shop.id, slug: shop.slug, name: shop.companyName },
      buyable: problem === null,
      problem,
    }
  })
  return { lines, count: rows.reduce((sum, row) => sum + row.quantity, 0) }
}

/**
 * The product `userId` wants in their cart, if they may: 404 when it does not exist or is not
 * public (as its page would answer), 403 for their own listing, 409 when it is sold.
 */
async function productToAdd(tx: Tx, userId: string, productId: string): Promise<ProductForSale> {
  const [product, own] = await Promise.all([productsForSale(tx, [productId]).then((found) => found.get(productId)), ownShopId(tx, userId)])
  if (product === undefined) throw new AppError('not_found', 'No such product')
  if (product.vendorId === own) throw new AppError('forbidden', 'This is your own listing: you cannot buy it')
  if (product.forSale) return product
  if (product.status === 'sold') throw new AppError('conflict', `${product.title} is sold`, { status: product.status })
  throw new AppError('not_found', 'No such product')
}

/** 409: the line would hold more than the stock (or than a line may). */
function tooMany(product: ProductForSale, inCart: number): AppError {
  const cap = capOf(product)
  if (cap === 0) return new AppError('conflict', `${product.title} is sold out`, { available: 0 })
  const limit = cap === MAX_CART_QUANTITY && product.stock > cap ? `A cart holds at most ${cap} of one product` : `Only ${cap} of ${product.title} left`
  return new AppError('conflict', inCart === 0 ? limit : `${limit}, and your cart has ${inCart}`, { available: cap })
}

async function quantityInCart(tx: Tx, userId: string, productId: string): Promise<number> {
  const [row] = await tx
    .select({ quantity: cartItems.quantity })
    .from(cartItems)
    .where(and(eq(cartItems.userId, userId), eq(cartItems.productId, productId)))
  return row?.quantity ?? 0
}

/**
 * Sets a line's quantity (`quantity`) or adds to it (`add`), creating the line if needed, in one
 * upsert: concurrent adds of one product sum exactly, and the line never holds more than the stock
 * (409 naming what is left). Adding refreshes the price seen (the buyer looked at the product);
 * setting the quantity keeps it, so a changed price stays flagged until added again.
 */
export async function setCartItem(deps: CartDeps, userId: string, productId: string, body: CartModel.SetBody): Promise<CartModel.Cart> {
  const wanted = body.add ?? body.quantity
  if (wanted === undefined || (body.add !== undefined && body.quantity !== undefined)) {
    throw new AppError('invalid_data', 'Send either quantity or add', [{ field: 'body', message: 'needs exactly one of quantity and add' }])
  }
  const now = deps.clock.now()
  return withEvents(deps, async (tx) => {
    await lockCart(tx, userId)
    const product = await productToAdd(tx, userId, productId)
    const cap = capOf(product)
    if (wanted > cap) throw tooMany(product, body.add === undefined ? 0 : await quantityInCart(tx, userId, productId))
    const [row] = await tx
      .insert(cartItems)
      .values({ userId, productId, quantity: wanted, priceSeenMinor: product.priceMinor, addedAt: now, updatedAt: now })
      .onConflictDoUpdate(
        body.add === undefined
          ? { target: [cartItems.userId, cartItems.productId], set: { quantity: sql`excluded.quantity`, updatedAt: now } }
          : {
              target: [cartItems.userId, cartItems.productId],
              set: { quantity: sql`${cartItems.quantity} + excluded.quantity`, priceSeenMinor: sql`excluded.price_seen_minor`, updatedAt: now },
              setWhere: sql`${cartItems.quantity} + excluded.quantity <= ${cap}`,
            },
      )
      .returning({ quantity: cartItems.quantity })
    if (row === undefined) throw tooMany(product, await quantityInCart(tx, userId, productId))
    const event = await appendCartEvent(tx, userId, now)
    return { result: await getCart(tx, userId), events: [event] }
  })
}

/** Removes one line (nothing to remove is not an error: another tab may have removed it). */
export async function removeCartItem(deps: CartDeps, userId: string, productId: string): Promise<CartModel.Cart> {
  return removeLines(deps, userId, eq(cartItems.productId, productId))
}

/** Empties my cart. */
export async function clearCart(deps: CartDeps, userId: string): Promise<CartModel.Cart> {
  return removeLines(deps, userId, undefined)
}

async function removeLines(deps: CartDeps, userId: string, which: SQL | undefined): Promise<CartModel.Cart> {
  return withEvents(deps, async (tx) => {
    await lockCart(tx, userId)
    const removed = await tx
      .delete(cartItems)
      .where(and(eq(cartItems.userId, userId), which))
      .returning({ productId: cartItems.productId })
    const events = removed.length === 0 ? [] : [await appendCartEvent(tx, userId, deps.clock.now())]
    return { result: await getCart(tx, userId), events }
  })
}

/**
 * Merges a guest cart (kept in the browser before signing in) into mine: quantities of the same
 * product add up, capped by the stock (and the most a line holds), in one upsert that never
 * lowers what my cart already had. Lines of products I cannot buy are skipped. Answers my cart and
 * each guest line that was not merged whole, with why.
 */
export async function mergeGuestCart(deps: CartDeps, userId: string, body: CartModel.MergeBody): Promise<CartModel.Merged> {
  const requested = new Map<string, number>()
  for (const item of body.items) requested.set(item.productId, (requested.get(item.productId) ?? 0) + item.quantity)
  const now = deps.clock.now()
  return withEvents(deps, async (tx) => {
    await lockCart(tx, userId)
    const [products, own] = await Promise.all([productsForSale(tx, [...requested.keys()]), ownShopId(tx, userId)])
    const adjusted: CartModel.Merged['adjusted'] = []
    const rows: { productId: string; quantity: number; cap: number; price: number }[] = []
    for (const [productId, quantity] of requested) {
      const product = products.get(productId)
      const skipped = product === undefined ? 'unavailable' : unbuyable(product, product.vendorId === own)
      if (product === undefined || skipped !== null) adjusted.push({ productId, requested: quantity, added: 0, reason: skipped ?? 'unavailable' })
      else rows.push({ productId, quantity: Math.min(quantity, capOf(product)), cap: capOf(product), price: product.priceMinor })
    }
    const merged =
      rows.length === 0
        ? []
        : await queryRows<{ product_id: string; quantity: number; before: number }>(
            tx,
            sql`with guest (product_id, quantity, cap, price) as (values ${sql.join(
              rows.map((row) => sql`(${row.productId}::text, ${row.quantity}::int, ${row.cap}::int, ${row.price}::int)`),
              sql`, `,
            )}),
              before as (select product_id, quantity from ${cartItems} where user_id = ${userId} and product_id in (select product_id from guest))
            insert into ${cartItems} (user_id, product_id, quantity, price_seen_minor, added_at, updated_at)
              select ${userId}, product_id, quantity, price, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz from guest
            on conflict (user_id, product_id) do update set
              quantity = greatest(${cartItems.quantity}, least(${cartItems.quantity} + excluded.quantity, (select cap from guest where guest.product_id = excluded.product_id))),
              updated_at = excluded.updated_at
            returning product_id, quantity, coalesce((select quantity from before where before.product_id = ${cartItems.productId}), 0) as before`,
          )
    for (const row of merged) {
      const added = row.quantity - row.before
      const asked = requested.get(row.product_id)!
      if (added < asked) adjusted.push({ productId: row.product_id, requested: asked, added, reason: 'capped' })
    }
    const events = merged.some((row) => row.quantity > row.before) ? [await appendCartEvent(tx, userId, now)] : []
    return { result: { cart: await getCart(tx, userId), adjusted }, events }
  })
}

/** A cart line as a checkout reads it. */
export interface CheckoutLine {
  productId: string
  quantity: number
  /** The unit price the buyer saw when adding it; the checkout charges the current price. */
  priceSeenMinor: number
}

/**
 * The lines of `userId`'s cart for a checkout, oldest first. Given the caller's transaction, it
 * takes the cart's lock until commit first: changes to the cart (another tab, a second checkout)
 * wait for the checkout, and a second checkout of the same cart reads what the first left. Given
 * the database (a quote), it only reads.
 */
export async function cartLinesForCheckout(conn: Conn, userId: string): Promise<CheckoutLine[]> {
  await lockCart(conn, userId)
  return conn
    .select({ productId: cartItems.productId, quantity: cartItems.quantity, priceSeenMinor: cartItems.priceSeenMinor })
    .from(cartItems)
    .where(eq(cartItems.userId, userId))
    .orderBy(asc(cartItems.addedAt), asc(cartItems.productId))
}

/**
 * Removes the bought products from `userId`'s cart inside the caller's transaction (the checkout
 * that bought them) and answers the `cart` event it appended (none when nothing was removed):
 * publish it with `publishEvents` after commit, so the buyer's badge follows.
 */
export async function removeCartLines(tx: Tx, userId: string, productIds: string[], now: Date): Promise<CartEvent[]> {
  if (productIds.length === 0) return []
  await lockCart(tx, userId)
  const removed = await tx
    .delete(cartItems)
    .where(and(eq(cartItems.userId, userId), inArray(cartItems.productId, [...new Set(productIds)])))
    .returning({ productId: cartItems.productId })
  return removed.length === 0 ? [] : [await appendCartEvent(tx, userId, now)]
}
