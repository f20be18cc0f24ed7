// Follows: anyone signed in follows any live account (a shop is followed through its owner's
// account, which its posts come from), idempotently; not themselves (400), and not across a block
// either way (403, as chat refuses messages across one). A follow made tells the followee. An
// account that approves followers gets a request instead (service/follow-requests.ts).
import { and, eq, not, type SQL, sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { followRequests, follows, socialProfiles } from '../table'
import { tellRequested } from './follow-requests'
import { requireUser } from './posts'
import { type Conn, newestFirst, type SocialDeps, tell, toPeople, withNotices } from './shared'

/** The counts and relations a profile shows, as `viewerId` (null: signed out) sees them. */
export async function followSummary(db: Conn, viewerId: string | null, userId: string): Promise<SocialModel.FollowSummary> {
  const user = await requireUser(db, userId)
  const viewer = viewerId ?? ''
  // Counts on the two indexes of follows (count(*) for now; a counter row when profiles get hot).
  const [row] = await queryRows<{ followers: number; following: number; followed_by_me: boolean; follows_me: boolean; blocked: boolean; approves: boolean; requested: boolean }>(
    db,
    sql`select
      (select count(*)::int from ${follows} where ${follows.followeeId} = ${userId}) as followers,
      (select count(*)::int from ${follows} where ${follows.followerId} = ${userId}) as following,
      exists (select 1 from ${follows} where ${and(eq(follows.followerId, viewer), eq(follows.followeeId, userId))}) as followed_by_me,
      exists (select 1 from ${follows} where ${and(eq(follows.followerId, userId), eq(follows.followeeId, viewer))}) as follows_me,
      ${viewerId === null ? sql`false` : blockedEitherWay(viewerId, userId)} as blocked,
      coalesce((select ${socialProfiles.approveFollowers} from ${socialProfiles} where ${socialProfiles.userId} = ${userId}), false) as approves,
      exists (select 1 from ${followRequests} where ${and(eq(followRequests.followerId, viewer), eq(followRequests.followeeId, userId))}) as requested`,
  )
  return {
    followers: row!.followers,
    following: row!.following,
    followedByMe: row!.followed_by_me,
    followsMe: row!.follows_me,
    canFollow: viewerId !== null && viewerId !== userId && !user.deleted && !row!.blocked,
    approvesFollowers: row!.approves,
    // A request across a block reads as absent (follow-requests.ts).
    requested: row!.requested && !row!.blocked,
  }
}

/**
 * `viewerId` follows `userId`, or asks to when `userId` approves followers (again: nothing changes,
 * nobody is told; already following: nothing changes). Answers the summary after.
 */
export async function follow(deps: SocialDeps, viewerId: string, userId: string): Promise<SocialModel.FollowSummary> {
  if (viewerId === userId) throw new AppError('invalid_data', 'You cannot follow yourself', [{ field: 'params.id', message: 'is you' }])
  const user = await requireUser(deps.db, userId)
  if (user.deleted) throw new AppError('not_found', 'No such user')
  await withNotices(deps, async (tx, committed) => {
    // The block, the followee's setting and the insert are one statement, so a follow never lands
    // across a block that committed first. The setting's row is read `for share`: turning approval
    // off (an update of it) waits for this statement's transaction, then accepts the request it made.
    const now = deps.clock.now().toISOString()
    const [result] = await queryRows<{ blocked: boolean; made: boolean; asked: boolean }>(
      tx,
      sql`with profile as (select ${socialProfiles.approveFollowers} as locked from ${socialProfiles} where ${socialProfiles.userId} = ${userId} for share),
        state as (select ${blockedEitherWay(viewerId, userId)} as blocked, coalesce((select locked from profile), false) as locked,
          exists (select 1 from ${follows} where ${and(eq(follows.followerId, viewerId), eq(follows.followeeId, userId))}) as following),
        made as (insert into ${follows} (follower_id, followee_id, created_at)
          select ${viewerId}, ${userId}, ${now}::timestamptz from state where not state.blocked and not state.locked
          on conflict do nothing returning 1),
        asked as (insert into ${followRequests} (follower_id, followee_id, created_at)
          select ${viewerId}, ${userId}, ${now}::timestamptz from state where not state.blocked and state.locked and not state.following
          on conflict do nothing returning 1)
        select blocked, exists (select 1 from made) as made, exists (select 1 from asked) as asked from state`,
    )
    if (result?.blocked === true) throw new AppError('forbidden', 'There is a block between you and this account: neither can follow the other')
    if (result?.made === true) await tell(deps, tx, committed, { userId, type: 'follow', actorId: viewerId, subject: `follows:${userId}`, text: 'followed you', link: `/users/${viewerId}` })
    if (result?.asked === true) await tellRequested(deps, tx, committed, viewerId, userId)
  })
  return followSummary(deps.db, viewerId, userId)
}

/** `viewerId` stops following `userId`, or withdraws a pending request to (again, or never followed: nothing changes). */
export async function unfollow(deps: SocialDeps, viewerId: string, userId: string): Promise<SocialModel.FollowSummary> {
  await requireUser(deps.db, userId)
  await deps.db.transaction(async (tx) => {
    await tx.delete(follows).where(and(eq(follows.followerId, viewerId), eq(follows.followeeId, userId)))
    await tx.delete(followRequests).where(and(eq(followRequests.followerId, viewerId), eq(followRequests.followeeId, userId)))
  })
  return followSummary(deps.db, viewerId, userId)
}

/**
 * Someone's followers (`followers`) or the accounts they follow (`following`), the latest follow
 * first; accounts in a block with the viewer are left out.
 */
export async function listFollows(deps: SocialDeps, viewerId: string | null, userId: string, which: 'followers' | 'following', query: SocialModel.ListQuery): Promise<SocialModel.PersonPage> {
  await requireUser(deps.db, userId)
  const [mine, theirs] = which === 'followers' ? [follows.followeeId, follows.followerId] : [follows.followerId, follows.followeeId]
  const keys = newestFirst(query, follows.createdAt, theirs, 'usr')
  const hidden: SQL | undefined = viewerId === null ? undefined : not(blockedEitherWay(viewerId, sql`${theirs}`))
  const rows = await deps.db
    .select({ id: theirs, at: follows.createdAt })
    .from(follows)
    .where(and(eq(mine, userId), hidden, keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
  const page = keys.page(rows, (row) => [row.at, row.id])
  return { items: await toPeople(deps.db, page.items, viewerId), nextCursor: page.nextCursor }
}
