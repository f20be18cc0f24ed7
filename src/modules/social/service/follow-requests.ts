// Private profiles ("locked accounts", as Mastodon calls them): an account that approves followers
// gets a follow request where others get a follow; its owner approves (the follow is made in the
// transaction that takes the request) or declines. A request never crosses a block: none is made
// (403, like a follow), and one made before the block is left in place but read as absent (the
// list, the profile's `requested`, approve and decline filter by chat's blockedEitherWay, as
// follows themselves are), so no step in chat's block has to reach into social.
import { and, eq, not, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { queryRows } from '../../../db/client'
import type { Committed } from '../../../events/committed'
import { AppError } from '../../../lib/errors'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { followRequests, follows, socialProfiles } from '../table'
import { type Conn, newestFirst, type SocialDeps, tell, toPeople, withNotices } from './shared'
import { accountGone } from './visibility'

const noRequest = () => new AppError('not_found', 'No pending follow request from this account')

/** My social settings (the defaults while I never changed them). */
export async function getSocialProfile(db: Conn, userId: string): Promise<SocialModel.SocialProfile> {
  const [row] = await db.select({ approveFollowers: socialProfiles.approveFollowers }).from(socialProfiles).where(eq(socialProfiles.userId, userId))
  return { approveFollowers: row?.approveFollowers ?? false }
}

/**
 * Changes my social settings. Turning approval off accepts every pending request, as Mastodon does
 * when an account unlocks (those across a block are dropped instead); followers I have stay either
 * way. The profile row is updated first: a follow statement holds it `for share` while it decides
 * between a follow and a request, so a request cannot land after this one moved the pending ones.
 */
export async function updateSocialProfile(deps: SocialDeps, userId: string, input: SocialModel.SocialProfileBody): Promise<SocialModel.SocialProfile> {
  return withNotices(deps, async (tx, committed) => {
    await tx
      .insert(socialProfiles)
      .values({ userId, approveFollowers: input.approveFollowers, updatedAt: deps.clock.now() })
      .onConflictDoUpdate({ target: socialProfiles.userId, set: { approveFollowers: input.approveFollowers, updatedAt: deps.clock.now() } })
    if (!input.approveFollowers) await acceptAllRequests(deps, tx, committed, userId)
    return { approveFollowers: input.approveFollowers }
  })
}

/** Every pending request to `userId` becomes a follow (not across a block, nor of a deleted account: those are only dropped); each requester is told. */
async function acceptAllRequests(deps: SocialDeps, tx: Tx, committed: Committed, userId: string): Promise<void> {
  const accepted = await queryRows<{ follower_id: string }>(
    tx,
    sql`with moved as (delete from ${followRequests} where ${followRequests.followeeId} = ${userId} returning ${followRequests.followerId})
      insert into ${follows} (follower_id, followee_id, created_at)
        select moved.follower_id, ${userId}, ${deps.clock.now().toISOString()}::timestamptz from moved
        where not ${blockedEitherWay(sql`moved.follower_id`, userId)} and not ${accountGone(sql`moved.follower_id`)}
      on conflict do nothing returning follower_id`,
  )
  for (const row of accepted) await tellAccepted(deps, tx, committed, row.follower_id, userId)
}

const tellAccepted = (deps: SocialDeps, tx: Tx, committed: Committed, followerId: string, followeeId: string) =>
  tell(deps, tx, committed, { userId: followerId, type: 'follow_request', actorId: followeeId, subject: `follow-accepted:${followeeId}`, text: 'accepted your follow request', link: `/users/${followeeId}` })

/** Tells `followeeId` that `followerId` asked to follow them (grouped while unread: "Ana and 2 others asked to follow you"). */
export const tellRequested = (deps: SocialDeps, tx: Tx, committed: Committed, followerId: string, followeeId: string) =>
  tell(deps, tx, committed, { userId: followeeId, type: 'follow_request', actorId: followerId, subject: `follow-requests:${followeeId}`, text: 'asked to follow you', link: '/account/follow-requests' })

/** SQL: the request row in scope is not across a block, nor of a deleted account (either reads as absent). */
const standing = () => and(not(blockedEitherWay(sql`${followRequests.followerId}`, sql`${followRequests.followeeId}`)), not(accountGone(sql`${followRequests.followerId}`)))!

/** The requests waiting for my approval, the latest first (none across a block, none of deleted accounts). */
export async function listFollowRequests(deps: SocialDeps, userId: string, query: SocialModel.ListQuery): Promise<SocialModel.PersonPage> {
  const keys = newestFirst(query, followRequests.createdAt, followRequests.followerId, 'usr')
  const rows = await deps.db
    .select({ id: followRequests.followerId, at: followRequests.createdAt })
    .from(followRequests)
    .where(and(eq(followRequests.followeeId, userId), standing(), keys.after))
    .orderBy(...keys.order)
    .limit(keys.fetch)
  const page = keys.page(rows, (row) => [row.at, row.id])
  return { items: await toPeople(deps.db, page.items, userId), nextCursor: page.nextCursor }
}

/** Takes (deletes) the pending request of `followerId` to `userId`; true when this call took it. */
async function takeRequest(db: Conn, userId: string, followerId: string): Promise<boolean> {
  const taken = await db
    .delete(followRequests)
    .where(and(eq(followRequests.followeeId, userId), eq(followRequests.followerId, followerId), standing()))
    .returning({ id: followRequests.followerId })
  return taken.length > 0
}

/**
 * I approve `followerId`'s request: the follow is made in the transaction that deletes the request,
 * and they are told. Repeating it once they follow me changes nothing; without a request (never
 * made, withdrawn, declined, across a block) 404. Of an approve and a decline racing, the one that
 * deletes the request wins; the other finds none (the delete waits on the row, then sees it gone).
 */
export async function approveFollowRequest(deps: SocialDeps, userId: string, followerId: string): Promise<void> {
  await withNotices(deps, async (tx, committed) => {
    if (!(await takeRequest(tx, userId, followerId))) {
      const [already] = await tx.select({ at: follows.createdAt }).from(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, userId)))
      if (already === undefined) throw noRequest()
      return
    }
    await tx.insert(follows).values({ followerId, followeeId: userId, createdAt: deps.clock.now() }).onConflictDoNothing()
    await tellAccepted(deps, tx, committed, followerId, userId)
  })
}

/** I decline `followerId`'s request (they are not told, as on Mastodon); 404 when there is none pending. */
export async function declineFollowRequest(deps: SocialDeps, userId: string, followerId: string): Promise<void> {
  if (!(await takeRequest(deps.db, userId, followerId))) throw noRequest()
}
