// Comments on a post and replies to them, threaded to COMMENT_DEPTH_MAX. Every path first asks
// whether the caller may see the post (visibleTo: 404 as if absent otherwise); a comment is shown
// unless deleted, its author's account is, or a block stands between its author and the caller.
// `posts.comment_count` and `post_comments.like_count` move in the transaction of the row that
// moved them, so both stay exact under concurrency. A comment tells the post's author, a reply also
// the author of the comment replied to, and a like made the comment's author, in the same transaction;
// its @mentions tell the others they name (service/mentions.ts). A comment made or deleted sends the
// post's counts (and the new comment) on `post:<id>` (live.ts).
import { and, asc, eq, gt, inArray, isNull, not, or, type SQL, sql, type SQLWrapper } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { type CursorPart, decodeCursor, toPage } from '../../../lib/pagination'
import { userCards, users } from '../../accounts'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { COMMENT_DEPTH_MAX, EDIT_HOURS, replyPlace, SOCIAL_PAGE_DEFAULT } from '../rules'
import { commentLikes, postComments, posts } from '../table'
import { appendPostEvents } from './live'
import { visiblePost } from './posts'
import { mentionsOfComments, recordMentions } from './mentions'
import { authorOf, type Conn, editableUntil, notFound, type PostRow, type SocialDeps, tell, withNotices } from './shared'

type CommentRow = typeof postComments.$inferSelect
type CommentStatus = SocialModel.Comment['status']
type CommentColumns = { authorId: SQLWrapper; deletedAt: SQLWrapper }

const commentNotFound = () => new AppError('not_found', 'No such comment')
const commentsLink = (postId: string) => `/posts/${postId}#comments`
/** The 32 hex digits of a comment id: its part of a thread path. */
const pathPart = (id: string) => id.slice('pcm_'.length)
/** A cursor of this list: the thread path of the last comment seen. */
const threadPathPart: CursorPart<string> = (value) => (typeof value === 'string' && new RegExp(`^(?:[0-9a-f]{32}){1,${COMMENT_DEPTH_MAX}}$`).test(value) ? value : undefined)

/** SQL: the comment's author deleted their account (their comments go with it, as their posts do). */
const authorGone = (c: CommentColumns): SQL => sql`exists (select 1 from ${users} where ${users.id} = ${c.authorId} and ${users.deletedAt} is not null)`

/** SQL condition on a `post_comments` row: `viewerId` (null: signed out) is shown its author and text. */
function shownTo(viewerId: string | null, c: CommentColumns): SQL {
  return and(isNull(c.deletedAt), not(authorGone(c)), viewerId === null ? undefined : not(blockedEitherWay(viewerId, sql`${c.authorId}`)))!
}

/** SQL: how the `post_comments` row in scope shows to `viewerId`. */
function statusFor(viewerId: string | null): SQL<CommentStatus> {
  const blocked = viewerId === null ? sql`false` : blockedEitherWay(viewerId, sql`${postComments.authorId}`)
  return sql<CommentStatus>`case when ${postComments.deletedAt} is not null or ${authorGone(postComments)} then 'deleted' when ${blocked} then 'hidden' else 'shown' end`
}

/** The text as stored: trimmed, and not only spaces (400 naming `body.body`). */
function textOf(body: string): string {
  const text = body.trim()
  if (text.length === 0) throw new AppError('invalid_data', 'Write something to comment', [{ field: 'body.body', message: 'must not be only spaces' }])
  return text
}

