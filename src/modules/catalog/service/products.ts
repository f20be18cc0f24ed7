import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { lockName, type Tx } from '../../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { cursorPart, decodeCursor, type Page, toPage } from '../../../lib/pagination'
import { actorOf, type Origin } from '../../../lib/request-origin'
import type { CurrentUser } from '../../accounts'
import { recordAudit } from '../../audit'
import type { Bus } from '../../../lib/bus'
import { findVendorById, findVendorOfUser } from '../../vendors'
import type { CatalogModel } from '../model'
import { favorites, type ProductStatus, products } from '../table'
import { reviewOnChange, reviewOnCreate } from './approval'
import { validateAttributes } from './categories'
import { imagesOf } from './images'
import { videosOf } from './videos'
import {
  accessProduct,
  announceProductChange,
  type CatalogDeps,
  type Conn,
  countShares,
  editableProduct,
  isActiveUntil,
  type ProductAccess,
  type ProductRow,
  productColumns,
  rowIsPublic,
  toSummaries,
} from './shared'

/** A readable, URL-safe base for a slug: "Tapis Béni Ouarain, 2×3 m" -> "tapis-beni-ouarain-2-3-m". */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return base === '' ? 'product' : base
}

function conflictOf(error: unknown): AppError | null {
  const pg = pgErrorOf(error)
  if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'products_vendor_sku_key') {
    return new AppError('conflict', 'Another of your products has this SKU', [{ field: 'body.sku', message: 'is already used in your shop' }])
  }
  return null
}

/** The detail view of a product for `viewer`. */
async function toProduct(
  deps: CatalogDeps,
  row: ProductRow,
  viewer: CurrentUser | null,
  { canEdit, vendorUserId }: Pick<ProductAccess, 'canEdit' | 'vendorUserId'>,
): Promise<CatalogModel.Product> {
  const now = deps.clock.now()
  const [[summary], sharesCount, images, videos, favorited] = await Promise.all([
    toSummaries(deps.db, [row], now),
    countShares(deps.db, row.id),
    imagesOf(deps.db, row.id),
    videosOf(deps.db, row.id),
    viewer === null
      ? false
      : deps.db
          .select({ userId: favorites.userId })
          .from(favorites)
          .where(and(eq(favorites.userId, viewer.id), eq(favorites.productId, row.id)))
          .then((rows) => rows.length > 0),
  ])
  return {
    ...summary!,
    description: row.description,
    sku: row.sku,
    attributes: row.attributes,
    sharesCount,
    images,
    videos,
    featuredUntil: row.featuredUntil,
    boostedUntil: row.boostedUntil,
    unpublished: row.unpublishedAt !== null,
    version: row.version,
    updatedAt: row.updatedAt,
    favorited,
    canEdit,
    vendorUserId,
  }
}

/**
 * A vendor lists a product in their own shop (which must be approved). The slug comes from the
 * title once and never changes; when it is taken, a short suffix from the new id keeps it unique.
 */
export async function createProduct(deps: CatalogDeps, user: CurrentUser, input: CatalogModel.CreateProductBody): Promise<CatalogModel.Product> {
  const vendor = await findVendorOfUser(deps.db, user.id)
  if (vendor === null || vendor.status !== 'approved') throw new AppError('forbidden', 'Your shop is not approved to sell right now')
  const attributes = await validateAttributes(deps.db, input.categoryId, input.attributes ?? {})
  const now = deps.clock.now()
  const id = newId('prd')
  const values = {
    id,
    ...(await reviewOnCreate(deps.db, vendor.id, input.priceMinor, now)),
    vendorId: vendor.id,
    categoryId: input.categoryId,
    title: input.title.trim(),
    description: input.description.trim(),
    priceMinor: input.priceMinor,
    currency: input.currency,
    stock: input.stock,
    sku: input.sku ?? null,
    condition: input.condition,
    location: input.location.trim(),
    attributes,
    status: input.status ?? 'draft',
    createdAt: now,
    updatedAt: now,
  }
  const base = slugify(values.title)
  let row: ProductRow | undefined
  for (const slug of [base, `${base}-${id.slice(-6)}`]) {
    try {
      // Each try in its own transaction: a taken slug aborts it, and the listing limit is counted again.
      row = await deps.db.transaction(async (tx) => {
        if (values.status === 'active') await assertListingRoom(tx, vendor.id)
        return (await tx.insert(products).values({ ...values, slug }).returning(productColumns))[0]
      })
      break
    } catch (error) {
      const pg = pgErrorOf(error)
      if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'products_slug_unique') continue
      throw conflictOf(error) ?? error
    }
  }
  if (row === undefined) throw new AppError('conflict', 'Could not find a free address for this product; change its title a little')
  await announceProductChange(deps.bus, null, row, false, row.status === 'active', now)
  return toProduct(deps, row, user, { canEdit: true, vendorUserId: user.id })
}

