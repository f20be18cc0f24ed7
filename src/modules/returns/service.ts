// Returns: the buyer asks to send items of a delivered order back within the shop's window; the
// order's held payment is frozen meanwhile (neither released by the buyer nor by the schedule).
// The shop approves with instructions or rejects with a reason (the buyer may take a rejection to
// a dispute); the buyer sends the items back; the shop confirms it has them, which pays the refund
// back through the ledger (payments' refundPart) and returns the stock, in one transaction, once.
import { and, asc, desc, eq, inArray, isNotNull, lt, max, notInArray, or, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { type Committed, merge, nothing, runCommitted } from '../../events/committed'
import { appendEvent } from '../../events/log'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { defineJob } from '../../jobs/queue'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../lib/images'
import type { Logger } from '../../lib/log'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../lib/pagination'
import { actorOf, type Origin } from '../../lib/request-origin'
import { displayNames } from '../accounts'
import { recordAudit } from '../audit'
import { type AfterSaleNote, postAfterSaleNote } from '../chat'
import { announceStock, returnStock } from '../catalog'
import { type DisputesDeps, openDisputeIn, orderWasDisputed } from '../disputes'
import type { AfterCommit, NotifyInput } from '../notifications'
import { arrivedAt, findOrder, invoiceNumbersOf, lockOrderFor, orderItemsOf, orderLink, type OrderRow, orderRoleOf, orderStepIn, type OrdersDeps, orderTopic, saleLink } from '../orders'
import { amountText, escrowOf, heldEscrow, holdReleaseUntil, type PaymentsDeps, refundPart, setEscrowFrozen } from '../payments'
import type { ReadSettings } from '../settings'
import { findVendorById, findVendorOfUser, vendorSummaries } from '../vendors'
import type { NewReturnEvent } from './events'
import type { ReturnsModel } from './model'
import { OPEN_RETURN_STATUSES, RETURN_PHOTO_LIMIT, RETURN_STEPS, type ReturnAction, type ReturnReason, type ReturnStatus, type ReturnStep, SHOP_FAULT_REASONS } from './status'
import { returnItems, returnPhotos, returnPolicies, returns } from './table'

export interface ReturnsDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  orders: OrdersDeps
  payments: PaymentsDeps
  /** A rejected return is taken to a dispute; the buyer has the disputes' response time to do so before the payment may be released. */
  disputes: DisputesDeps
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** The platform settings in force: the return window of shops without a policy of their own. */
  readSettings: ReadSettings
}

type Conn = Db | Tx
type Viewer = { id: string; role: 'buyer' | 'vendor' | 'admin' }
type ReturnRow = typeof returns.$inferSelect

const DAY = 24 * 60 * 60_000
const notFound = () => new AppError('not_found', 'No such return')
/**
 * Days a buyer has to send an approved return back (then Souk cancels it), and a shop to confirm it
 * received one sent back (then the buyer may take it to a dispute): a return never holds the
 * payment for good.
 */
export const RETURN_SEND_DAYS = 7
/**
 * The policy of a shop that never set its own: returns for the platform's default window (a
 * platform setting, 14 days unless an admin changed it) and the delivery fee kept unless the fault is its own.
 */
const defaultPolicy = async (deps: Pick<ReturnsDeps, 'readSettings'>, db: Conn): Promise<ReturnsModel.Policy> => ({ windowDays: (await deps.readSettings(db)).returnWindowDays, refundsShipping: false })
/** Orders whose items may come back: arrived (the buyer may have confirmed receipt already). */
const RETURNABLE_ORDERS: readonly OrderRow['status'][] = ['delivered', 'completed']
/** What a rejected return may be taken to a dispute from: as disputes allow. */
const DISPUTE_REASON_OF: Record<ReturnReason, 'not_as_described' | 'damaged' | 'other'> = {
  defective: 'damaged',
  wrong_item: 'not_as_described',
  not_as_described: 'not_as_described',
  changed_mind: 'other',
  other: 'other',
}

async function policyOf(deps: Pick<ReturnsDeps, 'readSettings'>, db: Conn, vendorId: string): Promise<ReturnsModel.Policy> {
  const [row] = await db.select({ windowDays: returnPolicies.windowDays, refundsShipping: returnPolicies.refundsShipping }).from(returnPolicies).where(eq(returnPolicies.vendorId, vendorId))
  return row ?? defaultPolicy(deps, db)
}