/** Comment rows as `viewerId` sees them: the author and text of shown ones only, their likes, and what the caller may do. */
async function toComments(db: Conn, rows: (CommentRow & { status: CommentStatus })[], viewerId: string | null, post: Pick<PostRow, 'authorId'>, now: Date): Promise<SocialModel.Comment[]> {
  if (rows.length === 0) return []
  const shown = rows.filter((row) => row.status === 'shown')
  const shownIds = shown.map((row) => row.id)
  const [authors, mentions, liked] = await Promise.all([
    userCards(db, shown.map((row) => row.authorId)),
    mentionsOfComments(db, rows[0]!.postId, shown),
    viewerId === null || shownIds.length === 0 ? [] : db.select({ commentId: commentLikes.commentId }).from(commentLikes).where(and(eq(commentLikes.userId, viewerId), inArray(commentLikes.commentId, shownIds))),
  ])
  const likedIds = new Set(liked.map((like) => like.commentId))
  return rows.map((row) => {
    const isShown = row.status === 'shown'
    const mine = isShown && viewerId === row.authorId
    return {
      id: row.id as SocialModel.Comment['id'],
      postId: row.postId,
      parentId: row.parentId,
      depth: row.depth,
      status: row.status,
      author: isShown ? authorOf(row.authorId, authors.get(row.authorId)) : null,
      body: isShown ? row.body : null,
      mentions: mentions.get(row.id) ?? [],
      likeCount: isShown ? row.likeCount : 0,
      likedByMe: likedIds.has(row.id),
      createdAt: row.createdAt.toISOString(),
      editedAt: isShown ? (row.editedAt?.toISOString() ?? null) : null,
      canEdit: mine && now < editableUntil(row),
      canDelete: mine || (isShown && viewerId === post.authorId),
    } satisfies SocialModel.Comment
  })
}

/** The post if `viewerId` may see it, held under a key-share lock (a delete or a privacy change committing meanwhile is waited for and seen); 404 otherwise. */
async function lockVisiblePost(tx: Conn, viewerId: string, postId: string): Promise<PostRow> {
  await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)).for('key share')
  const post = await visiblePost(tx, viewerId, postId)
  if (post === null) throw notFound()
  return post
}

/**
 * A post's comments in thread order, a keyset page on the thread path: each comment is followed by
 * its replies (and theirs), oldest first at every depth. A comment not shown to the caller (deleted,
 * its author's account deleted, or across a block) is listed, without author or text, only while a
 * reply below it is shown, so the thread keeps its shape; otherwise it is left out.
 */
export async function listComments(deps: SocialDeps, viewerId: string | null, postId: string, query: SocialModel.ListQuery): Promise<SocialModel.CommentPage> {
  const post = await visiblePost(deps.db, viewerId, postId)
  if (post === null) throw notFound()
  const limit = query.limit ?? SOCIAL_PAGE_DEFAULT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [threadPathPart])[0]
  const reply = alias(postComments, 'reply')
  // The replies of the row in scope: the paths that start with its own (a range of the thread index).
  const shownReply = sql`exists (select 1 from ${postComments} as reply where ${reply.postId} = ${postComments.postId} and ${reply.threadPath} > ${postComments.threadPath} and ${reply.threadPath} < (${postComments.threadPath} || 'g') and ${shownTo(viewerId, reply)})`
  const rows = await deps.db
    .select({ row: postComments, status: statusFor(viewerId) })
    .from(postComments)
    .where(and(eq(postComments.postId, postId), after === null ? undefined : gt(postComments.threadPath, after), or(shownTo(viewerId, postComments), shownReply)))
    .orderBy(asc(postComments.threadPath))
    .limit(limit + 1)
  const page = toPage(rows, limit, ({ row }) => [row.threadPath])
  const items = page.items.map(({ row, status }) => ({ ...row, status }))
  return { items: await toComments(deps.db, items, viewerId, post, deps.clock.now()), nextCursor: page.nextCursor }
}

/**
 * `authorId` comments on a post they may see (404 otherwise), or replies to a comment shown to them
 * on the same post (400 otherwise). A reply to a comment at COMMENT_DEPTH_MAX goes beside it, under
 * its parent (rules.ts replyPlace). The post's comment_count moves in the same transaction, which
 * tells the post's author and, for a reply, the author of the comment replied to (once each: the
 * post's author replied to hears only of the comment on their post). The post and the comment seen
 * mean no block stands between the writer and either.
 */
