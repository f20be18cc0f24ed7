// Shipments: the shop (or an admin) sends an accepted order in one or more parcels, each with its
// carrier, tracking and status; a carrier's signed webhook may move a status too. The first parcel
// ships the order and the last one to arrive delivers it (which starts its escrow's release clock),
// in the transaction of the parcel's change. Every change is on the order's topic and told to the buyer.
import { Value } from '@sinclair/typebox/value'
import { and, asc, eq, inArray, max } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { type Committed, runCommitted } from '../../events/committed'
import { appendEvent } from '../../events/log'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { verifySignature } from '../../lib/webhook-signature'
import type { Origin } from '../../lib/request-origin'
import type { AfterCommit, NotifyInput } from '../notifications'
import { addTimelineNote, findOrder, lockOrderFor, orderItemsOf, orderRoleOf, orderLink, type OrderRow, orderStepIn, type OrdersDeps, orderTopic } from '../orders'
import type { NewShipmentEvent } from './events'
import { ShipmentsModel } from './model'
import { ARRIVED, type Carrier, CARRIERS, SHIPMENT_NEXT, type ShipmentStatus } from './status'
import { carrierEvents, shipmentEvents, shipmentItems, shipments } from './table'

export interface ShipmentsDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  orders: OrdersDeps
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** Verifies carriers' tracking webhooks. */
  carrierSecret: string
}

type Conn = Db | Tx
type Viewer = { id: string; role: 'buyer' | 'vendor' | 'admin' }
type ShipmentRow = typeof shipments.$inferSelect
/** Who set a status: the shop, an admin, or the carrier (its webhook). */
/** Who moves a parcel: its shop or an admin (from a request: an admin's order step is in the audit log), or the carrier. */
type Setter = { viewer: Viewer; role: 'vendor' | 'admin'; origin: Origin } | 'carrier'

/** What of each item (by position) no parcel carries yet. */
async function unshipped(db: Conn, orderId: string) {
  const [items, shipped] = await Promise.all([
    orderItemsOf(db, orderId),
    db
      .select({ position: shipmentItems.position, quantity: shipmentItems.quantity })
      .from(shipmentItems)
      .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
      .where(and(eq(shipments.orderId, orderId), inArray(shipments.status, Object.keys(SHIPMENT_NEXT).filter((s) => s !== 'returned_to_sender') as ShipmentStatus[]))),
  ])
  return items.map((item) => ({ ...item, quantity: item.quantity - shipped.filter((s) => s.position === item.position).reduce((sum, s) => sum + s.quantity, 0) }))
}

/** Whether every item of the order has arrived (delivered or picked up), counting quantities. */
async function allArrived(tx: Tx, orderId: string): Promise<boolean> {
  const [items, arrived] = await Promise.all([
    orderItemsOf(tx, orderId),
    tx
      .select({ position: shipmentItems.position, quantity: shipmentItems.quantity })
      .from(shipmentItems)
      .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
      .where(and(eq(shipments.orderId, orderId), inArray(shipments.status, [...ARRIVED]))),
  ])
  return items.every((item) => arrived.filter((a) => a.position === item.position).reduce((sum, a) => sum + a.quantity, 0) >= item.quantity)
}

