// The plans admins offer: the public comparison, and the admins' create, edit and retire. An edit
// applies to subscriptions from their next period (each keeps its terms for the one it paid); the
// free plan's perks apply at once to every shop without a subscription.
import { asc, eq, inArray, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { invalidatePages } from '../../../lib/page-invalidation'
import { newId } from '../../../lib/ids'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { setDefaultShopPerks } from '../../vendors'
import type { PlansModel } from '../model'
import { plans, subscriptions } from '../table'
import { type Conn, LIVE_STATUSES, type PlanRow, type PlansDeps, perksOf, termsOf } from './shared'

const DEFAULT_CURRENCY = 'MAD'

export function toPlan(row: PlanRow, platformCommissionBp: number): PlansModel.Plan {
  const twelve = 12 * row.monthlyPriceMinor
  return {
    id: row.id,
    name: row.name,
    isFree: row.isFree,
    currency: row.currency,
    monthlyPriceMinor: row.monthlyPriceMinor,
    yearlyPriceMinor: row.yearlyPriceMinor,
    yearlySavingPercent: twelve === 0 ? 0 : Math.max(0, Math.floor(((twelve - row.yearlyPriceMinor) * 100) / twelve)),
    maxActiveListings: row.maxActiveListings,
    boostCreditsPerMonth: row.boostCreditsPerMonth,
    featuredSlots: row.featuredSlots,
    commissionBp: row.commissionBp,
    prioritySupport: row.prioritySupport,
    badge: row.badge,
    effectiveCommissionBp: row.commissionBp ?? platformCommissionBp,
    position: row.position,
    retired: row.retiredAt !== null,
  }
}

/** The free plan first, then by position and price. */
const comparisonOrder = [sql`${plans.isFree} desc`, asc(plans.position), asc(plans.monthlyPriceMinor), asc(plans.id)]

/** The plans a shop may choose, for the comparison table: every plan but the retired ones. */
export async function listPlans(deps: Pick<PlansDeps, 'db' | 'readSettings'>): Promise<{ items: PlansModel.Plan[] }> {
  const [rows, { commissionBp }] = await Promise.all([deps.db.select().from(plans).orderBy(...comparisonOrder), deps.readSettings()])
  return { items: rows.filter((row) => row.retiredAt === null).map((row) => toPlan(row, commissionBp)) }
}

async function toAdminPlans(db: Conn, rows: PlanRow[], platformCommissionBp: number): Promise<PlansModel.AdminPlan[]> {
  const counts = await db
    .select({ planId: subscriptions.planId, n: sql<number>`count(*)::int` })
    .from(subscriptions)
    .where(inArray(subscriptions.status, [...LIVE_STATUSES]))
    .groupBy(subscriptions.planId)
  return rows.map((row) => ({
    ...toPlan(row, platformCommissionBp),
    subscribers: counts.find((count) => count.planId === row.id)?.n ?? 0,
    retiredAt: row.retiredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }))
}

export async function listPlansForAdmin(deps: Pick<PlansDeps, 'db' | 'readSettings'>): Promise<{ items: PlansModel.AdminPlan[] }> {
  const rows = await deps.db.select().from(plans).orderBy(...comparisonOrder)
  return { items: await toAdminPlans(deps.db, rows, (await deps.readSettings()).commissionBp) }
}

/** A paid plan costs something each month and each year, and a year at most twelve months. */
function checkPrices(row: Pick<PlanRow, 'isFree' | 'monthlyPriceMinor' | 'yearlyPriceMinor'>): void {
  if (row.isFree) {
    if (row.monthlyPriceMinor !== 0 || row.yearlyPriceMinor !== 0) throw new AppError('invalid_data', 'The free plan costs nothing', [{ field: 'body.monthlyPriceMinor', message: 'must be 0 for the free plan' }])
    return
  }
  if (row.monthlyPriceMinor < 1) throw new AppError('invalid_data', 'A paid plan has a monthly price', [{ field: 'body.monthlyPriceMinor', message: 'must be above 0' }])
  if (row.yearlyPriceMinor < 1) throw new AppError('invalid_data', 'A paid plan has a yearly price', [{ field: 'body.yearlyPriceMinor', message: 'must be above 0' }])
  if (row.yearlyPriceMinor > 12 * row.monthlyPriceMinor) {
    throw new AppError('invalid_data', 'A year costs at most twelve months', [{ field: 'body.yearlyPriceMinor', message: 'must be at most 12 × the monthly price' }])
  }
}

/** Cached renders of the comparison (and of every page, when the free plan's badge may show on storefronts) go. */
const comparisonChanged = (deps: Pick<PlansDeps, 'bus'>, everyPage = false) => invalidatePages(deps.bus, everyPage ? undefined : ['/plans'])

/** A plan's name as stored: trimmed, and still a name. */
function nameOf(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length < 2) throw new AppError('invalid_data', 'A plan needs a name', [{ field: 'body.name', message: 'must be at least 2 characters' }])
  return trimmed
}

