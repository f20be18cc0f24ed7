// The event of shops, on the owner's `user:<id>`: an admin decided on their shop or application
// (approved, rejected, suspended, reinstated). Browser-safe (schemas only): src/realtime/protocol.ts
// assembles it. It carries no reason: open pages read the shop again.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { VENDOR_STATUSES } from './status'

export const VENDOR_EVENTS = [durable('user', 'shop.updated', t.Object({ shopId: t.String(), status: t.UnionEnum(VENDOR_STATUSES) }))] as const
export type VendorEvent = EventsOf<typeof VENDOR_EVENTS>
export type NewVendorEvent = NewEventOf<VendorEvent>
