// Disputes' closed lists, browser-safe (plain constants).

export const DISPUTE_REASONS = ['not_received', 'not_as_described', 'damaged', 'other'] as const
export type DisputeReason = (typeof DISPUTE_REASONS)[number]

export const DISPUTE_STATUSES = ['open', 'resolved'] as const
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number]

/** How an admin settles the held payment: all to the shop, all back to the buyer, or split in minor units. */
export const DISPUTE_OUTCOMES = ['release', 'refund', 'split'] as const
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number]

/** Who wrote a piece of evidence. */
export const DISPUTE_PARTIES = ['buyer', 'shop', 'admin'] as const
export type DisputeParty = (typeof DISPUTE_PARTIES)[number]

/**
 * Whom an open dispute waits on: the shop (to respond, within its deadline), the buyer (the shop
 * let its deadline pass: the buyer may ask for a decision) or an admin (to decide: the shop
 * responded, or the buyer asked).
 */
export const DISPUTE_WAITING_ON = ['shop', 'buyer', 'admin'] as const
export type DisputeWaitingOn = (typeof DISPUTE_WAITING_ON)[number]
