// The home feed, fanned out on read: the posts of the accounts I follow and my own, that I may see,
// newest first. No timeline table: a post is written once, and the feed is one query over my
// follows (their index on follower_id) and posts_author_idx (author, created_at, id).
import { and, type SQL, sql } from 'drizzle-orm'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { follows, posts } from '../table'
import { type Conn, newestFirst, postColumns, type SocialDeps, toPosts } from './shared'
import { accountGone, visibleTo } from './visibility'

/**
 * The feed's query, in two steps over posts_author_idx read backwards (a LATERAL subquery per
 * author). First, for each author (whom I follow, and me), the newest post after the cursor that I
 * may see: one row each. A page of n posts can only hold posts of the n authors whose newest posts
 * are the newest (were another author's post on it, those n newer posts would be too, and it would
 * hold n + 1), so then only those n authors' newest n posts are read, and the newest n of them
 * kept. The work is about one post per author followed plus n², never how much anyone ever
 * posted. Reading each author's newest n at once read 2,000 × 21 posts for a reader following
 * 2,000 accounts (10 times the buffers: S7 of the bench), and a plain `author_id in (…) or
 * author_id = me` read every post and sorted.
 */
export function feedQuery(db: Conn, viewerId: string, query: SocialModel.ListQuery) {
  const keys = newestFirst(query, posts.createdAt, posts.id, 'pst')
  // Followees in a block with me, or whose account is deleted, are left out here rather than post by
  // post below (a follow outlives both, and a deleted account's posts would all be read and refused).
  const followee = sql`${follows.followeeId}`
  const authors = sql`(select ${follows.followeeId} as author_id from ${follows} where ${follows.followerId} = ${viewerId} and not ${blockedEitherWay(viewerId, followee)} and not ${accountGone(followee)} union all select ${viewerId}::text) as authors`
  const visibleOf = (authorId: SQL) => and(sql`${posts.authorId} = ${authorId}`, visibleTo(viewerId), keys.after)
  const head = db
    .select({ createdAt: posts.createdAt, id: posts.id })
    .from(posts)
    .where(visibleOf(sql`authors.author_id`))
    .orderBy(...keys.order)
    .limit(1)
    .as('head')
  const heads = db
    .select({ authorId: sql<string>`authors.author_id`.as('author_id') })
    .from(authors)
    .crossJoinLateral(head)
    .orderBy(sql`${head.createdAt} desc`, sql`${head.id} desc`)
    .limit(keys.fetch)
    .as('heads')
  const newest = db
    .select(postColumns)
    .from(posts)
    .where(visibleOf(sql`heads.author_id`))
    .orderBy(...keys.order)
    .limit(keys.fetch)
    .as('newest')
  return {
    keys,
    rows: db
      .select(newest._.selectedFields)
      .from(heads)
      .crossJoinLateral(newest)
      .orderBy(sql`${newest.createdAt} desc`, sql`${newest.id} desc`)
      .limit(keys.fetch),
  }
}

/** My home feed, a keyset page on (created_at, id). */
export async function readFeed(deps: SocialDeps, viewerId: string, query: SocialModel.ListQuery): Promise<SocialModel.PostPage> {
  const { keys, rows } = feedQuery(deps.db, viewerId, query)
  const page = keys.page(await rows, (row) => [row.createdAt, row.id])
  return { items: await toPosts(deps.db, page.items, viewerId, deps.clock.now()), nextCursor: page.nextCursor }
}
