// The hourly schedule of plans: renews the subscriptions whose period ended from the owner's
// wallet (onto the plan chosen for the next period, at its terms of today), gives a failed renewal
// GRACE_DAYS while the wallet is tried again each hour, then falls back to the free plan; ends the
// cancelled ones and those of shops not approved to sell (never charged); and warns WARN_DAYS
// before a renewal or an end, and GRACE_WARN_DAYS before a grace runs out, once each (plan_notices).
// Each subscription is one transaction that claims its row with FOR UPDATE SKIP LOCKED under the
// condition that makes it due: two instances never renew one period twice (the ledger key and the
// unique index of plan_charges say so again), and a shop's own step holding the row is left to
// the next run.
import { and, asc, eq, gt, lte, or, type SQL } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { merge, nothing } from '../../../events/committed'
import { defineJob } from '../../../jobs/queue'
import { balancesOf } from '../../ledger'
import { findVendorById } from '../../vendors'
import { GRACE_DAYS, GRACE_WARN_DAYS, WARN_DAYS } from '../status'
import { planNotices, subscriptions } from '../table'
import { chargePlan, isInsufficientFunds } from './billing'
import { endSubscription, updateSubscription } from './subscriptions'
import { amountText, applyTerms, creditsOf, dayText, findPlan, FREE_PLAN_ID, freePlan, overLimitText, periodEndOf, type PlansDeps, publish, type SubscriptionRow, tellShop, termsOf } from './shared'

const DAY = 24 * 60 * 60_000

/** Hourly (UTC); pg-boss fires a schedule once whatever the number of instances. */
export const PLAN_RENEWAL_CRON = '29 * * * *'

/** Due now: its paid period is over, or its renewal failed and is tried again. */
const dueAt = (now: Date): SQL => or(and(eq(subscriptions.status, 'active'), lte(subscriptions.periodEnd, now)), eq(subscriptions.status, 'past_due'))!

type Outcome = 'renewed' | 'pastDue' | 'ended'

/** Ends at the period's end rather than renewing: cancelled, or moving to the free plan. */
const ending = (row: SubscriptionRow) => row.cancelAtPeriodEnd || row.nextPlanId === FREE_PLAN_ID

/** One due subscription, in its own transaction; null when another instance or step has it, or it is no longer due. */
async function renewOne(deps: PlansDeps, vendorId: string, now: Date): Promise<Outcome | null> {
  const result = await deps.db.transaction(async (tx: Tx) => {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.vendorId, vendorId), dueAt(now)))
      .for('update', { skipLocked: true })
    if (row === undefined) return null
    const shop = (await findVendorById(tx, vendorId))!
    const committed = nothing()
    const end = async (why: string) => {
      await endSubscription(deps, tx, shop, row, why, committed, now)
      return { outcome: 'ended' as const, committed }
    }
    if (ending(row)) return end(row.cancelAtPeriodEnd ? `Your ${row.terms.name} plan ended, as you cancelled it` : `Your ${row.terms.name} plan ended`)
    // A shop that may not sell (suspended, rejected) is not charged for another period: its plan ends.
    if (shop.status !== 'approved') return end(`Your ${row.terms.name} plan ended without renewing, as your shop is not approved to sell right now`)
    const plan = (await findPlan(tx, row.nextPlanId ?? row.planId))!
    const interval = row.nextInterval ?? row.interval
    const terms = termsOf(plan, interval)
    const periodStart = row.periodEnd
    const periodEnd = periodEndOf(periodStart, interval)
    try {
      // A savepoint: a short wallet undoes the new perks with it, and the row goes past due.
      const step = nothing()
      const { titles, paid } = await tx.transaction(async (sp) => {
        const titles = await applyTerms(deps, sp, vendorId, terms, step, now)
        const paid = await chargePlan(sp, { vendorId, ownerId: shop.userId, planId: plan.id, terms, interval, kind: 'renewal', creditMinor: 0, periodStart, periodEnd, now })
        return { titles, paid }
      })
      merge(committed, step).events.push(...paid.events)
      await updateSubscription(
        tx,
        row,
        { planId: plan.id, terms, interval, status: 'active', periodStart, periodEnd, nextPlanId: null, nextInterval: null, graceUntil: null, boostCredits: creditsOf(terms, interval) },
        now,
      )
      const what = plan.id === row.planId ? `Your ${plan.name} plan renewed` : `Your shop moved to the ${plan.name} plan`
      const paidText = `${amountText(paid.charge.amountMinor, terms.currency)} paid from your wallet (invoice ${paid.charge.invoiceNumber})`
      await tellShop(deps, tx, shop, `${what} until ${dayText(periodEnd)}: ${paidText}${overLimitText(titles, terms.maxActiveListings)}`, committed, titles.length > 0)
      return { outcome: 'renewed' as const, committed }
    } catch (error) {
      if (!isInsufficientFunds(error)) throw error
      if (row.status === 'past_due') {
        if (row.graceUntil !== null && row.graceUntil <= now) return end(`Your ${row.terms.name} plan ended: its renewal could not be paid`)
        return null
      }
      const graceUntil = new Date(now.getTime() + GRACE_DAYS * DAY)
      await updateSubscription(tx, row, { status: 'past_due', graceUntil }, now)
      const available = (await balancesOf(tx, shop.userId, terms.currency)).availableMinor
      await tellShop(
        deps,
        tx,
        shop,
        `Your ${plan.name} plan could not renew: it costs ${amountText(terms.priceMinor, terms.currency)} and your wallet has ${amountText(available, terms.currency)}. Add money by ${dayText(graceUntil)}, or your shop goes back to the free plan`,
        committed,
        true,
      )
      return { outcome: 'pastDue' as const, committed }
    }
  })
  if (result === null) return null
  await publish(deps, result.committed)
  return result.outcome
}

