import { and, asc, eq, gt, inArray, notInArray, or, type SQLWrapper, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../db/errors'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { cursorPart, decodeCursor, type Page, toPage } from '../../lib/pagination'
import type { Bus } from '../../lib/bus'
import type { Logger } from '../../lib/log'
import { appendEvent } from '../../events/log'
import { type Committed, nothing, runCommitted } from '../../events/committed'
import { invalidatePages } from '../../lib/page-invalidation'
import { announceQueuesChanged } from '../../lib/admin-queues'
import { type Origin, actorOf } from '../../lib/request-origin'
import { announceRoleChanged, setRole } from '../accounts'
import { recordAudit } from '../audit'
import type { Mailer } from '../mail'
import type { AfterCommit, NotifyInput } from '../notifications'
import type { NewVendorEvent } from './events'
import { VendorsModel } from './model'
import type { VendorStatus } from './status'
import { vendors } from './table'
import { ratingOf } from '../../lib/rating'

/** What a decision needs to tell the shop's owner (bound in app.ts: notifications' `notify`, the mailer). */
export interface ShopNoticeDeps {
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  mailer: Mailer
  /** Base of the link in the email. */
  publicUrl: string
}

export interface VendorsDeps {
  db: Db
  clock: Clock
  bus: Bus
  log: Logger
  notices: ShopNoticeDeps
  /** The perks a new shop starts with: the free plan's (bound in app.ts to the plans module; none: no limits). */
  defaultPerks?: (db: Conn) => Promise<ShopPerks>
}

/** A shop's plan perks that other modules enforce: catalog the listing limit, payments the commission; the storefront shows the badge. */
export interface ShopPerks {
  /** Null: no limit. */
  maxActiveListings: number | null
  /** Null: the platform's commission. */
  commissionBp: number | null
  planBadge: string | null
  /** Support answers the owner first: their tickets open at high priority. */
  prioritySupport: boolean
}

type Conn = Db | Tx
type VendorRow = typeof vendors.$inferSelect

const normalizeTaxNumber = (value: string) => value.replace(/[\s.-]/g, '').toUpperCase()

export function toVendor(row: VendorRow): VendorsModel.Vendor {
  const { reviewedBy: _, ...vendor } = row
  return vendor
}

function toStorefront(row: VendorRow): VendorsModel.Storefront {
  return {
    id: row.id,
    ownerId: row.userId,
    companyName: row.companyName,
    slug: row.slug,
    description: row.description,
    contactEmail: row.contactEmail,
    contactPhone: row.contactPhone,
    city: row.city,
    country: row.country,
    website: row.website,
    logoUrl: row.logoUrl,
    // Only approved shops have a storefront, and approval sets approvedAt.
    memberSince: row.approvedAt ?? row.createdAt,
    rating: ratingOf(row.ratingCount, row.ratingSum),
    badge: row.planBadge,
  }
}

/** Maps the unique constraints of `vendors` onto the field a client can fix. */
function conflictOf(error: unknown): AppError | null {
  const pg = pgErrorOf(error)
  if (pg?.code !== UNIQUE_VIOLATION) return null
  if (pg.constraint === 'vendors_slug_unique') return new AppError('conflict', 'That shop address is taken', [{ field: 'body.slug', message: 'is taken' }])
  if (pg.constraint === 'vendors_tax_number_key') {
    return new AppError('conflict', 'A shop with this tax number exists', [{ field: 'body.taxNumber', message: 'is already registered' }])
  }
  if (pg.constraint === 'vendors_user_id_unique') return new AppError('conflict', 'You have already applied')
  return null
}

/**
 * Applies to sell. A first application, or a new one after a rejection, waits for an admin as
 * `pending`; an open, approved or suspended shop cannot apply again (409).
 */
export async function applyToSell(deps: VendorsDeps, userId: string, input: VendorsModel.ApplyBody): Promise<VendorsModel.Vendor> {
  const now = deps.clock.now()
  const fields = {
    companyName: input.companyName.trim(),
    slug: input.slug,
    description: input.description.trim(),
    contactEmail: input.contactEmail.trim().toLowerCase(),
    contactPhone: input.contactPhone.trim(),
    address: input.address.trim(),
    city: input.city.trim(),
    country: input.country,
    website: input.website ?? null,
    taxNumber: normalizeTaxNumber(input.taxNumber),
    status: 'pending' as const,
    statusReason: null,
    reviewedBy: null,
    reviewedAt: null,
    updatedAt: now,
  }
  try {
    const [existing] = await deps.db.select({ id: vendors.id, status: vendors.status }).from(vendors).where(eq(vendors.userId, userId)).limit(1)
    if (existing !== undefined && existing.status !== 'rejected') {
      throw new AppError('conflict', existing.status === 'pending' ? 'Your application is waiting for review' : 'You already have a shop')
    }
    const [row] =
      existing === undefined
        ? await deps.db
            .insert(vendors)
            .values({ id: newId('ven'), userId, createdAt: now, ...fields, ...(await deps.defaultPerks?.(deps.db)) })
            .returning()
        : // Only a rejected application is resubmitted; the status guard loses a race to a second submit.
          await deps.db.update(vendors).set(fields).where(and(eq(vendors.id, existing.id), eq(vendors.status, 'rejected'))).returning()
    if (row === undefined) throw new AppError('conflict', 'Your application is waiting for review')
    await announceQueuesChanged(deps.bus, now)
    return toVendor(row)
  } catch (error) {
    throw conflictOf(error) ?? error
  }
}

/** The caller's own shop or application, or null. */
export async function findVendorOfUser(db: Conn, userId: string): Promise<VendorRow | null> {
  const [row] = await db.select().from(vendors).where(eq(vendors.userId, userId)).limit(1)
  return row ?? null
}

/** The caller's shop or application; `shop: null` when they never applied (an answer, not an error). */
export async function getMyVendor(db: Db, userId: string): Promise<VendorsModel.MyShop> {
  const row = await findVendorOfUser(db, userId)
  return { shop: row === null ? null : toVendor(row) }
}

/** A shop by its slug whatever its status, or null (filters and reports resolve slugs with it). */
export async function findVendorBySlug(db: Conn, slug: string): Promise<VendorRow | null> {
  const [row] = await db.select().from(vendors).where(eq(vendors.slug, slug)).limit(1)
  return row ?? null
}

/** Approved shops' storefront slugs with when they last changed (the sitemap). */
export async function storefrontSlugs(db: Conn, limit: number): Promise<{ slug: string; updatedAt: Date }[]> {
  return db.select({ slug: vendors.slug, updatedAt: vendors.updatedAt }).from(vendors).where(eq(vendors.status, 'approved')).orderBy(asc(vendors.slug)).limit(limit)
}

/** Adds `count` reviews summing `sum` to a shop's rating (negative to take them away), in the review's transaction. */
export async function addShopRating(tx: Tx, vendorId: string, count: number, sum: number): Promise<void> {
  await tx
    .update(vendors)
    .set({ ratingCount: sql`${vendors.ratingCount} + ${count}`, ratingSum: sql`${vendors.ratingSum} + ${sum}` })
    .where(eq(vendors.id, vendorId))
}

export async function findVendorById(db: Conn, id: string): Promise<VendorRow | null> {
  const [row] = await db.select().from(vendors).where(eq(vendors.id, id)).limit(1)
  return row ?? null
}

/**
 * A shop's row, locked until the caller's transaction ends (plans, changing its perks). FOR NO KEY
 * UPDATE: rows that point at the shop (orders, invoice counters) still take their foreign keys'
 * KEY SHARE on it meanwhile, so a checkout never waits on it.
 */
export async function lockVendor(tx: Conn, id: string): Promise<VendorRow | null> {
  const [row] = await tx.select().from(vendors).where(eq(vendors.id, id)).for('no key update')
  return row ?? null
}

/** Sets a shop's plan perks in the caller's transaction (the plans module, whenever the shop's plan changes). */
export async function setShopPerks(tx: Tx, id: string, perks: ShopPerks): Promise<void> {
  await tx.update(vendors).set(perks).where(eq(vendors.id, id))
}

/**
 * Sets the perks of every shop but those `except` selects (a query of vendor ids: the free plan's
 * perks, edited by an admin, for the shops without a subscription) — one statement, however many.
 */
export async function setDefaultShopPerks(tx: Tx, perks: ShopPerks, except: SQLWrapper): Promise<void> {
  await tx.update(vendors).set(perks).where(notInArray(vendors.id, except))
}

/** A public storefront: approved shops only; anything else is 404 as if it did not exist. */
export async function getStorefront(db: Db, slug: string): Promise<VendorsModel.Storefront> {
  const row = await findVendorBySlug(db, slug)
  if (row === null || row.status !== 'approved') throw new AppError('not_found', 'No such shop')
  return toStorefront(row)
}

/** Approved shops, A to Z. */
export async function listStorefronts(db: Db, page: { cursor?: string; limit: number }): Promise<Page<VendorsModel.Storefront>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, [cursorPart.text(VendorsModel.applyBody.properties.companyName.maxLength!), cursorPart.id('ven')])
  const rows = await db
    .select()
    .from(vendors)
    .where(
      and(
        eq(vendors.status, 'approved'),
        after === null
          ? undefined
          : or(gt(vendors.companyName, after[0]), and(eq(vendors.companyName, after[0]), gt(vendors.id, after[1]))),
      ),
    )
    .orderBy(asc(vendors.companyName), asc(vendors.id))
    .limit(page.limit + 1)
  return toPage(rows, page.limit, (r) => [r.companyName, r.id], toStorefront)
}

