// Featured placement: a shop whose plan has featured slots applies to feature one of its listings;
// an admin grants it until a date (within the shop's slots) or declines it with a reason, and may
// feature any listing directly or end a feature early. The product's `featured_until` is set
// through catalog's placement step (its audit entry included), in the transaction that decides
// the application, and the shop's owner is told of the decision in that transaction too (plans'
// notify port, run after commit). A grant never runs past the end of the shop's paid period when its
// plan ends then or moves to one without featured slots. Boosts are in boosts.ts; both end on time
// by their dates, and a schedule drops cached pages when one ended.
import { and, asc, desc, eq } from 'drizzle-orm'
import { Elysia } from 'elysia'
import { type Db, lockName, type Tx } from '../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../db/errors'
import { type Committed, nothing } from '../../events/committed'
import type { Infrastructure } from '../../infrastructure'
import { defineJob } from '../../jobs/queue'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError, ErrorResponse } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { invalidatePages } from '../../lib/page-invalidation'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { actorOf, type Origin, originPlugin } from '../../lib/request-origin'
import { authPlugin, type CurrentUser } from '../accounts'
import { type CatalogDeps, CatalogModel, featuredCounts, featuredProducts, findProductsByIds, placementsEndedBetween, productSummariesOf, rowIsPublic, setPlacementIn } from '../catalog'
import { findVendorById, findVendorOfUser } from '../vendors'
import { boostCreditsOf, boostListing } from './boosts'
import { PlacementsModel as M } from './placements-model'
import { dayText, findPlan, FREE_PLAN_ID, freePlan, liveSubscription, type PlansDeps, publish, shopTermsOf } from './service/shared'
import { placementApplications } from './table'

type ApplicationRow = typeof placementApplications.$inferSelect

/** Catalog's deps for the listing steps, and plans' notify port (bound in app.ts) and log to tell the shop after commit. */
export type PlacementsDeps = CatalogDeps & Pick<PlansDeps, 'notify' | 'log'>

const HOUR = 60 * 60_000
const MY_APPLICATIONS = 50
const QUEUE_LIMIT = 100

const noProduct = () => new AppError('not_found', 'No such product')

/** Rows to what the shop and admins see: each with its listing's card. */
async function toApplications(db: Db, rows: ApplicationRow[], now: Date): Promise<M.Application[]> {
  const cards = await productSummariesOf(db, rows.map((row) => row.productId), now)
  return rows.map((row) => ({
    id: row.id,
    // The foreign key keeps the product; a deleted one still has its card.
    product: cards.get(row.productId)!,
    message: row.message,
    status: row.status,
    featuredUntil: row.featuredUntil,
    declineReason: row.declineReason,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
  }))
}

/** A shop's featured slots now: what its plan gives and how many of its listings are featured (`except` one being extended). */
async function slotsOf(db: Db | Tx, vendorId: string, now: Date, except?: string): Promise<{ featuredSlots: number; featuredNow: number }> {
  const [terms, counts] = await Promise.all([shopTermsOf(db, vendorId), featuredCounts(db, [vendorId], now, except)])
  return { featuredSlots: terms.featuredSlots, featuredNow: counts.get(vendorId) ?? 0 }
}

/** 409 unless the shop has a featured slot free. */
function assertSlotFree(slots: { featuredSlots: number; featuredNow: number }, who: 'your shop' | 'the shop'): void {
  if (slots.featuredNow < slots.featuredSlots) return
  const message =
    slots.featuredSlots === 0
      ? `The plan of ${who} has no featured slots; a plan with featured slots lets you apply`
      : `The plan of ${who} has ${slots.featuredSlots} featured slot${slots.featuredSlots === 1 ? '' : 's'}, and ${slots.featuredNow} of its listings ${slots.featuredNow === 1 ? 'is' : 'are'} featured now`
  throw new AppError('conflict', message, slots)
}

/**
 * A shop applies to feature one of its listings on sale: its plan must have a featured slot free
 * (409 naming its slots), and a listing has one application waiting at a time (409).
 */
