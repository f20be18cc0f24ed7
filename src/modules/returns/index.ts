// Returns: the buyer sends items of a delivered order back within the shop's window; the shop
// approves (with instructions) or rejects (the buyer may escalate to a dispute); once the shop has
// them, the refund is paid back through the ledger and the stock returns, once (see service.ts).
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { AppError, ErrorResponse } from '../../lib/errors'
import { UPLOAD_LIMITS } from '../../lib/images'
import { apiOnly, fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { ReturnsModel as M } from './model'
import { addReturnPhoto, escalateReturn, getReturn, listMyReturns, listShopReturns, myReturnPolicy, requestReturn, returnPhoto, returnsOfOrder, type ReturnsDeps, setMyReturnPolicy, stepReturn } from './service'

export { RETURN_EVENTS } from './events'
export { ReturnsModel } from './model'
export { expireReturnsJob, RETURN_EXPIRY_CRON, RETURN_SEND_DAYS, type ReturnsDeps, returnsOfOrder } from './service'

const HOUR = 60 * 60_000
const PHOTO_CACHE = 'private, max-age=31536000, immutable'
const ANSWERS = { 200: M.ret, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } as const

export function returnsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: ReturnsDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'returns', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .use(uploadGuard)
    .guard({ auth: true, detail: { tags: ['Returns'] } }, (app) =>
      app
        .get('/orders/:id/returns', ({ user, params }) => returnsOfOrder(deps, user, params.id), {
          params: M.orderParams,
          response: { 200: M.orderReturns, 404: ErrorResponse },
          detail: { summary: 'An order’s returns, what may still come back, and whether its buyer may ask now (its buyer, its shop, admins)' },
        })
        .post('/orders/:id/returns', async ({ user, params, body, status }) => status(201, await requestReturn(deps, user, params.id, body)), {
          params: M.orderParams,
          body: M.requestBody,
          rateLimit: { scope: 'returns', limit: 20, windowMs: HOUR, per: 'user' },
          response: { 201: M.ret, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Ask to return items of my delivered order, within the shop’s window (one open return per order)',
            description: 'The refund is computed here: unit price paid × quantity, plus the delivery fee with the last items when the reason is the shop’s fault or its policy says so. The order’s held payment stays held until the return ends.',
          },
        })
        .get('/me/returns', ({ user, query }) => listMyReturns(deps, user, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.list, 400: ErrorResponse },
          detail: { summary: 'My returns as a buyer, newest first', ...apiOnly('the web client shows each return on its order’s page') },
        })
        .get('/me/shop/returns', ({ user, query }) => listShopReturns(deps, user, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.list, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'My shop’s returns inbox, newest first (filter by status: `requested` waits on the shop)' },
        })
        .get('/me/shop/return-policy', ({ user }) => myReturnPolicy(deps, user), {
          response: { 200: M.policy, 404: ErrorResponse },
          detail: { summary: 'My shop’s return policy (14 days, delivery fee kept unless it is the shop’s fault, by default)' },
        })
        .put('/me/shop/return-policy', ({ user, body, origin }) => setMyReturnPolicy(deps, user, origin, body), {
          body: M.policyBody,
          response: { 200: M.policy, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Set my shop’s return policy (applies to returns asked from now on)' },
        })
        .get('/returns/:id', ({ user, params }) => getReturn(deps, user, params.id), {
          params: M.returnParams,
          response: { 200: M.ret, 404: ErrorResponse },
          detail: { summary: 'A return (its buyer, its shop, admins)', ...apiOnly('the web client reads an order’s returns through GET /orders/:id/returns') },
        })
        .post('/returns/:id/photos', ({ user, params, body }) => addReturnPhoto(deps, user, params.id, body.file), {
          params: M.returnParams,
          body: M.photoBody,
          upload: UPLOAD_LIMITS.maxBytes,
          rateLimit: { scope: 'return-photos', limit: 30, windowMs: HOUR, per: 'user' },
          response: { 200: M.ret, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Add a photo to my return while the shop has not decided (multipart `file`; at most 5; re-encoded without metadata)' },
        })
        .get(
          '/returns/:id/photos/:position',
          async ({ user, params }) => {
            const found = await returnPhoto(deps, user, params.id, params.position)
            if (found === null) throw new AppError('not_found', 'No such photo')
            return new Response(found.data, { headers: { 'content-type': 'image/webp', 'cache-control': PHOTO_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.photoParams,
            response: { 404: ErrorResponse },
            detail: { summary: 'A photo of a return (its buyer, its shop, admins; fetch it with the access token)', ...fileResponse('The photo', ['image/webp']) },
          },
        )
        .post('/returns/:id/approve', ({ user, params, body, origin }) => stepReturn(deps, user, origin, params.id, 'approve', body.instructions), {
          params: M.returnParams,
          body: M.approveBody,
          response: ANSWERS,
          detail: { summary: 'The shop accepts the return, saying how to send it back' },
        })
        .post('/returns/:id/reject', ({ user, params, body, origin }) => stepReturn(deps, user, origin, params.id, 'reject', body.reason), {
          params: M.returnParams,
          body: M.rejectBody,
          response: ANSWERS,
          detail: { summary: 'The shop refuses the return, saying why (the buyer may escalate it to a dispute)' },
        })
        .post('/returns/:id/cancel', ({ user, params, origin }) => stepReturn(deps, user, origin, params.id, 'cancel', null), {
          params: M.returnParams,
          response: ANSWERS,
          detail: { summary: 'The buyer withdraws the return before sending it' },
        })
        .post('/returns/:id/sent', ({ user, params, body, origin }) => stepReturn(deps, user, origin, params.id, 'sent', body.note ?? null), {
          params: M.returnParams,
          body: M.sentBody,
          response: ANSWERS,
          detail: { summary: 'The buyer sent the items back' },
        })
        .post('/returns/:id/received', ({ user, params, origin }) => stepReturn(deps, user, origin, params.id, 'received', null), {
          params: M.returnParams,
          response: ANSWERS,
          detail: {
            summary: 'The shop has the items back: the refund is paid and the stock returns, once',
            description: 'From the payment still held, or from the shop’s wallet once it was released (409 `insufficient_funds` when the wallet cannot cover it). To the card paid with, or to the wallet (wallet and cash-on-delivery orders).',
          },
        })
        .post('/returns/:id/escalate', ({ user, params, body }) => escalateReturn(deps, user, params.id, body.description), {
          params: M.returnParams,
          body: M.escalateBody,
          rateLimit: { scope: 'disputes', limit: 10, windowMs: HOUR, per: 'user' },
          response: { 200: M.ret, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'The buyer takes a rejected return to a dispute: its payment is held until an admin decides' },
        }),
    )
}
