// Checkout: the quote (no side effect) and the placement (one transaction: idempotency key, stock,
// order group, one order per shop with its invoice number, items, timeline, notifications and
// events; published after commit). Every amount is computed here from what the database holds.
import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../../db/client'
import { appendEvents, lockTopics, type StoredEvent } from '../../../events/log'
import { announceStatsMoved } from '../../../lib/admin-stats'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type AddressSnapshot, addressForCheckout } from '../../addresses'
import { cartLinesForCheckout, removeCartLines } from '../../cart'
import { type ProductForSale, productsForSale, takeStock } from '../../catalog'
import type { AfterCommit } from '../../notifications'
import { findVendorById } from '../../vendors'
import type { NewOrderEvent } from '../events'
import type { OrdersModel } from '../model'
import { checkoutKeys, invoiceCounters, orderEvents, orderGroups, orderItems, orders } from '../table'
import { lineAmounts, MAX_CHECKOUT_MINOR, shippingCost, sumTotals, type Totals, totalsOf, tvaBreakdown } from './pricing'
import { ORDER_HOLD_MS } from './orders'
import { optionsOfShops } from './shipping'
import { afterCommit, type Conn, type OrderRow, orderTopic, type OrdersDeps, saleLink, toSummaries } from './shared'
import { ratesFor } from './tax'

/** How long an Idempotency-Key answers with its first result. */
export const CHECKOUT_KEY_TTL_MS = 24 * 60 * 60_000

interface CartLine {
  productId: string
  quantity: number
  priceSeenMinor: number
}

interface ShopPlan {
  vendor: { id: string; slug: string; name: string; userId: string }
  lines: (OrdersModel.Quote['shops'][number]['lines'][number] & { sku: string | null })[]
  option: OrdersModel.ShippingOption | null
  options: OrdersModel.ShippingOption[]
  totals: Totals
}

interface Plan {
  quote: OrdersModel.Quote
  shops: ShopPlan[]
}

const problem = (kind: OrdersModel.Problem['kind'], message: string, extra: Partial<OrdersModel.Problem> = {}): OrdersModel.Problem => ({ kind, message, ...extra })

/**
 * The checkout of `lines` as things are now: per shop its lines at today's price and TVA rate, its
 * delivery options and the chosen one's cost, totals, and every problem that stops placing it.
 */
