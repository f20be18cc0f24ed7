// Shipments' closed lists, browser-safe (plain constants): the carriers with their tracking page,
// the statuses, and which status may follow which.

/** Carriers a shop picks from; `{tracking}` in the template is the tracking number. `other`: the shop gives its URL. */
export const CARRIERS = {
  amana: { name: 'Amana (Barid Al-Maghrib)', trackingUrl: 'https://bam-tracking.barid.ma/Tracking/Search?trackingCode={tracking}' },
  aramex: { name: 'Aramex', trackingUrl: 'https://www.aramex.com/track/results?ShipmentNumber={tracking}' },
  dhl: { name: 'DHL Express', trackingUrl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking}' },
  ups: { name: 'UPS', trackingUrl: 'https://www.ups.com/track?tracknum={tracking}' },
  fedex: { name: 'FedEx', trackingUrl: 'https://www.fedex.com/fedextrack/?trknbr={tracking}' },
  other: { name: 'Other carrier', trackingUrl: null },
  pickup: { name: 'Collected at the shop', trackingUrl: null },
} as const
export type Carrier = keyof typeof CARRIERS
export const CARRIER_IDS = Object.keys(CARRIERS) as [Carrier, ...Carrier[]]

export const SHIPMENT_STATUSES = ['pending', 'in_transit', 'out_for_delivery', 'delivered', 'failed', 'returned_to_sender', 'ready_for_pickup', 'picked_up'] as const
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number]

/** The statuses a shipment may move to from each; `delivered`, `returned_to_sender` and `picked_up` are final. */
export const SHIPMENT_NEXT: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  pending: ['in_transit', 'failed'],
  in_transit: ['out_for_delivery', 'delivered', 'failed', 'returned_to_sender'],
  out_for_delivery: ['delivered', 'failed', 'returned_to_sender'],
  failed: ['in_transit', 'returned_to_sender'],
  delivered: [],
  returned_to_sender: [],
  ready_for_pickup: ['picked_up'],
  picked_up: [],
}

/** What counts as the buyer having the items. */
export const ARRIVED: readonly ShipmentStatus[] = ['delivered', 'picked_up']
