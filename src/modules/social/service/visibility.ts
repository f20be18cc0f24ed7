// Who sees a post, written once as SQL: every read of posts (a post, a profile's posts, the home
// feed, a tag page, likes) and every write that needs to see it first (a like) filters with it.
import { and, eq, isNull, not, or, type SQL, sql } from 'drizzle-orm'
import { users } from '../../accounts'
import { blockedEitherWay } from '../../chat'
import { follows, posts } from '../table'

/** SQL: `followerId` follows the author of the post row in scope (an index lookup on the primary key). */
const followsAuthor = (followerId: string): SQL =>
  sql`exists (select 1 from ${follows} where ${follows.followerId} = ${followerId} and ${follows.followeeId} = ${posts.authorId})`

/** SQL: the account `userId` (a value or a column, as `sql`) is deleted (its data is erased: its posts go with it). */
export const accountGone = (userId: SQL): SQL => sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.deletedAt} is not null)`

/** SQL: the post row's author deleted their account. */
const authorGone: SQL = accountGone(sql`${posts.authorId}`)

/**
 * SQL condition on the `posts` row in scope: `viewerId` (null: signed out) may see it. Deleted
 * posts, and those of deleted accounts, nobody sees; the author sees all of theirs; anyone else sees a `public` post, and a
 * `followers` post while they follow its author, unless either of the two blocked the other
 * (chat's block, both ways). A post the viewer may not see is answered as absent (404), never 403.
 */
export function visibleTo(viewerId: string | null): SQL {
  if (viewerId === null) return and(isNull(posts.deletedAt), eq(posts.privacy, 'public'), not(authorGone))!
  return and(
    isNull(posts.deletedAt),
    not(authorGone),
    or(
      eq(posts.authorId, viewerId),
      and(or(eq(posts.privacy, 'public'), and(eq(posts.privacy, 'followers'), followsAuthor(viewerId))), not(blockedEitherWay(viewerId, sql`${posts.authorId}`))),
    ),
  )!
}
