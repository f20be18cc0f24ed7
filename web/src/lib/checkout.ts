import type { OrdersModel } from '../../../src/modules/orders/model'
import { api, must } from './api'

/**
 * Buying, as the buyer's screens call it (browser-only, they need the signed-in user's token): the
 * checkout's quote and placement, my orders and my cancellation. Shapes come from the server's
 * OrdersModel; reading one order is lib/orders.ts `getOrder`, shared with the shop's screens.
 */

export type Quote = OrdersModel.Quote
export type QuoteBody = OrdersModel.QuoteBody
export type CheckoutBody = OrdersModel.CheckoutBody
export type CheckoutResult = OrdersModel.CheckoutResult
export type CheckoutProblem = OrdersModel.Problem
type ListQuery = (typeof OrdersModel.listQuery)['static']

/** A 409 of the checkout: nothing was placed, for the reasons the server names (stock taken meanwhile, ...). */
export class CheckoutRefused extends Error {
  constructor(
    message: string,
    readonly problems: CheckoutProblem[],
  ) {
    super(message)
    this.name = 'CheckoutRefused'
  }
}

/** When a shop hands an order over, from its delivery option's handling days: "the same day", "within 2 days". */
export const handedOverIn = (days: number) => (days === 0 ? 'the same day' : `within ${days} ${days === 1 ? 'day' : 'days'}`)

const v1 = () => api().api.v1

/** What my cart would come to with these choices, and what stops it; changes nothing. */
export const quoteCheckout = async (body: QuoteBody) => must(await v1().checkout.quote.post(body))

/**
 * Places my cart with `key` as its Idempotency-Key: the same key again answers the first result
 * instead of placing twice. Throws CheckoutRefused on a 409, the server's error (ApiError)
 * otherwise, and whatever fetch throws when no answer came (the order may then be placed or not:
 * retry with the same key to find out).
 */
export async function placeCheckout(body: CheckoutBody, key: string): Promise<CheckoutResult> {
  const res = await v1().checkout.post(body, { headers: { 'idempotency-key': key } })
  if (res.error?.status === 409) {
    const { message, details } = res.error.value.error
    throw new CheckoutRefused(message, details !== undefined && !Array.isArray(details) && 'problems' in details ? details.problems : [])
  }
  return must(res)
}

export const listMyOrders = async (query: ListQuery) => must(await v1().orders.get({ query }))
/** My cancellation, before the shop accepted; the reason is optional. */
export const cancelMyOrder = async (id: string, reason: string | undefined) => must(await v1().orders({ id }).cancel.post(reason === undefined ? {} : { reason }))
