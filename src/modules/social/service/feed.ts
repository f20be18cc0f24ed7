// The home feed, fanned out on read: the posts of the accounts I follow and my own, that I may see,
// newest first. No timeline table: a post is written once, and the feed is one query over my
// follows (their index on follower_id) and posts_author_idx (author, created_at, id).
import { and, sql } from 'drizzle-orm'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { follows, posts } from '../table'
import { type Conn, newestFirst, type SocialDeps, toPosts } from './shared'
import { visibleTo } from './visibility'

/**
 * The feed's query: for each author (whom I follow, and me) the newest `limit + 1` posts after the
 * cursor that I may see, read backwards from posts_author_idx (a LATERAL subquery each), then the
 * newest of those. The work is bounded by authors × page, never by how much they ever posted;
 * a plain `author_id in (…) or author_id = me` made Postgres read every post and sort.
 */
export function feedQuery(db: Conn, viewerId: string, query: SocialModel.ListQuery) {
  const keys = newestFirst(query, posts.createdAt, posts.id, 'pst')
  // Followees in a block with me are left out here, not post by post below (a follow outlives a block).
  const authors = sql`(select ${follows.followeeId} as author_id from ${follows} where ${follows.followerId} = ${viewerId} and not ${blockedEitherWay(viewerId, sql`${follows.followeeId}`)} union all select ${viewerId}::text) as authors`
  const newest = db
    .select()
    .from(posts)
    .where(and(sql`${posts.authorId} = authors.author_id`, visibleTo(viewerId), keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
    .as('newest')
  return {
    keys,
    rows: db
      .select(newest._.selectedFields)
      .from(authors)
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
