// The orders' part of the admin dashboard's figures (issue #20): what was sold in a time range.
import { and, count, gte, lt, notInArray, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../../db/client'
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
 * TVA included, plus delivery. An order counts on the day it was created. Each order's lines are
 * read through its primary key (a lateral join: a day's orders are few beside all the lines), and
 * the currency and shop sums come from one pass (grouping sets).
 */
export async function salesBetween(db: Db, from: Date, to: Date): Promise<Sales> {
  const kept = sql`${orderItems.unitPriceMinor} * (${orderItems.quantity} - ${orderItems.cancelledQuantity})`
  const [sums, byProduct] = await Promise.all([
    queryRows<{ currency: string; vendor_id: string | null; orders: string; gmv: string }>(
      db,
      sql`select ${orders.currency} as currency, ${orders.vendorId} as vendor_id, count(*) as orders, sum(${orders.shippingMinor} + v.items) as gmv
          from ${orders}
          cross join lateral (select sum(${kept}) as items from ${orderItems} where ${orderItems.orderId} = ${orders.id}) v
          where ${sales(from, to)}
          group by grouping sets ((${orders.currency}), (${orders.currency}, ${orders.vendorId}))`,
    ),
    queryRows<{ product_id: string; currency: string; items: string }>(
      db,
      sql`select l.product_id, ${orders.currency} as currency, sum(l.kept) as items
          from ${orders}
          cross join lateral (select ${orderItems.productId} as product_id, ${kept} as kept from ${orderItems} where ${orderItems.orderId} = ${orders.id}) l
          where ${sales(from, to)}
          group by l.product_id, ${orders.currency}`,
    ),
  ])
  return {
    byCurrency: sums.filter((r) => r.vendor_id === null).map((r) => ({ currency: r.currency, orders: Number(r.orders), gmvMinor: Number(r.gmv) })),
    byShop: sums.flatMap((r) => (r.vendor_id === null ? [] : [{ vendorId: r.vendor_id, currency: r.currency, gmvMinor: Number(r.gmv) }])),
    byProduct: byProduct.map((r) => ({ productId: r.product_id, currency: r.currency, itemsMinor: Number(r.items) })),
  }
}