/** What a warning says, `days` before the period ends. */
async function warningOf(deps: PlansDeps, tx: Tx, row: SubscriptionRow, shop: { userId: string; status: string }): Promise<string> {
  const on = dayText(row.periodEnd)
  // A shop that may not sell is not renewed (renewOne): its warning says its plan ends.
  if (ending(row) || shop.status !== 'approved') {
    const free = await freePlan(tx)
    const limit = free.maxActiveListings === null ? '' : ` (at most ${free.maxActiveListings} active listings: the newest beyond go back to draft)`
    return `Your ${row.terms.name} plan ends on ${on}: your shop then goes back to the ${free.name} plan${limit}`
  }
  const plan = (await findPlan(tx, row.nextPlanId ?? row.planId))!
  const terms = termsOf(plan, row.nextInterval ?? row.interval)
  const available = (await balancesOf(tx, shop.userId, terms.currency)).availableMinor
  const what = plan.id === row.planId ? `Your ${plan.name} plan renews on ${on}` : `Your shop moves to the ${plan.name} plan on ${on}`
  return `${what}: ${amountText(terms.priceMinor, terms.currency)} will be paid from your wallet, which has ${amountText(available, terms.currency)}`
}

/** What the warning before a grace runs out says: the renewal it still waits for, and what the wallet has. */
async function graceWarningOf(deps: PlansDeps, tx: Tx, row: SubscriptionRow, shop: { userId: string }): Promise<string> {
  const plan = (await findPlan(tx, row.nextPlanId ?? row.planId))!
  const terms = termsOf(plan, row.nextInterval ?? row.interval)
  const available = (await balancesOf(tx, shop.userId, terms.currency)).availableMinor
  return `Your ${row.terms.name} plan ends on ${dayText(row.graceUntil!)} unless its renewal is paid: it costs ${amountText(terms.priceMinor, terms.currency)} and your wallet has ${amountText(available, terms.currency)}. Add money before then, or your shop goes back to the free plan`
}

/**
 * Sends `row`'s warning for the end at `end` once per end and lead time (the notice's primary key;
 * a second instance's insert waits for the first and does nothing). A late run sends only the
 * nearest of `leads` (days) and records the earlier ones as sent. True when it sent one.
 */