export async function applyForFeature(deps: CatalogDeps, user: CurrentUser, input: M.ApplyBody): Promise<M.Application> {
  const vendor = await findVendorOfUser(deps.db, user.id)
  const [product] = await findProductsByIds(deps.db, [input.productId])
  if (vendor === null || product === undefined || product.vendorId !== vendor.id || product.deletedAt !== null) throw noProduct()
  if (product.status !== 'active' || !rowIsPublic(product, vendor.status === 'approved')) {
    throw new AppError('conflict', 'Only a listing on sale in the catalog can be featured', { status: product.status })
  }
  const now = deps.clock.now()
  assertSlotFree(await slotsOf(deps.db, vendor.id, now, product.id), 'your shop')
  const message = input.message?.trim() ?? ''
  const row: ApplicationRow = {
    id: newId('pla'),
    vendorId: vendor.id,
    productId: product.id,
    message: message === '' ? null : message,
    status: 'pending',
    featuredUntil: null,
    decidedBy: null,
    decidedAt: null,
    declineReason: null,
    createdAt: now,
  }
  try {
    await deps.db.insert(placementApplications).values(row)
  } catch (error) {
    const pg = pgErrorOf(error)
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'placement_applications_open_key') {
      throw new AppError('conflict', 'This listing already has an application waiting for an admin', { status: 'pending' })
    }
    throw error
  }
  return (await toApplications(deps.db, [row], now))[0]!
}

/** My shop's boost credits, featured slots and its last applications. */
export async function myPlacements(deps: CatalogDeps, user: CurrentUser): Promise<M.Mine> {
  const vendor = await findVendorOfUser(deps.db, user.id)
  if (vendor === null) throw new AppError('not_found', 'You have no shop')
  const now = deps.clock.now()
  const rows = await deps.db
    .select()
    .from(placementApplications)
    .where(eq(placementApplications.vendorId, vendor.id))
    .orderBy(desc(placementApplications.createdAt), desc(placementApplications.id))
    .limit(MY_APPLICATIONS)
  const [slots, boostCredits, applications] = await Promise.all([slotsOf(deps.db, vendor.id, now), boostCreditsOf(deps.db, vendor.id), toApplications(deps.db, rows, now)])
  return { ...slots, boostCredits, applications }
}

/** The admins' placement screen: applications waiting (with each shop's slots and use) and every listing featured now. */
export async function placementsForAdmins(deps: CatalogDeps): Promise<M.AdminView> {
  const now = deps.clock.now()
  const rows = await deps.db
    .select()
    .from(placementApplications)
    .where(eq(placementApplications.status, 'pending'))
    .orderBy(asc(placementApplications.createdAt), asc(placementApplications.id))
    .limit(QUEUE_LIMIT)
  const vendorIds = [...new Set(rows.map((row) => row.vendorId))]
  const [applications, featured, slots] = await Promise.all([
    toApplications(deps.db, rows, now),
    featuredProducts(deps.db, now),
    Promise.all(vendorIds.map(async (id) => [id, await slotsOf(deps.db, id, now)] as const)).then((entries) => new Map(entries)),
  ])
  return { applications: applications.map((application, i) => ({ ...application, ...slots.get(rows[i]!.vendorId)! })), featured }
}

/** Where a shop's paid period ends with no featured slot after it, said to the admin and to the shop. */
interface PlanEnd {
  at: Date
  forAdmin: string
  forShop: string
}

/**
 * The end a granted application may not run past: the shop's paid period, when its subscription is
 * set to end (cancelled, or moving to the free plan) or to move to a plan, at that plan's terms
 * today, without featured slots. Null when it renews onto featured slots, and for a renewal that
 * failed (past due): it may yet be paid, and renew as usual.
 */
async function planEndOf(tx: Tx, vendorId: string): Promise<PlanEnd | null> {
  const live = await liveSubscription(tx, vendorId)
  if (live === null || live.status !== 'active') return null
  const ends = live.cancelAtPeriodEnd || live.nextPlanId === FREE_PLAN_ID
  const next = ends ? await freePlan(tx) : live.nextPlanId === null ? null : await findPlan(tx, live.nextPlanId)
  if (next === null || next.featuredSlots > 0) return null
  const [plan, day] = [live.terms.name, dayText(live.periodEnd)]
  return ends
    ? { at: live.periodEnd, forAdmin: `the shop’s ${plan} plan is cancelled: it is paid until ${day}`, forShop: `when your ${plan} plan ends` }
    : {
        at: live.periodEnd,
        forAdmin: `the shop’s ${plan} plan is paid until ${day}, then it moves to ${next.name}, which has no featured slots`,
        forShop: `when your shop moves to the ${next.name} plan, which has no featured slots`,
      }
}

/**
 * Tells the shop's owner of an admin's decision on its application, in the decision's transaction:
 * a notification of its own per application (plans' `tellShop` groups every notice of a shop's plan
 * under one subject, the latest unread replacing the last).
 */
