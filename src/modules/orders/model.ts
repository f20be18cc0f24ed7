import { t, type TSchema } from 'elysia'
import { CheckoutProblem } from '../../lib/errors'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { AddressSnapshot } from '../addresses'
import { ORDER_ACTORS, ORDER_STATUSES, PAYMENT_METHODS, TIMELINE_KINDS } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const minor = (description: string) => t.Integer({ minimum: 0, description: `${description}, integer minor units` })
const currency = t.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. MAD' })

export namespace OrdersModel {
  // ---- shipping options

  export const shippingOption = t.Object({
    id: idSchema('shp'),
    name: t.String(),
    priceMinor: minor('the price'),
    currency,
    freeAboveMinor: nullable(minor('free when the shop’s items reach this')),
    handlingDays: t.Integer({ minimum: 0, description: 'days the shop takes before handing it over' }),
    pickup: t.Boolean({ description: 'the buyer collects it from the shop' }),
  })
  export type ShippingOption = typeof shippingOption.static
  export const shippingOptionList = t.Object({ items: t.Array(shippingOption) })
  export const shippingOptionInput = t.Object({
    name: t.String({ minLength: 1, maxLength: 60 }),
    priceMinor: t.Integer({ minimum: 0, maximum: 100_000_000 }),
    freeAboveMinor: t.Optional(nullable(t.Integer({ minimum: 0, maximum: 1_000_000_000 }))),
    handlingDays: t.Integer({ minimum: 0, maximum: 60 }),
    pickup: t.Optional(t.Boolean()),
  })
  export const shippingOptionsBody = t.Object({
    currency,
    options: t.Array(shippingOptionInput, { maxItems: 10, description: 'replaces the shop’s options, in this order; empty: the shop cannot be checked out' }),
  })
  export type ShippingOptionsBody = typeof shippingOptionsBody.static
  export const vendorSlugParams = t.Object({ slug: t.String({ maxLength: 60 }) })

  // ---- TVA

  export const rateBp = t.Integer({ minimum: 0, maximum: 10_000, description: 'basis points: 1900 = 19 %' })
  export const taxRates = t.Object({
    defaultRateBp: rateBp,
    categories: t.Array(t.Object({ categoryId: idSchema('cat'), rateBp })),
  })
  export type TaxRates = typeof taxRates.static
  export const defaultRateBody = t.Object({ rateBp })
  export const categoryRateBody = t.Object({ rateBp: nullable(rateBp) }, { description: 'null: the category inherits its parent’s rate (or the default)' })
  export const categoryParams = t.Object({ id: idSchema('cat') })

  // ---- checkout

  const choice = t.Object({ vendorId: idSchema('ven'), optionId: idSchema('shp') })
  export const checkoutBody = t.Object({
    shippingAddressId: idSchema('adr'),
    billingAddressId: t.Optional(idSchema('adr', { description: 'defaults to the shipping address' })),
    shipping: t.Array(choice, { maxItems: 50, description: 'one delivery option per shop of the cart' }),
    paymentMethod: enumOf(PAYMENT_METHODS),
  })
  export type CheckoutBody = typeof checkoutBody.static
  export const quoteBody = t.Object({
    shippingAddressId: t.Optional(idSchema('adr')),
    billingAddressId: t.Optional(idSchema('adr')),
    shipping: t.Optional(t.Array(choice, { maxItems: 50 })),
    paymentMethod: t.Optional(enumOf(PAYMENT_METHODS)),
  })
  export type QuoteBody = typeof quoteBody.static

  export const problem = CheckoutProblem
  export type Problem = typeof problem.static

  const vendorRef = t.Object({ id: idSchema('ven'), slug: t.String(), name: t.String() })
  const totals = {
    itemsMinor: minor('items, TVA included'),
    shippingMinor: minor('shipping'),
    tvaMinor: minor('TVA included in the items'),
    totalMinor: minor('items + shipping'),
  }
  /** What a line of a quote and of an order both say: the product, its quantity, price and TVA. */
  const line = {
    productId: idSchema('prd'),
    title: t.String(),
    imageUrl: nullable(t.String()),
    quantity: t.Integer({ minimum: 1 }),
    lineMinor: minor('unit price × quantity'),
    tvaRateBp: rateBp,
    tvaMinor: minor('TVA included in the line'),
  }
  export const quoteLine = t.Object({
    ...line,
    slug: t.String(),
    unitPriceMinor: minor('the price now'),
    priceSeenMinor: minor('the price when added to the cart'),
  })
  export const shopQuote = t.Object({
    vendor: vendorRef,
    lines: t.Array(quoteLine),
    options: t.Array(shippingOption),
    optionId: nullable(idSchema('shp', { description: 'the chosen option' })),
    ...totals,
  })
  export const tvaLine = t.Object({ rateBp, baseMinor: minor('amount without TVA'), tvaMinor: minor('TVA') })
  export const quote = t.Object({
    currency: nullable(currency),
    shops: t.Array(shopQuote),
    ...totals,
    tva: t.Array(tvaLine, { description: 'TVA by rate' }),
    problems: t.Array(problem, { description: 'what stops this checkout; empty when it can be placed' }),
  })
  export type Quote = typeof quote.static