async function planCheckout(
  db: Conn,
  buyerId: string,
  lines: CartLine[],
  choices: { vendorId: string; optionId: string }[],
  products: Map<string, ProductForSale>,
): Promise<Plan> {
  const problems: OrdersModel.Problem[] = []
  if (lines.length === 0) problems.push(problem('empty', 'Your cart is empty'))
  const buyable: { line: CartLine; product: ProductForSale }[] = []
  for (const line of lines) {
    const product = products.get(line.productId)
    if (product === undefined || !product.forSale) {
      problems.push(problem('not_for_sale', `${product?.title ?? 'A product'} is no longer for sale`, { productId: line.productId, available: 0 }))
    } else {
      if (line.quantity > product.stock) {
        problems.push(problem('short', `Only ${product.stock} of ${product.title} left`, { productId: product.id, available: product.stock }))
      }
      buyable.push({ line, product })
    }
  }
  const vendorIds = [...new Set(buyable.map(({ product }) => product.vendorId))].sort()
  const [shopRows, optionsByShop, rateOf] = await Promise.all([
    Promise.all(vendorIds.map((id) => findVendorById(db, id))),
    optionsOfShops(db, vendorIds),
    ratesFor(db, buyable.map(({ product }) => product.categoryId)),
  ])
  const currencies = new Set(buyable.map(({ product }) => product.currency))
  if (currencies.size > 1) problems.push(problem('currency_mismatch', 'Your cart holds prices in several currencies: check out one currency at a time'))
  const currency = currencies.size === 1 ? [...currencies][0]! : null

  const shops: ShopPlan[] = vendorIds.map((vendorId, i) => {
    const shop = shopRows[i]!
    const vendor = { id: shop.id, slug: shop.slug, name: shop.companyName, userId: shop.userId }
    const shopLines = buyable
      .filter(({ product }) => product.vendorId === vendorId)
      .map(({ line, product }) => {
        const tvaRateBp = rateOf(product.categoryId)
        return {
          productId: product.id,
          slug: product.slug,
          title: product.title,
          sku: product.sku,
          imageUrl: product.imageUrl,
          unitPriceMinor: product.priceMinor,
          priceSeenMinor: line.priceSeenMinor,
          quantity: line.quantity,
          tvaRateBp,
          ...lineAmounts({ unitPriceMinor: product.priceMinor, quantity: line.quantity, tvaRateBp }),
        }
      })
    if (vendor.userId === buyerId) problems.push(problem('own_product', `${vendor.name} is your own shop: you cannot buy from it`, { vendorId }))
    const options = optionsByShop.get(vendorId) ?? []
    const chosenId = choices.find((choice) => choice.vendorId === vendorId)?.optionId
    const option = options.find((o) => o.id === chosenId) ?? null
    if (options.length === 0) problems.push(problem('no_shipping_option', `${vendor.name} has no delivery option yet`, { vendorId }))
    else if (option === null) problems.push(problem('no_shipping_choice', `Choose how ${vendor.name} delivers`, { vendorId }))
    else if (currency !== null && option.currency !== currency) problems.push(problem('currency_mismatch', `${vendor.name}'s delivery is priced in ${option.currency}`, { vendorId }))
    const itemsTotal = totalsOf(shopLines, 0)
    const totals = totalsOf(shopLines, option === null ? 0 : shippingCost(option, itemsTotal.itemsMinor))
    return { vendor, lines: shopLines, option, options, totals }
  })
  const totals = sumTotals(shops.map((shop) => shop.totals))
  if (totals.totalMinor > MAX_CHECKOUT_MINOR) problems.push(problem('too_large', 'This checkout is too large to place at once: split it'))
  return {
    shops,
    quote: {
      currency,
      shops: shops.map((shop) => ({
        vendor: { id: shop.vendor.id, slug: shop.vendor.slug, name: shop.vendor.name },
        lines: shop.lines.map(({ sku: _sku, ...line }) => line),
        options: shop.options,
        optionId: shop.option?.id ?? null,
        ...shop.totals,
      })),
      ...totals,
      tva: tvaBreakdown(shops.flatMap((shop) => shop.lines)),
      problems,
    },
  }
}

/** The 409 of a checkout whose items another buyer took meanwhile. */
const soldOut = (shortages: { productId: string; available: number }[]) =>
  new AppError('conflict', 'Some items sold out meanwhile: check your cart', {
    problems: shortages.map(({ productId, available }) => problem('short', available === 0 ? 'Sold out meanwhile' : `Only ${available} left`, { productId, available })),
  })

/** The quote of my cart for the chosen addresses and delivery options; changes nothing. */
export async function quoteCheckout(deps: Pick<OrdersDeps, 'db'>, buyerId: string, body: OrdersModel.QuoteBody): Promise<OrdersModel.Quote> {
  for (const id of [body.shippingAddressId, body.billingAddressId]) if (id !== undefined) await addressForCheckout(deps.db, buyerId, id)
  const lines = await cartLinesForCheckout(deps.db, buyerId)
  const { quote } = await planCheckout(deps.db, buyerId, lines, body.shipping ?? [], await productsForSale(deps.db, lines.map((line) => line.productId)))
  if (body.shippingAddressId === undefined) quote.problems.push(problem('no_address', 'Choose a delivery address'))
  return quote
}

/** The next invoice number of a shop for the year; the counter row stays locked until commit, so numbers have no gaps. */
async function nextInvoiceNumber(tx: Tx, vendor: { id: string; slug: string }, year: number): Promise<string> {
  const [row] = await queryRows<{ last_number: number }>(
    tx,
    sql`insert into ${invoiceCounters} (vendor_id, year, last_number) values (${vendor.id}, ${year}, 1)
      on conflict (vendor_id, year) do update set last_number = ${invoiceCounters.lastNumber} + 1
      returning last_number`,
  )
  return `${vendor.slug.toUpperCase()}-${year}-${String(row!.last_number).padStart(6, '0')}`
}

