// Reading orders (their buyer, their shop, admins; nobody else: another's order is 404) and moving
// them along the state machine of status.ts, each step written with its timeline entry, event and
// notification in one transaction.
import { and, asc, desc, eq, ilike, inArray, lt, max, or, type SQL } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { appendEvent, latestEventId, type StoredEvent } from '../../../events/log'
import { defineJob } from '../../../jobs/queue'
import { AppError } from '../../../lib/errors'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../../lib/pagination'
import type { CurrentUser } from '../../accounts'
import { returnStock, type StockChange } from '../../catalog'
import { conversationsAwaitingSale, takeTransactionStep } from '../../chat'
import type { AfterCommit } from '../../notifications'
import { findVendorById, findVendorOfUser } from '../../vendors'
import type { NewOrderEvent } from '../events'
import type { OrdersModel } from '../model'
import { ORDER_TRANSITIONS, type OrderActor, type OrderTransition } from '../status'
import { orderEvents, orderItems, orders } from '../table'
import { tvaBreakdown } from './pricing'
import { afterCommit, type Conn, findOrder, type OrderRow, orderLink, orderTopic, type OrdersDeps, saleLink, toSummaries } from './shared'

type Viewer = Pick<CurrentUser, 'id' | 'role'>

/** How `viewer` stands to an order: its buyer, its shop, an admin, or nobody (then it is 404). */
async function roleOn(db: Conn, viewer: Viewer, order: OrderRow): Promise<Exclude<OrderActor, 'system'> | null> {
  if (order.buyerId === viewer.id) return 'buyer'
  if ((await findVendorById(db, order.vendorId))?.userId === viewer.id) return 'vendor'
  return viewer.role === 'admin' ? 'admin' : null
}

/** Whether `viewer` may read the order (REST and the `order:<id>` topic). */
export async function canReadOrder(db: Conn, viewer: Viewer, orderId: string): Promise<boolean> {
  const order = await findOrder(db, orderId)
  return order !== null && (await roleOn(db, viewer, order)) !== null
}

const notFound = () => new AppError('not_found', 'No such order')

/** What `role` may do to an order in `status` now. */
function actionsOf(role: Exclude<OrderActor, 'system'>, status: OrderRow['status']): OrdersModel.Order['actions'] {
  const can = (name: OrderTransition) => (ORDER_TRANSITIONS[name].from as readonly string[]).includes(status) && (ORDER_TRANSITIONS[name].by as readonly string[]).includes(role)
  const actions: OrdersModel.Order['actions'] = []
  if (can(role === 'buyer' ? 'cancelByBuyer' : 'cancelBySeller')) actions.push('cancel')
  if (can('accept')) actions.push('accept')
  return actions
}

/** One order with its items, TVA, addresses and timeline, for its buyer, its shop or an admin. */
export async function getOrder(db: Conn, viewer: Viewer, orderId: string): Promise<OrdersModel.Order> {
  const order = await findOrder(db, orderId)
  const role = order === null ? null : await roleOn(db, viewer, order)
  if (order === null || role === null) throw notFound()
  const [[summary], items, timeline, lastEventId] = await Promise.all([
    toSummaries(db, [order]),
    db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(asc(orderItems.position)),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(orderEvents.seq)),
    latestEventId(db, orderTopic(orderId)),
  ])
  return {
    ...summary!,
    items: items.map(({ orderId: _order, position: _position, ...item }) => item),
    tva: tvaBreakdown(items),
    shipping: order.shipping,
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    cancelReason: order.cancelReason,
    timeline: timeline.map((entry) => ({ from: entry.fromStatus, to: entry.toStatus, by: entry.actorRole, note: entry.note, at: entry.at })),
    actions: actionsOf(role, order.status),
    lastEventId,
  }
}

/** A page of orders newest first, under `where` (whose: a buyer's, a shop's, all). */
async function listOrders(db: Conn, where: SQL | undefined, query: { status?: OrderRow['status']; cursor?: string; limit?: number }): Promise<Page<OrdersModel.Summary>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'ord')
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        where,
        query.status === undefined ? undefined : eq(orders.status, query.status),
        after === null ? undefined : or(lt(orders.createdAt, after.time), and(eq(orders.createdAt, after.time), lt(orders.id, after.id))),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: await toSummaries(db, page.items), nextCursor: page.nextCursor }
}