/** The admin queue: oldest first, optionally one status (pending applications, suspended shops). */
export async function listVendorsForAdmin(db: Db, query: { status?: VendorStatus; cursor?: string; limit: number }): Promise<Page<VendorsModel.Vendor>> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('ven')])
  const rows = await db
    .select()
    .from(vendors)
    .where(
      and(
        query.status === undefined ? undefined : eq(vendors.status, query.status),
        after === null
          ? undefined
          : or(gt(vendors.createdAt, after[0]), and(eq(vendors.createdAt, after[0]), gt(vendors.id, after[1]))),
      ),
    )
    .orderBy(asc(vendors.createdAt), asc(vendors.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id], toVendor)
}

/** The columns of a public shop card (VendorsModel.Summary), for a query that joins `vendors` to select. */
export const vendorSummaryColumns = { id: vendors.id, slug: vendors.slug, companyName: vendors.companyName, logoUrl: vendors.logoUrl, city: vendors.city, country: vendors.country }

/** Public shop cards by id, for products and reports that name their shop. */
export async function vendorSummaries(db: Conn, ids: string[]): Promise<Map<string, VendorsModel.Summary>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select(vendorSummaryColumns)
    .from(vendors)
    .where(inArray(vendors.id, [...new Set(ids)]))
  return new Map(rows.map((r) => [r.id, r]))
}