export async function getProduct(deps: CatalogDeps, slug: string, viewer: CurrentUser | null): Promise<CatalogModel.Product> {
  const access = await accessProduct(deps.db, slug, viewer)
  return toProduct(deps, access.product, viewer, access)
}

/** What a change to a product is, as the audit log names a staff member's change to someone else's listing. */
type ProductChange = 'edit' | 'status' | 'delete' | 'placement'

/**
 * Changes a product (its vendor or an admin). The row is locked for the change, and the version
 * grows in the same statement; live clients hear of price, stock and status changes after commit.
 * An admin changing another shop's listing (and any placement) is a `listing.moderated` entry of
 * the audit log, in the same transaction.
 */
async function changeProduct(
  deps: CatalogDeps,
  user: CurrentUser,
  origin: Origin,
  slug: string,
  change: ProductChange,
  decide: Decide,
  publishing = false,
): Promise<CatalogModel.Product> {
  const now = deps.clock.now()
  const changed = await deps.db
    .transaction(async (tx) => {
      // Putting a listing on sale: the shop's listing room before the listing's row (see lockListingRoom).
      if (publishing) await lockListingRoomOf(tx, slug)
      return changeProductIn(tx, user, origin, slug, change, decide, now)
    })
    .catch((error: unknown) => {
      throw conflictOf(error) ?? error
    })
  await announceChanged(deps, changed, now)
  return toProduct(deps, changed.after, user, changed.access)
}

type Decide = (row: ProductRow, tx: Conn) => Promise<Partial<typeof products.$inferInsert>> | Partial<typeof products.$inferInsert>
interface ProductChanged {
  before: ProductRow
  after: ProductRow
  access: ProductAccess
}

/** changeProduct's writes, in the caller's transaction. */
async function changeProductIn(tx: Tx, user: CurrentUser, origin: Origin, slug: string, change: ProductChange, decide: Decide, now: Date): Promise<ProductChanged> {
  const access = await editableProduct(tx, slug, user, { forUpdate: true })
  const patch = await decide(access.product, tx)
  const [updated] = await tx
    .update(products)
    .set({ ...patch, version: sql`${products.version} + 1`, updatedAt: now })
    .where(eq(products.id, access.product.id))
    .returning(productColumns)
  if (!access.isOwner || change === 'placement') {
    const summary = { action: change, fields: Object.keys(patch).sort().join(','), statusFrom: access.product.status, statusTo: updated!.status, vendorId: access.product.vendorId }
    await recordAudit(tx, { by: actorOf(user, origin), kind: 'listing.moderated', subject: { type: 'product', id: access.product.id }, summary, at: now })
  }
  return { before: access.product, after: updated!, access }
}

/** After a product change committed: live clients and cached pages hear of it. */
const announceChanged = (deps: CatalogDeps, { before, after, access }: ProductChanged, now: Date) =>
  announceProductChange(deps.bus, before, after, access.isPublic, rowIsPublic(after, access.vendorApproved), now)

function assertPublishable(row: ProductRow): void {
  if (row.unpublishedAt !== null) throw new AppError('forbidden', 'A moderator unpublished this product; it cannot be published again')
}

const activeListings = (vendorId: string) => and(eq(products.vendorId, vendorId), eq(products.status, 'active'), isNull(products.deletedAt))

/** How many listings a shop has on sale (status active), which its plan's limit counts. */
export async function countActiveListings(db: Conn, vendorId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(products).where(activeListings(vendorId))
  return row?.n ?? 0
}

/**
 * Serialises, per shop, putting listings on sale with changes of its plan (a transaction-scoped
 * advisory lock, held until commit; again in one transaction is a no-op). Taken before any product
 * or vendor row: by every path that puts a listing on sale, and by the plans module's steps before
 * they set the shop's perks and draft its listings over a lower limit.
 */
export const lockListingRoom = (tx: Conn, vendorId: string) => lockName(tx, `listing-room:${vendorId}`)

/** lockListingRoom for the shop of the listing `slug` (read without a lock: a listing never changes shop); nothing when there is none. */
async function lockListingRoomOf(tx: Conn, slug: string): Promise<void> {
  const [row] = await tx.select({ vendorId: products.vendorId }).from(products).where(and(eq(products.slug, slug), isNull(products.deletedAt))).limit(1)
  if (row !== undefined) await lockListingRoom(tx, row.vendorId)
}

