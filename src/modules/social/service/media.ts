// A post's photos: added by its author in batches (each file checked and re-encoded as product
// photos are, a bad one refused alone), deleted by its author, served only to those who may see
// the post, erased with it.
import { and, count, eq, max } from 'drizzle-orm'
import { AppError, type ErrorType } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type ProcessedPhoto, processPhoto } from '../../../lib/images'
import type { SocialModel } from '../model'
import { EDIT_HOURS, POST_PHOTOS_MAX } from '../rules'
import { postMedia, posts } from '../table'
import { photosOf, type PhotoSize } from './photos'
import { type Conn, editableUntil, notFound, type PostRow, type SocialDeps } from './shared'
import { visibleTo } from './visibility'

/**
 * The post, for a change of its photos by `userId`: 404 when they may not see it (as if absent),
 * 403 when they may but did not write it. `lock` holds the row for the caller's transaction, so
 * batches on one post are numbered and counted one after the other.
 */
async function authoredPost(db: Conn, userId: string, postId: string, lock: boolean): Promise<PostRow> {
  const query = db
    .select()
    .from(posts)
    .where(and(eq(posts.id, postId), visibleTo(userId)))
  const [row] = lock ? await query.for('update') : await query
  if (row === undefined) throw notFound()
  if (row.authorId !== userId) throw new AppError('forbidden', 'Only its author changes the photos of a post')
  return row
}

/** Photos are added while the post may be changed (EDIT_HOURS after posting); 409 after. */
function refuseClosed(row: PostRow, now: Date): void {
  if (now >= editableUntil(row)) throw new AppError('conflict', `Photos are added for ${EDIT_HOURS} hours after posting; this post no longer takes any`)
}

const roomOf = async (db: Conn, postId: string) => {
  const [row] = await db.select({ n: count(), last: max(postMedia.position) }).from(postMedia).where(eq(postMedia.postId, postId))
  return { room: POST_PHOTOS_MAX - (row?.n ?? 0), next: (row?.last ?? -1) + 1 }
}

const fullMessage = `A post has at most ${POST_PHOTOS_MAX} photos`

type Refusal = SocialModel.RefusedFile & { type: ErrorType }

/**
 * Adds a batch of photos to the author's post, after those it has. Each file is checked and
 * re-encoded on its own; a bad one is refused with its reason while the others land, in the
 * batch's order, as far as the post has room (POST_PHOTOS_MAX, counted under the post's row lock,
 * so concurrent batches never pass it together). Answers every photo of the post and the refusals;
 * when nothing landed, throws: the one type the refusals share (413, 415, 409...) or 400, with a
 * field problem for each file.
 */
export async function addPostMedia(deps: SocialDeps, userId: string, postId: string, files: File[]): Promise<SocialModel.MediaBatch> {
  // Only the author of a post still open, with room left, makes the server decode (checked again under lock).
  refuseClosed(await authoredPost(deps.db, userId, postId, false), deps.clock.now())
  if ((await roomOf(deps.db, postId)).room <= 0) throw new AppError('conflict', `${fullMessage}; delete one first`, { max: POST_PHOTOS_MAX })
  const made: { index: number; photo: ProcessedPhoto }[] = []
  const refused: Refusal[] = []
  for (const [index, file] of files.entries()) {
    try {
      made.push({ index, photo: await processPhoto(file, `body.files[${index}]`) })
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      refused.push({ index, name: file.name, message: error.message, type: error.type })
    }
  }
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    refuseClosed(await authoredPost(tx, userId, postId, true), now)
    const { room, next } = await roomOf(tx, postId)
    const landing = made.slice(0, Math.max(room, 0))
    for (const { index } of made.slice(landing.length)) refused.push({ index, name: files[index]!.name, message: fullMessage, type: 'conflict' })
    if (landing.length === 0) return
    await tx.insert(postMedia).values(
      landing.map(({ photo }, i) => ({
        id: newId('pmd'),
        postId,
        position: next + i,
        version: photo.version,
        width: photo.display.width,
        height: photo.display.height,
        display: photo.display.data,
        thumbnail: photo.thumbnail.data,
        createdAt: now,
      })),
    )
  })
  refused.sort((a, b) => a.index - b.index)
  if (refused.length === files.length) throw noneLanded(refused)
  const media = (await photosOf(deps.db, [postId])).get(postId) ?? []
  return { media, refused: refused.map(({ index, name, message }) => ({ index, name, message })) }
}

/** The error of a batch none of whose files landed: one file's own, or one naming each. */
function noneLanded(refused: Refusal[]): AppError {
  const types = new Set(refused.map((r) => r.type))
  const type = types.size === 1 ? refused[0]!.type : 'invalid_data'
  const message = refused.length === 1 ? refused[0]!.message : `None of the ${refused.length} photos could be added`
  return new AppError(type, message, refused.map((r) => ({ field: `body.files[${r.index}]`, message: r.message })))
}

/** The author deletes a photo of their post (at any time, as they may delete the post); the others keep their order. */
export async function deletePostMedia(deps: SocialDeps, userId: string, postId: string, mediaId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await authoredPost(tx, userId, postId, true)
    const removed = await tx
      .delete(postMedia)
      .where(and(eq(postMedia.id, mediaId), eq(postMedia.postId, postId)))
      .returning({ id: postMedia.id })
    if (removed.length === 0) throw new AppError('not_found', 'No such photo of this post')
  })
}

/** Erases a post's photos, in the transaction that deletes the post: deleted, they are nobody's to see. */
export async function erasePostMedia(tx: Conn, postId: string): Promise<void> {
  await tx.delete(postMedia).where(eq(postMedia.postId, postId))
}

/** The bytes of one size of a post's photo if `viewerId` may see the post now (null: absent, or not theirs to see). */
export async function postPhotoFile(db: Conn, viewerId: string | null, postId: string, mediaId: string, version: string, size: PhotoSize): Promise<Uint8Array<ArrayBuffer> | null> {
  const [row] = await db
    .select({ bytes: size === 'display' ? postMedia.display : postMedia.thumbnail })
    .from(postMedia)
    .innerJoin(posts, eq(posts.id, postMedia.postId))
    .where(and(eq(postMedia.id, mediaId), eq(postMedia.postId, postId), eq(postMedia.version, version), visibleTo(viewerId)))
    .limit(1)
  return row?.bytes ?? null
}
