// Shipments: parcels of an order with carrier, tracking and status, set by the shop or a carrier's
// signed webhook; they ship and deliver the order (see service.ts).
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { apiOnly } from '../../lib/openapi'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { ShipmentsModel as M } from './model'
import { carrierWebhook, createShipment, listShipments, type ShipmentsDeps, updateShipment } from './service'

export { SHIPMENT_EVENTS } from './events'
export { ShipmentsModel } from './model'
export { type ParcelTracking, parcelsOf, type ShipmentsDeps } from './service'
export { CARRIERS, SHIPMENT_STATUSES } from './status'

export function shipmentsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: ShipmentsDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'shipments', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .post('/shipments/webhooks/:carrier', ({ params, body, request }) => carrierWebhook(deps, params.carrier, typeof body === 'string' ? body : '', request.headers), {
      // The signature is over the exact bytes sent: read as text.
      parse: 'text',
      params: M.carrierParams,
      rateLimit: { scope: 'carrier-webhooks', limit: 600, windowMs: 60_000 },
      response: { 200: M.webhookAnswer, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
      detail: {
        tags: ['Shipments'],
        summary: 'A carrier’s tracking event { id, trackingNumber, status, occurredAt }, signed (Souk-Signature, as payment webhooks); each id applied once',
        ...apiOnly('called by carriers, not by people'),
      },
    })
    .guard({ auth: true, detail: { tags: ['Shipments'] } }, (app) =>
      app
        .get('/orders/:id/shipments', ({ user, params }) => listShipments(deps.db, user, params.id), {
          params: M.orderParams,
          response: { 200: M.shipmentList, 404: ErrorResponse },
          detail: { summary: 'An order’s parcels with tracking and history, and what no parcel carries yet (its buyer, its shop, admins)' },
        })
        .post('/sales/:id/shipments', async ({ user, params, body, origin, status }) => status(201, await createShipment(deps, user, origin, params.id, body)), {
          params: M.orderParams,
          body: M.createBody,
          response: { 201: M.shipment, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Send items of an accepted order of my shop in a parcel (carrier, tracking, estimated delivery); the first parcel ships the order' },
        })
        .patch('/shipments/:id', ({ user, params, body, origin }) => updateShipment(deps, user, origin, params.id, body), {
          params: M.shipmentParams,
          body: M.updateBody,
          response: { 200: M.shipment, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Move a parcel of my shop along (in transit, out for delivery, delivered, failed, returned; picked up); the last item delivered delivers the order' },
        }),
    )
}
