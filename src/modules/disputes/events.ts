// The event of disputes, on `order:<id>` (the buyer, the shop and admins follow the order):
// opened, evidence added, resolved. Browser-safe (schemas only).
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { DISPUTE_STATUSES } from './status'

export const DISPUTE_EVENTS = [
  durable('order', 'dispute.updated', t.Object({ orderId: t.String(), disputeId: t.String(), status: t.UnionEnum(DISPUTE_STATUSES), at: t.String({ format: 'date-time' }) })),
] as const
export type DisputeEvent = EventsOf<typeof DISPUTE_EVENTS>
export type NewDisputeEvent = NewEventOf<DisputeEvent>