/**
 * The ids of shops that may sell now, as a subquery, so the catalog filters on it in the same
 * statement (`inArray(products.vendorId, sellingVendorIds(db))`) without reading this table.
 */
export function sellingVendorIds(db: Conn) {
  return db.select({ id: vendors.id }).from(vendors).where(eq(vendors.status, 'approved'))
}

export type VendorDecision = 'approve' | 'reject' | 'suspend' | 'reinstate'

/** Which status each decision starts from and leads to, the audit log's name for it, and what the owner is told. */
const DECISIONS = {
  approve: { from: 'pending', to: 'approved', audit: 'shop.approved', mail: 'your shop is approved', told: (name: string) => `${name} is approved: you can list products now.` },
  reject: { from: 'pending', to: 'rejected', audit: 'shop.rejected', mail: 'your shop application was not accepted', told: (name: string) => `Your application for ${name} was not accepted` },
  suspend: { from: 'approved', to: 'suspended', audit: 'shop.suspended', mail: 'your shop is suspended', told: (name: string) => `${name} is suspended` },
  reinstate: { from: 'suspended', to: 'approved', audit: 'shop.reinstated', mail: 'your shop is open again', told: (name: string) => `${name} is open again: you can sell.` },
} as const satisfies Record<VendorDecision, { from: VendorStatus; to: VendorStatus; audit: string; mail: string; told: (name: string) => string }>

