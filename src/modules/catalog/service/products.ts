import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { cursorPart, decodeCursor, type Page, toPage } from '../../../lib/pagination'
import type { CurrentUser } from '../../accounts'
import { findVendorOfUser } from '../../vendors'
import type { CatalogModel } from '../model'
import { favorites, type ProductStatus, products } from '../table'
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
      ;[row] = await deps.db
        .insert(products)
        .values({ ...values, slug })
        .returning(productColumns)
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

/**
 * Changes a product (its vendor or an admin). The row is locked for the change, and the version
 * grows in the same statement; live clients hear of price, stock and status changes after commit.
 */
async function changeProduct(
  deps: CatalogDeps,
  user: CurrentUser,
  slug: string,
  decide: (row: ProductRow, tx: Conn) => Promise<Partial<typeof products.$inferInsert>> | Partial<typeof products.$inferInsert>,
): Promise<CatalogModel.Product> {
  const now = deps.clock.now()
  const { before, after, access } = await deps.db
    .transaction(async (tx) => {
      const access = await editableProduct(tx, slug, user, { forUpdate: true })
      const patch = await decide(access.product, tx)
      const [updated] = await tx
        .update(products)
        .set({ ...patch, version: sql`${products.version} + 1`, updatedAt: now })
        .where(eq(products.id, access.product.id))
        .returning(productColumns)
      return { before: access.product, after: updated!, access }
    })
    .catch((error: unknown) => {
      throw conflictOf(error) ?? error
    })
  await announceProductChange(deps.bus, before, after, access.isPublic, rowIsPublic(after, access.vendorApproved), now)
  return toProduct(deps, after, user, access)
}

function assertPublishable(row: ProductRow): void {
  if (row.unpublishedAt !== null) throw new AppError('forbidden', 'A moderator unpublished this product; it cannot be published again')
}

export function updateProduct(deps: CatalogDeps, user: CurrentUser, slug: string, input: CatalogModel.UpdateProductBody): Promise<CatalogModel.Product> {
  return changeProduct(deps, user, slug, async (row, tx) => {
    if (input.status === 'active') assertPublishable(row)
    const categoryId = input.categoryId ?? row.categoryId
    const attributes =
      input.attributes !== undefined || input.categoryId !== undefined
        ? // Inside the transaction: on PGlite's single connection, a read outside it would wait for it forever.
          await validateAttributes(tx, categoryId!, input.attributes ?? row.attributes)
        : undefined
    return {
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
  })
}

/** Moves a product between statuses: only from the states listed (409 otherwise). */
function transition(deps: CatalogDeps, user: CurrentUser, slug: string, from: ProductStatus[], to: ProductStatus): Promise<CatalogModel.Product> {
  return changeProduct(deps, user, slug, (row) => {
    if (!from.includes(row.status)) throw new AppError('conflict', `A product that is ${row.status} cannot become ${to}`, { status: row.status })
    if (to === 'active') assertPublishable(row)
    return { status: to }
  })
}

export const markSold = (deps: CatalogDeps, user: CurrentUser, slug: string) => transition(deps, user, slug, ['active'], 'sold')
export const reactivate = (deps: CatalogDeps, user: CurrentUser, slug: string) => transition(deps, user, slug, ['sold', 'archived'], 'active')

/** Soft delete: the product leaves every list and page (status archived); its slug stays taken. */
export async function deleteProduct(deps: CatalogDeps, user: CurrentUser, slug: string): Promise<void> {
  await changeProduct(deps, user, slug, () => ({ status: 'archived', deletedAt: deps.clock.now() }))
}

/** An admin features or boosts a product until a time (null ends it). */
export function setPlacement(deps: CatalogDeps, admin: CurrentUser, slug: string, input: CatalogModel.PlacementBody): Promise<CatalogModel.Product> {
  return changeProduct(deps, admin, slug, () => ({
    ...(input.featuredUntil === undefined ? {} : { featuredUntil: input.featuredUntil }),
    ...(input.boostedUntil === undefined ? {} : { boostedUntil: input.boostedUntil }),
  }))
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
