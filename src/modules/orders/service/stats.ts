// The orders' part of the admin dashboard's figures (issue #20): what was sold in a time range.
import { and, count, gte, lt, notInArray, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { orderItems, orders } from '../table'

/** What sold in `[from, to)`, per currency, per shop and per product (for the categories). */
export interface Sales {
  byCurrency: { currency: string; orders: number; gmvMinor: number }[]
  byShop: { vendorId: string; currency: string; gmvMinor: number }[]
  byProduct: { productId: string; currency: string; itemsMinor: number }[]
}

const sales = (from: Date, to: Date) => and(gte(orders.createdAt, from), lt(orders.createdAt, to), notInArray(orders.status, ['pending_payment', 'cancelled']))

/** How many orders of `[from, to)` count as sales (see salesBetween): the live strip's figure. */
export async function countOrdersPlaced(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders).where(sales(from, to))
  return row?.n ?? 0
}

/**
 * Orders placed in `[from, to)` that count as sales: paid (or cash on delivery, placed at once)
 * and not cancelled. Their value (GMV) is what the buyer pays: the items not cancelled one by one,
 * TVA included, plus delivery. An order counts on the day it was created.
 */
export async function salesBetween(db: Db, from: Date, to: Date): Promise<Sales> {
  const counted = sales(from, to)
  const kept = sql<number>`${orderItems.unitPriceMinor} * (${orderItems.quantity} - ${orderItems.cancelledQuantity})`
  const perOrder = db
    .select({ id: orders.id, vendorId: orders.vendorId, currency: orders.currency, value: sql<number>`${orders.shippingMinor} + sum(${kept})`.as('value') })
    .from(orders)
    .innerJoin(orderItems, sql`${orderItems.orderId} = ${orders.id}`)
    .where(counted)
    .groupBy(orders.id)
    .as('per_order')
  const [byCurrency, byShop, byProduct] = await Promise.all([
    db
      .select({ currency: perOrder.currency, orders: sql`count(*)`.mapWith(Number), gmvMinor: sql`sum(${perOrder.value})`.mapWith(Number) })
      .from(perOrder)
      .groupBy(perOrder.currency),
    db
      .select({ vendorId: perOrder.vendorId, currency: perOrder.currency, gmvMinor: sql`sum(${perOrder.value})`.mapWith(Number) })
      .from(perOrder)
      .groupBy(perOrder.vendorId, perOrder.currency),
    db
      .select({ productId: orderItems.productId, currency: orders.currency, itemsMinor: sql`sum(${kept})`.mapWith(Number) })
      .from(orders)
      .innerJoin(orderItems, sql`${orderItems.orderId} = ${orders.id}`)
      .where(counted)
      .groupBy(orderItems.productId, orders.currency),
  ])
  return { byCurrency, byShop, byProduct }
}
