// The events of orders: every change of an order on `order:<id>` (its buyer, its shop and admins
// follow it). Browser-safe (schemas only): the protocol union in src/realtime/protocol.ts
// assembles every module's events, and the web client bundles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { ORDER_ACTORS, ORDER_STATUSES, TIMELINE_KINDS } from './status'

const status = t.UnionEnum(ORDER_STATUSES)

export const OrderUpdatedData = t.Object({
  orderId: t.String(),
  status,
  from: t.Union([status, t.Null()], { description: 'null when the order was placed' }),
  by: t.UnionEnum(ORDER_ACTORS),
  kind: t.UnionEnum(TIMELINE_KINDS, { description: 'the timeline entry it adds: a status move, or items cancelled (the status stays)' }),
  note: t.Union([t.String(), t.Null()], { description: 'a cancellation reason, or what was cancelled' }),
  at: t.String({ format: 'date-time' }),
})
export type OrderUpdatedData = typeof OrderUpdatedData.static

export const ORDER_EVENTS = [durable('order', 'order.updated', OrderUpdatedData)] as const
export type OrderEvent = EventsOf<typeof ORDER_EVENTS>
export type NewOrderEvent = NewEventOf<OrderEvent>
