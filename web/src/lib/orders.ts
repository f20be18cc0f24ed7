import type { OrdersModel } from '../../../src/modules/orders/model'
import type { OrderActor, OrderStatus, PaymentMethod } from '../../../src/modules/orders/status'
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

/** How the buyer pays, in a sentence ("… · cash on delivery"). */
export const PAYMENT_LABEL: Record<PaymentMethod, string> = {
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
export const getOrder = async (id: string) => must(await v1().orders({ id }).get())
export const acceptSale = async (id: string) => must(await v1().sales({ id }).accept.post())
/** The shop's (or an admin's) cancellation; the buyer sees the reason. */
export const cancelSale = async (id: string, reason: string) => must(await v1().sales({ id }).cancel.post({ reason }))

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
