// Fixtures for tests of plans: plans made through the admins' route, subscriptions through the
// shop's, and the schedule run as of a given time (the app's own clock stays real: deposits go
// through the sandbox's signed webhooks).
import { expect } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { client, type TestApp, type TestUser } from '../../testing'
import { transfer } from '../ledger'
import type { PlansModel } from './model'
import type { PlanInterval } from './status'
import { planCharges, subscriptions } from './table'
import { runPlanSchedule } from './service/renewal'
import type { PlansDeps } from './service/shared'

let planCounter = 0

/** A paid plan, made by `admin` (Pro by default: 100.00 a month, 1,000.00 a year, 10 listings, 5 boosts, 2 % commission). */
export async function makePlan(t: TestApp, admin: TestUser, fields: Partial<PlansModel.CreateBody> = {}): Promise<PlansModel.AdminPlan> {
  planCounter += 1
  const created = await client(t, admin).api.v1.admin.plans.post({
    name: `Pro ${planCounter}`,
    monthlyPriceMinor: 10_000,
    yearlyPriceMinor: 100_000,
    maxActiveListings: 10,
    boostCreditsPerMonth: 5,
    featuredSlots: 1,
    commissionBp: 200,
    prioritySupport: true,
    badge: 'Pro',
    ...fields,
  })
  expect(created.status).toBe(201)
  return created.data!
}

/** POST /me/shop/subscription as the shop's owner. */
export const choosePlan = (t: TestApp, owner: TestUser, planId: string, interval: PlanInterval = 'month') => client(t, owner).api.v1.me.shop.subscription.post({ planId, interval })

/** The plans' deps of the app with a clock stopped at `at`: a step or the schedule as of then. */
export const plansAt = (t: TestApp, at: Date): PlansDeps => ({ ...t.services.plans, clock: { now: () => new Date(at) } })

/** The schedule's run as of `at`. */
export const runScheduleAt = (t: TestApp, at: Date) => runPlanSchedule(plansAt(t, at))

/** A shop's subscription row (null: it never subscribed). */
export async function subscriptionOf(t: TestApp, vendorId: string) {
  const [row] = await t.ctx.database.db.select().from(subscriptions).where(eq(subscriptions.vendorId, vendorId))
  return row ?? null
}

/** A shop's plan payments, oldest first. */
export const chargesOf = async (t: TestApp, vendorId: string) =>
  (await t.ctx.database.db.select().from(planCharges).where(eq(planCharges.vendorId, vendorId))).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))

/** Credits `amountMinor` to a user's wallet as a confirmed card deposit would (provider clearing → available), without the sandbox round trip. */
export async function fundWallet(t: TestApp, userId: string, amountMinor: number, currency = 'MAD'): Promise<void> {
  await t.ctx.database.db.transaction((tx) =>
    transfer(tx, {
      key: `test-deposit:${randomUUID()}`,
      debit: { kind: 'provider_clearing', provider: 'sandbox', currency },
      credit: { kind: 'available', ownerId: userId, currency },
      amountMinor,
      kind: 'deposit',
      ref: `test:${userId}`,
      now: new Date(),
    }),
  )
}