const hashOf = (body: OrdersModel.CheckoutBody) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        body.shippingAddressId,
        body.billingAddressId ?? null,
        // Pairs, not objects: the same choices in another key or list order are the same request.
        body.shipping.map((choice) => `${choice.vendorId}:${choice.optionId}`).sort(),
        body.paymentMethod,
      ]),
    )
    .digest('hex')

export interface Placed {
  result: OrdersModel.CheckoutResult
  /** True when the key had been used with this body: nothing was done again. */
  replayed: boolean
}

/** The result of a placed order group, for its buyer. */
async function groupResult(db: Conn, groupId: string): Promise<OrdersModel.CheckoutResult> {
  const [group] = await db.select().from(orderGroups).where(eq(orderGroups.id, groupId))
  const rows = await db.select().from(orders).where(eq(orders.groupId, groupId)).orderBy(orders.id)
  return {
    groupId,
    currency: group!.currency,
    itemsMinor: group!.itemsMinor,
    shippingMinor: group!.shippingMinor,
    tvaMinor: group!.tvaMinor,
    totalMinor: group!.totalMinor,
    orders: await toSummaries(db, rows),
  }
}

/**
 * Places my cart: one order group and one order per shop, all or nothing. The Idempotency-Key is
 * claimed first, in the same transaction: a repeat with the same body answers the first result
 * (waiting for it when it is still being placed), another body is refused with 422, a key older
 * than CHECKOUT_KEY_TTL_MS is free again. Anything that stops the checkout (a problem of the
 * quote, or stock that another buyer took meanwhile) is a 409 and changes nothing.
 */
export async function placeCheckout(deps: OrdersDeps, buyerId: string, key: string, body: OrdersModel.CheckoutBody): Promise<Placed> {
  const requestHash = hashOf(body)
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const [claimed] = await tx
      .insert(checkoutKeys)
      .values({ userId: buyerId, key, requestHash, groupId: null, createdAt: now })
      .onConflictDoUpdate({
        target: [checkoutKeys.userId, checkoutKeys.key],
        set: { requestHash, groupId: null, createdAt: now },
        setWhere: sql`${checkoutKeys.createdAt} < ${new Date(now.getTime() - CHECKOUT_KEY_TTL_MS).toISOString()}::timestamptz`,
      })
      .returning()
    if (claimed === undefined) {
      const [first] = await tx.select().from(checkoutKeys).where(and(eq(checkoutKeys.userId, buyerId), eq(checkoutKeys.key, key)))
      if (first!.requestHash !== requestHash) throw new AppError('unprocessable', 'This Idempotency-Key was used for another checkout: use a new key', { reason: 'idempotency_key_reused' })
      return { replayed: first!.groupId as string }
    }

    const shipping = await addressForCheckout(tx, buyerId, body.shippingAddressId)
    const billing = body.billingAddressId === undefined ? shipping : await addressForCheckout(tx, buyerId, body.billingAddressId)
    const lines = await cartLinesForCheckout(tx, buyerId)
    const products = await productsForSale(tx, lines.map((line) => line.productId))
    // Under contention most checkouts find the stock gone: they are refused here, before the plan.
    const gone = lines.filter((line) => line.quantity > (products.get(line.productId)?.stock ?? 0))
    if (gone.length > 0) throw soldOut(gone.map((line) => ({ productId: line.productId, available: products.get(line.productId)?.stock ?? 0 })))
    const { quote, shops } = await planCheckout(tx, buyerId, lines, body.shipping, products)
    if (quote.problems.length > 0) throw new AppError('conflict', quote.problems[0]!.message, { problems: quote.problems })
    const stock = await takeStock(tx, lines, now)
    if (stock.shortages.length > 0) throw soldOut(stock.shortages)
    // The shops' and the buyer's topics get events (notifications, the cart) in whatever order the
    // services append them: locked now, in one order, so two people buying from each other wait.
    // Products are locked before topics, here as in a cancellation (stock back, then notify).
    await lockTopics(tx, [`user:${buyerId}`, ...shops.map((shop) => `user:${shop.vendor.userId}`)])
    return { placed: await writeOrders(deps, tx, { buyerId, now, quote, shops, shipping, billing, paymentMethod: body.paymentMethod, key }), stock: stock.changes }
  })
  if (committed.replayed !== undefined) return { result: await groupResult(deps.db, committed.replayed), replayed: true }
  await afterCommit(deps, committed.placed.events, committed.stock, committed.placed.afterCommit)
  return { result: await groupResult(deps.db, committed.placed.groupId), replayed: false }
}