export async function createComment(deps: SocialDeps, authorId: string, postId: string, input: SocialModel.CommentBody): Promise<SocialModel.Comment> {
  const body = textOf(input.body)
  const now = deps.clock.now()
  return withNotices(deps, async (tx, committed) => {
    const post = await lockVisiblePost(tx, authorId, postId)
    const id = newId('pcm')
    let repliedTo: CommentRow | null = null
    let place: { parentId: string | null; depth: number; threadPath: string } = { parentId: null, depth: 1, threadPath: pathPart(id) }
    if (input.parentId !== undefined) {
      // Key-share too: a delete of the parent committing meanwhile is waited for, and then refuses the reply.
      const [parent] = await tx
        .select()
        .from(postComments)
        .where(and(eq(postComments.id, input.parentId), eq(postComments.postId, postId), shownTo(authorId, postComments)))
        .for('key share')
      if (parent === undefined) throw new AppError('invalid_data', 'Reply to a comment on this post', [{ field: 'body.parentId', message: 'is not a comment on this post' }])
      repliedTo = parent
      const { parentId, depth } = replyPlace(parent)
      // The new comment's parent is the one replied to, or (at the last depth) that one's parent: its path is a prefix of the one replied to.
      place = { parentId, depth, threadPath: parent.threadPath.slice(0, 32 * (depth - 1)) + pathPart(id) }
    }
    const [row] = await tx
      .insert(postComments)
      .values({ id, postId, authorId, ...place, body, likeCount: 0, createdAt: now })
      .returning()
    const [counts] = await tx
      .update(posts)
      .set({ commentCount: sql`${posts.commentCount} + 1` })
      .where(eq(posts.id, postId))
      .returning({ likeCount: posts.likeCount, commentCount: posts.commentCount })
    // Subscribers of the post's page are told only that it exists: each reads it as they may see it (getComment).
    await appendPostEvents(tx, committed, now, postId, counts!, { commentId: id, parentId: place.parentId })
    // Mentions before the notices: they lock the topics of everyone this step tells, these two included.
    await recordMentions(deps, tx, committed, { post, commentId: id, authorId, body }, repliedTo === null ? [post.authorId] : [post.authorId, repliedTo.authorId])
    await tell(deps, tx, committed, { userId: post.authorId, type: 'comment', actorId: authorId, subject: `post:${postId}`, text: 'commented on your post', link: commentsLink(postId) })
    if (repliedTo !== null && repliedTo.authorId !== post.authorId) {
      await tell(deps, tx, committed, { userId: repliedTo.authorId, type: 'comment', actorId: authorId, subject: `comment:${repliedTo.id}`, text: 'replied to your comment', link: commentsLink(postId) })
    }
    return (await toComments(tx, [{ ...row!, status: 'shown' }], authorId, post, now))[0]!
  })
}

/** The comment shown to `viewerId` on a post they may see (locked for update if asked); 404 otherwise (deleted, hidden, or its post out of sight). */
async function shownComment(db: Conn, viewerId: string | null, commentId: string, lock: boolean): Promise<{ comment: CommentRow; post: PostRow }> {
  const select = db
    .select()
    .from(postComments)
    .where(and(eq(postComments.id, commentId), shownTo(viewerId, postComments)))
  const [comment] = await (lock ? select.for('update') : select)
  if (comment === undefined) throw commentNotFound()
  const post = await visiblePost(db, viewerId, comment.postId)
  if (post === null) throw commentNotFound()
  return { comment, post }
}

const lockComment = (tx: Conn, userId: string, commentId: string) => shownComment(tx, userId, commentId, true)

/** One comment as `viewerId` (null: signed out) sees it: how a page reads a comment `post:<id>` announced. */
export async function getComment(deps: SocialDeps, viewerId: string | null, commentId: string): Promise<SocialModel.Comment> {
  const { comment, post } = await shownComment(deps.db, viewerId, commentId, false)
  return (await toComments(deps.db, [{ ...comment, status: 'shown' }], viewerId, post, deps.clock.now()))[0]!
}

