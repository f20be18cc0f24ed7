// Returns' closed lists and state machine, browser-safe (plain constants): screens show the same
// names and offer only the steps the server allows.

export const RETURN_REASONS = ['defective', 'wrong_item', 'not_as_described', 'changed_mind', 'other'] as const
export type ReturnReason = (typeof RETURN_REASONS)[number]

/** Reasons that are the shop's fault: the delivery fee comes back with the last items, whatever the shop's policy. */
export const SHOP_FAULT_REASONS: readonly ReturnReason[] = ['defective', 'wrong_item', 'not_as_described']

/**
 * `requested` → `approved` (with return instructions) | `rejected` (with a reason; the buyer may
 * escalate it to a dispute); `approved` → `sent` (the buyer sent it back) → `received` (the shop
 * has it: refunded and restocked in the same step). The buyer may cancel before sending.
 */
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'sent', 'received', 'cancelled'] as const
export type ReturnStatus = (typeof RETURN_STATUSES)[number]

/** A return in one of these holds the order's payment (and its items): one at a time per order. */
export const OPEN_RETURN_STATUSES: readonly ReturnStatus[] = ['requested', 'approved', 'sent']

/** Who takes each step, from where. */
export const RETURN_STEPS = {
  approve: { from: ['requested'], to: 'approved', by: 'shop' },
  reject: { from: ['requested'], to: 'rejected', by: 'shop' },
  cancel: { from: ['requested', 'approved'], to: 'cancelled', by: 'buyer' },
  sent: { from: ['approved'], to: 'sent', by: 'buyer' },
  received: { from: ['sent'], to: 'received', by: 'shop' },
} as const satisfies Record<string, { from: readonly ReturnStatus[]; to: ReturnStatus; by: 'buyer' | 'shop' }>
export type ReturnStep = keyof typeof RETURN_STEPS

/** What the caller may do with a return now (the server's answer; screens show exactly these). */
export const RETURN_ACTIONS = ['approve', 'reject', 'cancel', 'mark_sent', 'confirm_received', 'add_photo', 'escalate'] as const
export type ReturnAction = (typeof RETURN_ACTIONS)[number]

/** At most this many photos per return. */
export const RETURN_PHOTO_LIMIT = 5
