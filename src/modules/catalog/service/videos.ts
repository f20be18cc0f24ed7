import { createHash } from 'node:crypto'
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type ByteRange, sniffVideo, VIDEO_LIMITS, type VideoContentType } from '../../../lib/video'
import type { CurrentUser } from '../../accounts'
import type { CatalogModel } from '../model'
import { products, productVideos } from '../table'
import { withImages } from './media'
import { type CatalogDeps, type Conn, editableProduct } from './shared'

export const { perProduct: MAX_VIDEOS, maxBytes: MAX_VIDEO_BYTES } = VIDEO_LIMITS
const MEGABYTE = 1024 * 1024
const FIELD = 'body.file'

const EXTENSION: Record<VideoContentType, 'mp4' | 'webm'> = { 'video/mp4': 'mp4', 'video/webm': 'webm' }

/** The URL of one video version: new bytes are a new URL, so it is cached for good. */
export const productVideoPath = (id: string, version: string, contentType: VideoContentType) => `/api/v1/product-videos/${id}/${version}.${EXTENSION[contentType]}`

const videoColumns = { id: productVideos.id, version: productVideos.version, contentType: productVideos.contentType, size: productVideos.size }
type VideoRow = { id: string; version: string; contentType: VideoContentType; size: number }

const toVideo = (row: VideoRow): CatalogModel.ProductVideo => ({
  id: row.id,
  url: productVideoPath(row.id, row.version, row.contentType),
  contentType: row.contentType,
  size: row.size,
})

/** A product's videos in upload order. */
export async function videosOf(db: Conn, productId: string): Promise<CatalogModel.ProductVideo[]> {
  const rows = await db.select(videoColumns).from(productVideos).where(eq(productVideos.productId, productId)).orderBy(asc(productVideos.position))
  return rows.map(toVideo)
}

const problem = (type: 'payload_too_large' | 'unsupported_media_type', message: string, detail: string) => new AppError(type, message, [{ field: FIELD, message: detail }])

/** 413 for a video over MAX_VIDEO_BYTES (a declared length over it is refused by the route's upload guard). */
export const videoTooLarge = () => problem('payload_too_large', `The video is larger than ${MAX_VIDEO_BYTES / MEGABYTE} MB`, `must be at most ${MAX_VIDEO_BYTES / MEGABYTE} MB`)

/**
 * Adds a video after the product's others. Its vendor (shop approved) or an admin only (403,
 * or 404 for those who may not see the product). 413 over 25 MB, 415 when the bytes are not an
 * MP4 or WebM (whatever the name or declared type says), 409 when it has MAX_VIDEOS already
 * (counted under the product row lock, so two racing uploads cannot both be the last).
 */
export async function addVideo(deps: CatalogDeps, user: CurrentUser, slug: string, file: Blob): Promise<CatalogModel.ProductVideo> {
  await editableProduct(deps.db, slug, user)
  if (file.size > MAX_VIDEO_BYTES) throw videoTooLarge()
  const bytes = new Uint8Array(await file.arrayBuffer())
  const contentType = sniffVideo(bytes)
  if (contentType === null) throw problem('unsupported_media_type', 'This file is not a video Souk accepts', 'must be an MP4 or WebM video')
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16)
  return withImages(deps, user, slug, async (tx, { product }) => {
    const [existing] = await tx.select({ n: count() }).from(productVideos).where(eq(productVideos.productId, product.id))
    const position = existing?.n ?? 0
    if (position >= MAX_VIDEOS) throw new AppError('conflict', `A product has at most ${MAX_VIDEOS} videos; delete one first`, { max: MAX_VIDEOS })
    const row = { id: newId('vid'), productId: product.id, position, contentType, version, size: bytes.length, bytes, createdAt: deps.clock.now() }
    await tx.insert(productVideos).values(row)
    return toVideo(row)
  })
}

/** Deletes a video of the product; the others close the gap. */
export function deleteVideo(deps: CatalogDeps, user: CurrentUser, slug: string, videoId: string): Promise<void> {
  return withImages(deps, user, slug, async (tx, { product }) => {
    const removed = await tx
      .delete(productVideos)
      .where(and(eq(productVideos.id, videoId), eq(productVideos.productId, product.id)))
      .returning({ id: productVideos.id })
    if (removed.length === 0) throw new AppError('not_found', 'No such video of this product')
    const rest = await tx.select({ id: productVideos.id }).from(productVideos).where(eq(productVideos.productId, product.id)).orderBy(asc(productVideos.position))
    for (const [position, { id }] of rest.entries()) await tx.update(productVideos).set({ position }).where(eq(productVideos.id, id))
  })
}

/**
 * What a video URL names: its type and size, or null when that id and version are not stored
 * or its product was deleted (a deleted product's videos stop answering with it).
 */
export async function findVideoFile(db: Conn, id: string, version: string): Promise<{ contentType: VideoContentType; size: number } | null> {
  const [row] = await db
    .select({ contentType: productVideos.contentType, size: productVideos.size })
    .from(productVideos)
    .innerJoin(products, eq(products.id, productVideos.productId))
    .where(and(eq(productVideos.id, id), eq(productVideos.version, version), isNull(products.deletedAt)))
    .limit(1)
  return row ?? null
}

/** Bytes `range.start` to `range.end` (inclusive) of a video; Postgres reads only the chunks they are in. */
export async function readVideoBytes(db: Conn, id: string, range: ByteRange): Promise<Uint8Array<ArrayBuffer>> {
  const [row] = await db
    .select({ bytes: sql<Uint8Array<ArrayBuffer>>`substring(${productVideos.bytes} from ${range.start + 1} for ${range.end - range.start + 1})` })
    .from(productVideos)
    .where(eq(productVideos.id, id))
  if (row === undefined) throw new AppError('not_found', 'No such video')
  return row.bytes
}