/**
 * Refuses a listing going on sale beyond the shop's plan limit (`vendors.max_active_listings`,
 * kept by the plans module), in the caller's transaction. It holds the shop's listing room until
 * commit, so listings going on sale at once are counted one after the other, and a change of plan
 * waits for them (or they for it).
 */
async function assertListingRoom(tx: Conn, vendorId: string): Promise<void> {
  await lockListingRoom(tx, vendorId)
  const limit = (await findVendorById(tx, vendorId))?.maxActiveListings ?? null
  if (limit === null) return
  const active = await countActiveListings(tx, vendorId)
  if (active >= limit) {
    const listings = `${limit} active listing${limit === 1 ? '' : 's'}`
    throw new AppError('conflict', `Your plan allows ${listings} and your shop has ${active} on sale: upgrade your plan (Dashboard → Plan) or take a listing off sale first`, { reason: 'listing_limit' })
  }
}

/** Checks the plan's listing limit when a change puts a listing on sale. */
async function assertRoomFor(tx: Conn, row: ProductRow, to: ProductStatus | undefined): Promise<void> {
  if (to === 'active' && row.status !== 'active') await assertListingRoom(tx, row.vendorId)
}

/**
 * Sets a shop's listings on sale beyond `limit` to draft, newest first, in the caller's
 * transaction (the plans module, when the shop's plan limit falls; it holds the shop's listing
 * room, so none goes on sale meanwhile). Which are over is read without locks; only those are
 * locked, in id order as checkout locks products, and before the caller writes the shop's row (a
 * review locks its product, then that row). Never deletes. Answers their titles, and the
 * announcement to make after commit.
 */
export async function deactivateNewestOver(deps: { bus: Bus }, tx: Tx, vendorId: string, limit: number | null, now: Date): Promise<{ titles: string[]; announce: () => Promise<void> }> {
  const active = limit === null ? [] : await tx.select({ id: products.id }).from(products).where(activeListings(vendorId)).orderBy(desc(products.createdAt), desc(products.id))
  const overIds = active.slice(0, Math.max(active.length - (limit ?? 0), 0)).map((row) => row.id)
  // Still on sale once locked (one may have sold meanwhile), newest first again.
  const locked = overIds.length === 0 ? [] : await tx.select(productColumns).from(products).where(and(inArray(products.id, overIds), activeListings(vendorId))).orderBy(asc(products.id)).for('update')
  const over = overIds.flatMap((id) => locked.filter((row) => row.id === id))
  if (over.length === 0) return { titles: [], announce: async () => {} }
  const after = await tx
    .update(products)
    .set({ status: 'draft', version: sql`${products.version} + 1`, updatedAt: now })
    .where(inArray(products.id, over.map((row) => row.id)))
    .returning(productColumns)
  const approved = (await findVendorById(tx, vendorId))?.status === 'approved'
  return {
    titles: over.map((row) => row.title),
    announce: async () => {
      for (const row of after) {
        const before = over.find((old) => old.id === row.id)!
        await announceProductChange(deps.bus, before, row, rowIsPublic(before, approved), false, now)
      }
    },
  }
}

export function updateProduct(deps: CatalogDeps, user: CurrentUser, origin: Origin, slug: string, input: CatalogModel.UpdateProductBody): Promise<CatalogModel.Product> {
  return changeProduct(deps, user, origin, slug, 'edit', async (row, tx) => {
    if (input.status === 'active') assertPublishable(row)
    await assertRoomFor(tx, row, input.status)
    const categoryId = input.categoryId ?? row.categoryId
    const attributes =
      input.attributes !== undefined || input.categoryId !== undefined
        ? // Inside the transaction: on PGlite's single connection, a read outside it would wait for it forever.
          await validateAttributes(tx, categoryId!, input.attributes ?? row.attributes)
        : undefined
    const patch = {
      ...(input.title === undefined ? {} : { title: input.title.trim() }),
      ...(input.description === undefined ? {} : { description: input.description.trim() }),
      ...(input.priceMinor === undefined ? {} : { priceMinor: input.priceMinor }),
      ...(input.currency === undefined ? {} : { currency: input.currency }),
      ...(input.stock === undefined ? {} : { stock: input.stock }),
      ...(input.sku === undefined ? {} : { sku: input.sku }),
      ...(input.condition === undefined ? {} : { condition: input.condition }),
      ...(input.location === undefined ? {} : { location: input.location.trim() }),
      ...(input.categoryId === undefined ? {} : { categoryId: input.categoryId }),
      ...(attributes === undefined ? {} : { attributes }),
      ...(input.status === undefined ? {} : { status: input.status }),
    }
    // A material change by its shop may send it back to review (an admin's edit does not).
    const review = user.role === 'admin' ? {} : await reviewOnChange(tx, row, patch, deps.clock.now())
    return { ...patch, ...review }
  }, input.status === 'active')
}

