import { asc, eq, inArray } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import { publishEvents, type StoredEvent } from '../../../events/log'
import { displayNames } from '../../accounts'
import { announceStock, type StockChange } from '../../catalog'
import type { AfterCommit, NotifyInput } from '../../notifications'
import { vendorSummaries } from '../../vendors'
import type { OrdersModel } from '../model'
import { orderGroups, orderItems, orders } from '../table'

/** What the orders services are built from; the composition root hands these in. */
export interface OrdersDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** The notifications service's `notify`, inside the caller's transaction. */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
}

export type Conn = Db | Tx
export type OrderRow = typeof orders.$inferSelect
export type OrderItemRow = typeof orderItems.$inferSelect

export const orderTopic = (id: string) => `order:${id}` as const
export const orderLink = (id: string) => `/orders/${id}`
export const saleLink = (id: string) => `/dashboard/sales/${id}`

/** Summaries of order rows, in their order: shop, buyer's name, item count and first photo. */
export async function toSummaries(db: Conn, rows: OrderRow[]): Promise<OrdersModel.Summary[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [shops, names, groups, items] = await Promise.all([
    vendorSummaries(db, rows.map((row) => row.vendorId)),
    displayNames(db, rows.map((row) => row.buyerId)),
    db
      .select({ id: orderGroups.id, paymentMethod: orderGroups.paymentMethod })
      .from(orderGroups)
      .where(inArray(orderGroups.id, [...new Set(rows.map((row) => row.groupId))])),
    db
      .select({ orderId: orderItems.orderId, quantity: orderItems.quantity, imageUrl: orderItems.imageUrl, position: orderItems.position })
      .from(orderItems)
      .where(inArray(orderItems.orderId, ids))
      .orderBy(asc(orderItems.orderId), asc(orderItems.position)),
  ])
  const paymentOf = new Map(groups.map((group) => [group.id, group.paymentMethod]))
  const itemsOf = new Map<string, { count: number; imageUrl: string | null }>()
  for (const item of items) {
    const entry = itemsOf.get(item.orderId) ?? { count: 0, imageUrl: item.imageUrl }
    entry.count += item.quantity
    itemsOf.set(item.orderId, entry)
  }
  return rows.map((row) => {
    const shop = shops.get(row.vendorId)!
    return {
      id: row.id,
      groupId: row.groupId,
      status: row.status,
      vendor: { id: shop.id, slug: shop.slug, name: shop.companyName },
      buyer: { id: row.buyerId, displayName: names.get(row.buyerId) ?? 'Deleted user' },
      currency: row.currency,
      itemsMinor: row.itemsMinor,
      shippingMinor: row.shippingMinor,
      tvaMinor: row.tvaMinor,
      totalMinor: row.totalMinor,
      itemCount: itemsOf.get(row.id)?.count ?? 0,
      imageUrl: itemsOf.get(row.id)?.imageUrl ?? null,
      invoiceNumber: row.invoiceNumber,
      paymentMethod: paymentOf.get(row.groupId)!,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }
  })
}

export async function findOrder(db: Conn, id: string, options: { forUpdate?: boolean } = {}): Promise<OrderRow | null> {
  const query = db.select().from(orders).where(eq(orders.id, id)).limit(1)
  const [row] = await (options.forUpdate === true ? query.for('update') : query)
  return row ?? null
}

/**
 * After a commit: publish the events, announce the stock, run the notifications' work. Each step
 * on its own: the change is made, so a failure is logged and the rest still runs.
 */
export async function afterCommit(deps: OrdersDeps, events: StoredEvent[], stock: StockChange[], work: AfterCommit[]): Promise<void> {
  const log = (step: string) => (error: unknown) => deps.log.error(`orders: ${step} after commit failed`, { error })
  await publishEvents(deps.bus, events).catch(log('publishing events'))
  await announceStock(deps.bus, stock, deps.clock.now()).catch(log('announcing stock'))
  for (const run of work) await run().catch(log('notifying'))
}