/** My orders as a buyer. */
export const listMyOrders = (db: Conn, buyerId: string, query: { status?: OrderRow['status']; cursor?: string; limit?: number }) =>
  listOrders(db, eq(orders.buyerId, buyerId), query)

/** My shop's orders (its sales). */
export async function listMySales(db: Conn, userId: string, query: { status?: OrderRow['status']; cursor?: string; limit?: number }): Promise<Page<OrdersModel.Summary>> {
  const shop = await findVendorOfUser(db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  return listOrders(db, eq(orders.vendorId, shop.id), query)
}

/** Every order, for admins; `q` finds an order id or (part of) an invoice number. */
export const listAllOrders = (db: Conn, query: { status?: OrderRow['status']; q?: string; cursor?: string; limit?: number }) =>
  listOrders(db, query.q === undefined ? undefined : or(eq(orders.id, query.q.trim()), ilike(orders.invoiceNumber, `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)), query)

/**
 * Moves an order along one transition of the state machine, as `viewer` in the role they hold on
 * it (an order they have no role on is 404; a role the transition does not name is 403; a status
 * it does not start from is 409), and answers the order as they now see it.
 */
export async function transitionOrder(
  deps: OrdersDeps,
  viewer: Viewer,
  orderId: string,
  name: OrderTransition,
  options: { note?: string | null; as?: Exclude<OrderActor, 'system'> } = {},
): Promise<OrdersModel.Order> {
  await applyTransition(deps, viewer, orderId, name, options)
  return getOrder(deps.db, viewer, orderId)
}

type Options = { note?: string | null; as?: Exclude<OrderActor, 'system'> }

/** What a transition leaves to do once its transaction committed. */
interface Committed {
  events: StoredEvent[]
  stock: StockChange[]
  afterCommit: AfterCommit[]
}

/**
 * One transition by a person or by Souk itself (`system`: an unpaid order's expiry), in its own
 * transaction, published after commit.
 */
async function applyTransition(deps: OrdersDeps, actor: Viewer | 'system', orderId: string, name: OrderTransition, options: Options = {}): Promise<void> {
  const committed = await deps.db.transaction((tx) => transitionIn(deps, tx, actor, orderId, name, options))
  await afterCommit(deps, committed.events, committed.stock, committed.afterCommit)
}

/**
 * One transition inside the caller's transaction: the status, its timeline entry, its
 * `order.updated` event and the other side's notification; a cancellation gives the stock back,
 * an acceptance takes chat's "sale confirmed" step in the conversations about its products.
 */
async function transitionIn(deps: OrdersDeps, tx: Tx, actor: Viewer | 'system', orderId: string, name: OrderTransition, options: Options): Promise<Committed> {
  const rule = ORDER_TRANSITIONS[name]
  const now = deps.clock.now()
  const order = await findOrder(tx, orderId, { forUpdate: true })
  const role = order === null ? null : actor === 'system' ? 'system' : await roleOn(tx, actor, order)
  const actorId = actor === 'system' ? null : actor.id
  // A route acting as one side (the shop's sales routes) does not let another role act through it.
  if (order === null || role === null || (options.as !== undefined && role !== options.as && role !== 'admin')) throw notFound()
  if (!(rule.by as readonly string[]).includes(role)) throw new AppError('forbidden', `The ${rule.by.join(' or ')} takes this step, not the ${role}`)
  if (!(rule.from as readonly string[]).includes(order.status)) {
    throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: it cannot be ${rule.to === 'cancelled' ? 'cancelled' : `made ${rule.to}`} now`, { status: order.status })
  }
  const note = options.note?.trim() || null
  if (name === 'cancelBySeller' && (note?.length ?? 0) < 3) throw new AppError('invalid_data', 'Say why you cancel: the buyer reads it', [{ field: 'body.reason', message: 'must be at least 3 characters' }])
  await tx
    .update(orders)
    .set({ status: rule.to, updatedAt: now, ...(rule.to === 'cancelled' ? { cancelReason: note, holdUntil: null } : {}) })
    .where(eq(orders.id, orderId))
  const [last] = await tx.select({ seq: max(orderEvents.seq) }).from(orderEvents).where(eq(orderEvents.orderId, orderId))
  await tx.insert(orderEvents).values({ orderId, seq: (last?.seq ?? 0) + 1, fromStatus: order.status, toStatus: rule.to, actorId, actorRole: role, note, at: now })
  const items = rule.to === 'cancelled' || rule.to === 'accepted' ? await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId)) : []
  const stock = rule.to === 'cancelled' ? await returnStock(tx, items, now) : []
  const shop = await findVendorById(tx, order.vendorId)
  // Accepting the order is the sale the two may have been discussing: their conversations about
  // its products take chat's "sale confirmed" step in this same transaction.
  const events: StoredEvent[] = []
  if (rule.to === 'accepted') {
    const conversationIds = await conversationsAwaitingSale(tx, { buyerId: order.buyerId, sellerId: shop!.userId, productIds: items.map((item) => item.productId) })
    for (const conversationId of conversationIds) events.push(...(await takeTransactionStep(deps, tx, { conversationId, actorId: shop!.userId, step: 'sale_confirmed' })).events)
  }
  // The other side hears of it: the buyer of the shop's (or an admin's, or the system's) step, the shop of the buyer's.
  const notified = await deps.notify(tx, {
    userId: role === 'buyer' ? shop!.userId : order.buyerId,
    type: 'order',
    actorId: role === 'admin' ? null : actorId,
    subject: `order:${orderId}`,
    text: `${rule.to === 'cancelled' ? 'cancelled' : rule.to} order ${order.invoiceNumber}${note === null ? '' : `: ${note}`}`,
    link: role === 'buyer' ? saleLink(orderId) : orderLink(orderId),
  })
  const event: NewOrderEvent = { topic: orderTopic(orderId), kind: 'order.updated', data: { orderId, status: rule.to, from: order.status, by: role, note, at: now.toISOString() } }
  events.unshift(await appendEvent(tx, now, event))
  return { events, stock, afterCommit: notified === null ? [] : [notified] }
}