async function tellOwner(deps: PlacementsDeps, tx: Tx, application: ApplicationRow, text: string, link: string, committed: Committed): Promise<void> {
  const shop = await findVendorById(tx, application.vendorId)
  if (shop === null) return
  const sent = await deps.notify(tx, { userId: shop.userId, type: 'system', subject: `placement:${application.id}`, text, link })
  if (sent !== null) committed.afterCommit.push(sent)
}

/**
 * An admin features a listing until a date, or ends its feature now (null). With an application,
 * it is granted in the same transaction, within the shop's slots (grants of one shop are
 * serialised, so two at once cannot both take its last slot), and no further than the end of the
 * shop's paid period when its plan ends then or moves to one without featured slots (`capped`
 * says so; 409 when that end is past); the owner is told. Without one, any listing, any end.
 */
export async function grantFeature(deps: PlacementsDeps, admin: CurrentUser, origin: Origin, input: M.GrantBody): Promise<M.Featured> {
  const now = deps.clock.now()
  if (input.featuredUntil !== null && input.featuredUntil <= now) {
    throw new AppError('invalid_data', 'Invalid featuredUntil', [{ field: 'body.featuredUntil', message: 'must be in the future' }])
  }
  const [product] = await findProductsByIds(deps.db, [input.productId])
  if (product === undefined || product.deletedAt !== null) throw noProduct()
  const result = await deps.db.transaction(async (tx) => {
    const committed = nothing()
    let featuredUntil = input.featuredUntil
    let capped: M.Featured['capped'] = null
    let told: { application: ApplicationRow; text: string } | null = null
    if (input.applicationId !== undefined) {
      if (input.featuredUntil === null) throw new AppError('invalid_data', 'Invalid featuredUntil', [{ field: 'body.featuredUntil', message: 'a grant needs an end date' }])
      await lockName(tx, `placements:${product.vendorId}`)
      const [application] = await tx.select().from(placementApplications).where(eq(placementApplications.id, input.applicationId)).for('update')
      if (application === undefined) throw new AppError('not_found', 'No such application')
      if (application.productId !== product.id) throw new AppError('invalid_data', 'Invalid applicationId', [{ field: 'body.applicationId', message: 'is about another listing' }])
      if (application.status !== 'pending') throw new AppError('conflict', `This application was already ${application.status}`, { status: application.status })
      if (product.status !== 'active') throw new AppError('conflict', 'The listing is no longer on sale: decline the application', { status: product.status })
      assertSlotFree(await slotsOf(tx, product.vendorId, now, product.id), 'the shop')
      const end = await planEndOf(tx, product.vendorId)
      if (end !== null && end.at <= now) throw new AppError('conflict', `The shop’s paid plan period is over (${end.forAdmin}): decline the application`)
      const cut = end !== null && input.featuredUntil > end.at ? end : null
      const until = cut?.at ?? input.featuredUntil
      if (cut !== null) capped = { askedUntil: input.featuredUntil, reason: cut.forAdmin }
      featuredUntil = until
      await tx
        .update(placementApplications)
        .set({ status: 'granted', featuredUntil: until, decidedBy: admin.id, decidedAt: now })
        .where(eq(placementApplications.id, application.id))
      told = { application, text: `Your listing “${product.title}” is featured until ${dayText(until)}${cut === null ? '' : `, ${cut.forShop}`}` }
    }
    const placed = await setPlacementIn(deps, tx, admin, origin, product.slug, { featuredUntil })
    committed.afterCommit.push(placed.announce)
    // After the product's row (locked by setPlacementIn): event topics come last.
    if (told !== null) await tellOwner(deps, tx, told.application, told.text, `/dashboard/products/${product.slug}`, committed)
    return { placed, capped, committed }
  })
  await publish(deps, result.committed)
  const cards = await productSummariesOf(deps.db, [product.id], deps.clock.now())
  return { product: cards.get(product.id)!, featuredUntil: result.placed.product.featuredUntil, capped: result.capped }
}

/** An admin declines a waiting application, saying why: the shop's owner is told, with the reason (and reads it on its dashboard). */
export async function declineApplication(deps: PlacementsDeps, admin: CurrentUser, id: string, reason: string): Promise<M.Application> {
  const trimmed = reason.trim()
  if (trimmed.length < 3) throw new AppError('invalid_data', 'Invalid reason', [{ field: 'body.reason', message: 'must be at least 3 characters besides spaces' }])
  const now = deps.clock.now()
  const { row, committed } = await deps.db.transaction(async (tx) => {
    const [application] = await tx.select().from(placementApplications).where(eq(placementApplications.id, id)).for('update')
    if (application === undefined) throw new AppError('not_found', 'No such application')
    if (application.status !== 'pending') throw new AppError('conflict', `This application was already ${application.status}`, { status: application.status })
    const [declined] = await tx
      .update(placementApplications)
      .set({ status: 'declined', declineReason: trimmed, decidedBy: admin.id, decidedAt: now })
      .where(and(eq(placementApplications.id, id), eq(placementApplications.status, 'pending')))
      .returning()
    // The foreign key keeps the product, a deleted one too.
    const [product] = await findProductsByIds(tx, [application.productId])
    const committed = nothing()
    await tellOwner(deps, tx, application, `Your application to feature “${product!.title}” was declined: ${trimmed}`, '/dashboard', committed)
    return { row: declined!, committed }
  })
  await publish(deps, committed)
  return (await toApplications(deps.db, [row], now))[0]!
}

