// Cancelling some items of an order before it ships (the rest still ships): the buyer before the
// shop accepted, the shop (or an admin) with a reason until it ships. Their price goes back to the
// buyer (the onItemsCancelled port: payments), their stock returns, the timeline says so, all in
// one transaction, once per Idempotency-Key.
import { and, eq, sql } from 'drizzle-orm'
import { appendEvent } from '../../../events/log'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { returnStock } from '../../catalog'
import { findVendorById } from '../../vendors'
import type { NewOrderEvent } from '../events'
import type { OrdersModel } from '../model'
import type { OrderStatus } from '../status'
import { orderCancellations, orderItems } from '../table'
import { getOrder, lockOrderFor } from './orders'
import { addTimelineNote, afterCommit, orderLink, orderTopic, type OrdersDeps, saleLink } from './shared'

type Viewer = { id: string; role: 'buyer' | 'vendor' | 'admin' }

/** Who may cancel items, from which statuses: as a whole order may be cancelled (status.ts), not once it shipped. */
const CANCELLABLE: Record<'buyer' | 'vendor' | 'admin', readonly OrderStatus[]> = { buyer: ['placed'], vendor: ['placed', 'accepted'], admin: ['placed', 'accepted'] }

const sameRequest = (a: { items: { position: number; quantity: number }[]; reason: string | null }, b: typeof a) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Cancels `body.items` of an order under `key`: 404 for anyone without a part in it, 409 from a
 * status they may not cancel from, 400 for items it does not have, more than is left, or every
 * item left (that is cancelling the order). The same key again answers the order as it is; with
 * another body it is a 422.
 */
export async function cancelItems(deps: OrdersDeps, viewer: Viewer, origin: Origin, orderId: string, body: OrdersModel.CancelItemsBody, key: string): Promise<OrdersModel.Order> {
  const now = deps.clock.now()
  const reason = body.reason?.trim() || null
  const request = { items: body.items.map((line) => ({ position: line.position, quantity: line.quantity })), reason }
  const committed = await deps.db.transaction(async (tx) => {
    const found = await lockOrderFor(tx, viewer, orderId)
    if (found === null) throw new AppError('not_found', 'No such order')
    const { order, role } = found
    const [earlier] = await tx.select().from(orderCancellations).where(and(eq(orderCancellations.orderId, orderId), eq(orderCancellations.key, key)))
    if (earlier !== undefined) {
      if (!sameRequest({ items: earlier.items, reason: earlier.reason }, request)) {
        throw new AppError('unprocessable', 'This Idempotency-Key was used for another cancellation: use a new key', { reason: 'idempotency_key_reused' })
      }
      return null
    }
    if (!CANCELLABLE[role].includes(order.status)) {
      throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: ${role === 'buyer' ? 'items are cancelled before the shop accepts the order' : 'items are cancelled before the order ships'}`, {
        status: order.status,
      })
    }
    if (role !== 'buyer' && (reason?.length ?? 0) < 3) throw new AppError('invalid_data', 'Say why you cancel: the buyer reads it', [{ field: 'body.reason', message: 'must be at least 3 characters' }])
    const items = await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId))
    const problems = request.items.flatMap((line, i) => {
      const item = items.find((it) => it.position === line.position)
      if (item === undefined) return [{ field: `body.items.${i}.position`, message: 'is not an item of this order' }]
      if (request.items.findIndex((other) => other.position === line.position) !== i) return [{ field: `body.items.${i}.position`, message: 'is listed twice' }]
      const left = item.quantity - item.cancelledQuantity
      return line.quantity > left ? [{ field: `body.items.${i}.quantity`, message: `must be at most ${left}` }] : []
    })
    if (problems.length > 0) throw new AppError('invalid_data', 'Some items cannot be cancelled as asked', problems)
    const keepsSomething = items.some((item) => item.quantity - item.cancelledQuantity > (request.items.find((line) => line.position === item.position)?.quantity ?? 0))
    if (!keepsSomething) throw new AppError('invalid_data', 'These are all the items left: cancel the whole order instead', [{ field: 'body.items', message: 'must leave at least one item' }])

    const id = newId('occ')
    let refundMinor = 0
    const lines: { productId: string; quantity: number; title: string }[] = []
    for (const line of request.items) {
      const item = items.find((it) => it.position === line.position)!
      refundMinor += item.unitPriceMinor * line.quantity
      lines.push({ productId: item.productId, quantity: line.quantity, title: item.title })
      await tx
        .update(orderItems)
        .set({ cancelledQuantity: sql`${orderItems.cancelledQuantity} + ${line.quantity}` })
        .where(and(eq(orderItems.orderId, orderId), eq(orderItems.position, line.position)))
    }
    await tx.insert(orderCancellations).values({ id, orderId, key, actorId: viewer.id, items: request.items, reason, refundMinor, createdAt: now })
    const stock = await returnStock(tx, lines, now)
    const shop = (await findVendorById(tx, order.vendorId))!
    const by = actorOf(viewer, origin)
    if (role === 'admin') {
      const summary = { step: 'items_cancelled', cancellationId: id, items: request.items.reduce((n, line) => n + line.quantity, 0), refundMinor, currency: order.currency, reason }
      await recordAudit(tx, { by, kind: 'order.staff_changed', subject: { type: 'order', id: orderId }, summary, at: now })
    }
    const money = await deps.onItemsCancelled(tx, { orderId, part: id, buyerId: order.buyerId, shopUserId: shop.userId, amountMinor: refundMinor, currency: order.currency, now, by })
    const what = lines.map((line) => `${line.quantity} × ${line.title}`).join(', ')
    const note = `Cancelled ${what}${reason === null ? '' : `: ${reason}`}`
    await addTimelineNote(tx, { orderId, status: order.status, kind: 'items_cancelled', by: role, actorId: viewer.id, note, now })
    const event: NewOrderEvent = { topic: orderTopic(orderId), kind: 'order.updated', data: { orderId, status: order.status, from: order.status, by: role, kind: 'items_cancelled', note, at: now.toISOString() } }
    const toShop = role === 'buyer'
    const notified = await deps.notify(tx, {
      userId: toShop ? shop.userId : order.buyerId,
      type: 'order',
      actorId: role === 'admin' ? null : viewer.id,
      subject: `order:${orderId}`,
      text: `cancelled ${what} of order ${order.invoiceNumber}${reason === null ? '' : `: ${reason}`}`,
      link: toShop ? saleLink(orderId) : orderLink(orderId),
    })
    return { events: [await appendEvent(tx, now, event), ...money.events], stock, work: [...money.afterCommit, ...(notified === null ? [] : [notified])] }
  })
  if (committed !== null) await afterCommit(deps, committed.events, committed.stock, committed.work)
  return getOrder(deps.db, viewer, orderId)
}