/** What of an order may still come back: each item kept less what returns not declined or cancelled took. */
async function returnableOf(db: Conn, orderId: string): Promise<(typeof ReturnsModel.returnable.static)[]> {
  const [items, taken] = await Promise.all([
    orderItemsOf(db, orderId),
    db
      .select({ position: returnItems.position, quantity: sql<number>`sum(${returnItems.quantity})::int` })
      .from(returnItems)
      .innerJoin(returns, eq(returns.id, returnItems.returnId))
      // A declined return taken to a dispute was settled by it: its items count as taken.
      .where(and(eq(returns.orderId, orderId), or(notInArray(returns.status, ['rejected', 'cancelled']), isNotNull(returns.disputeId))))
      .groupBy(returnItems.position),
  ])
  const takenAt = new Map(taken.map((row) => [row.position, row.quantity]))
  return items
    .map((item) => ({ position: item.position, title: item.title, imageUrl: item.imageUrl, unitPriceMinor: item.unitPriceMinor, quantity: item.quantity - (takenAt.get(item.position) ?? 0) }))
    .filter((item) => item.quantity > 0)
}

/** When the buyer may last ask, or null (not arrived, or the shop takes no returns). */
async function windowEndOf(deps: Pick<ReturnsDeps, 'readSettings'>, db: Conn, order: OrderRow): Promise<Date | null> {
  const [arrived, policy] = await Promise.all([arrivedAt(db, order.id), policyOf(deps, db, order.vendorId)])
  return arrived === null || policy.windowDays === 0 ? null : new Date(arrived.getTime() + policy.windowDays * DAY)
}

/** Sent back, and the shop has not confirmed receiving it within RETURN_SEND_DAYS. */
const stalled = (row: ReturnRow, now: Date) => row.status === 'sent' && row.sentAt !== null && now.getTime() - row.sentAt.getTime() > RETURN_SEND_DAYS * DAY

async function toReturns(db: Conn, rows: ReturnRow[], viewer: Viewer, now: Date): Promise<ReturnsModel.Return[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [items, photos, names, shops, invoices] = await Promise.all([
    db.select().from(returnItems).where(inArray(returnItems.returnId, ids)).orderBy(asc(returnItems.position)),
    db.select({ returnId: returnPhotos.returnId, position: returnPhotos.position, width: returnPhotos.width, height: returnPhotos.height }).from(returnPhotos).where(inArray(returnPhotos.returnId, ids)).orderBy(asc(returnPhotos.position)),
    displayNames(db, rows.map((row) => row.buyerId)),
    vendorSummaries(db, rows.map((row) => row.vendorId)),
    invoiceNumbersOf(db, rows.map((row) => row.orderId)),
  ])
  return Promise.all(
    rows.map(async (row) => {
      const [orderItems, escrow, order] = await Promise.all([orderItemsOf(db, row.orderId), escrowOf(db, row.orderId), findOrder(db, row.orderId)])
      const own = photos.filter((photo) => photo.returnId === row.id)
      const actions: ReturnAction[] = []
      if (viewer.id === row.shopUserId) {
        if (row.status === 'requested') actions.push('approve', 'reject')
        if (row.status === 'sent' && row.disputeId === null) actions.push('confirm_received')
      }
      if (viewer.id === row.buyerId) {
        if (row.status === 'requested' && own.length < RETURN_PHOTO_LIMIT) actions.push('add_photo')
        if (row.status === 'requested' || row.status === 'approved') actions.push('cancel')
        if (row.status === 'approved') actions.push('mark_sent')
        // A dispute can still hold the payment back: held (after a decline), or frozen by this return the shop leaves unreceived.
        const held = row.status === 'rejected' ? escrow?.state === 'held' : stalled(row, now) && escrow?.state === 'frozen'
        if (row.disputeId === null && order?.status === 'delivered' && held) actions.push('escalate')
      }
      return {
        id: row.id,
        orderId: row.orderId,
        invoiceNumber: invoices.get(row.orderId) ?? '',
        status: row.status,
        reason: row.reason,
        description: row.description,
        buyer: names.get(row.buyerId) ?? 'Deleted user',
        shop: shops.get(row.vendorId)?.companyName ?? '',
        items: items
          .filter((item) => item.returnId === row.id)
          .map((item) => {
            const line = orderItems.find((o) => o.position === item.position)
            return { position: item.position, title: line?.title ?? '', imageUrl: line?.imageUrl ?? null, quantity: item.quantity, unitPriceMinor: item.unitPriceMinor, lineMinor: item.unitPriceMinor * item.quantity }
          }),
        itemsMinor: row.itemsMinor,
        shippingMinor: row.shippingMinor,
        refundMinor: row.itemsMinor + row.shippingMinor,
        currency: row.currency,
        refundTo: escrow?.source === 'card' ? 'card' : 'wallet',
        instructions: row.instructions,
        rejectReason: row.rejectReason,
        sentNote: row.sentNote,
        photos: own.map((photo) => ({ position: photo.position, url: `/api/v1/returns/${row.id}/photos/${photo.position}`, width: photo.width, height: photo.height })),
        disputeId: row.disputeId,
        createdAt: row.createdAt,
        decidedAt: row.decidedAt,
        sentAt: row.sentAt,
        receivedAt: row.receivedAt,
        actions,
      } satisfies ReturnsModel.Return
    }),
  )
}

