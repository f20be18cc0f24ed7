// Posts: written by their author, changed for EDIT_HOURS (text or privacy; then marked edited),
// deleted (kept, shown to nobody). Every read goes through visibleTo; a post the caller may not see
// is answered 404 as if it did not exist.
import { and, eq } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type UserCard, userCards } from '../../accounts'
import type { SocialModel } from '../model'
import { EDIT_HOURS, isTagName, normalizeTag, parseTags } from '../rules'
import { posts, postTags } from '../table'
import { announcePost } from './live'
import { erasePostMedia } from './media'
import { recordMentions } from './mentions'
import { type Conn, editableUntil, newestFirst, notFound, postColumns, type PostRow, publicAmong, type SocialDeps, toPosts, withNotices } from './shared'
import { visibleTo } from './visibility'

/** The text as stored: trimmed, and not only spaces (400 naming `body.body`). */
function textOf(body: string): string {
  const text = body.trim()
  if (text.length === 0) throw new AppError('invalid_data', 'Write something to post', [{ field: 'body.body', message: 'must not be only spaces' }])
  return text
}

/** Replaces the post's indexed tags with those of its text. */
async function indexTags(tx: Conn, row: Pick<PostRow, 'id' | 'body' | 'createdAt'>, replace: boolean): Promise<void> {
  if (replace) await tx.delete(postTags).where(eq(postTags.postId, row.id))
  const tags = parseTags(row.body)
  if (tags.length > 0) await tx.insert(postTags).values(tags.map((tag) => ({ postId: row.id, tag, createdAt: row.createdAt })))
}

/** A new post by `authorId`; a linked product must be public now (400 otherwise). Whom it @mentions and may see it are told; online followers get it live after commit (live.ts). */
export async function createPost(deps: SocialDeps, authorId: string, input: SocialModel.CreateBody): Promise<SocialModel.Post> {
  const body = textOf(input.body)
  const productId = input.productId ?? null
  if (productId !== null && !(await publicAmong(deps.db, [productId])).has(productId)) {
    throw new AppError('invalid_data', 'Only a product on the catalog can be shown with a post', [{ field: 'body.productId', message: 'is not a public product' }])
  }
  const now = deps.clock.now()
  const row: PostRow = { id: newId('pst'), authorId, body, privacy: input.privacy, productId, likeCount: 0, commentCount: 0, createdAt: now, editedAt: null, deletedAt: null }
  await withNotices(deps, async (tx, committed) => {
    await tx.insert(posts).values(row)
    await indexTags(tx, row, false)
    await recordMentions(deps, tx, committed, { post: row, commentId: null, authorId, body })
  })
  await announcePost(deps.bus, { postId: row.id, authorId, privacy: row.privacy })
  return (await toPosts(deps.db, [row], authorId, now))[0]!
}

/** The post row if `viewerId` may see it, else null. */
export async function visiblePost(db: Conn, viewerId: string | null, postId: string): Promise<PostRow | null> {
  const [row] = await db
    .select(postColumns)
    .from(posts)
    .where(and(eq(posts.id, postId), visibleTo(viewerId)))
  return row ?? null
}

export async function getPost(deps: SocialDeps, viewerId: string | null, postId: string): Promise<SocialModel.Post> {
  const row = await visiblePost(deps.db, viewerId, postId)
  if (row === null) throw notFound()
  return (await toPosts(deps.db, [row], viewerId, deps.clock.now()))[0]!
}

/** The author's own live post, locked for the caller's transaction; 404 for anyone else. */
async function lockOwnPost(tx: Conn, authorId: string, postId: string): Promise<PostRow> {
  const [row] = await tx.select(postColumns).from(posts).where(eq(posts.id, postId)).for('update')
  if (row === undefined || row.deletedAt !== null || row.authorId !== authorId) throw notFound()
  return row
}

/**
 * The author changes the text or the privacy within EDIT_HOURS of posting (409 after). `edited_at`
 * is set only when something changed; a new text re-indexes the tags and tells the people it
 * newly @mentions (under the new privacy).
 */
export async function updatePost(deps: SocialDeps, authorId: string, postId: string, input: SocialModel.UpdateBody): Promise<SocialModel.Post> {
  const body = input.body === undefined ? undefined : textOf(input.body)
  const now = deps.clock.now()
  const row = await withNotices(deps, async (tx, committed) => {
    const row = await lockOwnPost(tx, authorId, postId)
    if (now >= editableUntil(row)) throw new AppError('conflict', `A post may be changed for ${EDIT_HOURS} hours after it is posted; this one no longer can`)
    const next = { body: body ?? row.body, privacy: input.privacy ?? row.privacy }
    if (next.body === row.body && next.privacy === row.privacy) return row
    const [updated] = await tx
      .update(posts)
      .set({ ...next, editedAt: now })
      .where(eq(posts.id, postId))
      .returning(postColumns)
    if (next.body !== row.body) {
      await indexTags(tx, updated!, true)
      await recordMentions(deps, tx, committed, { post: updated!, commentId: null, authorId, body: next.body })
    }
    return updated!
  })
  return (await toPosts(deps.db, [row], authorId, now))[0]!
}

/** The author deletes their post: it leaves every list and page (its likes and tags stay, unseen; its photos are erased). */
export async function deletePost(deps: SocialDeps, authorId: string, postId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await lockOwnPost(tx, authorId, postId)
    await tx.update(posts).set({ deletedAt: deps.clock.now() }).where(eq(posts.id, postId))
    await erasePostMedia(tx, postId)
  })
}

/** The account's card; 404 unless it exists (a deleted one too: its profile and lists stay readable). */
export async function requireUser(db: Conn, userId: string): Promise<UserCard> {
  const card = (await userCards(db, [userId])).get(userId)
  if (card === undefined) throw new AppError('not_found', 'No such user')
  return card
}

/** A user's posts that `viewerId` may see, newest first. */
export async function listUserPosts(deps: SocialDeps, viewerId: string | null, userId: string, query: SocialModel.ListQuery): Promise<SocialModel.PostPage> {
  await requireUser(deps.db, userId)
  const keys = newestFirst(query, posts.createdAt, posts.id, 'pst')
  const rows = await deps.db
    .select(postColumns)
    .from(posts)
    .where(and(eq(posts.authorId, userId), visibleTo(viewerId), keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
  const page = keys.page(rows, (row) => [row.createdAt, row.id])
  return { items: await toPosts(deps.db, page.items, viewerId, deps.clock.now()), nextCursor: page.nextCursor }
}

/** The posts with a tag that `viewerId` may see, newest first (the tag as typed: any case, with or without NFC). */
export async function listTagPosts(deps: SocialDeps, viewerId: string | null, rawTag: string, query: SocialModel.ListQuery): Promise<SocialModel.PostPage> {
  const tag = normalizeTag(rawTag.replace(/^#/, ''))
  if (!isTagName(tag)) throw new AppError('invalid_data', 'Not a tag', [{ field: 'params.tag', message: 'must be letters, digits or _ (at most 50)' }])
  const keys = newestFirst(query, postTags.createdAt, postTags.postId, 'pst')
  const rows = await deps.db
    .select(postColumns)
    .from(postTags)
    .innerJoin(posts, eq(posts.id, postTags.postId))
    .where(and(eq(postTags.tag, tag), visibleTo(viewerId), keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
  const page = keys.page(rows, (row) => [row.createdAt, row.id])
  return { items: await toPosts(deps.db, page.items, viewerId, deps.clock.now()), nextCursor: page.nextCursor }
}