async function writeOrders(
  deps: OrdersDeps,
  tx: Tx,
  input: { buyerId: string; now: Date; quote: OrdersModel.Quote; shops: ShopPlan[]; shipping: AddressSnapshot; billing: AddressSnapshot; paymentMethod: OrdersModel.CheckoutBody['paymentMethod']; key: string },
): Promise<{ groupId: string; events: StoredEvent[]; afterCommit: AfterCommit[] }> {
  const { buyerId, now, quote } = input
  const groupId = newId('ogr')
  await tx.insert(orderGroups).values({
    id: groupId,
    buyerId,
    currency: quote.currency!,
    paymentMethod: input.paymentMethod,
    itemsMinor: quote.itemsMinor,
    shippingMinor: quote.shippingMinor,
    tvaMinor: quote.tvaMinor,
    totalMinor: quote.totalMinor,
    createdAt: now,
  })
  const newEvents: NewOrderEvent[] = []
  const afterCommit: AfterCommit[] = []
  // Cash on delivery is placed at once; a card or wallet order waits for its payment, keeping its
  // stock until ORDER_HOLD_MS (then expireHolds cancels it), and its shop hears of it once paid.
  const paidLater = input.paymentMethod !== 'cash_on_delivery'
  const status = paidLater ? 'pending_payment' : 'placed'
  // Shops in id order: the invoice counters of two checkouts are locked in one order.
  for (const shop of input.shops) {
    const orderId = newId('ord')
    const row: OrderRow = {
      id: orderId,
      groupId,
      buyerId,
      vendorId: shop.vendor.id,
      status,
      currency: quote.currency!,
      ...shop.totals,
      shipping: { optionId: shop.option!.id, name: shop.option!.name, priceMinor: shop.totals.shippingMinor, handlingDays: shop.option!.handlingDays, pickup: shop.option!.pickup },
      shippingAddress: input.shipping,
      billingAddress: input.billing,
      invoiceNumber: await nextInvoiceNumber(tx, shop.vendor, now.getUTCFullYear()),
      cancelReason: null,
      holdUntil: paidLater ? new Date(now.getTime() + ORDER_HOLD_MS) : null,
      createdAt: now,
      updatedAt: now,
    }
    await tx.insert(orders).values(row)
    await tx.insert(orderItems).values(
      shop.lines.map((line, position) => ({
        orderId,
        position,
        productId: line.productId,
        title: line.title,
        sku: line.sku,
        imageUrl: line.imageUrl,
        unitPriceMinor: line.unitPriceMinor,
        quantity: line.quantity,
        lineMinor: line.lineMinor,
        tvaRateBp: line.tvaRateBp,
        tvaMinor: line.tvaMinor,
      })),
    )
    await tx.insert(orderEvents).values({ orderId, seq: 1, fromStatus: null, toStatus: status, actorId: buyerId, actorRole: 'buyer', note: null, at: now })
    newEvents.push({ topic: orderTopic(orderId), kind: 'order.updated', data: { orderId, status, from: null, by: 'buyer', kind: 'status', note: null, at: now.toISOString() } })
    if (paidLater) continue
    afterCommit.push(() => announceStatsMoved(deps.bus, 'order', now))
    const notified = await deps.notify(tx, {
      userId: shop.vendor.userId,
      type: 'order',
      actorId: buyerId,
      subject: `order:${orderId}`,
      text: `placed an order (${row.invoiceNumber})`,
      link: saleLink(orderId),
    })
    if (notified !== null) afterCommit.push(notified)
  }
  const cartEvents = await removeCartLines(tx, buyerId, input.shops.flatMap((shop) => shop.lines.map((line) => line.productId)), now)
  await tx.update(checkoutKeys).set({ groupId }).where(and(eq(checkoutKeys.userId, buyerId), eq(checkoutKeys.key, input.key)))
  return { groupId, events: [...(await appendEvents(tx, now, newEvents)), ...cartEvents], afterCommit }
}
