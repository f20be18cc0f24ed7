// The events of the catalog: live price, stock and status on `product:<id>` (ephemeral: a client
// that missed one refetches the product). Browser-safe (schemas only): the protocol union in
// src/realtime/protocol.ts assembles every module's events, and the web client bundles it.
import { ephemeral, type EventsOf } from '../../lib/event-schema'
import { ProductUpdatedData } from './live'

export const CATALOG_EVENTS = [ephemeral('product', 'product.updated', ProductUpdatedData)] as const
export type CatalogEvent = EventsOf<typeof CATALOG_EVENTS>