/** Every five minutes. */
export const PLACEMENT_END_CRON = '*/5 * * * *'
/** Twice the schedule's period: an end is seen even when one run is late or missed. */
const END_LOOKBACK_MS = 10 * 60_000

/**
 * Drops cached pages (rails, search, product pages) when a boost or a feature ended since the
 * schedule last looked. The `featured` and `boosted` flags are computed from the dates, so this
 * only spares a cached render its last seconds.
 */
export async function dropEndedPlacements(deps: { db: Db; bus: Bus; clock: Clock }): Promise<{ ended: boolean }> {
  const now = deps.clock.now()
  const ended = await placementsEndedBetween(deps.db, new Date(now.getTime() - END_LOOKBACK_MS), now)
  if (ended) await invalidatePages(deps.bus)
  return { ended }
}

export const endPlacementsJob = (deps: { db: Db; bus: Bus; clock: Clock }) =>
  defineJob<object>('placements.end', () => dropEndedPlacements(deps).then(() => undefined), { retryLimit: 0, expireInSeconds: 60 })

/**
 * Routes of boosts and featured placement: a shop boosts its listing and applies for a feature;
 * admins decide applications and feature listings until a date.
 */
export function placementsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'limiter'> & { deps: PlacementsDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'placements', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(originPlugin(ctx.config))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .guard({ detail: { tags: ['Placement'] } }, (app) =>
      app
        .post('/products/:slug/boost', ({ user, params, body }) => boostListing(deps, user, params.slug, body), {
          auth: 'vendor',
          params: CatalogModel.productParams,
          body: M.boostBody,
          response: { 200: M.boost, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: {
            summary: 'Boost my listing on sale for some days, one boost credit a day',
            description:
              'The listing is promoted (labelled so) in the home page’s promoted rail and leads the relevance and newest sorts of search until the boost ends; a boost of a boosted listing starts where the running one ends. 404 for a listing not of my shop; 409 when it is not on sale, or when my shop has fewer credits (`details.creditsLeft`).',
          },
        })
        .get('/me/shop/placements', ({ user }) => myPlacements(deps, user), {
          auth: 'vendor',
          response: { 200: M.mine, 404: ErrorResponse },
          detail: { summary: 'My shop’s boost credits, featured slots and applications to be featured' },
        })
        .post('/me/shop/placements', async ({ user, body, status }) => status(201, await applyForFeature(deps, user, body)), {
          auth: 'vendor',
          body: M.applyBody,
          rateLimit: { scope: 'placement-applications', limit: 30, windowMs: HOUR, per: 'user' },
          response: { 201: M.application, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Apply to feature one of my listings on sale (409 when my plan has no featured slot free, or it already waits)' },
        })
        .get('/admin/placements', () => placementsForAdmins(deps), {
          auth: 'admin',
          response: { 200: M.adminView },
          detail: { tags: ['Admin'], summary: 'Applications to be featured waiting for a decision, and every listing featured now with its end' },
        })
        .post('/admin/placements', ({ user, body, origin }) => grantFeature(deps, user, origin, body), {
          auth: 'admin',
          body: M.grantBody,
          response: { 200: M.featured, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: {
            tags: ['Admin'],
            summary: 'Feature a listing until a date, granting a shop’s application (within its plan’s slots) or directly; null ends a feature now',
            description:
              'A granted application notifies the shop’s owner. It runs no further than the end of the shop’s paid plan period when its plan is cancelled or moves to one without featured slots: `capped` then says what was asked and why (409 when that period is already over).',
          },
        })
        .post('/admin/placements/:id/decline', ({ user, params, body }) => declineApplication(deps, user, params.id, body.reason), {
          auth: 'admin',
          params: M.applicationParams,
          body: M.declineBody,
          response: { 200: M.application, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Decline an application to be featured, saying why (the shop’s owner is notified with the reason)' },
        }),
    )
}
