// Discover: recent public posts ranked by engagement with time decay, Hacker-News style:
//
//   score = (likes + 2·comments + 1) / (age_hours + 2)^1.5
//
// A comment weighs two likes (it costs more to write); the +1 lets a post nobody has reacted to
// yet rank by its age alone; the +2 hours keeps a post seconds old from towering over everything;
// the exponent 1.5 halves a post's score in its first ~1.2 hours, then ever more slowly.
//
// Pages are ranked as of one instant, the first page's, carried in the cursor with the last
// (score, id): every page ranks the same candidates (posts up to that instant) with the same
// scores (likes and comments made after it are not counted), so likes landing while someone reads
// neither repeat a post of the pages before nor skip one of the pages after. What the instant
// cannot freeze: a like taken back or a comment deleted since lowers a score for good (a post may
// then show again further down; the client drops an id it already shows).
import { and, desc, eq, gt, isNull, lte, type SQL, sql } from 'drizzle-orm'
import { cursorPart, decodeCursor, toPage } from '../../../lib/pagination'
import type { SocialModel } from '../model'
import { SOCIAL_PAGE_DEFAULT } from '../rules'
import { postComments, postLikes, posts } from '../table'
import { postColumns, type SocialDeps, toPosts } from './shared'
import { visibleTo } from './visibility'

/**
 * The window: posts of the last 7 days. At 7 days a post's decay is (168 + 2)^1.5 ≈ 2,200 against
 * ≈ 2.8 for a new one: it would need about 800 times the engagement to rank beside it, so older
 * posts would almost never show while every page would still have to score them.
 */
export const DISCOVER_WINDOW_DAYS = 7
/**
 * At most this many candidates, the newest of the window: every page scores all of them (a score
 * moves with the clock, so no index can hold the order), and this bounds that work whatever the
 * traffic. At a few thousand public posts a day the window is whole; beyond, it is the newest ones.
 */
export const DISCOVER_CANDIDATES = 5_000
/** Scores are kept as whole billionths: a cursor compares them exactly (a float read back might not). */
const SCORE_SCALE = 1e9

const DAY_MS = 86_400_000

/** Engagement made after `asOf`, taken off the live counts (one index probe each, only where there is any). */
const likesAfter = (asOf: SQL) =>
  sql`case when ${posts.likeCount} = 0 then 0 else (select count(*) from ${postLikes} where ${postLikes.postId} = ${posts.id} and ${postLikes.createdAt} > ${asOf}) end`
const commentsAfter = (asOf: SQL) =>
  sql`case when ${posts.commentCount} = 0 then 0 else (select count(*) from ${postComments} where ${postComments.postId} = ${posts.id} and ${postComments.createdAt} > ${asOf} and ${postComments.deletedAt} is null) end`

/** The score of the post row in scope as of `asOf` (the formula above), in whole billionths. */
function scoreAt(asOf: SQL): SQL<number> {
  const likes = sql`greatest(${posts.likeCount} - ${likesAfter(asOf)}, 0)`
  const comments = sql`greatest(${posts.commentCount} - ${commentsAfter(asOf)}, 0)`
  const ageHours = sql`extract(epoch from (${asOf} - ${posts.createdAt}))::float8 / 3600`
  return sql<number>`floor((${likes} + 2 * ${comments} + 1)::float8 / power(${ageHours} + 2, 1.5) * ${SCORE_SCALE})::float8`.mapWith(Number)
}

/** The cursor: the ranking instant, then the last post's score and id. */
const CURSOR = [cursorPart.time, cursorPart.integer(0, Number.MAX_SAFE_INTEGER), cursorPart.id('pst')] as const

/**
 * Discover, a page at a time, for `viewerId` (null: signed out): public posts of the window that
 * they may see (visibleTo: no author across a block, no deleted account), best score first.
 * Cost: one backward range scan of posts_public_idx, at most DISCOVER_CANDIDATES rows scored, a
 * top-N sort.
 */
export async function readDiscover(deps: SocialDeps, viewerId: string | null, query: SocialModel.ListQuery): Promise<SocialModel.PostPage> {
  const limit = query.limit ?? SOCIAL_PAGE_DEFAULT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, CURSOR)
  const asOf = after?.[0] ?? deps.clock.now()
  const at = sql`${asOf.toISOString()}::timestamptz`
  // The newest public posts of the window, read from posts_public_idx alone (its predicate said as
  // it says it), then those of them the viewer may see, fetched by id and scored. As one query
  // with visibleTo, or as a join, the planner read the whole window or table (it cannot guess how
  // few rows visibleTo drops); an array of ids is fetched through the primary key.
  const recent = deps.db
    .select({ id: posts.id })
    .from(posts)
    .where(and(eq(posts.privacy, 'public'), isNull(posts.deletedAt), gt(posts.createdAt, new Date(asOf.getTime() - DISCOVER_WINDOW_DAYS * DAY_MS)), lte(posts.createdAt, asOf)))
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(DISCOVER_CANDIDATES)
  const candidates = deps.db
    .select({ ...postColumns, score: scoreAt(at).as('score') })
    .from(posts)
    .where(and(sql`${posts.id} = any(array(${recent}))`, visibleTo(viewerId)))
    .as('candidates')
  const rows = await deps.db
    .select()
    .from(candidates)
    .where(after === null ? undefined : sql`(${candidates.score}, ${candidates.id}) < (${after[1]}::float8, ${after[2]})`)
    .orderBy(desc(candidates.score), desc(candidates.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [asOf.toISOString(), row.score, row.id])
  return { items: await toPosts(deps.db, page.items, viewerId, deps.clock.now()), nextCursor: page.nextCursor }
}
