// The event of support tickets, on `ticket:<id>` (its signed-in requester and admins follow it):
// a public message was written or the status moved. It carries no text: a client reads the ticket
// again, as the caller it is. Internal notes are never announced here. Browser-safe (schemas only).
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { TICKET_STATUSES } from './status'

export const SUPPORT_EVENTS = [
  durable(
    'ticket',
    'ticket.updated',
    t.Object({
      ticketId: t.String(),
      status: t.UnionEnum(TICKET_STATUSES),
      messageId: t.Union([t.String(), t.Null()], { description: 'the public message written, or null for a status move' }),
      at: t.String({ format: 'date-time' }),
    }),
  ),
] as const
export type SupportEvent = EventsOf<typeof SUPPORT_EVENTS>
export type NewSupportEvent = NewEventOf<SupportEvent>
