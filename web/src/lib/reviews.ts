import type { ReviewsModel } from '../../../src/modules/reviews/model'
import { api, must } from './api'

/**
 * Reviews of products: the calls (reading works signed out; writing needs the signed-in user's
 * token). Shapes come from the server's ReviewsModel; `actions` on a review says what the caller
 * may do now.
 */

export type Review = ReviewsModel.Review
export type ReviewPage = ReviewsModel.Page
export type ReviewQuery = ReviewsModel.ListQuery
export type OrderReviews = (typeof ReviewsModel.orderReviews)['static']
export type ReportReason = ReviewsModel.ReportBody['reason']
export type ReportedReview = (typeof ReviewsModel.reported)['static']

const v1 = () => api().api.v1

/** A product's or a shop's reviews with its rating and histogram. */
export const listReviews = async (of: { product: string } | { shop: string }, query: ReviewQuery) =>
  must(await ('product' in of ? v1().products({ slug: of.product }).reviews.get({ query }) : v1().vendors({ slug: of.shop }).reviews.get({ query })))
/** My order's items with my reviews, and until when I may review them. */
export const getOrderReviews = async (orderId: string) => must(await v1().orders({ id: orderId }).reviews.get())
export const writeReview = async (orderId: string, position: number, body: ReviewsModel.CreateBody) => must(await v1().orders({ id: orderId }).items({ position }).review.post(body))
export const changeReview = async (id: string, body: ReviewsModel.UpdateBody) => must(await v1().reviews({ id }).patch(body))
export const deleteReview = async (id: string) => must(await v1().reviews({ id }).delete())
/** Adds a photo to my review while it may change; the server says why one is refused (size, kind, too many). */
export const addReviewPhoto = async (id: string, file: File) => must(await v1().reviews({ id }).photos.post({ file }))
export const replyToReview = async (id: string, body: string, first: boolean) => must(await (first ? v1().reviews({ id }).reply.post({ body }) : v1().reviews({ id }).reply.patch({ body })))
/** Marks a review helpful, or takes the mark back; answers the new count. */
export const setHelpful = async (id: string, on: boolean) => must(await (on ? v1().reviews({ id }).helpful.post() : v1().reviews({ id }).helpful.delete()))
export const reportReview = async (id: string, reason: ReportReason, details: string | undefined) => must(await v1().reviews({ id }).report.post(details === undefined ? { reason } : { reason, details }))

/** Admins: reviews with open reports, and the decision on one. */
export const listReportedReviews = async (query: { cursor?: string; minAgeHours?: number }) => must(await v1().admin.reviews.reported.get({ query }))
export const hideReview = async (id: string, reason: string) => must(await v1().admin.reviews({ id }).hide.post({ reason }))
export const dismissReviewReports = async (id: string) => must(await v1().admin.reviews({ id }).dismiss.post())
export const keepReviews = async (ids: string[]) => must(await v1().admin.reviews.dismiss.post({ ids }))
