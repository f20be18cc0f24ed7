// Live social: a new post reaches its author's followers who are online, and a post's page follows
// its counts and new comments.
//
// The feed is fan-out on read, so a new post is pushed only to followers with a socket open now,
// and nothing is written per follower: after commit the post is announced ONCE on the bus
// (POST_PUBLISHED_TOPIC); every instance takes its own users following their `user:` topic,
// finds in one query which of them follow the author, and sends each an ephemeral `feed.post`
// on their topic, to its own sockets only (not through the bus, or each instance would deliver
// the others' too). A post by an account with 100,000 followers costs one bus message and one
// query per instance.
import { and, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import type { Committed } from '../../../events/committed'
import { appendEvents } from '../../../events/log'
import type { Bus, Unsubscribe } from '../../../lib/bus'
import type { Logger } from '../../../lib/log'
import { blockedEitherWay } from '../../chat'
import type { FeedPostData, FeedPostEvent, NewSocialEvent, PostCommentData } from '../events'
import type { PostPrivacy } from '../rules'
import { follows, posts } from '../table'

/** The bus topic a new post is announced on, once, for every instance to fan out to its sockets. */
export const POST_PUBLISHED_TOPIC = 'social:post-published'

export const postTopic = (postId: string) => `post:${postId}` as const

/**
 * What the feed's fan-out needs of the realtime core of one instance (bound in app.ts): its own
 * sockets, never the bus.
 */
export interface FeedSockets {
  /** Users with a socket on this instance following their own `user:<id>` topic. */
  usersFollowingThemselves(): string[]
  /** Sends ephemeral events to this instance's sockets on their topics; `publishedAt` (busTime) times the delivery. */
  sendHere(events: FeedPostEvent[], publishedAt: number): void
}

/** After a post committed: announces it for the feeds of online followers (none for a private post). */
export async function announcePost(bus: Bus, post: FeedPostData & { privacy: PostPrivacy }): Promise<void> {
  if (post.privacy === 'private') return
  await bus.publish(POST_PUBLISHED_TOPIC, { postId: post.postId, authorId: post.authorId } satisfies FeedPostData)
}

const isFeedPost = (message: unknown): message is FeedPostData =>
  typeof message === 'object' && message !== null && typeof (message as FeedPostData).postId === 'string' && typeof (message as FeedPostData).authorId === 'string'

/**
 * Of `userIds`, those who follow the post's author, with no block either way, while the post is
 * still up and not private: one query, whatever the number (the ids go as one parameter, and
 * each is a lookup of the follows primary key).
 */
export async function followersAmong(db: Db, post: FeedPostData, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const rows = await db
    .select({ id: follows.followerId })
    .from(follows)
    .where(
      and(
        eq(follows.followeeId, post.authorId),
        sql`${follows.followerId} = any(string_to_array(${userIds.join(',')}, ','))`,
        sql`not ${blockedEitherWay(sql`${follows.followerId}`, post.authorId)}`,
        sql`exists (select 1 from ${posts} where ${posts.id} = ${post.postId} and ${posts.authorId} = ${post.authorId} and ${posts.deletedAt} is null and ${posts.privacy} <> 'private')`,
      ),
    )
  return rows.map((row) => row.id)
}

/**
 * The fan-out of one instance: on each announced post, `feed.post` to this instance's sockets of
 * the author's followers (not the author's own). Answers its stop. Best effort: an event missed
 * only leaves the pill behind until the feed is read again.
 */
export function startFeedFanOut(deps: { db: Db; bus: Bus; log: Logger }, sockets: FeedSockets): Unsubscribe {
  return deps.bus.subscribe(POST_PUBLISHED_TOPIC, (message, publishedAt) => {
    if (!isFeedPost(message)) return void deps.log.warn('social: dropped a malformed post announcement')
    const online = sockets.usersFollowingThemselves().filter((id) => id !== message.authorId)
    if (online.length === 0) return
    followersAmong(deps.db, message, online).then(
      (followers) => {
        const data: FeedPostData = { postId: message.postId, authorId: message.authorId }
        sockets.sendHere(
          followers.map((id) => ({ type: 'event', topic: `user:${id}`, id: null, kind: 'feed.post', data })),
          publishedAt,
        )
      },
      (error: unknown) => deps.log.error('social: feed fan-out failed', { postId: message.postId, error }),
    )
  })
}

/**
 * Appends a post's counts, and a new comment (as one with no say over it sees it), to `post:<id>`
 * in the transaction that moved them, for publishing after commit. Call it after the UPDATE of the
 * post row: that row lock orders the writers, so ids follow commit order and the last count
 * delivered is the true one.
 */
export async function appendPostEvents(tx: Tx, committed: Committed, now: Date, postId: string, counts: { likeCount: number; commentCount: number }, comment?: PostCommentData): Promise<void> {
  const topic = postTopic(postId)
  const events: NewSocialEvent[] = [{ topic, kind: 'post.counts', data: counts }]
  if (comment !== undefined) events.push({ topic, kind: 'post.comment', data: comment })
  committed.events.push(...(await appendEvents(tx, now, events)))
}
