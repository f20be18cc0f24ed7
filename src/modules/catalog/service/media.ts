import { and, asc, count, eq } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { processPhoto } from '../../../lib/images'
import { invalidatePages } from '../../../lib/page-invalidation'
import { announceQueuesChanged } from '../../../lib/admin-queues'
import type { CurrentUser } from '../../accounts'
import type { CatalogModel } from '../model'
import { productImages } from '../table'
import { photoAdded } from './approval'
import { imagesOf, toImage } from './images'
import { type CatalogDeps, type Conn, editableProduct, type ProductAccess } from './shared'

/** Photos per product: enough for every angle, and a bound on what one listing stores. */
export const MAX_IMAGES = 10

/**
 * Runs `change` on the product's photos in a transaction that holds the product row, so two
 * uploads or a reorder racing an upload cannot leave gaps or duplicates in `position`. Only its
 * vendor (shop approved) or an admin gets that far: anyone else gets 403, or 404 when they may
 * not even see it. Public pages drop their cached renders afterwards.
 */
export async function withImages<T>(deps: CatalogDeps, user: CurrentUser, slug: string, change: (tx: Conn, access: ProductAccess) => Promise<T>): Promise<T> {
  const { result, access } = await deps.db.transaction(async (tx) => {
    const access = await editableProduct(tx, slug, user, { forUpdate: true })
    return { result: await change(tx, access), access }
  })
  if (access.isPublic) await invalidatePages(deps.bus)
  return result
}

/** Writes `ids` order as positions 0..n-1 (the first is the primary photo). */
async function writeOrder(tx: Conn, productId: string, ids: string[]): Promise<void> {
  for (const [position, id] of ids.entries()) {
    await tx
      .update(productImages)
      .set({ position })
      .where(and(eq(productImages.id, id), eq(productImages.productId, productId)))
  }
}

const orderOf = async (tx: Conn, productId: string) =>
  (await tx.select({ id: productImages.id }).from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.position), asc(productImages.id))).map((r) => r.id)

/**
 * Adds a photo at the end of the product's gallery (the first one becomes primary). The file is
 * checked and re-encoded by processPhoto, into a display size and a square thumbnail, both WebP
 * without metadata. Permission is checked before the (costly) decoding, and again under the
 * row lock with the count.
 */
export async function addImage(deps: CatalogDeps, user: CurrentUser, slug: string, file: Blob): Promise<CatalogModel.ProductImage> {
  await editableProduct(deps.db, slug, user)
  const { display, thumbnail, version } = await processPhoto(file, 'body.file')
  let toReview = false
  const image = await withImages(deps, user, slug, async (tx, { product }) => {
    const [existing] = await tx.select({ n: count() }).from(productImages).where(eq(productImages.productId, product.id))
    const position = existing?.n ?? 0
    if (position >= MAX_IMAGES) throw new AppError('conflict', `A product has at most ${MAX_IMAGES} photos; delete one first`, { max: MAX_IMAGES })
    const row = {
      id: newId('img'),
      productId: product.id,
      position,
      version,
      width: display.width,
      height: display.height,
      display: display.data,
      thumbnail: thumbnail.data,
      createdAt: deps.clock.now(),
    }
    await tx.insert(productImages).values(row)
    toReview = await photoAdded(tx, user, product, row.createdAt)
    return toImage(row)
  })
  if (toReview) await announceQueuesChanged(deps.bus, deps.clock.now())
  return image
}

/** Puts the photos in the order given, which must name each of them exactly once (400 otherwise). */
export function reorderImages(deps: CatalogDeps, user: CurrentUser, slug: string, input: CatalogModel.ImageOrderBody): Promise<CatalogModel.ProductImage[]> {
  return withImages(deps, user, slug, async (tx, { product }) => {
    const current = await orderOf(tx, product.id)
    const given = new Set(input.imageIds)
    if (given.size !== input.imageIds.length || given.size !== current.length || current.some((id) => !given.has(id))) {
      throw new AppError('invalid_data', 'Give every photo of this product once, in the new order', [{ field: 'body.imageIds', message: 'must list each photo of the product exactly once' }])
    }
    await writeOrder(tx, product.id, input.imageIds)
    return imagesOf(tx, product.id)
  })
}

/** Makes one photo the primary (first), the others keeping their order after it. */
export function makePrimary(deps: CatalogDeps, user: CurrentUser, slug: string, imageId: string): Promise<CatalogModel.ProductImage[]> {
  return withImages(deps, user, slug, async (tx, { product }) => {
    const current = await orderOf(tx, product.id)
    if (!current.includes(imageId)) throw new AppError('not_found', 'No such photo of this product')
    await writeOrder(tx, product.id, [imageId, ...current.filter((id) => id !== imageId)])
    return imagesOf(tx, product.id)
  })
}

/** Deletes a photo; the next one becomes primary when it was. */
export function deleteImage(deps: CatalogDeps, user: CurrentUser, slug: string, imageId: string): Promise<void> {
  return withImages(deps, user, slug, async (tx, { product }) => {
    const removed = await tx
      .delete(productImages)
      .where(and(eq(productImages.id, imageId), eq(productImages.productId, product.id)))
      .returning({ id: productImages.id })
    if (removed.length === 0) throw new AppError('not_found', 'No such photo of this product')
    await writeOrder(tx, product.id, await orderOf(tx, product.id))
  })
}