/** Moves a product between statuses: only from the states listed (409 otherwise). */
function transition(deps: CatalogDeps, user: CurrentUser, origin: Origin, slug: string, from: ProductStatus[], to: ProductStatus): Promise<CatalogModel.Product> {
  return changeProduct(deps, user, origin, slug, 'status', async (row, tx) => {
    if (!from.includes(row.status)) throw new AppError('conflict', `A product that is ${row.status} cannot become ${to}`, { status: row.status })
    if (to === 'active') assertPublishable(row)
    await assertRoomFor(tx, row, to)
    return { status: to }
  }, to === 'active')
}

export const markSold = (deps: CatalogDeps, user: CurrentUser, origin: Origin, slug: string) => transition(deps, user, origin, slug, ['active'], 'sold')
export const reactivate = (deps: CatalogDeps, user: CurrentUser, origin: Origin, slug: string) => transition(deps, user, origin, slug, ['sold', 'archived'], 'active')

/** Soft delete: the product leaves every list and page (status archived); its slug stays taken. */
export async function deleteProduct(deps: CatalogDeps, user: CurrentUser, origin: Origin, slug: string): Promise<void> {
  await changeProduct(deps, user, origin, slug, 'delete', () => ({ status: 'archived', deletedAt: deps.clock.now() }))
}

/** A boost set on a listing not boosted `now` starts now (boostedSince); one set on a running boost keeps its start. */
const placementPatch = (input: CatalogModel.PlacementBody, now: Date) => (row: ProductRow) => ({
  ...(input.featuredUntil === undefined ? {} : { featuredUntil: input.featuredUntil }),
  ...(input.boostedUntil === undefined ? {} : { boostedUntil: input.boostedUntil }),
  ...(input.boostedUntil != null && input.boostedUntil > now && !isActiveUntil(row.boostedUntil, now) ? { boostedSince: now } : {}),
})

/** An admin features or boosts a product until a time (null ends it). */
export function setPlacement(deps: CatalogDeps, admin: CurrentUser, origin: Origin, slug: string, input: CatalogModel.PlacementBody): Promise<CatalogModel.Product> {
  return changeProduct(deps, admin, origin, slug, 'placement', placementPatch(input, deps.clock.now()))
}

/**
 * setPlacement in the caller's transaction (plans grants a feature and decides the shop's
 * application at once): the same rules and audit entry. Run `announce` once it committed.
 */
export async function setPlacementIn(
  deps: CatalogDeps,
  tx: Tx,
  admin: CurrentUser,
  origin: Origin,
  slug: string,
  input: CatalogModel.PlacementBody,
): Promise<{ product: ProductRow; announce: () => Promise<void> }> {
  const now = deps.clock.now()
  const changed = await changeProductIn(tx, admin, origin, slug, 'placement', placementPatch(input, now), now)
  return { product: changed.after, announce: () => announceChanged(deps, changed, now) }
}

/** The vendor's own products in every state (not deleted), newest first: the dashboard list. */
export async function listMyProducts(
  deps: CatalogDeps,
  user: CurrentUser,
  query: { status?: ProductStatus; cursor?: string; limit: number },
): Promise<Page<CatalogModel.ProductSummary>> {
  const vendor = await findVendorOfUser(deps.db, user.id)
  if (vendor === null) return { items: [], nextCursor: null }
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('prd')])
  const rows = await deps.db
    .select(productColumns)
    .from(products)
    .where(
      and(
        eq(products.vendorId, vendor.id),
        isNull(products.deletedAt),
        query.status === undefined ? undefined : eq(products.status, query.status),
        after === null
          ? undefined
          : or(lt(products.createdAt, after[0]), and(eq(products.createdAt, after[0]), lt(products.id, after[1]))),
      ),
    )
    .orderBy(desc(products.createdAt), desc(products.id))
    .limit(query.limit + 1)
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id])
  return { items: await toSummaries(deps.db, page.items, deps.clock.now()), nextCursor: page.nextCursor }
}
