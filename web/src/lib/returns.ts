import type { ReturnsModel } from '../../../src/modules/returns/model'
import { api, must } from './api'

/**
 * Returns of delivered orders: the calls (browser-only, they need the signed-in user's token).
 * Shapes come from the server's ReturnsModel; `actions` on a return says what the caller may do now.
 */

export type Return = ReturnsModel.Return
export type OrderReturns = (typeof ReturnsModel.orderReturns)['static']
export type Returnable = (typeof ReturnsModel.returnable)['static']
export type ReturnPolicy = (typeof ReturnsModel.policy)['static']
type ReturnsQuery = (typeof ReturnsModel.listQuery)['static']

const v1 = () => api().api.v1

/** An order's returns, newest first, what may still come back, and whether its buyer may ask now (its buyer, its shop, admins). */
export const getOrderReturns = async (orderId: string) => must(await v1().orders({ id: orderId }).returns.get())
/** The buyer asks to return items of a delivered order; photos are added after, one by one. */
export const requestReturn = async (orderId: string, body: ReturnsModel.RequestBody) => must(await v1().orders({ id: orderId }).returns.post(body))
/** Adds a photo to my return while the shop has not decided; the server says why one is refused (size, kind, too many). */
export const addReturnPhoto = async (id: string, file: File) => must(await v1().returns({ id }).photos.post({ file }))
export const approveReturn = async (id: string, instructions: string) => must(await v1().returns({ id }).approve.post({ instructions }))
export const rejectReturn = async (id: string, reason: string) => must(await v1().returns({ id }).reject.post({ reason }))
export const cancelReturn = async (id: string) => must(await v1().returns({ id }).cancel.post())
/** The buyer sent the items back, with how (carrier, tracking) if they say. */
export const markReturnSent = async (id: string, note: string | undefined) => must(await v1().returns({ id }).sent.post(note === undefined ? {} : { note }))
/** The shop has the items back: the buyer is refunded and the stock returns. */
export const confirmReturnReceived = async (id: string) => must(await v1().returns({ id }).received.post())
/** The buyer takes a rejected return to a dispute: answers the return with its `disputeId`. */
export const escalateReturn = async (id: string, description: string) => must(await v1().returns({ id }).escalate.post({ description }))

/** My shop's returns inbox, oldest first, of one status or all. */
export const listShopReturns = async (query: ReturnsQuery) => must(await v1().me.shop.returns.get({ query }))
export const getMyReturnPolicy = async () => must(await v1().me.shop['return-policy'].get())
export const saveMyReturnPolicy = async (body: ReturnPolicy) => must(await v1().me.shop['return-policy'].put(body))