async function toShipments(db: Conn, rows: ShipmentRow[], canSet: boolean): Promise<ShipmentsModel.Shipment[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [items, history, titles] = await Promise.all([
    db.select().from(shipmentItems).where(inArray(shipmentItems.shipmentId, ids)).orderBy(asc(shipmentItems.position)),
    db.select().from(shipmentEvents).where(inArray(shipmentEvents.shipmentId, ids)).orderBy(asc(shipmentEvents.seq)),
    orderItemsOf(db, rows[0]!.orderId),
  ])
  const titleOf = new Map(titles.map((item) => [item.position, item.title]))
  return rows.map((row) => ({
    id: row.id,
    orderId: row.orderId,
    carrier: row.carrier,
    carrierName: row.carrierName ?? CARRIERS[row.carrier].name,
    trackingNumber: row.trackingNumber,
    trackingUrl: row.trackingUrl,
    estimatedDelivery: row.estimatedDelivery,
    status: row.status,
    items: items.filter((item) => item.shipmentId === row.id).map((item) => ({ position: item.position, title: titleOf.get(item.position) ?? '', quantity: item.quantity })),
    history: history
      .filter((entry) => entry.shipmentId === row.id)
      .map((entry) => ({ status: entry.status, note: entry.note, by: entry.by, at: entry.at })),
    next: canSet ? [...SHIPMENT_NEXT[row.status]] : [],
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  }))
}

/** An order's parcels and what none carries yet, for its buyer, its shop and admins (anyone else: 404). */
export async function listShipments(db: Db, viewer: Viewer, orderId: string): Promise<typeof ShipmentsModel.shipmentList.static> {
  const role = await orderRoleOf(db, viewer, orderId)
  if (role === null) throw new AppError('not_found', 'No such order')
  const rows = await db.select().from(shipments).where(eq(shipments.orderId, orderId)).orderBy(asc(shipments.createdAt), asc(shipments.id))
  const canSet = role !== 'buyer'
  return { items: await toShipments(db, rows, canSet), unshipped: (await unshipped(db, orderId)).filter((item) => item.quantity > 0) }
}

/** A parcel as another module tells its buyer of it: carrier, tracking, status, the expected day. */
export interface ParcelTracking {
  orderId: string
  carrierName: string
  trackingNumber: string | null
  trackingUrl: string | null
  status: ShipmentStatus
  estimatedDelivery: string | null
}

/** The parcels of orders the caller already may see (the help assistant reads its asker's own), oldest first. */
export async function parcelsOf(db: Conn, orderIds: string[]): Promise<ParcelTracking[]> {
  if (orderIds.length === 0) return []
  const rows = await db.select().from(shipments).where(inArray(shipments.orderId, orderIds)).orderBy(asc(shipments.createdAt), asc(shipments.id))
  return rows.map((row) => ({
    orderId: row.orderId,
    carrierName: row.carrierName ?? CARRIERS[row.carrier].name,
    trackingNumber: row.trackingNumber,
    trackingUrl: row.trackingUrl,
    status: row.status,
    estimatedDelivery: row.estimatedDelivery,
  }))
}

/** The order's shop or an admin, with the order locked; its buyer is refused (403), anyone else does not see it (404). */
async function shopSide(tx: Tx, viewer: Viewer, orderId: string): Promise<{ order: OrderRow; role: 'vendor' | 'admin' }> {
  const found = await lockOrderFor(tx, viewer, orderId)
  if (found === null) throw new AppError('not_found', 'No such order')
  if (found.role === 'buyer') throw new AppError('forbidden', 'The shop ships an order, not its buyer')
  return { order: found.order, role: found.role }
}

/** Appends the parcel's event on the order's topic and tells the buyer (in the app, and by email as they chose). */
async function announce(deps: ShipmentsDeps, tx: Tx, order: OrderRow, shipment: ShipmentRow, text: string, actorId: string | null, now: Date, into: Committed): Promise<void> {
  into.events.push(
    await appendEvent<NewShipmentEvent>(tx, now, { topic: orderTopic(order.id), kind: 'shipment.updated', data: { orderId: order.id, shipmentId: shipment.id, status: shipment.status, at: now.toISOString() } }),
  )
  const told = await deps.notify(tx, { userId: order.buyerId, type: 'order', actorId, subject: `shipment:${shipment.id}`, text: `${text} (order ${order.invoiceNumber})`, link: orderLink(order.id) })
  if (told !== null) into.afterCommit.push(told)
}

const afterCommit = (deps: ShipmentsDeps, committed: Committed) => runCommitted(deps, 'shipments', committed)

