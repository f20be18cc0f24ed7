// The event of returns, on `order:<id>` (the buyer, the shop and admins follow the order):
// requested, decided, sent back, received and refunded, cancelled. Browser-safe (schemas only).
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { RETURN_STATUSES } from './status'

export const RETURN_EVENTS = [
  durable('order', 'return.updated', t.Object({ orderId: t.String(), returnId: t.String(), status: t.UnionEnum(RETURN_STATUSES), at: t.String({ format: 'date-time' }) })),
] as const
export type ReturnEvent = EventsOf<typeof RETURN_EVENTS>
export type NewReturnEvent = NewEventOf<ReturnEvent>
