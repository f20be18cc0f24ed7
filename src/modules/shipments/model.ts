import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { CARRIER_IDS, SHIPMENT_STATUSES } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace ShipmentsModel {
  export const carrier = enumOf(CARRIER_IDS)
  export const status = enumOf(SHIPMENT_STATUSES)
  export const createBody = t.Object({
    items: t.Optional(
      t.Array(t.Object({ position: t.Integer({ minimum: 0, description: 'the order item’s position' }), quantity: t.Integer({ minimum: 1, maximum: 999 }) }), {
        minItems: 1,
        maxItems: 100,
        description: 'which items and how many; all that is not shipped yet when left out',
      }),
    ),
    carrier: t.Optional(t.Union([carrier], { description: 'ignored for a pickup order (collected at the shop)' })),
    carrierName: t.Optional(t.String({ minLength: 2, maxLength: 60, description: 'the carrier’s name, with `other`' })),
    trackingNumber: t.Optional(t.String({ minLength: 4, maxLength: 40, pattern: '^[A-Za-z0-9 -]+$' })),
    trackingUrl: t.Optional(t.String({ maxLength: 300, pattern: '^https://', description: 'with `other`: where the buyer tracks it' })),
    estimatedDelivery: t.Optional(t.String({ format: 'date', description: 'YYYY-MM-DD' })),
  })
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Object({ status, note: t.Optional(t.String({ minLength: 1, maxLength: 300 })) })
  export const shipment = t.Object({
    id: idSchema('shm'),
    orderId: idSchema('ord'),
    carrier,
    carrierName: t.String({ description: 'as shown to people' }),
    trackingNumber: nullable(t.String()),
    trackingUrl: nullable(t.String()),
    estimatedDelivery: nullable(t.String({ format: 'date' })),
    status,
    items: t.Array(t.Object({ position: t.Integer(), title: t.String(), quantity: t.Integer() })),
    history: t.Array(t.Object({ status, note: nullable(t.String()), by: t.UnionEnum(['shop', 'admin', 'carrier']), at: t.Date() })),
    next: t.Array(status, { description: 'the statuses the caller may set now (empty for the buyer)' }),
    deliveredAt: nullable(t.Date()),
    createdAt: t.Date(),
  })
  export type Shipment = typeof shipment.static
  export const shipmentList = t.Object({ items: t.Array(shipment), unshipped: t.Array(t.Object({ position: t.Integer(), title: t.String(), quantity: t.Integer() }), { description: 'what no parcel carries yet' }) })
  export const orderParams = t.Object({ id: idSchema('ord') })
  export const shipmentParams = t.Object({ id: idSchema('shm') })
  export const carrierParams = t.Object({ carrier: t.String({ maxLength: 40 }) })
  export const webhookBody = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }), trackingNumber: t.String({ minLength: 4, maxLength: 40 }), status, occurredAt: t.String({ format: 'date-time' }) })
  export const webhookAnswer = t.Object({ applied: t.Boolean({ description: 'false: a repeat, or a status the parcel cannot take from where it is' }) })
}
