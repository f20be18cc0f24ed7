import { and, asc, eq, inArray } from 'drizzle-orm'
import type { CatalogModel } from '../model'
import { productImages } from '../table'
import type { Conn } from './shared'

/** The URL of one size of one photo version; a new photo is a new URL, so both are cached for good. */
export const productImagePath = (id: string, version: string, size: 'display' | 'thumb') => `/api/v1/product-images/${id}/${version}-${size}.webp`

/** What toImage needs of a photo row (a search joins just these for its cards). */
export const photoColumns = {
  id: productImages.id,
  version: productImages.version,
  width: productImages.width,
  height: productImages.height,
}
const imageColumns = { ...photoColumns, productId: productImages.productId }
type ImageRow = { id: string; version: string; width: number; height: number }

export function toImage(row: ImageRow): CatalogModel.ProductImage {
  return {
    id: row.id,
    url: productImagePath(row.id, row.version, 'display'),
    thumbnailUrl: productImagePath(row.id, row.version, 'thumb'),
    width: row.width,
    height: row.height,
  }
}

/** A product's photos in display order (the primary first). */
export async function imagesOf(db: Conn, productId: string): Promise<CatalogModel.ProductImage[]> {
  const rows = await db.select(imageColumns).from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.position))
  return rows.map(toImage)
}

/** The primary photo of each product that has one, in one query (cards of a list). */
export async function primaryImagesOf(db: Conn, productIds: string[]): Promise<Map<string, CatalogModel.ProductImage>> {
  if (productIds.length === 0) return new Map()
  const rows = await db
    .select(imageColumns)
    .from(productImages)
    .where(and(inArray(productImages.productId, [...new Set(productIds)]), eq(productImages.position, 0)))
  return new Map(rows.map((row) => [row.productId, toImage(row)]))
}

/** The bytes of one size of a photo, or null when that id and version do not exist (any more). */
export async function findImageFile(db: Conn, id: string, version: string, size: 'display' | 'thumb'): Promise<Uint8Array<ArrayBuffer> | null> {
  const [row] = await db
    .select({ bytes: size === 'display' ? productImages.display : productImages.thumbnail })
    .from(productImages)
    .where(and(eq(productImages.id, id), eq(productImages.version, version)))
    .limit(1)
  return row?.bytes ?? null
}