async function warnOnce(
  deps: PlansDeps,
  row: SubscriptionRow,
  end: Date,
  leads: readonly number[],
  now: Date,
  text: (tx: Tx, shop: NonNullable<Awaited<ReturnType<typeof findVendorById>>>) => Promise<string>,
): Promise<boolean> {
  const left = end.getTime() - now.getTime()
  const days = leads.filter((d) => left <= d * DAY)
  if (days.length === 0) return false
  const nearest = Math.min(...days)
  const committed = await deps.db.transaction(async (tx) => {
    const noted = await tx
      .insert(planNotices)
      .values(days.map((daysBefore) => ({ vendorId: row.vendorId, periodEnd: end, daysBefore, sentAt: now })))
      .onConflictDoNothing()
      .returning({ daysBefore: planNotices.daysBefore })
    if (!noted.some((notice) => notice.daysBefore === nearest)) return null
    const shop = (await findVendorById(tx, row.vendorId))!
    const committed = nothing()
    await tellShop(deps, tx, shop, await text(tx, shop), committed, true)
    return committed
  })
  if (committed === null) return false
  await publish(deps, committed)
  return true
}

/**
 * Warns the shops whose period ends within a warning's lead time (WARN_DAYS), and those in grace
 * whose grace runs out within GRACE_WARN_DAYS (its notice keyed by the grace's end).
 */
async function sendWarnings(deps: PlansDeps, now: Date): Promise<number> {
  const within = (days: number) => new Date(now.getTime() + days * DAY)
  const [renewing, inGrace] = await Promise.all([
    deps.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.status, 'active'), gt(subscriptions.periodEnd, now), lte(subscriptions.periodEnd, within(Math.max(...WARN_DAYS))))),
    deps.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.status, 'past_due'), gt(subscriptions.graceUntil, now), lte(subscriptions.graceUntil, within(GRACE_WARN_DAYS)))),
  ])
  let warned = 0
  for (const row of renewing) if (await warnOnce(deps, row, row.periodEnd, WARN_DAYS, now, (tx, shop) => warningOf(deps, tx, row, shop))) warned += 1
  for (const row of inGrace) if (await warnOnce(deps, row, row.graceUntil!, [GRACE_WARN_DAYS], now, (tx, shop) => graceWarningOf(deps, tx, row, shop))) warned += 1
  return warned
}

/**
 * One run of the schedule: renewals, grace and ends first (oldest first), then the warnings.
 * Every due row is visited, `batch` at a time after the last one seen (period end, then shop): rows
 * in grace whose wallet is still short stay due, and must not hide the rows behind them. Answers
 * what it did.
 */
export async function runPlanSchedule(deps: PlansDeps, { batch = 500 }: { batch?: number } = {}): Promise<Record<Outcome | 'warned', number>> {
  const now = deps.clock.now()
  const counts = { renewed: 0, pastDue: 0, ended: 0, warned: 0 }
  let after: { periodEnd: Date; vendorId: string } | null = null
  for (;;) {
    const due: { periodEnd: Date; vendorId: string }[] = await deps.db
      .select({ periodEnd: subscriptions.periodEnd, vendorId: subscriptions.vendorId })
      .from(subscriptions)
      .where(
        and(
          dueAt(now),
          after === null ? undefined : or(gt(subscriptions.periodEnd, after.periodEnd), and(eq(subscriptions.periodEnd, after.periodEnd), gt(subscriptions.vendorId, after.vendorId))),
        ),
      )
      .orderBy(asc(subscriptions.periodEnd), asc(subscriptions.vendorId))
      .limit(batch)
    for (const { vendorId } of due) {
      const outcome = await renewOne(deps, vendorId, now).catch((error: unknown) => {
        deps.log.error('plans: a renewal failed', { vendorId, error })
        return null
      })
      if (outcome !== null) counts[outcome] += 1
    }
    if (due.length < batch) break
    after = due[due.length - 1]!
  }
  counts.warned = await sendWarnings(deps, now)
  return counts
}

export const planScheduleJob = (deps: PlansDeps) => defineJob<object>('plans.renew', () => runPlanSchedule(deps), { retryLimit: 0, expireInSeconds: 10 * 60 })