/**
 * Chat's hook (ChatPorts.onTransactionStep, bound by the composition root): when the seller
 * confirms the sale in a conversation, the buyer's placed orders of that product from the
 * seller's shop are accepted in the same transaction, by the seller.
 */
export async function acceptFromChat(deps: OrdersDeps, tx: Tx, step: { buyerId: string; sellerId: string; productId: string; step: string }) {
  const committed: Committed = { events: [], stock: [], afterCommit: [] }
  const shop = step.step === 'sale_confirmed' ? await findVendorOfUser(tx, step.sellerId) : null
  if (shop !== null) {
    // Locked as read: an order another step moves meanwhile is waited for and, no longer placed, left out.
    const placed = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(
          eq(orders.buyerId, step.buyerId),
          eq(orders.vendorId, shop.id),
          eq(orders.status, 'placed'),
          inArray(orders.id, tx.select({ id: orderItems.orderId }).from(orderItems).where(eq(orderItems.productId, step.productId))),
        ),
      )
      .orderBy(asc(orders.id))
      .for('update')
    for (const { id } of placed) {
      const done = await transitionIn(deps, tx, { id: step.sellerId, role: 'vendor' }, id, 'accept', { as: 'vendor' })
      committed.events.push(...done.events)
      committed.afterCommit.push(...done.afterCommit)
    }
  }
  return { events: committed.events, afterCommit: () => afterCommit(deps, [], committed.stock, committed.afterCommit) }
}

/** How long an unpaid order (a later payment method) keeps its stock before expireHolds cancels it. */
export const ORDER_HOLD_MS = 15 * 60_000

/** The job that runs expireHolds: a plain queue job (no record: it runs every minute), scheduled by the composition root. */
export const holdExpiryJob = (deps: OrdersDeps) => defineJob<object>('orders.expire-holds', () => expireHolds(deps), { retryLimit: 0, expireInSeconds: 60 })

/** Its schedule: every minute (pg-boss runs each schedule once whatever the number of instances). */
export const HOLD_EXPIRY_CRON = '* * * * *'

/**
 * Cancels the unpaid orders whose hold has passed, giving their stock back (the `expire`
 * transition, by the system). Run every minute by the `orders.expire-holds` job; answers how many.
 */
export async function expireHolds(deps: OrdersDeps): Promise<number> {
  const due = await deps.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, 'pending_payment'), lt(orders.holdUntil, deps.clock.now())))
    .orderBy(asc(orders.holdUntil))
    .limit(100)
  let expired = 0
  for (const { id } of due) {
    try {
      await applyTransition(deps, 'system', id, 'expire', { note: 'Not paid in time' })
      expired += 1
    } catch (error) {
      // Paid or cancelled meanwhile: its status moved on, nothing to expire.
      if (!(error instanceof AppError && error.type === 'conflict')) throw error
    }
  }
  return expired
}