/** Its author changes a comment's text within EDIT_HOURS (409 after; 403 for anyone else who sees it); people it newly @mentions are told. */
export async function updateComment(deps: SocialDeps, userId: string, commentId: string, input: SocialModel.CommentUpdateBody): Promise<SocialModel.Comment> {
  const body = textOf(input.body)
  const now = deps.clock.now()
  return withNotices(deps, async (tx, committed) => {
    const { comment, post } = await lockComment(tx, userId, commentId)
    if (comment.authorId !== userId) throw new AppError('forbidden', 'Only its author may change a comment')
    if (now >= editableUntil(comment)) throw new AppError('conflict', `A comment may be changed for ${EDIT_HOURS} hours after it is written; this one no longer can`)
    const [row] = body === comment.body ? [comment] : await tx.update(postComments).set({ body, editedAt: now }).where(eq(postComments.id, commentId)).returning()
    if (body !== comment.body) await recordMentions(deps, tx, committed, { post, commentId, authorId: userId, body })
    return (await toComments(tx, [{ ...row!, status: 'shown' }], userId, post, now))[0]!
  })
}

/**
 * Its author, or the post's author, deletes a comment (403 for anyone else who sees it): kept, shown
 * as deleted while replies below it are. The post's comment_count moves in the same transaction; the
 * lock makes a second delete at once wait, then find it deleted (404).
 */
export async function deleteComment(deps: SocialDeps, userId: string, commentId: string): Promise<void> {
  const now = deps.clock.now()
  await withNotices(deps, async (tx, committed) => {
    const { comment, post } = await lockComment(tx, userId, commentId)
    if (comment.authorId !== userId && post.authorId !== userId) throw new AppError('forbidden', 'Only its author or the post’s author may delete a comment')
    await tx.update(postComments).set({ deletedAt: now }).where(eq(postComments.id, commentId))
    const [counts] = await tx
      .update(posts)
      .set({ commentCount: sql`${posts.commentCount} - 1` })
      .where(eq(posts.id, comment.postId))
      .returning({ likeCount: posts.likeCount, commentCount: posts.commentCount })
    await appendPostEvents(tx, committed, now, comment.postId, counts!)
  })
}

/**
 * Likes a comment shown to the viewer on a post they may see (404 otherwise), or takes the like back:
 * as a post's likes (likes.ts), the row is made `on conflict do nothing returning` (or deleted
 * `returning`) and the count moves only when a row did. Judged under key-share locks on the post
 * and the comment, so no like lands on either just deleted or hidden. Only a like made tells the
 * comment's author (the comment shown to the liker means no block stands between them).
 */
export async function setCommentLike(deps: SocialDeps, viewerId: string, commentId: string, on: boolean): Promise<SocialModel.Liked> {
  const [target] = await deps.db.select({ postId: postComments.postId }).from(postComments).where(eq(postComments.id, commentId))
  if (target === undefined) throw commentNotFound()
  return withNotices(deps, async (tx, committed) => {
    await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, target.postId)).for('key share')
    if ((await visiblePost(tx, viewerId, target.postId)) === null) throw commentNotFound()
    const [comment] = await tx
      .select({ id: postComments.id, authorId: postComments.authorId })
      .from(postComments)
      .where(and(eq(postComments.id, commentId), shownTo(viewerId, postComments)))
      .for('key share')
    if (comment === undefined) throw commentNotFound()
    const changed = on
      ? await tx.insert(commentLikes).values({ commentId, userId: viewerId, createdAt: deps.clock.now() }).onConflictDoNothing().returning({ commentId: commentLikes.commentId })
      : await tx
          .delete(commentLikes)
          .where(and(eq(commentLikes.commentId, commentId), eq(commentLikes.userId, viewerId)))
          .returning({ commentId: commentLikes.commentId })
    const [counted] =
      changed.length === 0
        ? await tx.select({ likeCount: postComments.likeCount }).from(postComments).where(eq(postComments.id, commentId))
        : await tx
            .update(postComments)
            .set({ likeCount: sql`${postComments.likeCount} + ${on ? 1 : -1}` })
            .where(eq(postComments.id, commentId))
            .returning({ likeCount: postComments.likeCount })
    if (on && changed.length > 0) {
      await tell(deps, tx, committed, { userId: comment.authorId, type: 'like', actorId: viewerId, subject: `comment:${commentId}`, text: 'liked your comment', link: commentsLink(target.postId) })
    }
    return { likeCount: counted!.likeCount, likedByMe: on }
  })
}