/** A parcel's step as the order's timeline tells it to both sides. */
const PARCEL_TEXT: Record<ShipmentStatus, string> = {
  pending: 'Parcel prepared',
  in_transit: 'Parcel in transit',
  out_for_delivery: 'Parcel out for delivery',
  delivered: 'Parcel delivered',
  failed: 'Parcel delivery failed',
  returned_to_sender: 'Parcel returned to the shop',
  ready_for_pickup: 'Ready to collect at the shop',
  picked_up: 'Collected at the shop',
}

const STATUS_TEXT: Record<ShipmentStatus, string> = {
  pending: 'A parcel is being prepared',
  in_transit: 'Your parcel is on its way',
  out_for_delivery: 'Your parcel is out for delivery',
  delivered: 'Your parcel was delivered',
  failed: 'The delivery of your parcel failed',
  returned_to_sender: 'Your parcel is being returned to the shop',
  ready_for_pickup: 'Your order is ready to collect at the shop',
  picked_up: 'You collected your order',
}

/**
 * The shop sends items of an accepted (or already partly shipped) order in a parcel: all that is
 * not shipped yet unless `items` says which. A pickup order's parcel is "ready to collect". The
 * first parcel ships the order. Quantities beyond what is left are a 400 naming the item.
 */
export async function createShipment(deps: ShipmentsDeps, viewer: Viewer, origin: Origin, orderId: string, body: ShipmentsModel.CreateBody): Promise<ShipmentsModel.Shipment> {
  const now = deps.clock.now()
  const committed = await shipTransaction(deps, async (tx) => {
    const { order, role } = await shopSide(tx, viewer, orderId)
    if (order.status !== 'accepted' && order.status !== 'shipped') {
      throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: accept it before shipping it`, { status: order.status })
    }
    const left = await unshipped(tx, orderId)
    const wanted = body.items ?? left.filter((item) => item.quantity > 0).map(({ position, quantity }) => ({ position, quantity }))
    if (wanted.length === 0) throw new AppError('conflict', 'Every item of this order is in a parcel already', { status: order.status })
    wanted.forEach((line, i) => {
      const item = left.find((l) => l.position === line.position)
      if (item === undefined || line.quantity > item.quantity || wanted.filter((w) => w.position === line.position).length > 1) {
        throw new AppError('invalid_data', 'A parcel holds what is left of the order, each item once', [{ field: `body.items.${i}.quantity`, message: `at most ${Math.max(item?.quantity ?? 0, 0)} left to ship` }])
      }
    })
    const pickup = order.shipping.pickup
    const carrier: Carrier = pickup ? 'pickup' : (body.carrier ?? 'other')
    if (!pickup && carrier === 'pickup') throw new AppError('invalid_data', 'This order is delivered, not collected', [{ field: 'body.carrier', message: 'must be a carrier' }])
    if (carrier === 'other' && !body.carrierName?.trim()) throw new AppError('invalid_data', 'Name the carrier', [{ field: 'body.carrierName', message: 'is required with `other`' }])
    const tracking = pickup ? null : body.trackingNumber?.trim() || null
    const template = CARRIERS[carrier].trackingUrl
    const row: ShipmentRow = {
      id: newId('shm'),
      orderId,
      carrier,
      carrierName: carrier === 'other' ? body.carrierName!.trim() : null,
      trackingNumber: tracking,
      trackingUrl: template !== null && tracking !== null ? template.replace('{tracking}', encodeURIComponent(tracking)) : carrier === 'other' ? (body.trackingUrl ?? null) : null,
      estimatedDelivery: body.estimatedDelivery ?? null,
      status: pickup ? 'ready_for_pickup' : 'pending',
      deliveredAt: null,
      createdAt: now,
      updatedAt: now,
    }
    await tx.insert(shipments).values(row)
    await tx.insert(shipmentItems).values(wanted.map((line) => ({ shipmentId: row.id, position: line.position, quantity: line.quantity })))
    await tx.insert(shipmentEvents).values({ shipmentId: row.id, seq: 1, status: row.status, note: null, by: role === 'admin' ? 'admin' : 'shop', actorId: viewer.id, at: now })
    const done: Committed = { events: [], afterCommit: [] }
    const trackingText = row.trackingNumber === null ? '' : `: ${CARRIERS[carrier].name === 'Other carrier' ? row.carrierName : CARRIERS[carrier].name} ${row.trackingNumber}`
    await addTimelineNote(tx, { orderId, status: order.status, kind: 'shipment', by: role, actorId: viewer.id, note: `${PARCEL_TEXT[row.status]}${trackingText}`, now })
    if (order.status === 'accepted') {
      const shipped = await orderStepIn(deps.orders, tx, viewer, orderId, 'ship', { origin })
      done.events.push(...shipped.events)
      done.afterCommit.push(shipped.afterCommit)
    }
    await announce(deps, tx, order, row, `${STATUS_TEXT[row.status]}${trackingText}`, viewer.id, now, done)
    return { done, row }
  })
  await afterCommit(deps, committed.done)
  return (await toShipments(deps.db, [committed.row], true))[0]!
}

/** The parcel's transaction; a tracking number another parcel of that carrier has is a 409 beside its field. */
async function shipTransaction<T>(deps: ShipmentsDeps, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await deps.db.transaction(work)
  } catch (error) {
    if (pgErrorOf(error)?.constraint !== 'shipments_tracking_key') throw error
    throw new AppError('conflict', 'Another parcel of this carrier has this tracking number: check it', [{ field: 'body.trackingNumber', message: 'is on another parcel of this carrier' }])
  }
}

/**
 * Moves a parcel to `status` (allowed from where it is: SHIPMENT_NEXT), by its shop, an admin or
 * the carrier; the order is delivered when its last item arrives. Answers the parcel, or null when
 * the status cannot follow (the carrier's late or repeated news).
 */
async function setStatus(deps: ShipmentsDeps, tx: Tx, shipment: ShipmentRow, order: OrderRow, setter: Setter, status: ShipmentStatus, note: string | null, now: Date): Promise<Committed | null> {
  // A completed or cancelled order's parcels are history.
  if (order.status === 'completed' || order.status === 'cancelled') return null
  if (!SHIPMENT_NEXT[shipment.status].includes(status)) return null
  const arrived = ARRIVED.includes(status)
  const [updated] = await tx.update(shipments).set({ status, updatedAt: now, ...(arrived ? { deliveredAt: now } : {}) }).where(eq(shipments.id, shipment.id)).returning()
  const [last] = await tx.select({ seq: max(shipmentEvents.seq) }).from(shipmentEvents).where(eq(shipmentEvents.shipmentId, shipment.id))
  const by = setter === 'carrier' ? 'carrier' : setter.role === 'admin' ? 'admin' : 'shop'
  await tx.insert(shipmentEvents).values({ shipmentId: shipment.id, seq: (last?.seq ?? 0) + 1, status, note, by, actorId: setter === 'carrier' ? null : setter.viewer.id, at: now })
  const done: Committed = { events: [], afterCommit: [] }
  const parcel = `${PARCEL_TEXT[status]}${updated!.trackingNumber === null ? '' : ` (${updated!.trackingNumber})`}${note === null ? '' : `: ${note}`}`
  await addTimelineNote(tx, { orderId: order.id, status: order.status, kind: 'shipment', by: setter === 'carrier' ? 'system' : setter.role, actorId: setter === 'carrier' ? null : setter.viewer.id, note: parcel, now })
  if (arrived && order.status === 'shipped' && (await allArrived(tx, order.id))) {
    const delivered = setter === 'carrier' ? await orderStepIn(deps.orders, tx, 'system', order.id, 'deliver') : await orderStepIn(deps.orders, tx, setter.viewer, order.id, 'deliver', { origin: setter.origin })
    done.events.push(...delivered.events)
    done.afterCommit.push(delivered.afterCommit)
  }
  await announce(deps, tx, order, updated!, `${STATUS_TEXT[status]}${note === null ? '' : `: ${note}`}`, setter === 'carrier' ? null : setter.viewer.id, now, done)
  return done
}

/** The shop (or an admin) moves one of its parcels along; a status that cannot follow is a 409. */
export async function updateShipment(deps: ShipmentsDeps, viewer: Viewer, origin: Origin, shipmentId: string, body: { status: ShipmentStatus; note?: string }): Promise<ShipmentsModel.Shipment> {
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const [found] = await tx.select().from(shipments).where(eq(shipments.id, shipmentId))
    if (found === undefined) throw new AppError('not_found', 'No such shipment')
    // The order first (as every order step locks it), then the parcel.
    const { order, role } = await shopSide(tx, viewer, found.orderId).catch((error: AppError) => {
      throw error.type === 'not_found' ? new AppError('not_found', 'No such shipment') : error
    })
    const [shipment] = await tx.select().from(shipments).where(eq(shipments.id, shipmentId)).for('update')
    const done = await setStatus(deps, tx, shipment!, order, { viewer, role, origin }, body.status, body.note?.trim() || null, now)
    if (done === null) {
      const why = order.status === 'completed' || order.status === 'cancelled' ? `its order is ${order.status}` : `it cannot become ${body.status.replaceAll('_', ' ')}`
      throw new AppError('conflict', `This parcel is ${shipment!.status.replaceAll('_', ' ')}: ${why}`, { status: shipment!.status })
    }
    return done
  })
  await afterCommit(deps, committed)
  const [row] = await deps.db.select().from(shipments).where(eq(shipments.id, shipmentId))
  return (await toShipments(deps.db, [row!], true))[0]!
}

/**
 * A carrier's tracking news, signed like payment webhooks (`Souk-Signature`, CARRIER_WEBHOOK_SECRET):
 * each event id applied once; a status the parcel cannot take now is acknowledged and left.
 */
export async function carrierWebhook(deps: ShipmentsDeps, carrierName: string, rawBody: string, headers: Headers): Promise<{ applied: boolean }> {
  const now = deps.clock.now()
  if (!Object.hasOwn(CARRIERS, carrierName) || carrierName === 'other' || carrierName === 'pickup') throw new AppError('not_found', 'No such carrier')
  const carrier = carrierName as Carrier
  verifySignature(deps.carrierSecret, rawBody, headers.get('souk-signature'), now)
  let parsed: unknown
  try {
    parsed = JSON.parse(rawBody)
  } catch {
    parsed = null
  }
  if (!Value.Check(ShipmentsModel.webhookBody, parsed)) throw new AppError('invalid_data', 'Not a tracking event', [{ field: 'body', message: 'must be { id, trackingNumber, status, occurredAt }' }])
  const event = parsed
  const committed = await deps.db.transaction(async (tx) => {
    const [fresh] = await tx.insert(carrierEvents).values({ carrier, id: event.id, receivedAt: now }).onConflictDoNothing().returning()
    if (fresh === undefined) return null
    const [found] = await tx.select().from(shipments).where(and(eq(shipments.carrier, carrier), eq(shipments.trackingNumber, event.trackingNumber)))
    if (found === undefined) throw new AppError('not_found', 'No parcel has this tracking number')
    const order = (await findOrder(tx, found.orderId, { forUpdate: true }))!
    const [shipment] = await tx.select().from(shipments).where(eq(shipments.id, found.id)).for('update')
    return setStatus(deps, tx, shipment!, order, 'carrier', event.status, null, now)
  })
  if (committed !== null) await afterCommit(deps, committed)
  return { applied: committed !== null }
}
