// Likes: one per user and post, liked and unliked idempotently; `posts.like_count` moves in the
// transaction of the row that made or removed the like, so concurrent likes count exactly. A like
// made tells the post's author in that transaction (grouped: "Ana and 4 others liked your post"), and
// a count moved goes to the post's page on `post:<id>` (live.ts).
import { and, eq, not, sql } from 'drizzle-orm'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { postLikes, posts } from '../table'
import { appendPostEvents } from './live'
import { visiblePost } from './posts'
import { newestFirst, notFound, type SocialDeps, tell, toPeople, withNotices } from './shared'

/**
 * Likes a post (`on`) or takes the like back. Only a post the viewer may see (404 otherwise). The
 * like row is made with `on conflict do nothing returning` (or deleted `returning`), and the count
 * moves only when a row did, by a relative UPDATE: a second like, or two at once, count once. Only
 * a like made notifies (the post seen means no block stands between liker and author).
 */
export async function setLike(deps: SocialDeps, viewerId: string, postId: string, on: boolean): Promise<SocialModel.Liked> {
  return withNotices(deps, async (tx, committed) => {
    // Judged under a key-share lock: a delete or a privacy change (FOR UPDATE) committing meanwhile
    // is waited for and seen, so no like lands on a post just deleted or hidden. Likers share it.
    await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)).for('key share')
    const post = await visiblePost(tx, viewerId, postId)
    if (post === null) throw notFound()
    const changed = on
      ? await tx.insert(postLikes).values({ postId, userId: viewerId, createdAt: deps.clock.now() }).onConflictDoNothing().returning({ postId: postLikes.postId })
      : await tx
          .delete(postLikes)
          .where(and(eq(postLikes.postId, postId), eq(postLikes.userId, viewerId)))
          .returning({ postId: postLikes.postId })
    const counts = { likeCount: posts.likeCount, commentCount: posts.commentCount }
    const [counted] =
      changed.length === 0
        ? await tx.select(counts).from(posts).where(eq(posts.id, postId))
        : await tx
            .update(posts)
            .set({ likeCount: sql`${posts.likeCount} + ${on ? 1 : -1}` })
            .where(eq(posts.id, postId))
            .returning(counts)
    if (changed.length > 0) await appendPostEvents(tx, committed, deps.clock.now(), postId, counted!)
    if (on && changed.length > 0) await tell(deps, tx, committed, { userId: post.authorId, type: 'like', actorId: viewerId, subject: `post:${postId}`, text: 'liked your post', link: `/posts/${postId}` })
    return { likeCount: counted!.likeCount, likedByMe: on }
  })
}

/** Who liked a post the viewer may see, the latest first; accounts in a block with the viewer are left out. */
export async function listLikes(deps: SocialDeps, viewerId: string | null, postId: string, query: SocialModel.ListQuery): Promise<SocialModel.PersonPage> {
  if ((await visiblePost(deps.db, viewerId, postId)) === null) throw notFound()
  const keys = newestFirst(query, postLikes.createdAt, postLikes.userId, 'usr')
  const rows = await deps.db
    .select({ id: postLikes.userId, at: postLikes.createdAt })
    .from(postLikes)
    .where(and(eq(postLikes.postId, postId), viewerId === null ? undefined : not(blockedEitherWay(viewerId, sql`${postLikes.userId}`)), keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
  const page = keys.page(rows, (row) => [row.at, row.id])
  return { items: await toPeople(deps.db, page.items, viewerId), nextCursor: page.nextCursor }
}
