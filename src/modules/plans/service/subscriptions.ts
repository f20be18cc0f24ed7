// A shop's subscription, from its dashboard: subscribe (paid from the wallet now), upgrade (at
// once, the unused part of the old plan credited pro rata), downgrade or change of interval (at the
// period's end), cancel (no renewal; the perks stay until the period ends), and undo either.
// Every step locks the shop's subscription row first (lockSubscription), then, changing the
// shop's perks, the free plan's row (shared), the shop's listing room (catalog's advisory lock),
// its listings over the limit (by id), its vendors row (FOR NO KEY UPDATE); then the ledger's
// accounts (the payment), then event topics. A listing put on sale takes the listing room first,
// then the listing, and never the shop's row: the two never wait on each other in a circle.
import { eq, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { type Committed, nothing } from '../../../events/committed'
import { AppError } from '../../../lib/errors'
import { balancesOf } from '../../ledger'
import { countActiveListings } from '../../catalog'
import type { PlansModel } from '../model'
import type { PlanInterval } from '../status'
import { subscriptions } from '../table'
import { type ChargeRow, chargePlan } from './billing'
import { toInvoice } from './invoices'
import {
  applyTerms,
  creditsOf,
  findPlan,
  FREE_PLAN_ID,
  freePlan,
  LIVE_STATUSES,
  liveSubscription,
  lockFreePlan,
  lockSubscription,
  myShop,
  overLimitText,
  periodEndOf,
  type PlanRow,
  type PlansDeps,
  prorate,
  publish,
  type SubscriptionRow,
  tellShop,
  termsOf,
} from './shared'

type Shop = Awaited<ReturnType<typeof myShop>>

const INTERVAL_TEXT: Record<PlanInterval, string> = { month: 'monthly', year: 'yearly' }

/** My shop's plan: its terms now, the paid period if any, how much of it is used, and what the wallet holds. */
export async function shopPlanState(deps: Pick<PlansDeps, 'db' | 'readSettings'>, shop: Pick<Shop, 'id' | 'userId'>): Promise<PlansModel.State> {
  const { db } = deps
  const live = await liveSubscription(db, shop.id)
  const terms = live?.terms ?? termsOf(await freePlan(db), 'month')
  const [activeListings, balances, next] = await Promise.all([
    countActiveListings(db, shop.id),
    balancesOf(db, shop.userId, terms.currency),
    live?.nextPlanId == null || live.nextPlanId === FREE_PLAN_ID ? null : findPlan(db, live.nextPlanId),
  ])
  const ending = live !== null && (live.cancelAtPeriodEnd || live.nextPlanId === FREE_PLAN_ID)
  const nextInterval = live?.nextInterval ?? live?.interval ?? 'month'
  return {
    planId: live?.planId ?? FREE_PLAN_ID,
    isFree: live === null,
    terms,
    effectiveCommissionBp: terms.commissionBp ?? (await deps.readSettings()).commissionBp,
    subscription:
      live === null
        ? null
        : {
            interval: live.interval,
            status: live.status === 'past_due' ? 'past_due' : 'active',
            periodStart: live.periodStart,
            periodEnd: live.periodEnd,
            cancelAtPeriodEnd: live.cancelAtPeriodEnd,
            graceUntil: live.graceUntil,
            renewsAt: ending || live.status === 'past_due' ? null : live.periodEnd,
            endsAt: live.status === 'past_due' ? live.graceUntil : ending ? live.periodEnd : null,
            next: next === null ? null : { planId: next.id, name: next.name, interval: nextInterval, priceMinor: termsOf(next, nextInterval).priceMinor },
          },
    usage: { activeListings, boostCredits: live?.boostCredits ?? 0 },
    wallet: { currency: terms.currency, availableMinor: balances.availableMinor },
  }
}

export async function getMyPlan(deps: Pick<PlansDeps, 'db' | 'readSettings'>, userId: string): Promise<PlansModel.State> {
  return shopPlanState(deps, await myShop(deps.db, userId))
}

/** Writes `changes` to the locked row, one version further. */
export async function updateSubscription(tx: Tx, row: SubscriptionRow, changes: Partial<typeof subscriptions.$inferInsert>, now: Date): Promise<SubscriptionRow> {
  const [updated] = await tx
    .update(subscriptions)
    .set({ ...changes, version: sql`${subscriptions.version} + 1`, updatedAt: now })
    .where(eq(subscriptions.vendorId, row.vendorId))
    .returning()
  return updated!
}

/**
 * Starts a paid period of `plan` now (a subscription, or an upgrade with `creditMinor` off): the
 * shop's perks and listings first, then the payment (a short wallet rolls all of it back).
 */
async function startPeriod(deps: PlansDeps, tx: Tx, shop: Shop, row: SubscriptionRow, plan: PlanRow, interval: PlanInterval, kind: 'subscribe' | 'upgrade', creditMinor: number, committed: Committed, now: Date) {
  const terms = termsOf(plan, interval)
  const periodEnd = periodEndOf(now, interval)
  const titles = await applyTerms(deps, tx, shop.id, terms, committed, now)
  const paid = await chargePlan(tx, { vendorId: shop.id, ownerId: shop.userId, planId: plan.id, terms, interval, kind, creditMinor, periodStart: now, periodEnd, now })
  committed.events.push(...paid.events)
  await updateSubscription(
    tx,
    row,
    { planId: plan.id, terms, interval, status: 'active', periodStart: now, periodEnd, cancelAtPeriodEnd: false, nextPlanId: null, nextInterval: null, graceUntil: null, boostCredits: creditsOf(terms, interval) },
    now,
  )
  if (titles.length > 0) await tellShop(deps, tx, shop, `Your shop is on the ${plan.name} plan now${overLimitText(titles, terms.maxActiveListings)}`, committed, true)
  return paid.charge
}

type Outcome = PlansModel.Changed['outcome']

/**
 * Chooses my shop's plan (`interval` monthly by default). Without a subscription in force: a new
 * one, paid now. With one: the same plan and interval undoes a cancellation or a scheduled change;
 * a dearer plan (in the same currency, than what the shop pays: its price for the current
 * interval against the subscription's terms, whatever admins did to the current plan's price
 * since) is an upgrade, in force now, the unused part of the current period credited pro rata
 * (floor(price × unused / length)) — unless that credit is more than the new period costs (a
 * yearly plan for a monthly one), which would lose the excess: such a change, like anything else
 * (a cheaper plan, the free plan, the other interval), is scheduled for the period's end.
 */
export async function changePlan(deps: PlansDeps, userId: string, body: PlansModel.ChangeBody): Promise<PlansModel.Changed> {
  const shop = await myShop(deps.db, userId)
  if (shop.status !== 'approved') throw new AppError('forbidden', 'Your shop is not approved to sell right now')
  const interval = body.interval ?? 'month'
  const now = deps.clock.now()
  const result = await deps.db.transaction(async (tx): Promise<{ outcome: Outcome; charge: ChargeRow | null; committed: Committed }> => {
    const row = await lockSubscription(tx, shop.id, now)
    const plan = await findPlan(tx, body.planId)
    if (plan === null) throw new AppError('not_found', 'No such plan')
    const committed = nothing()
    const closed = () => new AppError('conflict', `${plan.name} takes no new subscribers`)
    if (!LIVE_STATUSES.includes(row.status)) {
      if (plan.isFree) throw new AppError('conflict', 'Your shop is on the free plan already')
      if (plan.retiredAt !== null) throw closed()
      return { outcome: 'subscribed', charge: await startPeriod(deps, tx, shop, row, plan, interval, 'subscribe', 0, committed, now), committed }
    }
    const samePlan = plan.id === row.planId
    if (samePlan && interval === row.interval) {
      if (!row.cancelAtPeriodEnd && row.nextPlanId === null) throw new AppError('conflict', `Your shop is on ${plan.name}, billed ${INTERVAL_TEXT[interval]}, already`)
      await updateSubscription(tx, row, { cancelAtPeriodEnd: false, nextPlanId: null, nextInterval: null }, now)
      return { outcome: 'resumed', charge: null, committed }
    }
    if (row.status === 'past_due') throw new AppError('conflict', 'Your last renewal is not paid yet: add money to your wallet (it is tried again every hour), or cancel your plan')
    if (!samePlan && plan.retiredAt !== null) throw closed()
    const dearer = !samePlan && !plan.isFree && plan.currency === row.terms.currency && termsOf(plan, row.interval).priceMinor > row.terms.priceMinor
    const credit = prorate(row.terms.priceMinor, row.periodStart, row.periodEnd, now)
    if (dearer && credit <= termsOf(plan, interval).priceMinor) {
      return { outcome: 'upgraded', charge: await startPeriod(deps, tx, shop, row, plan, interval, 'upgrade', credit, committed, now), committed }
    }
    await updateSubscription(tx, row, { cancelAtPeriodEnd: false, nextPlanId: plan.id, nextInterval: plan.isFree ? null : interval }, now)
    return { outcome: 'scheduled', charge: null, committed }
  })
  await publish(deps, result.committed)
  return { outcome: result.outcome, invoice: result.charge === null ? null : toInvoice(result.charge), state: await shopPlanState(deps, shop) }
}

/**
 * Ends a subscription now, in the caller's transaction (the row locked): the shop goes back to the
 * free plan — its perks, and its listings over the free limit set to draft, newest first, never
 * deleted — and is told which, by notification and email.
 */
export async function endSubscription(deps: PlansDeps, tx: Tx, shop: Shop, row: SubscriptionRow, why: string, committed: Committed, now: Date): Promise<void> {
  const free = termsOf(await lockFreePlan(tx), 'month')
  await updateSubscription(tx, row, { status: 'ended', cancelAtPeriodEnd: false, nextPlanId: null, nextInterval: null, graceUntil: null, boostCredits: 0 }, now)
  const titles = await applyTerms(deps, tx, shop.id, free, committed, now)
  await tellShop(deps, tx, shop, `${why}: your shop is on the ${free.name} plan now${overLimitText(titles, free.maxActiveListings)}`, committed, true)
}

/**
 * Cancels my shop's subscription: no renewal, the perks stay until the period ends (a scheduled
 * change is dropped). One whose renewal failed ends at once: its period is over. Cancelling twice
 * answers the same.
 */
export async function cancelPlan(deps: PlansDeps, userId: string): Promise<PlansModel.State> {
  const shop = await myShop(deps.db, userId)
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const row = await lockSubscription(tx, shop.id, now)
    const committed = nothing()
    if (!LIVE_STATUSES.includes(row.status)) throw new AppError('conflict', 'Your shop has no paid plan to cancel')
    if (row.status === 'past_due') await endSubscription(deps, tx, shop, row, `You cancelled ${row.terms.name}`, committed, now)
    else if (!row.cancelAtPeriodEnd || row.nextPlanId !== null) await updateSubscription(tx, row, { cancelAtPeriodEnd: true, nextPlanId: null, nextInterval: null }, now)
    return committed
  })
  await publish(deps, committed)
  return shopPlanState(deps, shop)
}
