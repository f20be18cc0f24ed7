// Reading orders (their buyer, their shop, admins; nobody else: another's order is 404) and moving
// them along the state machine of status.ts, each step written with its timeline entry, event and
// notification in one transaction.
import { and, asc, desc, eq, ilike, inArray, lt, max, or, type SQL } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { appendEvent, latestEventId, type StoredEvent } from '../../../events/log'
import { defineJob } from '../../../jobs/queue'
import { announceStatsMoved } from '../../../lib/admin-stats'
import { AppError } from '../../../lib/errors'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../../lib/pagination'
import { actorOf, NO_ORIGIN, type Origin } from '../../../lib/request-origin'
import type { CurrentUser } from '../../accounts'
import { recordAudit } from '../../audit'
import { returnStock, type StockChange } from '../../catalog'
import { conversationsAwaitingStep, takeTransactionStep } from '../../chat'
import type { AfterCommit } from '../../notifications'
import { findVendorById, findVendorOfUser } from '../../vendors'
import type { NewOrderEvent } from '../events'
import type { OrdersModel } from '../model'
import { ORDER_TRANSITIONS, type OrderActor, type OrderStatus, type OrderTransition } from '../status'
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

/** How `viewer` stands to an order (its buyer, its shop, an admin), or null: they have no part in it. */
export async function orderRoleOf(db: Conn, viewer: Viewer, orderId: string): Promise<Exclude<OrderActor, 'system'> | null> {
  const order = await findOrder(db, orderId)
  return order === null ? null : roleOn(db, viewer, order)
}

/** Whether `viewer` may read the order (REST and the `order:<id>` topic). */
export const canReadOrder = async (db: Conn, viewer: Viewer, orderId: string): Promise<boolean> => (await orderRoleOf(db, viewer, orderId)) !== null

const notFound = () => new AppError('not_found', 'No such order')

/** What `role` may do to an order in `status` now. */
function actionsOf(role: Exclude<OrderActor, 'system'>, status: OrderRow['status']): OrdersModel.Order['actions'] {
  const can = (name: OrderTransition) => (ORDER_TRANSITIONS[name].from as readonly string[]).includes(status) && (ORDER_TRANSITIONS[name].by as readonly string[]).includes(role)
  const actions: OrdersModel.Order['actions'] = []
  if (can(role === 'buyer' ? 'cancelByBuyer' : 'cancelBySeller')) actions.push('cancel')
  if (can('accept')) actions.push('accept')
  if (can('ship')) actions.push('ship')
  if (can('deliver')) actions.push('deliver')
  if (can('complete')) actions.push('confirm_receipt')
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
    items: items.map(({ orderId: _order, ...item }) => item),
    tva: tvaBreakdown(items),
    shipping: order.shipping,
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    cancelReason: order.cancelReason,
    timeline: timeline.map((entry) => ({ kind: entry.kind, from: entry.fromStatus, to: entry.toStatus, by: entry.actorRole, note: entry.note, at: entry.at })),
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
  options: Options & { origin: Origin },
): Promise<OrdersModel.Order> {
  await applyTransition(deps, viewer, orderId, name, options)
  return getOrder(deps.db, viewer, orderId)
}

/**
 * A step's note, the side a route acts as, and the request it came from (for the audit log: an
 * admin's step, and money it moves, are recorded as theirs; a job's steps have none).
 */
