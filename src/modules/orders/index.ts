import { Elysia } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { privateDownload } from '../../lib/http'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { idempotencyHeaders } from '../../lib/schema'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { actorOf, originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { JobSnapshot, jobsDepsOf, toSnapshot } from '../jobs'
import { OrdersModel as M } from './model'
import { placeCheckout, quoteCheckout } from './service/checkout'
import { invoicePdf } from './service/invoice'
import { canReadOrder, getOrder, listAllOrders, listMyOrders, listMySales, transitionOrder } from './service/orders'
import type { OrdersDeps } from './service/shared'
import { cancelItems } from './service/cancel-items'
import { requestOrdersExport, requestSalesExport } from './service/sales-export'
import { listMyOptions, listShopOptions, replaceMyOptions } from './service/shipping'
import { listTaxRates, setCategoryRate, setDefaultRate } from './service/tax'

export { OrdersModel } from './model'
export { canReadOrder, completeBySystem, lockOrderFor, orderRoleOf, orderStepIn, HOLD_EXPIRY_CRON, holdExpiryJob, lockUnpaidOrders, ORDER_HOLD_MS, orderStepFromChat, payOrders } from './service/orders'
export { buyerOrderSummary } from './service/buyer-summary'
export { includedTva } from './service/pricing'
export { ORDER_JOB_KINDS } from './service/sales-export'
export { countOrdersPlaced, salesBetween, type Sales } from './service/stats'
export { defaultTvaRateBp } from './service/tax'
export { addTimelineNote, amountDueOf, arrivedAt, completedAt, findOrder, type ItemsRefund, invoiceNumbersOf, orderItemsOf, orderLink, orderTopic, type OrderRow, type OrderStep, type OrdersDeps, saleLink } from './service/shared'
/** For foreign keys of the modules above orders (payments). */
export { orderGroups, orders } from './table'
export { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus, PAYMENT_METHODS } from './status'

/** The access rule of the orders' topic family: `order:<id>` is followed by its buyer, its shop and admins. */
export const orderTopicRules = (db: Db) => ({ order: (viewer: { id: string; role: 'buyer' | 'vendor' | 'admin' }, id: string) => canReadOrder(db, viewer, id) })

const MINUTE = 60_000
const LIMITS = {
  // Per user: a buyer retrying a checkout is fine; a script placing hundreds is not.
  checkout: { scope: 'checkout', limit: 30, windowMs: 10 * MINUTE, per: 'user' },
  quote: { scope: 'checkout-quote', limit: 300, windowMs: 10 * MINUTE, per: 'user' },
} as const

/**
 * Buying: delivery options per shop, TVA rates, the checkout (quote and placement, one order per
 * shop), the buyer's orders, the shop's sales and the admins' list. An order is read by its buyer,
 * its shop and admins only; anyone else gets 404.
 */
export function ordersRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter' | 'bus' | 'log' | 'queue'> & { deps: OrdersDeps }) {
  const { deps } = ctx
  const { db } = deps
  const jobs = jobsDepsOf(ctx)
  return new Elysia({ name: 'orders', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .get('/vendors/:slug/shipping-options', ({ params }) => listShopOptions(db, params.slug), {
      params: M.vendorSlugParams,
      response: { 200: M.shippingOptionList, 404: ErrorResponse },
      detail: { tags: ['Orders'], summary: 'A shop’s delivery options' },
    })
    .guard({ auth: 'vendor', detail: { tags: ['Orders'] } }, (app) =>
      app
        .get('/me/shop/shipping-options', ({ user }) => listMyOptions(db, user.id), {
          response: { 200: M.shippingOptionList, 404: ErrorResponse },
          detail: { summary: 'My shop’s delivery options' },
        })
        .put('/me/shop/shipping-options', ({ user, body, origin }) => replaceMyOptions(deps, user.id, origin, body), {
          body: M.shippingOptionsBody,
          response: { 200: M.shippingOptionList, 400: ErrorResponse, 403: ErrorResponse },
          detail: { summary: 'Replace my shop’s delivery options (in this order)' },
        })
        .get('/me/sales', ({ user, query }) => listMySales(db, user.id, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.orderPage, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'My shop’s orders, newest first (filter by status)' },
        })
        .post('/me/sales/export', async ({ user, body, status }) => status(202, toSnapshot(await requestSalesExport(jobs, user.id, body.status))), {
          body: M.salesExportBody,
          response: { 202: JobSnapshot, 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Export my shop’s orders as CSV in a job: 202 answers the job; follow it on job:<id>; its result links the download' },
        })
        .post('/sales/:id/accept', ({ user, params, origin }) => transitionOrder(deps, user, params.id, 'accept', { as: 'vendor', origin }), {
          params: M.idParams,
          response: { 200: M.order, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Accept a placed order of my shop' },
        }),
    )
    .guard({ auth: true, detail: { tags: ['Orders'] } }, (app) =>
      app
        .post('/sales/:id/ship', ({ user, params, origin }) => transitionOrder(deps, user, params.id, 'ship', { as: 'vendor', origin }), {
          params: M.idParams,
          response: { 200: M.order, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Mark an accepted order of my shop shipped (admins too)' },
        })
        .post('/sales/:id/deliver', ({ user, params, origin }) => transitionOrder(deps, user, params.id, 'deliver', { as: 'vendor', origin }), {
          params: M.idParams,
          response: { 200: M.order, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Mark a shipped order of my shop delivered (admins too): its escrow is released to me after ESCROW_AUTO_RELEASE_DAYS unless the buyer reports a problem' },
        })
        .post('/sales/:id/cancel', ({ user, params, body, origin }) => transitionOrder(deps, user, params.id, 'cancelBySeller', { note: body.reason, as: 'vendor', origin }), {
          params: M.idParams,
          body: M.reasonBody,
          response: { 200: M.order, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Cancel an order of my shop before it ships, with a reason the buyer sees (admins too); its stock comes back' },
        })
        .post('/checkout/quote', ({ user, body }) => quoteCheckout(deps, user.id, body), {
          body: M.quoteBody,
          rateLimit: LIMITS.quote,
          response: { 200: M.quote, 400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'What my cart would come to, split per shop with shipping and TVA, and what stops it; changes nothing' },
        })
        .post(
          '/checkout',
          async ({ user, body, headers, status }) => {
            const { result, replayed } = await placeCheckout(deps, user.id, headers['idempotency-key'], body)
            return replayed ? result : status(201, result)
          },
          {
            headers: idempotencyHeaders,
            body: M.checkoutBody,
            rateLimit: LIMITS.checkout,
            response: { 200: M.checkoutResult, 201: M.checkoutResult, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse },
            detail: {
              summary: 'Place my cart: one order per shop, cash on delivery. Amounts are computed by the server. Repeat with the same Idempotency-Key to retry safely (200 with the first result)',
            },
          },
        )
        .get('/orders', ({ user, query }) => listMyOrders(db, user.id, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.orderPage, 400: ErrorResponse },
          detail: { summary: 'My orders, newest first (filter by status)' },
        })
        .get('/orders/:id', ({ user, params }) => getOrder(db, user, params.id), {
          params: M.idParams,
          response: { 200: M.order, 404: ErrorResponse },
          detail: { summary: 'An order with its items, TVA, addresses, timeline and what I may do to it (its buyer, its shop, admins)' },
        })
        .get(
          '/orders/:id/invoice.pdf',
          async ({ user, params }) => {
            // Names and addresses: for the buyer, the shop and admins only.
            const file = await invoicePdf(db, user, params.id)
            return privateDownload(file.body, { contentType: 'application/pdf', fileName: file.fileName })
          },
          {
            params: M.idParams,
            response: { 404: ErrorResponse },
            detail: { summary: 'An order’s invoice as PDF (its buyer, its shop, admins)', ...fileResponse('The invoice', ['application/pdf']) },
          },
        )
        .post('/orders/:id/cancel', ({ user, params, body, origin }) => transitionOrder(deps, user, params.id, 'cancelByBuyer', { note: body.reason ?? null, as: 'buyer', origin }), {
          params: M.idParams,
          body: M.optionalReasonBody,
          response: { 200: M.order, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Cancel my order before the shop accepted it; its stock comes back, and what I paid is refunded' },
        })
        .post('/orders/:id/cancel-items', ({ user, params, body, headers, origin }) => cancelItems(deps, user, origin, params.id, body, headers['idempotency-key']), {
          params: M.idParams,
          headers: idempotencyHeaders,
          body: M.cancelItemsBody,
          response: { 200: M.order, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse },
          detail: {
            summary: 'Cancel some items of an order before it ships; the rest ships (the buyer before the shop accepted; the shop or an admin with a reason)',
            description: 'Their price is refunded to where it was paid from (a cash-on-delivery order simply costs less), their stock returns, and the timeline says so. Cancelling every item left is a 400: cancel the order instead. Repeat with the same Idempotency-Key to retry safely.',
          },
        })
        .post('/orders/:id/confirm-receipt', ({ user, params, origin }) => transitionOrder(deps, user, params.id, 'complete', { as: 'buyer', origin }), {
          params: M.idParams,
          response: { 200: M.order, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Confirm I received my order: it is completed and its payment released to the shop (refused while a problem I reported is open)' },
        }),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/orders', ({ query }) => listAllOrders(db, query), {
          query: M.adminListQuery,
          strictQuery: { schema: M.adminListQuery },
          response: { 200: M.orderPage, 400: ErrorResponse },
          detail: { summary: 'Every order, newest first; `q` finds an order id or invoice number' },
        })
        .post('/admin/orders/export', async ({ user, body, status }) => status(202, toSnapshot(await requestOrdersExport(jobs, user.id, body.status))), {
          body: M.salesExportBody,
          response: { 202: JobSnapshot, 400: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Export every shop’s orders (of one status, or all) as CSV in a job: 202 answers the job; follow it on job:<id>; its result links the download' },
        })
        .get('/admin/tax-rates', () => listTaxRates(db), {
          response: { 200: M.taxRates },
          detail: { summary: 'TVA rates: the platform default and each category’s own' },
        })
        .put('/admin/tax-rates/default', ({ user, body, origin }) => setDefaultRate(deps, actorOf(user, origin), body.rateBp), {
          body: M.defaultRateBody,
          response: { 200: M.taxRates, 400: ErrorResponse },
          detail: { summary: 'Set the platform’s default TVA rate' },
        })
        .put('/admin/categories/:id/tax-rate', ({ user, params, body, origin }) => setCategoryRate(deps, actorOf(user, origin), params.id, body.rateBp), {
          params: M.categoryParams,
          body: M.categoryRateBody,
          response: { 200: M.taxRates, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Set a category’s own TVA rate (its subcategories inherit it), or null to inherit' },
        }),
    )
}
