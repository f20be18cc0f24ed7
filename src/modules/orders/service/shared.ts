import { and, asc, eq, inArray, max, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { Actor } from '../../../lib/request-origin'
import { publishEvents, type StoredEvent } from '../../../events/log'
import { displayNames } from '../../accounts'
import { announceStock, type StockChange } from '../../catalog'
import type { AfterCommit, NotifyInput } from '../../notifications'
import { vendorSummaries } from '../../vendors'
import type { OrdersModel } from '../model'
import type { OrderActor, OrderStatus, OrderTransition, TimelineKind } from '../status'
import { orderEvents, orderGroups, orderItems, orders } from '../table'

/** What the orders services are built from; the composition root hands these in. */
export interface OrdersDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** The notifications service's `notify`, inside the caller's transaction. */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /**
   * Called inside every transition's transaction, after the status moved and before anyone is
   * notified (money follows the order: escrow released on completion, refunded on cancellation).
   * It may refuse the step by throwing. The composition root binds it to the payments module.
   */
  onTransition(tx: Tx, step: OrderStep): Promise<{ events: StoredEvent[]; afterCommit: AfterCommit[] }>
  /**
   * Called inside the transaction that cancels some items of an order (the rest ships): their
   * price goes back to the buyer, once per `part`. Bound to the payments module.
   */
  onItemsCancelled(tx: Tx, refund: ItemsRefund): Promise<{ events: StoredEvent[]; afterCommit: AfterCommit[] }>
}

/** What cancelled items of an order are worth, to pay back. */
export interface ItemsRefund {
  orderId: string
  /** The cancellation's id: the refund's ledger key. */
  part: string
  buyerId: string
  shopUserId: string
  amountMinor: number
  currency: string
  now: Date
  /** Who cancelled them, from where: the refund's entry in the audit log names them. */
  by: Actor
}

/** One transition of one order, as the onTransition port sees it. */
export interface OrderStep {
  orderId: string
  name: OrderTransition
  from: OrderStatus
  to: OrderStatus
  by: OrderActor
  /** Who took the step (null id: the system), from where: money it moves is recorded as theirs. */
  actor: Actor
  buyerId: string
  vendorId: string
  now: Date
}

export type Conn = Db | Tx
export type OrderRow = typeof orders.$inferSelect
export type OrderItemRow = typeof orderItems.$inferSelect

export const orderTopic = (id: string) => `order:${id}` as const
export const orderLink = (id: string) => `/orders/${id}`
export const saleLink = (id: string) => `/dashboard/sales/${id}`

/** Summaries of order rows, in their order: shop, buyer's name, items kept, what was cancelled and the first photo. */
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
      .select({ orderId: orderItems.orderId, quantity: orderItems.quantity, cancelledQuantity: orderItems.cancelledQuantity, unitPriceMinor: orderItems.unitPriceMinor, imageUrl: orderItems.imageUrl, position: orderItems.position })
      .from(orderItems)
      .where(inArray(orderItems.orderId, ids))
      .orderBy(asc(orderItems.orderId), asc(orderItems.position)),
  ])
  const paymentOf = new Map(groups.map((group) => [group.id, group.paymentMethod]))
  const itemsOf = new Map<string, { count: number; cancelledMinor: number; imageUrl: string | null }>()
  for (const item of items) {
    const entry = itemsOf.get(item.orderId) ?? { count: 0, cancelledMinor: 0, imageUrl: item.imageUrl }
    entry.count += item.quantity - item.cancelledQuantity
    entry.cancelledMinor += item.unitPriceMinor * item.cancelledQuantity
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
      cancelledMinor: itemsOf.get(row.id)?.cancelledMinor ?? 0,
      itemCount: itemsOf.get(row.id)?.count ?? 0,
      imageUrl: itemsOf.get(row.id)?.imageUrl ?? null,
      invoiceNumber: row.invoiceNumber,
      paymentMethod: paymentOf.get(row.groupId)!,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }
  })
}

/** An order's items as sold: position, product, title, image, unit price, and the quantity kept (less what was cancelled: what parcels and returns count in); lines cancelled whole are left out. */
export const orderItemsOf = (db: Conn, orderId: string) =>
  db
    .select({
      position: orderItems.position,
      productId: orderItems.productId,
      title: orderItems.title,
      imageUrl: orderItems.imageUrl,
      unitPriceMinor: orderItems.unitPriceMinor,
      quantity: sql<number>`${orderItems.quantity} - ${orderItems.cancelledQuantity}`,
    })
    .from(orderItems)
    // A line cancelled whole keeps nothing to ship or return.
    .where(and(eq(orderItems.orderId, orderId), sql`${orderItems.quantity} > ${orderItems.cancelledQuantity}`))
    .orderBy(asc(orderItems.position))

/**
 * What the buyer of an order owes in all: its total less the items cancelled one by one (a
 * cash-on-delivery order's cash to collect). With its payment method.
 */
export async function amountDueOf(db: Conn, order: OrderRow): Promise<{ amountMinor: number; paymentMethod: OrdersModel.Summary['paymentMethod'] }> {
  const [[cancelled], [group]] = await Promise.all([
    db
      .select({ minor: sql<string>`coalesce(sum(${orderItems.unitPriceMinor} * ${orderItems.cancelledQuantity}), 0)::text` })
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id)),
    db.select({ paymentMethod: orderGroups.paymentMethod }).from(orderGroups).where(eq(orderGroups.id, order.groupId)),
  ])
  return { amountMinor: order.totalMinor - Number(cancelled!.minor), paymentMethod: group!.paymentMethod }
}

/** The invoice numbers of orders, by id (what screens name an order by). */
export async function invoiceNumbersOf(db: Conn, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ id: orders.id, invoiceNumber: orders.invoiceNumber }).from(orders).where(inArray(orders.id, [...new Set(ids)]))
  return new Map(rows.map((row) => [row.id, row.invoiceNumber]))
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

/** When an order arrived: its move to `delivered`, or to `completed` straight from `shipped` (the buyer confirmed receipt first); null before. */
export async function arrivedAt(db: Conn, orderId: string): Promise<Date | null> {
  const [first] = await db
    .select({ at: orderEvents.at })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), inArray(orderEvents.toStatus, ['delivered', 'completed'])))
    .orderBy(asc(orderEvents.seq))
    .limit(1)
  return first?.at ?? null
}

/** When the order was completed (received, or released by the schedule), or null while it is not. */
export async function completedAt(db: Conn, orderId: string): Promise<Date | null> {
  const [last] = await db
    .select({ at: orderEvents.at })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.toStatus, 'completed')))
    .orderBy(asc(orderEvents.seq))
    .limit(1)
  return last?.at ?? null
}

/** Writes a step that keeps the order's status (items cancelled, a parcel's progress) into its timeline, in the caller's transaction. */
export async function addTimelineNote(
  tx: Tx,
  input: { orderId: string; status: OrderStatus; kind: Exclude<TimelineKind, 'status'>; by: OrderActor; actorId: string | null; note: string; now: Date },
): Promise<void> {
  const [last] = await tx.select({ seq: max(orderEvents.seq) }).from(orderEvents).where(eq(orderEvents.orderId, input.orderId))
  await tx.insert(orderEvents).values({
    orderId: input.orderId,
    seq: (last?.seq ?? 0) + 1,
    fromStatus: input.status,
    toStatus: input.status,
    actorId: input.actorId,
    actorRole: input.by,
    kind: input.kind,
    note: input.note,
    at: input.now,
  })
}