const trimmed = (badge: string | null | undefined) => (badge == null ? badge : badge.trim() === '' ? null : badge.trim())

export async function createPlan(deps: Pick<PlansDeps, 'db' | 'bus' | 'clock' | 'readSettings'>, admin: { id: string }, origin: Origin, body: PlansModel.CreateBody): Promise<PlansModel.AdminPlan> {
  const now = deps.clock.now()
  const values = {
    id: newId('pln'),
    name: nameOf(body.name),
    isFree: false,
    currency: body.currency ?? DEFAULT_CURRENCY,
    monthlyPriceMinor: body.monthlyPriceMinor,
    yearlyPriceMinor: body.yearlyPriceMinor,
    maxActiveListings: body.maxActiveListings,
    boostCreditsPerMonth: body.boostCreditsPerMonth,
    featuredSlots: body.featuredSlots,
    commissionBp: body.commissionBp,
    prioritySupport: body.prioritySupport,
    badge: trimmed(body.badge) ?? null,
    position: body.position ?? 0,
    createdAt: now,
    updatedAt: now,
  }
  checkPrices(values)
  const row = await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(plans).values(values).returning()
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'settings.changed', subject: { type: 'setting', id: row!.id }, summary: { setting: 'plan', action: 'created', name: row!.name }, at: now })
    return row!
  })
  await comparisonChanged(deps)
  return (await toAdminPlans(deps.db, [row], (await deps.readSettings()).commissionBp))[0]!
}

/**
 * An admin edits a plan: its subscribers keep the terms they paid for until their next period;
 * the free plan's perks apply at once to every shop without a subscription (for the listing limit:
 * at their next listing put on sale; listings on sale stay). `retired` stops (or restarts) new
 * subscriptions; the free plan is never retired, nor priced.
 */
export async function updatePlan(deps: Pick<PlansDeps, 'db' | 'bus' | 'clock' | 'readSettings'>, admin: { id: string }, origin: Origin, id: string, body: PlansModel.UpdateBody): Promise<PlansModel.AdminPlan> {
  const now = deps.clock.now()
  const row = await deps.db.transaction(async (tx) => {
    // The plan's row first: a subscription step changing a shop's perks reads the free plan under a share lock (see applyTerms).
    const [current] = await tx.select().from(plans).where(eq(plans.id, id)).for('update')
    if (current === undefined) throw new AppError('not_found', 'No such plan')
    if (current.isFree && body.retired === true) throw new AppError('conflict', 'The free plan is every shop’s without a subscription: it cannot be retired')
    const { retired, ...fields } = body
    const patch = {
      ...fields,
      ...(fields.name === undefined ? {} : { name: nameOf(fields.name) }),
      ...(fields.badge === undefined ? {} : { badge: trimmed(fields.badge) ?? null }),
      ...(retired === undefined ? {} : { retiredAt: retired ? (current.retiredAt ?? now) : null }),
    }
    checkPrices({ ...current, ...patch })
    const [updated] = await tx
      .update(plans)
      .set({ ...patch, updatedAt: now })
      .where(eq(plans.id, id))
      .returning()
    if (current.isFree) {
      const subscribed = tx.select({ vendorId: subscriptions.vendorId }).from(subscriptions).where(inArray(subscriptions.status, [...LIVE_STATUSES]))
      await setDefaultShopPerks(tx, perksOf(termsOf(updated!, 'month')), subscribed)
    }
    const action = retired === true && current.retiredAt === null ? 'retired' : retired === false && current.retiredAt !== null ? 'offered_again' : 'edited'
    await recordAudit(tx, {
      by: actorOf(admin, origin),
      kind: 'settings.changed',
      subject: { type: 'setting', id },
      summary: { setting: 'plan', action, name: updated!.name, fields: Object.keys(fields).sort().join(',') },
      at: now,
    })
    return updated!
  })
  // Storefronts show the free plan's badge too.
  await comparisonChanged(deps, row.isFree)
  return (await toAdminPlans(deps.db, [row], (await deps.readSettings()).commissionBp))[0]!
}
