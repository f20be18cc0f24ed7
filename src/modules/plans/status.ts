// Shop plans as data: billing intervals, subscription states, and the rules of each period.

export const PLAN_INTERVALS = ['month', 'year'] as const
export type PlanInterval = (typeof PLAN_INTERVALS)[number]

/**
 * A subscription is `active` (paid for its period), `past_due` (its renewal failed: perks kept
 * through the grace period while the wallet is tried again), or `ended` (back on the free plan).
 */
export const SUBSCRIPTION_STATUSES = ['active', 'past_due', 'ended'] as const
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number]

/** Why a plan payment was made: a new subscription, an upgrade (credited pro rata), or a renewal. */
export const CHARGE_KINDS = ['subscribe', 'upgrade', 'renewal'] as const
export type ChargeKind = (typeof CHARGE_KINDS)[number]

export const PLACEMENT_STATUSES = ['pending', 'granted', 'declined'] as const
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number]

/** Days a failed renewal keeps the perks while the wallet is tried again. */
export const GRACE_DAYS = 3
/** Days before a renewal or an expiry the shop is warned. */
export const WARN_DAYS = [7, 1] as const
/** A shop in grace is warned this many days before the grace runs out (and its plan with it). */
export const GRACE_WARN_DAYS = 1
/** The most days one boost lasts. */
export const MAX_BOOST_DAYS = 30
