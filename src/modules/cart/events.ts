// The events of the cart, on `user:<id>`: every tab of the buyer hears its cart change (the header
// badge). Browser-safe (schemas only): the protocol union in src/realtime/protocol.ts assembles
// every module's events, and the web client bundles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'

export const CART_EVENTS = [durable('user', 'cart', t.Object({ count: t.Integer({ minimum: 0, description: 'items in the cart (the sum of its quantities)' }) }))] as const
export type CartEvent = EventsOf<typeof CART_EVENTS>
export type NewCartEvent = NewEventOf<CartEvent>