/** An order's returns (newest first), what may still come back, and whether its buyer may ask now. */
export async function returnsOfOrder(deps: Pick<ReturnsDeps, 'db' | 'clock' | 'readSettings'>, viewer: Viewer, orderId: string): Promise<typeof ReturnsModel.orderReturns.static> {
  const role = await orderRoleOf(deps.db, viewer, orderId)
  if (role === null) throw new AppError('not_found', 'No such order')
  const order = (await findOrder(deps.db, orderId))!
  const [rows, windowEndsAt, returnable] = await Promise.all([
    deps.db.select().from(returns).where(eq(returns.orderId, orderId)).orderBy(desc(returns.createdAt), desc(returns.id)),
    windowEndOf(deps, deps.db, order),
    returnableOf(deps.db, orderId),
  ])
  const open = rows.some((row) => OPEN_RETURN_STATUSES.includes(row.status))
  const [escrow, disputed] = await Promise.all([escrowOf(deps.db, orderId), orderWasDisputed(deps.db, orderId)])
  const canRequest =
    role === 'buyer' &&
    RETURNABLE_ORDERS.includes(order.status) &&
    windowEndsAt !== null &&
    deps.clock.now() <= windowEndsAt &&
    !open &&
    returnable.length > 0 &&
    escrow?.state !== 'frozen' &&
    !disputed
  return { returns: await toReturns(deps.db, rows, viewer, deps.clock.now()), canRequest, windowEndsAt, returnable }
}

export async function getReturn(deps: Pick<ReturnsDeps, 'db' | 'clock'>, viewer: Viewer, returnId: string): Promise<ReturnsModel.Return> {
  const [row] = await deps.db.select().from(returns).where(eq(returns.id, returnId))
  if (row === undefined || (await orderRoleOf(deps.db, viewer, row.orderId)) === null) throw notFound()
  return (await toReturns(deps.db, [row], viewer, deps.clock.now()))[0]!
}

/** `return.updated` on the order's topic, in the change's transaction. */
const returnUpdated = (tx: Tx, row: ReturnRow, order: OrderRow, now: Date) =>
  appendEvent<NewReturnEvent>(tx, now, { topic: orderTopic(order.id), kind: 'return.updated', data: { orderId: order.id, returnId: row.id, status: row.status, at: now.toISOString() } })

/** What each step of a return says in the order's conversation. */
const NOTE_OF: Record<ReturnStatus, AfterSaleNote | null> = {
  requested: 'return_requested',
  approved: 'return_approved',
  rejected: 'return_rejected',
  cancelled: 'return_cancelled',
  sent: 'return_sent',
  received: 'return_received',
}

/**
 * Appends `return.updated` on the order's topic, puts the step into the conversation of the buyer
 * with the shop about the order (one history for both), and tells the other side (in the app, by
 * email as they chose).
 */
