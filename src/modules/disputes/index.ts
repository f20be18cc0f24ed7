// Disputes: a buyer's problem with a paid order freezes its held payment until an admin decides
// (release, refund or split through the ledger); both sides add evidence (see service.ts).
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { AppError, ErrorResponse } from '../../lib/errors'
import { processImage, UPLOAD_LIMITS } from '../../lib/images'
import { fileResponse } from '../../lib/openapi'
import { uploadGuard } from '../../lib/body-guard'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { DisputesModel as M } from './model'
import { addEvidence, disputeCase, disputeOfOrder, evidencePhoto, disputeQueue, type DisputesDeps, getDispute, openDispute, requestDecision, resolveDispute } from './service'

export { DISPUTE_EVENTS } from './events'
export { DisputesModel } from './model'
export { canOpenDispute, openDisputeIn, orderWasDisputed, type DisputesDeps } from './service'
export { disputesQueue } from './queue'

const HOUR = 60 * 60_000

export function disputesRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: DisputesDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'disputes', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .use(uploadGuard)
    .guard({ auth: true, detail: { tags: ['Disputes'] } }, (app) =>
      app
        .get('/orders/:id/dispute', ({ user, params }) => disputeOfOrder(deps, user, params.id), {
          params: M.orderParams,
          response: { 200: M.orderDispute, 404: ErrorResponse },
          detail: { summary: 'An order’s latest dispute, and whether its buyer may open one now (its buyer, its shop, admins)' },
        })
        .post('/orders/:id/disputes', async ({ user, params, body, status }) => status(201, await openDispute(deps, user, params.id, body)), {
          params: M.orderParams,
          body: M.openBody,
          rateLimit: { scope: 'disputes', limit: 10, windowMs: HOUR, per: 'user' },
          response: { 201: M.dispute, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Report a problem with my paid order (accepted, shipped or delivered, payment still held): its payment is held until an admin decides' },
        })
        .get('/disputes/:id', ({ user, params }) => getDispute(deps, user, params.id), {
          params: M.disputeParams,
          response: { 200: M.dispute, 404: ErrorResponse },
          detail: { summary: 'A dispute with its evidence and decision (the buyer, the shop, admins)' },
        })
        .post('/disputes/:id/evidence', ({ user, params, body }) => addEvidence(deps, user, params.id, body), {
          params: M.disputeParams,
          body: M.evidenceBody,
          rateLimit: { scope: 'dispute-evidence', limit: 60, windowMs: HOUR, per: 'user' },
          response: { 200: M.dispute, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Add to an open dispute (the buyer, the shop — its first word is its response — or an admin)',
            description: '`messageIds` quotes messages of the buyer’s conversations with the shop (400 for any other), for the operator to read with the evidence.',
          },
        })
        .post('/disputes/:id/respond', ({ user, params, body }) => addEvidence(deps, user, params.id, body, undefined, { as: 'response' }), {
          params: M.disputeParams,
          body: M.evidenceBody,
          rateLimit: { scope: 'dispute-evidence', limit: 60, windowMs: HOUR, per: 'user' },
          response: { 200: M.dispute, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'The shop’s response to an open dispute (once: 409 after it; its first `/evidence` counts as its response too)',
            description: 'Same body as `/evidence`; only the order’s shop (403 for the buyer or an admin).',
          },
        })
        .post('/disputes/:id/decision-request', ({ user, params }) => requestDecision(deps, user, params.id), {
          params: M.disputeParams,
          rateLimit: { scope: 'dispute-evidence', limit: 60, windowMs: HOUR, per: 'user' },
          response: { 200: M.dispute, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'The buyer asks Souk to decide: the shop let its deadline pass without responding',
            description: '409 before `respondBy`, once the shop responded, or once resolved; asking again answers the dispute unchanged. Every admin is told; the dispute goes first in their queue.',
          },
        })
        .post(
          '/disputes/:id/evidence/photo',
          async ({ user, params, body }) => {
            // Seen by the caller (else 404) before any decoding: a stranger does not make the server decode images.
            await getDispute(deps, user, params.id)
            const photo = await processImage(body.file, { field: 'body.file', ...UPLOAD_LIMITS, resize: { width: 1600, height: 1600, fit: 'inside' } })
            return addEvidence(deps, user, params.id, { text: body.caption?.trim() || 'A photo' }, photo)
          },
          {
            params: M.disputeParams,
            body: M.photoEvidenceBody,
            upload: UPLOAD_LIMITS.maxBytes,
            rateLimit: { scope: 'dispute-evidence', limit: 60, windowMs: HOUR, per: 'user' },
            response: { 200: M.dispute, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Add a photo to an open dispute (multipart `file`, `caption`; checked by content and re-encoded without metadata)' },
          },
        )
        .get(
          '/disputes/:id/evidence/:seq/photo',
          async ({ user, params }) => {
            const photo = await evidencePhoto(deps, user, params.id, params.seq)
            if (photo === null) throw new AppError('not_found', 'No such photo')
            return new Response(photo, { headers: { 'content-type': 'image/webp', 'cache-control': 'private, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.evidencePhotoParams,
            response: { 404: ErrorResponse },
            detail: { summary: 'A photo of a dispute’s evidence (the buyer, the shop, admins; fetch it with the access token)', ...fileResponse('The photo', ['image/webp']) },
          },
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/disputes', ({ user, query }) => disputeQueue(deps, user, query), {
          query: M.queueQuery,
          strictQuery: { schema: M.queueQuery },
          response: { 200: M.queue, 400: ErrorResponse },
          detail: { summary: 'Disputes (open by default): those whose buyer asked for a decision first, then oldest first, each saying whom it waits on; filtered by whom they wait on and by age' },
        })
        .get('/admin/disputes/:id/case', ({ params }) => disputeCase(deps, params.id), {
          params: M.disputeParams,
          response: { 200: M.adminCase, 404: ErrorResponse },
          detail: { summary: 'The rest of a dispute’s case: the order’s ledger transfers and every message between its buyer and its shop' },
        })
        .post('/admin/disputes/:id/resolve', ({ user, params, body, origin }) => resolveDispute(deps, user, origin, params.id, body), {
          params: M.disputeParams,
          body: M.resolveBody,
          response: { 200: M.dispute, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Decide a dispute: release to the shop, refund the buyer, or split in minor units, with a written decision' },
        }),
    )
}