/** Where the owner follows their shop's status: /sell says where it stands, with the reason. */
const SHOP_LINK = '/sell'

/**
 * Applies an admin's decision inside the caller's transaction. The status moves only from the
 * state the decision expects, so two admins acting at once cannot both win (409 for the other).
 * Approval makes a buyer a vendor in the same transaction (an admin keeps their role). The decision
 * (and the role it gave) goes into the audit log as the admin's, from `origin`. The owner is told
 * in the same transaction: a notification (by their in-app choice for system notices; one per shop
 * while unread) and `shop.updated` on their topic, so open pages read the shop again; and an email to the
 * shop's contact address, queued in the transaction, whatever their choices (the application
 * promised it). Answers the shop and what to run after commit; the caller also drops cached pages
 * (storefronts and product pages change with the status).
 */
export async function applyVendorDecision(
  deps: ShopNoticeDeps,
  tx: Tx,
  at: { adminId: string; now: Date; origin: Origin },
  vendorId: string,
  decision: VendorDecision,
  reason: string | null,
): Promise<{ shop: VendorRow; committed: Committed }> {
  const { from, to, audit, mail, told } = DECISIONS[decision]
  const [updated] = await tx
    .update(vendors)
    .set({
      status: to,
      statusReason: reason,
      reviewedBy: at.adminId,
      reviewedAt: at.now,
      updatedAt: at.now,
      ...(decision === 'approve' ? { approvedAt: at.now } : {}),
    })
    .where(and(eq(vendors.id, vendorId), eq(vendors.status, from)))
    .returning()
  if (updated === undefined) {
    const current = await findVendorById(tx, vendorId)
    if (current === null) throw new AppError('not_found', 'No such shop')
    throw new AppError('conflict', `Cannot ${decision} a shop that is ${current.status}`, { status: current.status })
  }
  const by = actorOf({ id: at.adminId }, at.origin)
  await recordAudit(tx, { by, kind: audit, subject: { type: 'shop', id: vendorId }, summary: { from, to, reason, ownerId: updated.userId }, at: at.now })
  if (decision === 'approve' && (await setRole(tx, updated.userId, 'vendor', ['buyer'], at.now))) {
    await recordAudit(tx, { by, kind: 'account.role_changed', subject: { type: 'user', id: updated.userId }, summary: { from: 'buyer', to: 'vendor', shopId: vendorId }, at: at.now })
  }
  const committed = nothing()
  const text = `${told(updated.companyName)}${reason === null ? '' : `: ${reason}`}`
  committed.events.push(await appendEvent<NewVendorEvent>(tx, at.now, { topic: `user:${updated.userId}`, kind: 'shop.updated', data: { shopId: updated.id, status: to } }))
  const notified = await deps.notify(tx, { userId: updated.userId, type: 'system', subject: `shop:${updated.id}`, text, link: SHOP_LINK, email: false })
  if (notified !== null) committed.afterCommit.push(notified)
  await deps.mailer.sendIn(tx, { to: updated.contactEmail, subject: `Souk: ${mail}`, text: `${text}\n\nYour shop on Souk: ${deps.publicUrl}${SHOP_LINK}\n` })
  return { shop: updated, committed }
}

/** An admin approves, rejects (with a reason), suspends (with a reason) or reinstates a shop. */
export async function decideVendor(
  deps: VendorsDeps,
  adminId: string,
  origin: Origin,
  vendorId: string,
  decision: VendorDecision,
  reason: string | null = null,
): Promise<VendorsModel.Vendor> {
  const now = deps.clock.now()
  const { shop: row, committed } = await deps.db.transaction((tx) => applyVendorDecision(deps.notices, tx, { adminId, now, origin }, vendorId, decision, reason))
  await runCommitted(deps, 'vendors', committed)
  // The owner is a vendor now: their open sockets learn it (topics are re-checked for the new role).
  if (decision === 'approve') await announceRoleChanged(deps.bus, row.userId)
  await invalidatePages(deps.bus)
  if (decision === 'approve' || decision === 'reject') await announceQueuesChanged(deps.bus, now)
  return toVendor(row)
}