async function announce(deps: ReturnsDeps, tx: Tx, row: ReturnRow, order: OrderRow, notice: { toShop: boolean; text: string; actorId: string | null; quiet?: boolean }, now: Date): Promise<Committed> {
  const committed = nothing()
  committed.events.push(await returnUpdated(tx, row, order, now))
  const note = notice.quiet === true ? null : NOTE_OF[row.status]
  const [first] = await orderItemsOf(tx, order.id)
  if (note !== null && first !== undefined) {
    const text = `Order ${order.invoiceNumber} · refund ${amountText(row.itemsMinor + row.shippingMinor, row.currency)}`
    committed.afterCommit.push(() => postAfterSaleNote(deps, { buyerId: row.buyerId, sellerId: row.shopUserId, productId: first.productId, actorId: notice.actorId ?? row.buyerId, note, text }))
  }
  const sent = await deps.notify(tx, {
    userId: notice.toShop ? row.shopUserId : row.buyerId,
    type: 'order',
    actorId: notice.actorId,
    subject: `return:${row.id}`,
    text: `${notice.text} (order ${order.invoiceNumber})`,
    link: notice.toShop ? saleLink(order.id) : orderLink(order.id),
  })
  if (sent !== null) committed.afterCommit.push(sent)
  return committed
}

const publish = (deps: ReturnsDeps, committed: Committed) => runCommitted(deps, 'returns', committed)

/** Gives the order's held payment back to the schedule once nothing holds it (the return that froze it ended). */
async function unfreeze(tx: Tx, orderId: string, now: Date): Promise<void> {
  const escrow = await heldEscrow(tx, orderId)
  if (escrow?.frozenAt != null) await setEscrowFrozen(tx, orderId, false, now)
}

/**
 * The buyer asks to return items of their arrived order within the shop's window. The refund is
 * fixed now: unit price paid × quantity, plus the delivery fee when these are the last items and
 * the reason is the shop's fault or its policy refunds it. The held payment is frozen.
 */
