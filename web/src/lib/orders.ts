import type { DisputesModel } from '../../../src/modules/disputes/model'
import type { Balances } from '../../../src/modules/ledger/events'
import type { OrdersModel } from '../../../src/modules/orders/model'
import type { OrderActor, OrderStatus, PaymentMethod, TimelineKind } from '../../../src/modules/orders/status'
import type { PaymentsModel } from '../../../src/modules/payments/model'
import type { ShipmentsModel } from '../../../src/modules/shipments/model'
import type { Tone } from '../components/feedback'
import { api, fetchPrivateImage, must } from './api'
import { formatPrice } from './catalog'

/**
 * Orders as shops and admins see them: the calls (browser-only, they need the signed-in user's
 * token), status words and TVA rates in percent. Shapes come from the server's OrdersModel.
 */

export type { OrderStatus }
export type OrderSummary = OrdersModel.Summary
export type Order = OrdersModel.Order
export type ShippingOptionsBody = OrdersModel.ShippingOptionsBody
export type TaxRates = OrdersModel.TaxRates
export type OrderPayment = PaymentsModel.OrderPayment
export type Payment = PaymentsModel.Payment
export type Shipment = ShipmentsModel.Shipment
export type ShipmentList = (typeof ShipmentsModel.shipmentList)['static']
export type NewShipment = ShipmentsModel.CreateBody
export type { Balances }
export type Dispute = DisputesModel.Dispute
export type OrderDispute = (typeof DisputesModel.orderDispute)['static']
type DisputeQueueQuery = (typeof DisputesModel.queueQuery)['static']
type ListQuery = (typeof OrdersModel.listQuery)['static']
type AdminListQuery = (typeof OrdersModel.adminListQuery)['static']

// Keyed by the server's status type: a status added there does not compile here until it has words.
export const STATUS_LABEL: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  placed: 'Placed',
  accepted: 'Accepted',
  shipped: 'Shipped',
  delivered: 'Delivered',
  completed: 'Completed',
  cancelled: 'Cancelled',
}

export const STATUS_TONE: Record<OrderStatus, Tone> = {
  pending_payment: 'neutral',
  placed: 'primary',
  accepted: 'warning',
  shipped: 'warning',
  delivered: 'success',
  completed: 'success',
  cancelled: 'danger',
}

/** The statuses in the state machine's order, for filters. */
export const STATUSES = Object.keys(STATUS_LABEL) as OrderStatus[]

/** A step to a status, as a timeline says it ("Placed by the buyer"): the status's word, but for one. */
export const STEP_LABEL: Record<OrderStatus, string> = { ...STATUS_LABEL, pending_payment: 'Placed, awaiting payment,' }

/** A step of the timeline that keeps the status, as it says it ("Items cancelled by the shop"): what happened, told in its note. */
export const NOTE_LABEL: Record<Exclude<TimelineKind, 'status'>, string> = {
  items_cancelled: 'Items cancelled',
  shipment: 'Parcel update',
}

/** How the buyer pays, in a sentence ("… · cash on delivery"). */
export const PAYMENT_LABEL: Record<PaymentMethod, string> = {
  card: 'card',
  wallet: 'Souk wallet',
  cash_on_delivery: 'cash on delivery',
}

/** Who took a step, as a timeline says it ("Accepted by the shop"). */
export const ACTOR_LABEL: Record<OrderActor, string> = {
  buyer: 'the buyer',
  vendor: 'the shop',
  admin: 'an admin',
  system: 'Souk',
}

const v1 = () => api().api.v1

export const listMySales = async (query: ListQuery) => must(await v1().me.sales.get({ query }))
/** A CSV of my shop's orders (of one status, or all), made by a job: answers the job to follow. */
export const exportMySales = async (status?: OrderStatus) => must(await v1().me.sales.export.post(status === undefined ? {} : { status }))
export const listAllOrders = async (query: AdminListQuery) => must(await v1().admin.orders.get({ query }))
export const exportAllOrders = async (status?: OrderStatus) => must(await v1().admin.orders.export.post(status === undefined ? {} : { status }))
export const getOrder = async (id: string) => must(await v1().orders({ id }).get())
export const acceptSale = async (id: string) => must(await v1().sales({ id }).accept.post())
/** The shop's (or an admin's) cancellation; the buyer sees the reason. */
export const cancelSale = async (id: string, reason: string) => must(await v1().sales({ id }).cancel.post({ reason }))
/**
 * Cancels some items of an order before it ships (its buyer, its shop or an admin; the shop and
 * admins with a reason the buyer reads), with `key` as the Idempotency-Key: the same key again
 * answers the order as it is. Answers the order, with what the cancelled items were worth.
 */
export const cancelOrderItems = async (id: string, body: OrdersModel.CancelItemsBody, key: string) =>
  must(await v1().orders({ id })['cancel-items'].post(body, { headers: { 'idempotency-key': key } }))
