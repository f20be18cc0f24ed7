// What every part of plans shares: its deps, the terms of a plan for an interval, periods, and the
// two reads other modules call (a shop's terms now, spending its boost credits).
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import { type Committed, runCommitted } from '../../../events/committed'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import type { Logger } from '../../../lib/log'
import { invalidatePages } from '../../../lib/page-invalidation'
import { formatMoney } from '../../../lib/pdf-sheet'
import { deactivateNewestOver, lockListingRoom } from '../../catalog'
import type { Mailer } from '../../mail'
import type { AfterCommit, NotifyInput } from '../../notifications'
import type { ReadSettings } from '../../settings'
import { findVendorOfUser, lockVendor, setShopPerks, type ShopPerks } from '../../vendors'
import type { PlanInterval, SubscriptionStatus } from '../status'
import { type PlanTerms, plans, subscriptions } from '../table'

export interface PlansDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** Renewal and expiry warnings also go to the shop's contact address, whatever its notification settings. */
  mailer: Mailer
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** The platform settings in force: the platform's commission (basis points) applies to plans that keep it. */
  readSettings: ReadSettings
  /** Who sells plans, as their invoices name it (PLATFORM_SELLER, one entry per line). */
  platformSeller: string[]
  /** Where links in emails point (PUBLIC_URL). */
  publicUrl: string
}

export type Conn = Db | Tx
export type PlanRow = typeof plans.$inferSelect
export type SubscriptionRow = typeof subscriptions.$inferSelect
export type { PlanTerms }

/** The free plan, made by the migration: every shop's plan without a subscription. */
export const FREE_PLAN_ID = 'pln_00000000000000000000000000000000'
/** A subscription in force: its terms are the shop's (past_due: through the grace period). */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['active', 'past_due']
export const PLAN_LINK = '/dashboard/plan'

/** The terms of `plan` billed per `interval`. */
export function termsOf(plan: PlanRow, interval: PlanInterval): PlanTerms {
  return {
    name: plan.name,
    currency: plan.currency,
    priceMinor: interval === 'year' ? plan.yearlyPriceMinor : plan.monthlyPriceMinor,
    maxActiveListings: plan.maxActiveListings,
    boostCreditsPerMonth: plan.boostCreditsPerMonth,
    featuredSlots: plan.featuredSlots,
    commissionBp: plan.commissionBp,
    prioritySupport: plan.prioritySupport,
    badge: plan.badge,
  }
}

/** Boost credits a period starts with: the month's, or twelve months' for a year. */
export const creditsOf = (terms: PlanTerms, interval: PlanInterval) => terms.boostCreditsPerMonth * (interval === 'year' ? 12 : 1)

/** `start` plus one interval, in calendar months (UTC): Jan 31 + 1 month is the last day of February. */
export function periodEndOf(start: Date, interval: PlanInterval): Date {
  const months = interval === 'year' ? 12 : 1
  const end = new Date(start)
  end.setUTCDate(1)
  end.setUTCMonth(end.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate()
  end.setUTCDate(Math.min(start.getUTCDate(), lastDay))
  return end
}

/**
 * The credit of an upgrade: the old period's price × its unused time / its length, rounded down,
 * in exact integer arithmetic (a year's price × its milliseconds passes 2^53).
 */
export function prorate(priceMinor: number, periodStart: Date, periodEnd: Date, now: Date): number {
  const length = BigInt(periodEnd.getTime() - periodStart.getTime())
  const unused = BigInt(Math.min(Math.max(periodEnd.getTime() - now.getTime(), 0), periodEnd.getTime() - periodStart.getTime()))
  if (length <= 0n) return 0
  return Number((BigInt(priceMinor) * unused) / length)
}

export async function findPlan(db: Conn, id: string): Promise<PlanRow | null> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id))
  return row ?? null
}

export async function freePlan(db: Conn): Promise<PlanRow> {
  const row = await findPlan(db, FREE_PLAN_ID)
  if (row === null) throw new Error('plans: the free plan is missing (migration 0014 makes it)')
  return row
}

/**
 * The free plan, read under a share lock held until commit. An admin's edit of the free plan sets
 * every shop without a subscription under its row's lock: a step changing a shop's perks takes
 * this first, so the edit then sees its subscription (or the step sees the edited free plan).
 */
export async function lockFreePlan(tx: Tx): Promise<PlanRow> {
  const [row] = await tx.select().from(plans).where(eq(plans.id, FREE_PLAN_ID)).for('share')
  if (row === undefined) throw new Error('plans: the free plan is missing (migration 0014 makes it)')
  return row
}

/** The perks the vendors row keeps for other modules to enforce. */
export const perksOf = (terms: PlanTerms): ShopPerks => ({ maxActiveListings: terms.maxActiveListings, commissionBp: terms.commissionBp, planBadge: terms.badge, prioritySupport: terms.prioritySupport })

/** The free plan's perks: what a new shop starts with (vendors' defaultPerks port, bound in app.ts). */
export const freePerks = async (db: Conn) => perksOf(termsOf(await freePlan(db), 'month'))

/** A shop's subscription in force (active or past due), or null: it is on the free plan. */
export async function liveSubscription(db: Conn, vendorId: string): Promise<SubscriptionRow | null> {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.vendorId, vendorId), inArray(subscriptions.status, [...LIVE_STATUSES])))
  return row ?? null
}

