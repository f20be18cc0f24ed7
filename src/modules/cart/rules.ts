// Browser-safe (no imports): the cart page's stepper and the guest cart kept in the browser take
// their limits from here, so they say what the server checks.

/** The most of one product a cart line holds (the table's check says the same). */
export const MAX_CART_QUANTITY = 999

/** The most lines one guest cart brings to a merge. */
export const MAX_MERGE_ITEMS = 100

/**
 * Why a line cannot be bought now: the buyer's own listing, a product no longer for sale (sold,
 * withdrawn, or its shop suspended), none left, or fewer left than the line asks for.
 */
export const CART_PROBLEMS = ['own_listing', 'unavailable', 'sold_out', 'short'] as const
export type CartProblem = (typeof CART_PROBLEMS)[number]

/** Why a guest line was not merged whole: skipped (nothing added) or capped (less added than asked). */
export const MERGE_OUTCOMES = ['own_listing', 'unavailable', 'sold_out', 'capped'] as const
export type MergeOutcome = (typeof MERGE_OUTCOMES)[number]
