// The events of social: a followee's new post on the follower's `user:<id>` (the home feed's "new
// posts" pill), and a post's counts and new comments on `post:<id>` (its page). Browser-safe
// (schemas only): the protocol union in src/realtime/protocol.ts assembles it.
//
// `feed.post` is ephemeral: it only says "there is more above", the feed reads the posts itself,
// and keeping one per follower would write 100,000 rows for a post by a large account. The
// `post:` events are durable: counts are absolute values published by concurrent writers, and the
// log's per-topic id (commit order) makes the last one delivered the true one; a comment missed
// while reconnecting is replayed rather than lost. A new comment is announced by its ids only: the
// log keeps events for days and the topic reaches everyone who sees the post, so its text and author
// are read through REST as each reader may see them (blocks, deletions, edits since).
import { t } from 'elysia/type-system'
import { durable, ephemeral, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { idSchema } from '../../lib/ids'

export const FeedPostData = t.Object({
  postId: idSchema('pst'),
  authorId: idSchema('usr', { description: 'an account the recipient follows' }),
})
export type FeedPostData = typeof FeedPostData.static

export const PostCountsData = t.Object({
  likeCount: t.Integer({ minimum: 0 }),
  commentCount: t.Integer({ minimum: 0, description: 'its comments and replies, deleted ones not counted' }),
})

export const PostCommentData = t.Object({
  commentId: idSchema('pcm', { description: 'read it with GET /api/v1/comments/:id, as the caller may see it' }),
  parentId: t.Union([idSchema('pcm'), t.Null()], { description: 'the comment it replies to; null on the post itself' }),
})
export type PostCommentData = typeof PostCommentData.static

export const SOCIAL_EVENTS = [
  ephemeral('user', 'feed.post', FeedPostData),
  durable('post', 'post.counts', PostCountsData),
  durable('post', 'post.comment', PostCommentData),
] as const
export type SocialEvent = EventsOf<typeof SOCIAL_EVENTS>
export type FeedPostEvent = Extract<SocialEvent, { kind: 'feed.post' }>
export type NewSocialEvent = NewEventOf<SocialEvent>