  // ---- orders

  export const status = enumOf(ORDER_STATUSES)
  export const orderItem = t.Object({
    ...line,
    sku: nullable(t.String()),
    unitPriceMinor: minor('the price paid'),
    position: t.Integer({ description: 'the item’s place in the order (what parcels, returns and cancellations name it by)' }),
    cancelledQuantity: t.Integer({ minimum: 0, description: 'how many of `quantity` were cancelled before shipping (refunded)' }),
  })
  export const cancelItemsBody = t.Object({
    items: t.Array(t.Object({ position: t.Integer({ minimum: 0 }), quantity: t.Integer({ minimum: 1, maximum: 999 }) }), { minItems: 1, maxItems: 100, description: 'which items and how many of each' }),
    reason: t.Optional(t.String({ maxLength: 500, description: 'required of the shop (the buyer reads it)' })),
  })
  export type CancelItemsBody = typeof cancelItemsBody.static
  export const timelineEntry = t.Object({
    kind: t.UnionEnum(TIMELINE_KINDS, { description: 'a status move, or a step that keeps the status (items cancelled, a parcel’s progress, told in `note`)' }),
    from: nullable(status),
    to: status,
    by: t.UnionEnum(ORDER_ACTORS),
    note: nullable(t.String()),
    at: t.Date(),
  })
  export const summary = t.Object({
    id: idSchema('ord'),
    groupId: idSchema('ogr'),
    status,
    vendor: vendorRef,
    buyer: t.Object({ id: t.String(), displayName: t.String() }),
    currency,
    ...totals,
    cancelledMinor: minor('what the items cancelled one by one were worth: refunded, or not due on delivery'),
    itemCount: t.Integer({ minimum: 1, description: 'items kept (less those cancelled)' }),
    imageUrl: nullable(t.String({ description: 'the first item’s photo' })),
    invoiceNumber: t.String(),
    paymentMethod: t.UnionEnum(PAYMENT_METHODS),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type Summary = typeof summary.static
  export const ACTIONS = ['cancel', 'accept', 'ship', 'deliver', 'confirm_receipt'] as const
  export const order = t.Object({
    ...summary.properties,
    items: t.Array(orderItem),
    tva: t.Array(tvaLine),
    shipping: t.Object({ optionId: t.String(), name: t.String(), priceMinor: t.Integer(), handlingDays: t.Integer(), pickup: t.Boolean() }),
    shippingAddress: AddressSnapshot,
    billingAddress: AddressSnapshot,
    cancelReason: nullable(t.String()),
    timeline: t.Array(timelineEntry),
    actions: t.Array(t.UnionEnum(ACTIONS), { description: 'what the caller may do to it now' }),
    lastEventId: t.Integer({ minimum: 0, description: 'follow `order:<id>` from here' }),
  })
  export type Order = typeof order.static
  export const orderPage = pageOf(summary)
  export type OrderPage = typeof orderPage.static
  export const checkoutResult = t.Object({
    groupId: idSchema('ogr'),
    currency,
    ...totals,
    orders: t.Array(summary),
  })
  export type CheckoutResult = typeof checkoutResult.static

  export const listQuery = t.Object({ ...pageQuery, status: t.Optional(status) })
  export const adminListQuery = t.Object({
    ...pageQuery,
    status: t.Optional(status),
    q: t.Optional(t.String({ minLength: 1, maxLength: 100, description: 'an order id, an invoice number or part of it' })),
  })
  export const idParams = t.Object({ id: idSchema('ord') })
  export const salesExportBody = t.Object({ status: t.Optional(status) })
  export const reasonBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 500, description: 'shown to the buyer' }) })
  export const optionalReasonBody = t.Object({ reason: t.Optional(t.String({ minLength: 1, maxLength: 500 })) })
}
