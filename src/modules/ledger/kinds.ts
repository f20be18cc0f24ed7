// The ledger's closed lists, browser-safe (plain constants): screens name the same kinds.

/** `available` and `held` belong to a user; the others are Souk's own. */
export const ACCOUNT_KINDS = ['available', 'held', 'platform_revenue', 'provider_clearing', 'payouts_in_transit'] as const
export type AccountKind = (typeof ACCOUNT_KINDS)[number]

/** Why money moved. */
export const TRANSFER_KINDS = ['deposit', 'payment', 'escrow_hold', 'escrow_release', 'commission', 'refund', 'withdrawal', 'subscription'] as const
export type TransferKind = (typeof TRANSFER_KINDS)[number]

export const TRANSFER_PHASES = ['posted', 'pending', 'post_pending', 'void_pending'] as const
export type TransferPhase = (typeof TRANSFER_PHASES)[number]