export async function requestReturn(deps: ReturnsDeps, viewer: Viewer, orderId: string, body: ReturnsModel.RequestBody): Promise<ReturnsModel.Return> {
  const now = deps.clock.now()
  if (body.description.trim().length < 3) throw new AppError('invalid_data', 'Say what is wrong', [{ field: 'body.description', message: 'must be at least 3 characters' }])
  const result = await deps.db
    .transaction(async (tx) => {
      const found = await lockOrderFor(tx, viewer, orderId)
      if (found === null) throw new AppError('not_found', 'No such order')
      if (found.role !== 'buyer') throw new AppError('forbidden', 'The buyer asks for a return')
      const { order } = found
      if (!RETURNABLE_ORDERS.includes(order.status)) throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: items are returned once it arrived`, { status: order.status })
      const policy = await policyOf(deps, tx, order.vendorId)
      if (policy.windowDays === 0) throw new AppError('conflict', 'This shop does not take returns')
      const windowEndsAt = (await windowEndOf(deps, tx, order))!
      if (now > windowEndsAt) throw new AppError('conflict', `The return window of this order closed on ${windowEndsAt.toISOString().slice(0, 10)}`)
      if (await orderWasDisputed(tx, orderId)) throw new AppError('conflict', 'A problem with this order went to a dispute: its decision settles what comes back', { reason: 'dispute_open' })
      const [open] = await tx.select({ id: returns.id }).from(returns).where(and(eq(returns.orderId, orderId), inArray(returns.status, [...OPEN_RETURN_STATUSES])))
      if (open !== undefined) throw new AppError('conflict', 'A return of this order is open already: it ends before another starts')
      const returnable = await returnableOf(tx, orderId)
      const problems = body.items.flatMap((line, i) => {
        const item = returnable.find((r) => r.position === line.position)
        if (item === undefined) return [{ field: `body.items.${i}.position`, message: 'is not an item of this order that may still come back' }]
        if (body.items.findIndex((other) => other.position === line.position) !== i) return [{ field: `body.items.${i}.position`, message: 'is listed twice' }]
        return line.quantity > item.quantity ? [{ field: `body.items.${i}.quantity`, message: `must be at most ${item.quantity}` }] : []
      })
      if (problems.length > 0) throw new AppError('invalid_data', 'Some items cannot be returned as asked', problems)
      const escrow = await heldEscrow(tx, orderId)
      if (escrow?.frozenAt != null) throw new AppError('conflict', 'A problem with this order is open already (a dispute)', { reason: 'dispute_open' })
      const itemsMinor = body.items.reduce((sum, line) => sum + returnable.find((r) => r.position === line.position)!.unitPriceMinor * line.quantity, 0)
      const lastItems = returnable.every((item) => body.items.some((line) => line.position === item.position && line.quantity === item.quantity))
      const shippingMinor = lastItems && (policy.refundsShipping || SHOP_FAULT_REASONS.includes(body.reason)) ? order.shippingMinor : 0
      const shop = await findVendorById(tx, order.vendorId)
      const row: ReturnRow = {
        id: newId('ret'),
        orderId,
        buyerId: order.buyerId,
        vendorId: order.vendorId,
        shopUserId: shop!.userId,
        status: 'requested',
        reason: body.reason,
        description: body.description.trim(),
        itemsMinor,
        shippingMinor,
        currency: order.currency,
        instructions: null,
        rejectReason: null,
        sentNote: null,
        disputeId: null,
        createdAt: now,
        decidedAt: null,
        sentAt: null,
        receivedAt: null,
        updatedAt: now,
      }
      await tx.insert(returns).values(row)
      await tx.insert(returnItems).values(body.items.map((line) => ({ returnId: row.id, position: line.position, quantity: line.quantity, unitPriceMinor: returnable.find((r) => r.position === line.position)!.unitPriceMinor })))
      if (escrow !== null) await setEscrowFrozen(tx, orderId, true, now)
      return { row, committed: await announce(deps, tx, row, order, { toShop: true, text: 'asked to return items: the payment is held until the return ends', actorId: viewer.id }, now) }
    })
    .catch((error) => {
      if (pgErrorOf(error)?.constraint === 'returns_open_key') throw new AppError('conflict', 'A return of this order is open already: it ends before another starts')
      throw error
    })
  await publish(deps, result.committed)
  return (await toReturns(deps.db, [result.row], viewer, now))[0]!
}

/** The return and the viewer's side of its order, both locked for the caller's transaction (the order first, as every order step). */
async function lockReturnFor(tx: Tx, viewer: Viewer, returnId: string): Promise<{ row: ReturnRow; order: OrderRow; party: 'buyer' | 'shop' | 'admin' }> {
  const [found] = await tx.select({ orderId: returns.orderId }).from(returns).where(eq(returns.id, returnId))
  const side = found === undefined ? null : await lockOrderFor(tx, viewer, found.orderId)
  if (side === null) throw notFound()
  const [row] = await tx.select().from(returns).where(eq(returns.id, returnId)).for('update')
  return { row: row!, order: side.order, party: side.role === 'buyer' ? 'buyer' : side.role === 'vendor' ? 'shop' : 'admin' }
}

const STEP_NOTICE: Record<ReturnStep, string> = {
  approve: 'approved your return: see how to send it back',
  reject: 'declined your return',
  cancel: 'cancelled their return',
  sent: 'sent the items of their return back',
  received: 'received your returned items: the refund is on its way',
}

/**
 * One step of a return by its buyer or its shop (RETURN_STEPS says whose, from where): 404 for
 * anyone else, 403 for the other side, 409 from another status. `text` is the instructions
 * (approve), the reason (reject) or the sender's note (sent). `received` pays the refund and
 * returns the stock in the same transaction; a retry finds it received (409) and moves nothing.
 */
export async function stepReturn(deps: ReturnsDeps, viewer: Viewer, origin: Origin, returnId: string, step: ReturnStep, text: string | null): Promise<ReturnsModel.Return> {
  const rule = RETURN_STEPS[step]
  const now = deps.clock.now()
  const note = text?.trim() || null
  if ((step === 'approve' || step === 'reject') && (note?.length ?? 0) < 3) {
    throw new AppError('invalid_data', step === 'approve' ? 'Say how to send it back' : 'Say why', [{ field: step === 'approve' ? 'body.instructions' : 'body.reason', message: 'must be at least 3 characters' }])
  }
  const committed = await deps.db.transaction(async (tx) => {
    const { row, order, party } = await lockReturnFor(tx, viewer, returnId)
    if (party !== rule.by) throw new AppError('forbidden', `The ${rule.by} takes this step`)
    if (!(rule.from as readonly string[]).includes(row.status)) throw new AppError('conflict', `This return is ${row.status}: it cannot be ${rule.to} now`, { status: row.status })
    if (row.disputeId !== null) throw new AppError('conflict', 'This return was taken to a dispute: its decision settles the money', { reason: 'dispute_open' })
    const done = nothing()
    const changes: Partial<ReturnRow> = { status: rule.to, updatedAt: now }
    if (step === 'approve') Object.assign(changes, { instructions: note, decidedAt: now })
    if (step === 'reject') Object.assign(changes, { rejectReason: note, decidedAt: now })
    if (step === 'sent') Object.assign(changes, { sentNote: note, sentAt: now })
    if (step === 'received') Object.assign(changes, { receivedAt: now })
    // The stock first: products are locked before the escrow and the ledger's accounts, as in every order step.
    if (step === 'received') {
      const items = await tx.select().from(returnItems).where(eq(returnItems.returnId, row.id))
      const lines = await orderItemsOf(tx, order.id)
      const stock = await returnStock(tx, items.map((item) => ({ productId: lines.find((line) => line.position === item.position)!.productId, quantity: item.quantity })), now)
      done.afterCommit.push(() => announceStock(deps.bus, stock, now))
    }
    if (step === 'reject' || step === 'cancel' || step === 'received') await unfreeze(tx, order.id, now)
    // The buyer has the shop's response time to take the rejection to a dispute before the payment may be released.
    if (step === 'reject') await holdReleaseUntil(tx, order.id, new Date(now.getTime() + deps.disputes.respondDays * DAY))
    if (step === 'received') {
      const refund = row.itemsMinor + row.shippingMinor
      const by = actorOf(viewer, origin)
      merge(done, await refundPart(deps.payments, tx, { orderId: order.id, buyerId: row.buyerId, shopUserId: row.shopUserId, part: row.id, amountMinor: refund, currency: row.currency, now, by, why: 'returned' }))
    }
    const [updated] = await tx.update(returns).set(changes).where(eq(returns.id, row.id)).returning()
    // Everything came back: the order is over (what is still held — the delivery fee the shop keeps — is released).
    if (step === 'received' && order.status === 'delivered' && (await returnableOf(tx, order.id)).length === 0) {
      const completed = await orderStepIn(deps.orders, tx, 'system', order.id, 'complete', { note: 'Returned and refunded' })
      merge(done, { events: completed.events, afterCommit: [completed.afterCommit] })
    }
    return merge(done, await announce(deps, tx, updated!, order, { toShop: rule.by === 'buyer', text: STEP_NOTICE[step], actorId: viewer.id }, now))
  })
  await publish(deps, committed)
  return getReturn(deps, viewer, returnId)
}

/**
 * The buyer takes a return to a dispute while its payment is held: a declined one, or one sent back
 * that the shop has not confirmed receiving within RETURN_SEND_DAYS. The dispute opens with the
 * return's reason and the buyer's words, and decides the money (the shop can no longer receive it).
 */
export async function escalateReturn(deps: ReturnsDeps, viewer: Viewer, returnId: string, description: string): Promise<ReturnsModel.Return> {
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const { row, order, party } = await lockReturnFor(tx, viewer, returnId)
    if (party !== 'buyer') throw new AppError('forbidden', 'The buyer takes a return to a dispute')
    if (row.disputeId !== null) throw new AppError('conflict', 'This return was taken to a dispute already', { status: row.status })
    if (row.status !== 'rejected' && !stalled(row, now)) {
      throw new AppError('conflict', `A return is taken to a dispute once declined, or when the shop has not confirmed receiving it ${RETURN_SEND_DAYS} days after it was sent`, { status: row.status })
    }
    // Sent back: this return froze the payment; the dispute freezes it again in its own name.
    if (row.status === 'sent') await unfreeze(tx, order.id, now)
    const opened = await openDisputeIn(deps.disputes, tx, viewer, order.id, { reason: DISPUTE_REASON_OF[row.reason], description })
    const [updated] = await tx.update(returns).set({ disputeId: opened.row.id, updatedAt: now }).where(eq(returns.id, row.id)).returning()
    // The dispute says so in the conversation itself (disputes post `dispute_opened`).
    return merge(opened.committed, await announce(deps, tx, updated!, order, { toShop: true, text: 'took their declined return to a dispute', actorId: viewer.id, quiet: true }, now))
  })
  await publish(deps, committed)
  return getReturn(deps, viewer, returnId)
}

/** The buyer adds a photo to their return until the shop decides (at most RETURN_PHOTO_LIMIT); checked and re-encoded like product photos. */
export async function addReturnPhoto(deps: ReturnsDeps, viewer: Viewer, returnId: string, file: Blob): Promise<ReturnsModel.Return> {
  // Only the buyer of a return still open to photos makes the server decode an image (checked again under lock below).
  const [seen] = await deps.db.select({ orderId: returns.orderId, buyerId: returns.buyerId, status: returns.status }).from(returns).where(eq(returns.id, returnId))
  if (seen === undefined || (await orderRoleOf(deps.db, viewer, seen.orderId)) === null) throw notFound()
  if (seen.buyerId !== viewer.id) throw new AppError('forbidden', 'The buyer adds photos to their return')
  if (seen.status !== 'requested') throw new AppError('conflict', 'Photos are added until the shop decides', { status: seen.status })
  const image = await processImage(file, { field: 'body.file', ...UPLOAD_LIMITS, resize: { width: 1600, height: 1600, fit: 'inside' } })
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const { row, order, party } = await lockReturnFor(tx, viewer, returnId)
    if (party !== 'buyer') throw new AppError('forbidden', 'The buyer adds photos to their return')
    if (row.status !== 'requested') throw new AppError('conflict', 'Photos are added until the shop decides', { status: row.status })
    const [last] = await tx.select({ position: max(returnPhotos.position), count: sql<number>`count(*)::int` }).from(returnPhotos).where(eq(returnPhotos.returnId, returnId))
    if ((last?.count ?? 0) >= RETURN_PHOTO_LIMIT) throw new AppError('conflict', `A return has at most ${RETURN_PHOTO_LIMIT} photos`)
    await tx.insert(returnPhotos).values({ returnId, position: (last?.position ?? -1) + 1, data: image.data, width: image.width, height: image.height, createdAt: now })
    // The shop's open page shows it too (no notification: the request told the shop already).
    return { events: [await returnUpdated(tx, row, order, now)], afterCommit: [] }
  })
  await publish(deps, committed)
  return getReturn(deps, viewer, returnId)
}

/** A return's photo for its buyer, its shop and admins; null for anyone else or no such photo. */
export async function returnPhoto(deps: Pick<ReturnsDeps, 'db'>, viewer: Viewer, returnId: string, position: number): Promise<{ data: Uint8Array<ArrayBuffer> } | null> {
  const [row] = await deps.db.select({ orderId: returns.orderId, data: returnPhotos.data }).from(returnPhotos).innerJoin(returns, eq(returns.id, returnPhotos.returnId)).where(and(eq(returnPhotos.returnId, returnId), eq(returnPhotos.position, position)))
  if (row === undefined || (await orderRoleOf(deps.db, viewer, row.orderId)) === null) return null
  return { data: row.data }
}

/** A page of returns under `where`, newest first. */
async function listReturns(deps: Pick<ReturnsDeps, 'db' | 'clock'>, viewer: Viewer, where: SQL, query: { status?: ReturnRow['status']; cursor?: string; limit?: number }): Promise<Page<ReturnsModel.Return>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'ret')
  const rows = await deps.db
    .select()
    .from(returns)
    .where(
      and(
        where,
        query.status === undefined ? undefined : eq(returns.status, query.status),
        after === null ? undefined : or(lt(returns.createdAt, after.time), and(eq(returns.createdAt, after.time), lt(returns.id, after.id))),
      ),
    )
    .orderBy(desc(returns.createdAt), desc(returns.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: await toReturns(deps.db, page.items, viewer, deps.clock.now()), nextCursor: page.nextCursor }
}

export const listMyReturns = (deps: Pick<ReturnsDeps, 'db' | 'clock'>, viewer: Viewer, query: { status?: ReturnRow['status']; cursor?: string; limit?: number }) =>
  listReturns(deps, viewer, eq(returns.buyerId, viewer.id), query)

async function myShop(db: Conn, userId: string) {
  const shop = await findVendorOfUser(db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  return shop
}

export async function listShopReturns(deps: Pick<ReturnsDeps, 'db' | 'clock'>, viewer: Viewer, query: { status?: ReturnRow['status']; cursor?: string; limit?: number }) {
  return listReturns(deps, viewer, eq(returns.vendorId, (await myShop(deps.db, viewer.id)).id), query)
}

export const myReturnPolicy = async (deps: Pick<ReturnsDeps, 'db' | 'readSettings'>, viewer: Viewer) => policyOf(deps, deps.db, (await myShop(deps.db, viewer.id)).id)

/**
 * A shop's return policy, set by its owner: a shop setting, in the audit log when it changed. Once
 * set, even to what the default is now, it is the shop's own: a later change of the platform's
 * default window does not move it.
 */
export async function setMyReturnPolicy(deps: Pick<ReturnsDeps, 'db' | 'clock' | 'readSettings'>, viewer: Viewer, origin: Origin, body: ReturnsModel.Policy): Promise<ReturnsModel.Policy> {
  const shop = await myShop(deps.db, viewer.id)
  const values = { windowDays: body.windowDays, refundsShipping: body.refundsShipping, updatedAt: deps.clock.now() }
  await deps.db.transaction(async (tx) => {
    // The same policy again changes nothing, and the log keeps no entry of it.
    const [current] = await tx.select().from(returnPolicies).where(eq(returnPolicies.vendorId, shop.id)).for('update')
    const was = current ?? (await defaultPolicy(deps, tx))
    const same = was.windowDays === body.windowDays && was.refundsShipping === body.refundsShipping
    if (same && current !== undefined) return
    await tx.insert(returnPolicies).values({ vendorId: shop.id, ...values }).onConflictDoUpdate({ target: returnPolicies.vendorId, set: values })
    if (same) return
    const summary = { setting: 'return_policy', windowDays: body.windowDays, refundsShipping: body.refundsShipping }
    await recordAudit(tx, { by: actorOf(viewer, origin), kind: 'settings.changed', subject: { type: 'shop', id: shop.id }, summary, at: values.updatedAt })
  })
  return policyOf(deps, deps.db, shop.id)
}

/**
 * Cancels the approved returns not sent back within RETURN_SEND_DAYS, each in its own transaction
 * (the order, then the return, locked as every return step): the frozen payment goes back to the
 * schedule and the buyer is told. A second instance running the schedule finds them cancelled.
 * Answers how many it cancelled.
 */
export async function expireUnsentReturns(deps: ReturnsDeps): Promise<number> {
  const now = deps.clock.now()
  const due = await deps.db
    .select({ id: returns.id, orderId: returns.orderId })
    .from(returns)
    .where(and(eq(returns.status, 'approved'), lt(returns.decidedAt, new Date(now.getTime() - RETURN_SEND_DAYS * DAY))))
    .orderBy(asc(returns.decidedAt))
    .limit(100)
  let cancelled = 0
  for (const { id, orderId } of due) {
    const committed = await deps.db.transaction(async (tx) => {
      const order = (await findOrder(tx, orderId, { forUpdate: true }))!
      const [row] = await tx.select().from(returns).where(eq(returns.id, id)).for('update')
      if (row!.status !== 'approved') return null
      const [updated] = await tx.update(returns).set({ status: 'cancelled', updatedAt: now }).where(eq(returns.id, id)).returning()
      await unfreeze(tx, orderId, now)
      return announce(deps, tx, updated!, order, { toShop: false, text: `Your return was cancelled: it was not sent back within ${RETURN_SEND_DAYS} days`, actorId: null }, now)
    })
    if (committed === null) continue
    await publish(deps, committed)
    cancelled += 1
  }
  return cancelled
}

export const expireReturnsJob = (deps: ReturnsDeps) => defineJob<object>('returns.expire-unsent', () => expireUnsentReturns(deps), { retryLimit: 0, expireInSeconds: 10 * 60 })

/** Hourly. */
export const RETURN_EXPIRY_CRON = '23 * * * *'
