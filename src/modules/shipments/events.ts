// The event of shipments, on `order:<id>` (its buyer, its shop and admins follow the order): a
// parcel made or moved. Browser-safe (schemas only): src/realtime/protocol.ts assembles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { SHIPMENT_STATUSES } from './status'

export const ShipmentUpdatedData = t.Object({
  orderId: t.String(),
  shipmentId: t.String(),
  status: t.UnionEnum(SHIPMENT_STATUSES),
  at: t.String({ format: 'date-time' }),
})

export const SHIPMENT_EVENTS = [durable('order', 'shipment.updated', ShipmentUpdatedData)] as const
export type ShipmentEvent = EventsOf<typeof SHIPMENT_EVENTS>
export type NewShipmentEvent = NewEventOf<ShipmentEvent>
