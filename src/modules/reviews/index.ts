// Reviews: verified-purchase reviews of products with the shop's reply, helpful votes, reports
// into the admins' queue, and the ratings they move on products and shops (see service.ts).
import { Elysia, t } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { BulkOutcome, eachItem } from '../../lib/admin-queues'
import { AppError, ErrorResponse } from '../../lib/errors'
import { UPLOAD_LIMITS } from '../../lib/images'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { ReviewsModel as M } from './model'
import {
  addReviewPhoto,
  createReview,
  deleteReview,
  listProductReviews,
  listReportedReviews,
  listShopReviews,
  moderateReview,
  orderReviews,
  replyToReview,
  reportReview,
  reviewPhoto,
  type ReviewsDeps,
  updateReview,
  voteHelpful,
} from './service'

export { ReviewsModel } from './model'
export { reportsAgainstAuthor, type ReviewsDeps } from './service'
export { reviewReportsQueue } from './queue'

const HOUR = 60 * 60_000
// Checked on every use: a photo stops being served the moment its review is hidden or deleted.
const PHOTO_CACHE = 'no-cache'
const ANSWERS = { 200: M.review, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } as const
const LISTS = { 200: M.page, 400: ErrorResponse, 404: ErrorResponse } as const

export function reviewsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: ReviewsDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'reviews', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(originPlugin(ctx.config))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(uploadGuard)
    .guard({ detail: { tags: ['Reviews'] } }, (app) =>
      app
        .get('/products/:slug/reviews', ({ viewer, params, query }) => listProductReviews(deps, viewer, params.slug, query), {
          viewer: true,
          params: M.productParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: LISTS,
          detail: { summary: 'A product’s reviews with its rating and how many of each star (most helpful first, or newest; filter by stars)' },
        })
        .get('/vendors/:slug/reviews', ({ viewer, params, query }) => listShopReviews(deps, viewer, params.slug, query), {
          viewer: true,
          params: M.vendorParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: LISTS,
          detail: { summary: 'The reviews of a shop’s products with the shop’s rating' },
        })
        .get(
          '/reviews/:id/photos/:position',
          async ({ params }) => {
            const data = await reviewPhoto(deps.db, params.id, params.position)
            if (data === null) throw new AppError('not_found', 'No such photo')
            return new Response(data, { headers: { 'content-type': 'image/webp', 'cache-control': PHOTO_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.photoParams,
            response: { 404: ErrorResponse },
            detail: { summary: 'A photo of a review (public while the review is)', ...fileResponse('The photo', ['image/webp']) },
          },
        ),
    )
    .guard({ auth: true, detail: { tags: ['Reviews'] } }, (app) =>
      app
        .get('/orders/:id/reviews', ({ user, params }) => orderReviews(deps, user, params.id), {
          params: M.orderParams,
          response: { 200: M.orderReviews, 404: ErrorResponse },
          detail: { summary: 'My order’s items with my reviews of them, and until when I may review (its buyer)' },
        })
        .post('/orders/:id/items/:position/review', async ({ user, params, body, status }) => status(201, await createReview(deps, user, params.id, params.position, body)), {
          params: M.itemParams,
          body: M.createBody,
          rateLimit: { scope: 'reviews', limit: 30, windowMs: HOUR, per: 'user' },
          response: { 201: M.review, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Review an item of my completed order (once per item, within 60 days of completion)',
            description: '403 `forbidden` before the order is completed or after the window; 409 the second time. The shop is notified.',
          },
        })
        .patch('/reviews/:id', ({ user, params, body }) => updateReview(deps, user, params.id, body), {
          params: M.reviewParams,
          body: M.updateBody,
          response: ANSWERS,
          detail: { summary: 'Change my review within 48 hours of writing it (it then says “edited”)' },
        })
        .delete(
          '/reviews/:id',
          async ({ user, params, status }) => {
            await deleteReview(deps, user, params.id)
            return status(204, undefined)
          },
          {
            params: M.reviewParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'Delete my review (its photos and votes go with it)' },
          },
        )
        .post('/reviews/:id/photos', ({ user, params, body }) => addReviewPhoto(deps, user, params.id, body.file), {
          params: M.reviewParams,
          body: M.photoBody,
          upload: UPLOAD_LIMITS.maxBytes,
          rateLimit: { scope: 'review-photos', limit: 30, windowMs: HOUR, per: 'user' },
          response: { 200: M.review, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Add a photo to my review while it may change (multipart `file`; at most 5; re-encoded without metadata)' },
        })
        .post('/reviews/:id/reply', ({ user, params, body }) => replyToReview(deps, user, params.id, body.body, 'reply'), {
          params: M.reviewParams,
          body: M.replyBody,
          response: ANSWERS,
          detail: { summary: 'Reply to a review of my shop’s product, once (the author is notified)' },
        })
        .patch('/reviews/:id/reply', ({ user, params, body }) => replyToReview(deps, user, params.id, body.body, 'edit'), {
          params: M.reviewParams,
          body: M.replyBody,
          response: ANSWERS,
          detail: { summary: 'Change my shop’s reply within 48 hours of writing it' },
        })
        .post('/reviews/:id/helpful', ({ user, params }) => voteHelpful(deps, user, params.id, true), {
          params: M.reviewParams,
          rateLimit: { scope: 'review-votes', limit: 300, windowMs: HOUR, per: 'user' },
          response: { 200: M.helpful, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Mark a review helpful (once; again changes nothing; not my own)' },
        })
        .delete('/reviews/:id/helpful', ({ user, params }) => voteHelpful(deps, user, params.id, false), {
          params: M.reviewParams,
          rateLimit: { scope: 'review-votes', limit: 300, windowMs: HOUR, per: 'user' },
          response: { 200: M.helpful, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Take my “helpful” back (again changes nothing)' },
        })
        .post(
          '/reviews/:id/report',
          async ({ user, params, body, status }) => {
            await reportReview(deps, user, params.id, body)
            return status(204, undefined)
          },
          {
            params: M.reviewParams,
            body: M.reportBody,
            rateLimit: { scope: 'reports', limit: 20, windowMs: HOUR, per: 'user' },
            response: { 204: t.Undefined(), 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Report a review to the admins (once while it is open)' },
          },
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/reviews/reported', ({ user, query }) => listReportedReviews(deps, user, query), {
          query: M.reportedQuery,
          strictQuery: { schema: M.reportedQuery },
          response: { 200: M.reportedPage, 400: ErrorResponse },
          detail: { summary: 'Reviews with open reports, the most recently reported first (`minAgeHours`: first reported at least that long ago)' },
        })
        .post('/admin/reviews/:id/hide', ({ user, params, body, origin }) => moderateReview(deps, user, origin, params.id, 'hide', body.reason.trim()), {
          params: M.reviewParams,
          body: M.hideBody,
          response: ANSWERS,
          detail: { summary: 'Hide a review with a reason its author sees (it leaves the ratings); closes its reports' },
        })
        .post('/admin/reviews/dismiss', ({ user, body, origin }) => eachItem(body.ids, (id) => moderateReview(deps, user, origin, id, 'dismiss', null)), {
          body: M.reviewsBody,
          response: { 200: BulkOutcome, 400: ErrorResponse },
          detail: { summary: 'Keep several reported reviews at once: their open reports are dismissed (each as its own dismiss would)' },
        })
        .post('/admin/reviews/:id/dismiss', ({ user, params, origin }) => moderateReview(deps, user, origin, params.id, 'dismiss', null), {
          params: M.reviewParams,
          response: ANSWERS,
          detail: { summary: 'Keep a reported review: its open reports are dismissed' },
        }),
    )
}
