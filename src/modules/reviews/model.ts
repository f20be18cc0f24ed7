import { t, type TSchema } from 'elysia'
import { bulkIds, minAgeHours } from '../../lib/admin-queues'
import { idSchema } from '../../lib/ids'
import { pageQuery } from '../../lib/pagination'
import { ratingSchema } from '../../lib/rating'
import { enumOf } from '../../lib/schema'
import { REPLY_TEXT_MAX, REVIEW_ACTIONS, REVIEW_REPORT_REASONS, REVIEW_SORTS, REVIEW_TEXT_MAX } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace ReviewsModel {
  const rating = t.Integer({ minimum: 1, maximum: 5, title: 'body.rating', description: '1 (poor) to 5 (excellent)' })
  const body = t.String({ minLength: 3, maxLength: REVIEW_TEXT_MAX, description: 'what the buyer thinks of the item' })
  export const createBody = t.Object({ rating, body })
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Object({ rating: t.Optional(rating), body: t.Optional(body) }, { minProperties: 1, description: 'only the fields given change' })
  export type UpdateBody = typeof updateBody.static
  export const replyBody = t.Object({ body: t.String({ minLength: 3, maxLength: REPLY_TEXT_MAX, description: 'the shop’s answer, shown under the review' }) })
  export const reportBody = t.Object({ reason: enumOf(REVIEW_REPORT_REASONS), details: t.Optional(t.String({ maxLength: 1_000 })) })
  export type ReportBody = typeof reportBody.static
  export const hideBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 1_000, description: 'shown to the review’s author' }) })
  export const photoBody = t.Object({ file: t.File({ description: 'a JPEG, PNG, WebP or GIF image of at most 5 MB and 40 megapixels, recognised by its content' }) })

  export const photo = t.Object({ position: t.Integer(), url: t.String(), width: t.Integer(), height: t.Integer() })
  export const review = t.Object({
    id: idSchema('rev'),
    product: t.Object({ id: idSchema('prd'), slug: t.String(), title: t.String() }),
    rating: t.Integer({ minimum: 1, maximum: 5 }),
    body: t.String(),
    author: t.String({ description: 'the author’s display name' }),
    verifiedPurchase: t.Literal(true, { description: 'every review is of an item its author bought and received' }),
    createdAt: t.Date(),
    editedAt: nullable(t.Date({ description: 'set when the author changed it' })),
    editableUntil: nullable(t.Date({ description: 'for its author: until when it may be changed (null for others)' })),
    photos: t.Array(photo),
    helpfulCount: t.Integer(),
    votedHelpful: t.Boolean({ description: 'whether the caller marked it helpful' }),
    reply: nullable(t.Object({ body: t.String(), at: t.Date(), editedAt: nullable(t.Date()), editableUntil: nullable(t.Date({ description: 'for the shop: until when it may be changed' })) })),
    hidden: nullable(t.Object({ reason: t.String(), at: t.Date() }, { description: 'hidden by an admin: its author and admins see it, with why' })),
    actions: t.Array(enumOf(REVIEW_ACTIONS), { description: 'what the caller may do now' }),
  })
  export type Review = typeof review.static

  export const histogram = t.Array(t.Integer(), { minItems: 5, maxItems: 5, description: 'visible reviews with 1, 2, 3, 4 and 5 stars' })
  export const page = t.Object({ rating: ratingSchema, histogram, items: t.Array(review), nextCursor: nullable(t.String()) })
  export type Page = typeof page.static
  export const listQuery = t.Object({
    sort: t.Optional(enumOf(REVIEW_SORTS, { description: 'helpful (default): most helpful first; newest' })),
    rating: t.Optional(t.Integer({ minimum: 1, maximum: 5, title: 'query.rating', description: 'only reviews with this many stars' })),
    ...pageQuery,
  })
  export type ListQuery = typeof listQuery.static

  export const orderItem = t.Object({
    position: t.Integer(),
    productId: idSchema('prd'),
    title: t.String(),
    imageUrl: nullable(t.String()),
    review: nullable(review),
    canReview: t.Boolean({ description: 'the buyer may review this item now' }),
  })
  export const orderReviews = t.Object({
    items: t.Array(orderItem),
    windowEndsAt: nullable(t.Date({ description: 'the last moment to review the order’s items (null until it is completed)' })),
  })

  export const helpful = t.Object({ helpfulCount: t.Integer(), votedHelpful: t.Boolean() })
  export const reported = t.Object({
    review,
    reportCount: t.Integer({ description: 'open reports' }),
    reasons: t.Array(enumOf(REVIEW_REPORT_REASONS)),
    details: t.Array(t.String(), { description: 'what reporters wrote' }),
    lastReportedAt: t.Date(),
  })
  export const reportedPage = t.Object({ items: t.Array(reported), nextCursor: nullable(t.String()) })
  export const reportedQuery = t.Object({ ...pageQuery, minAgeHours })
  export const reviewsBody = t.Object({ ids: bulkIds(idSchema('rev')) })

  export const productParams = t.Object({ slug: t.String({ maxLength: 200 }) })
  export const vendorParams = t.Object({ slug: t.String({ maxLength: 60 }) })
  export const orderParams = t.Object({ id: idSchema('ord') })
  export const itemParams = t.Object({ id: idSchema('ord'), position: t.Integer({ minimum: 0, maximum: 999 }) })
  export const reviewParams = t.Object({ id: idSchema('rev') })
  export const photoParams = t.Object({ id: idSchema('rev'), position: t.Integer({ minimum: 0, maximum: 4 }) })
}