type Options = { note?: string | null; as?: Exclude<OrderActor, 'system'>; origin?: Origin }

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
    .set({ status: rule.to, updatedAt: now, holdUntil: null, ...(rule.to === 'cancelled' ? { cancelReason: note } : {}) })
    .where(eq(orders.id, orderId))
  const [last] = await tx.select({ seq: max(orderEvents.seq) }).from(orderEvents).where(eq(orderEvents.orderId, orderId))
  await tx.insert(orderEvents).values({ orderId, seq: (last?.seq ?? 0) + 1, fromStatus: order.status, toStatus: rule.to, actorId, actorRole: role, note, at: now })
  const chatStep = CHAT_STEP_OF[rule.to]
  const items = rule.to === 'cancelled' || chatStep !== undefined ? await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId)) : []
  // What was cancelled item by item is back in stock already: only what was kept returns.
  const stock = rule.to === 'cancelled' ? await returnStock(tx, items.flatMap((item) => (item.quantity > item.cancelledQuantity ? [{ productId: item.productId, quantity: item.quantity - item.cancelledQuantity }] : [])), now) : []
  // Money follows the order (escrow released, refunded): accounts are locked after the products
  // and before the topics and conversations below, as in every other money step.
  const actorNow = actorOf(actor === 'system' ? null : actor, options.origin ?? NO_ORIGIN)
  // Staff stepping in on someone else's order (a shop's own admin account acts as the shop).
  if (role === 'admin') {
    const summary = { transition: name, from: order.status, to: rule.to, note, buyerId: order.buyerId, vendorId: order.vendorId }
    await recordAudit(tx, { by: actorNow, kind: 'order.staff_changed', subject: { type: 'order', id: orderId }, summary, at: now })
  }
  const hooked = await deps.onTransition(tx, { orderId, name, from: order.status, to: rule.to, by: role, actor: actorNow, buyerId: order.buyerId, vendorId: order.vendorId, now })
  const shop = await findVendorById(tx, order.vendorId)
  // Accepting the order is the sale the two may have been discussing, completing it the receipt:
  // their conversations about its products take chat's matching step in this same transaction.
  const events: StoredEvent[] = []
  if (chatStep !== undefined) {
    const actorOfStep = chatStep === 'sale_confirmed' ? shop!.userId : order.buyerId
    const conversationIds = await conversationsAwaitingStep(tx, { buyerId: order.buyerId, sellerId: shop!.userId, productIds: items.map((item) => item.productId), step: chatStep })
    for (const conversationId of conversationIds) events.push(...(await takeTransactionStep(deps, tx, { conversationId, actorId: actorOfStep, step: chatStep })).events)
  }
  // The other side hears of it: the buyer of the shop's (or an admin's, or the system's) step, the
  // shop of the buyer's; a paid order reaches its shop as a new order.
  const toShop = role === 'buyer' || name === 'pay'
  const notified = await deps.notify(tx, {
    userId: toShop ? shop!.userId : order.buyerId,
    type: 'order',
    actorId: name === 'pay' ? order.buyerId : role === 'admin' ? null : actorId,
    subject: `order:${orderId}`,
    text: name === 'pay' ? `placed an order (${order.invoiceNumber})` : `${rule.to === 'cancelled' ? 'cancelled' : rule.to} order ${order.invoiceNumber}${note === null ? '' : `: ${note}`}`,
    link: toShop ? saleLink(orderId) : orderLink(orderId),
  })
  const event: NewOrderEvent = { topic: orderTopic(orderId), kind: 'order.updated', data: { orderId, status: rule.to, from: order.status, by: role, kind: 'status', note, at: now.toISOString() } }
  events.unshift(await appendEvent(tx, now, event), ...hooked.events)
  // A paid order is a sale: the admins' live strip counts it.
  const placed: AfterCommit[] = name === 'pay' ? [() => announceStatsMoved(deps.bus, 'order', now)] : []
  return { events, stock, afterCommit: [...hooked.afterCommit, ...(notified === null ? [] : [notified]), ...placed] }
}

/** The chat step an order's transition takes in the conversations about its products. */
const CHAT_STEP_OF: Partial<Record<OrderStatus, 'sale_confirmed' | 'receipt_confirmed'>> = { accepted: 'sale_confirmed', completed: 'receipt_confirmed' }

/**
 * Chat's hook (ChatPorts.onTransactionStep, bound by the composition root), one step in two
 * places: when the seller confirms the sale in a conversation, the buyer's placed orders of that
 * product from the seller's shop are accepted, by the seller; when the buyer confirms receipt,
 * their shipped or delivered orders of it are completed, by the buyer (which releases the escrow,
 * or refuses the step while a dispute holds it). In the chat step's transaction.
 */
