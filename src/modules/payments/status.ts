// The payments module's closed lists, browser-safe (plain constants): screens show the same names.

export const PAYMENT_PURPOSES = ['order', 'deposit'] as const
export type PaymentPurpose = (typeof PAYMENT_PURPOSES)[number]

/** `sandbox`: the built-in card provider; `wallet`: the buyer's available balance. */
export const PAYMENT_PROVIDERS = ['sandbox', 'wallet'] as const
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number]

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

export const PROVIDER_EVENT_STATES = ['received', 'processed', 'waiting', 'ignored'] as const
export const REFUND_STATUSES = ['pending', 'succeeded'] as const
export const ESCROW_SOURCES = ['card', 'wallet'] as const
export type EscrowSource = (typeof ESCROW_SOURCES)[number]

export const WITHDRAWAL_STATUSES = ['requested', 'paid', 'rejected'] as const
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number]

/** How an order's escrow stands, read from the ledger (`frozen`: a dispute is open). */
export const ESCROW_STATES = ['held', 'frozen', 'released', 'refunded'] as const
export type EscrowState = (typeof ESCROW_STATES)[number]
