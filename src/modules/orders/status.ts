// The order state machine, one place: the statuses, who may make each transition, and from where.
// Browser-safe (plain constants), so screens show the same names and offer only allowed actions.

export const ORDER_STATUSES = ['pending_payment', 'placed', 'accepted', 'shipped', 'delivered', 'completed', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** `card` and `wallet` orders wait in `pending_payment` until paid; cash on delivery is placed at once. */
export const PAYMENT_METHODS = ['card', 'wallet', 'cash_on_delivery'] as const
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]

/** Who makes a transition: the order's buyer, its shop, an admin, or Souk itself (expiry, payment). */
export const ORDER_ACTORS = ['buyer', 'vendor', 'admin', 'system'] as const
export type OrderActor = (typeof ORDER_ACTORS)[number]

/**
 * Every transition: from which statuses, to which, and who may make it. Shipping and delivery
 * are marked by the shop for now (shipments with tracking come with after-sale); completing an
 * order releases its escrow to the shop. A cancellation before shipping gives the stock back.
 */
export const ORDER_TRANSITIONS = {
  /** Payment confirmed by the payment seam (cash on delivery places at once). */
  pay: { from: ['pending_payment'], to: 'placed', by: ['system'] },
  accept: { from: ['placed'], to: 'accepted', by: ['vendor'] },
  /** The buyer, before the shop accepted. */
  cancelByBuyer: { from: ['pending_payment', 'placed'], to: 'cancelled', by: ['buyer'] },
  /** The shop (or an admin), with a reason, before shipping. */
  cancelBySeller: { from: ['placed', 'accepted'], to: 'cancelled', by: ['vendor', 'admin'] },
  /** An unpaid order past its hold. */
  expire: { from: ['pending_payment'], to: 'cancelled', by: ['system'] },
  ship: { from: ['accepted'], to: 'shipped', by: ['vendor', 'admin'] },
  deliver: { from: ['shipped'], to: 'delivered', by: ['vendor', 'admin', 'system'] },
  /** The buyer confirms receipt (of a shipped or delivered order), or Souk after the escrow's auto-release delay. */
  complete: { from: ['shipped', 'delivered'], to: 'completed', by: ['buyer', 'system'] },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus; by: readonly OrderActor[] }>
export type OrderTransition = keyof typeof ORDER_TRANSITIONS

/**
 * What an entry of an order's timeline records: a move of its status, or a step that leaves the
 * status as it is (items cancelled one by one, a parcel's progress).
 */
export const TIMELINE_KINDS = ['status', 'items_cancelled', 'shipment'] as const
export type TimelineKind = (typeof TIMELINE_KINDS)[number]