/**
 * The terms a shop has now: its subscription's for the current period (kept through a cancelled
 * period's end and a failed renewal's grace), or the free plan's when it has none.
 */
export async function shopTermsOf(db: Conn, vendorId: string): Promise<PlanTerms> {
  const live = await liveSubscription(db, vendorId)
  return live?.terms ?? termsOf(await freePlan(db), 'month')
}

/**
 * Takes `n` boost credits of the shop's subscription in the caller's transaction, in one
 * conditional update: false (nothing taken) when it has no subscription in force or fewer left.
 */
export async function spendBoostCredits(tx: Tx, vendorId: string, n: number): Promise<boolean> {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error('plans: spend a positive whole number of credits')
  const taken = await tx
    .update(subscriptions)
    .set({ boostCredits: sql`${subscriptions.boostCredits} - ${n}`, version: sql`${subscriptions.version} + 1` })
    .where(and(eq(subscriptions.vendorId, vendorId), inArray(subscriptions.status, [...LIVE_STATUSES]), sql`${subscriptions.boostCredits} >= ${n}`))
    .returning({ vendorId: subscriptions.vendorId })
  return taken.length > 0
}

/**
 * The shop's subscription row, locked until commit: every step of a subscription takes it first,
 * so a renewal, a change and a cancellation of one shop run one after the other. A shop that never
 * subscribed gets an `ended` row on the free plan's terms (as if it had ended), so even its first
 * subscription has a row to lock and two first subscriptions meet on it.
 */
export async function lockSubscription(tx: Tx, vendorId: string, now: Date): Promise<SubscriptionRow> {
  const [found] = await tx.select().from(subscriptions).where(eq(subscriptions.vendorId, vendorId)).for('update')
  if (found !== undefined) return found
  await tx
    .insert(subscriptions)
    .values({
      vendorId,
      planId: FREE_PLAN_ID,
      terms: termsOf(await freePlan(tx), 'month'),
      interval: 'month',
      status: 'ended',
      periodStart: now,
      periodEnd: now,
      boostCredits: 0,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.vendorId, vendorId)).for('update')
  return row!
}

/**
 * Makes `terms` the shop's in the caller's transaction: the perks other modules enforce, and
 * listings over a lower limit set to draft, newest first. Answers the titles set to draft.
 * Locks, in this order: the free plan's row, the shop's listing room (catalog's advisory lock: no
 * listing goes on sale meanwhile), the listings over the limit (by id), then the shop's row (FOR NO
 * KEY UPDATE): a checkout or a review locks products, then touches that row, in the same order.
 */
export async function applyTerms(deps: Pick<PlansDeps, 'bus'>, tx: Tx, vendorId: string, terms: PlanTerms, committed: Committed, now: Date): Promise<string[]> {
  await lockFreePlan(tx)
  await lockListingRoom(tx, vendorId)
  const over = await deactivateNewestOver(deps, tx, vendorId, terms.maxActiveListings, now)
  committed.afterCommit.push(over.announce)
  const before = await lockVendor(tx, vendorId)
  await setShopPerks(tx, vendorId, perksOf(terms))
  // The storefront shows the badge: cached renders of it go.
  if (before !== null && before.planBadge !== terms.badge) committed.afterCommit.push(() => invalidatePages(deps.bus, [`/vendors/${before.slug}`]))
  return over.titles
}

/** The caller's shop (any status: a suspended shop still sees and ends its plan); 404 without one. */
export async function myShop(db: Conn, userId: string) {
  const shop = await findVendorOfUser(db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  return shop
}

export const publish = (deps: Pick<PlansDeps, 'bus' | 'log'>, committed: Committed) => runCommitted(deps, 'plans', committed)

/** "1,250.00 MAD", from minor units, without floats. */
export const amountText = formatMoney

export const dayText = (date: Date) => date.toISOString().slice(0, 10)

/** What a shop is told of its listings set to draft by a lower limit ('' when none were). */
export const overLimitText = (titles: string[], limit: number | null) =>
  titles.length === 0 ? '' : `. Its limit is ${limit} active listings, so ${titles.length} of yours went back to draft, newest first: ${titles.map((title) => `“${title}”`).join(', ')}`

/**
 * Tells a shop's owner about its plan in the caller's transaction: a notification (one per shop,
 * the latest unread replacing the last), and with `mail` an email to the shop's contact address
 * after commit, whatever the owner's notification settings (warnings before money moves or perks
 * end are not optional).
 */
export async function tellShop(deps: Pick<PlansDeps, 'notify' | 'mailer' | 'publicUrl'>, tx: Tx, shop: { id: string; userId: string; contactEmail: string }, text: string, committed: Committed, mail = false): Promise<void> {
  const sent = await deps.notify(tx, { userId: shop.userId, type: 'system', subject: `plan:${shop.id}`, text, link: PLAN_LINK, email: false })
  if (sent !== null) committed.afterCommit.push(sent)
  if (mail) committed.afterCommit.push(async () => deps.mailer.dispatch({ to: shop.contactEmail, subject: 'Souk: your shop’s plan', text: `${text}\n\nYour plan: ${deps.publicUrl}${PLAN_LINK}\n` }))
}