export const shipSale = async (id: string) => must(await v1().sales({ id }).ship.post())
export const deliverSale = async (id: string) => must(await v1().sales({ id }).deliver.post())
/** An order's parcels and what none carries yet (its buyer, its shop, admins); `next` is empty for the buyer. */
export const listShipments = async (orderId: string) => must(await v1().orders({ id: orderId }).shipments.get())
/** Sends items of my shop's accepted order in a parcel; the first parcel ships the order. */
export const createShipment = async (orderId: string, body: NewShipment) => must(await v1().sales({ id: orderId }).shipments.post(body))
/** Moves a parcel of my shop to one of its `next` statuses; the last item arriving delivers the order. */
export const updateShipment = async (id: string, status: Shipment['status'], note?: string) =>
  must(await v1().shipments({ id }).patch(note === undefined ? { status } : { status, note }))
/** The buyer's "I received it": the order is completed and its escrow released to the shop. */
export const confirmOrderReceipt = async (id: string) => must(await v1().orders({ id })['confirm-receipt'].post())

/** An order's latest dispute, and whether its buyer may open one now (its buyer, its shop, admins). */
export const getOrderDispute = async (orderId: string) => must(await v1().orders({ id: orderId }).dispute.get())
/** The buyer reports a problem with a paid order: its payment is held until an admin decides. */
export const openDispute = async (orderId: string, body: DisputesModel.OpenBody) => must(await v1().orders({ id: orderId }).disputes.post(body))
export const getDispute = async (id: string) => must(await v1().disputes({ id }).get())
/** The admins' queue, oldest first: open (by default) or resolved disputes. */
export const listDisputes = async (query: DisputeQueueQuery) => must(await v1().admin.disputes.get({ query }))
/** An admin decides: release, refund, or split (`toShopMinor` to the shop), with a written decision. */
export const resolveDispute = async (id: string, body: DisputesModel.ResolveBody) => must(await v1().admin.disputes({ id }).resolve.post(body))

/** How an order is paid and where its escrow stands (its buyer, its shop, admins). */
export const getOrderPayment = async (id: string) => must(await v1().orders({ id }).payment.get())
/** My payments of a checkout's group, newest first. */
export const getGroupPayments = async (groupId: string) => must(await v1().payments.get({ query: { groupId } })).items
/**
 * Pays my order group with `key` as its Idempotency-Key: from my wallet at once, or by card (the
 * answer's redirectUrl is the provider's page). The same key again answers the first payment.
 */
export const payOrderGroup = async (groupId: string, method: Payment['method'], key: string) =>
  must(await v1().payments.post({ groupId, method }, { headers: { 'idempotency-key': key } }))
/** My balances, one per currency I hold money in (none before the first). */
export const getMyBalances = async () => must(await v1().wallet.get()).balances

export const getMyShippingOptions = async () => must(await v1().me.shop['shipping-options'].get()).items
export const saveMyShippingOptions = async (body: ShippingOptionsBody) => must(await v1().me.shop['shipping-options'].put(body)).items

/** Saves the order's PDF invoice (its buyer, its shop, admins): fetched with the access token, so not a plain link. */
export async function downloadInvoice(order: Pick<Order, 'id' | 'invoiceNumber'>): Promise<void> {
  const url = await fetchPrivateImage(`/api/v1/orders/${order.id}/invoice.pdf`)
  // The click starts the download synchronously; the URL is not needed after it.
  Object.assign(document.createElement('a'), { href: url, download: `${order.invoiceNumber}.pdf` }).click()
  URL.revokeObjectURL(url)
}

export const getTaxRates = async () => must(await v1().admin['tax-rates'].get())
export const setDefaultTaxRate = async (rateBp: number) => must(await v1().admin['tax-rates'].default.put({ rateBp }))
/** null: the category inherits its parent's rate (or the default). */
export const setCategoryTaxRate = async (id: string, rateBp: number | null) => must(await v1().admin.categories({ id })['tax-rate'].put({ rateBp }))

/** Amounts in `currency`; a checkout's quote of a cart in several has none, and shows bare numbers. */
export const moneyIn = (currency: string | null) => (minor: number) => (currency === null ? (minor / 100).toFixed(2) : formatPrice(minor, currency))

/** "19 %", "5.5 %" from basis points (1900 = 19 %). */
export const ratePercent = (bp: number) => `${ratePercentInput(bp)} %`

/** A rate as typed in a form field ("19", "5.5"), from basis points. */
export const ratePercentInput = (bp: number) => String(bp / 100)

/** Basis points from a percentage as typed ("19", "5.5", "5,25"), up to 2 decimals; undefined when it is not one. */
export function parsePercent(text: string): number | undefined {
  const plain = text.trim().replace(',', '.')
  return /^\d{1,3}(\.\d{1,2})?$/.test(plain) ? Math.round(Number(plain) * 100) : undefined
}
