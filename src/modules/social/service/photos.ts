// How a post's photos are read and named: one query for the photos of a page of posts.
import { asc, inArray } from 'drizzle-orm'
import type { SocialModel } from '../model'
import { postMedia } from '../table'
import type { Conn } from './shared'

export type PhotoSize = 'display' | 'thumb'

/**
 * The URL of one size of a post's photo: under its post, whose visibility every request of it is
 * checked against. The id (a UUIDv7's random part) and the version (a hash of the pixels) make it
 * unguessable too, and it is listed only where the post is shown.
 */
export const postPhotoPath = (postId: string, id: string, version: string, size: PhotoSize) => `/api/v1/posts/${postId}/media/${id}/${version}-${size}.webp`

type PhotoRow = { id: string; postId: string; version: string; width: number; height: number }

export const toPhoto = (row: PhotoRow): SocialModel.Photo => ({
  id: row.id,
  url: postPhotoPath(row.postId, row.id, row.version, 'display'),
  thumbnailUrl: postPhotoPath(row.postId, row.id, row.version, 'thumb'),
  width: row.width,
  height: row.height,
})

/** The photos of each of `postIds`, in order, in one query (a page of posts); posts without any are absent. */
export async function photosOf(db: Conn, postIds: string[]): Promise<Map<string, SocialModel.Photo[]>> {
  const byPost = new Map<string, SocialModel.Photo[]>()
  if (postIds.length === 0) return byPost
  const rows = await db
    .select({ id: postMedia.id, postId: postMedia.postId, version: postMedia.version, width: postMedia.width, height: postMedia.height })
    .from(postMedia)
    .where(inArray(postMedia.postId, [...new Set(postIds)]))
    .orderBy(asc(postMedia.postId), asc(postMedia.position))
  for (const row of rows) {
    const list = byPost.get(row.postId)
    if (list === undefined) byPost.set(row.postId, [toPhoto(row)])
    else list.push(toPhoto(row))
  }
  return byPost
}