export async function orderStepFromChat(deps: OrdersDeps, tx: Tx, step: { buyerId: string; sellerId: string; productId: string; step: 'sale_confirmed' | 'receipt_confirmed' }) {
  const committed: Committed = { events: [], stock: [], afterCommit: [] }
  const shop = await findVendorOfUser(tx, step.sellerId)
  const name: OrderTransition = step.step === 'sale_confirmed' ? 'accept' : 'complete'
  const actor: Viewer = step.step === 'sale_confirmed' ? { id: step.sellerId, role: 'vendor' } : { id: step.buyerId, role: 'buyer' }
  if (shop !== null) {
    // Locked as read: an order another step moves meanwhile is waited for and, moved on, left out.
    const placed = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(
          eq(orders.buyerId, step.buyerId),
          eq(orders.vendorId, shop.id),
          inArray(orders.status, [...ORDER_TRANSITIONS[name].from]),
          inArray(orders.id, tx.select({ id: orderItems.orderId }).from(orderItems).where(eq(orderItems.productId, step.productId))),
        ),
      )
      .orderBy(asc(orders.createdAt), asc(orders.id))
      // A receipt is of one order: the oldest shipped or delivered one (a later order of the same
      // product may not have arrived); a sale confirmed accepts every placed one.
      .limit(step.step === 'receipt_confirmed' ? 1 : 100)
      .for('update')
    for (const { id } of placed) {
      const done = await transitionIn(deps, tx, actor, id, name, { as: step.step === 'sale_confirmed' ? 'vendor' : 'buyer' })
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

/**
 * The unpaid orders of a buyer's order group, locked for the caller's transaction (in id order):
 * what a payment pays for. Orders of the group cancelled or expired meanwhile are left out; null
 * when the group is not the buyer's (a 404 for them).
 */
export async function lockUnpaidOrders(tx: Tx, buyerId: string, groupId: string): Promise<OrderRow[] | null> {
  const rows = await tx.select().from(orders).where(eq(orders.groupId, groupId)).orderBy(asc(orders.id)).for('update')
  if (rows.length === 0 || rows[0]!.buyerId !== buyerId) return null
  return rows.filter((row) => row.status === 'pending_payment')
}

/**
 * Marks paid orders placed (the `pay` transition, by the system) inside the payment's transaction,
 * after the caller moved the money: their shops are told of a new order. Answers what to publish.
 */
export async function payOrders(deps: OrdersDeps, tx: Tx, orderIds: string[]): Promise<{ events: StoredEvent[]; afterCommit: AfterCommit }> {
  const committed: Committed = { events: [], stock: [], afterCommit: [] }
  for (const id of orderIds) {
    const done = await transitionIn(deps, tx, 'system', id, 'pay', {})
    committed.events.push(...done.events)
    committed.afterCommit.push(...done.afterCommit)
  }
  return { events: committed.events, afterCommit: () => afterCommit(deps, [], [], committed.afterCommit) }
}

/**
 * Completes an order by the system (its escrow's auto-release), in its own transaction; false when
 * it moved on meanwhile (completed by its buyer, or by another instance running the same schedule).
 */
export async function completeBySystem(deps: OrdersDeps, orderId: string, note: string): Promise<boolean> {
  try {
    await applyTransition(deps, 'system', orderId, 'complete', { note })
    return true
  } catch (error) {
    if (error instanceof AppError && error.type === 'conflict') return false
    throw error
  }
}

/** How `viewer` stands to an order (its buyer, its shop, an admin), with the order locked for the caller's transaction; null when they have no part in it. */
export async function lockOrderFor(tx: Tx, viewer: Viewer, orderId: string): Promise<{ order: OrderRow; role: Exclude<OrderActor, 'system'> } | null> {
  const order = await findOrder(tx, orderId, { forUpdate: true })
  const role = order === null ? null : await roleOn(tx, viewer, order)
  return order === null || role === null ? null : { order, role }
}

/**
 * One transition inside the caller's transaction, for a module above orders (shipments: the
 * first parcel ships the order, the last one delivered delivers it). Answers what to publish and
 * run once the caller committed.
 */
export async function orderStepIn(
  deps: OrdersDeps,
  tx: Tx,
  actor: Viewer | 'system',
  orderId: string,
  name: OrderTransition,
  options: { note?: string | null; origin?: Origin } = {},
): Promise<{ events: StoredEvent[]; afterCommit: () => Promise<void> }> {
  const done = await transitionIn(deps, tx, actor, orderId, name, options)
  return { events: done.events, afterCommit: () => afterCommit(deps, [], done.stock, done.afterCommit) }
}
