// Social: posts with a privacy and #tags (optionally showing a product), threaded comments, likes,
// follows, the home feed and tag pages. Who sees a post is one SQL rule (service/visibility.ts) every read applies;
// a post the caller may not see answers 404, as if it did not exist.
import { Elysia, t } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { AppError, ErrorResponse } from '../../lib/errors'
import { UPLOAD_LIMITS } from '../../lib/images'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { authPlugin } from '../accounts'
import { SocialModel as M } from './model'
import { COMMENT_DEPTH_MAX, EDIT_HOURS, POST_PHOTOS_MAX } from './rules'
import { createComment, deleteComment, getComment, listComments, setCommentLike, updateComment } from './service/comments'
import { readDiscover } from './service/discover'
import { readFeed } from './service/feed'
import { approveFollowRequest, declineFollowRequest, getSocialProfile, listFollowRequests, updateSocialProfile } from './service/follow-requests'
import { follow, followSummary, listFollows, unfollow } from './service/follows'
import { listLikes, setLike } from './service/likes'
import { type FeedSockets, startFeedFanOut } from './service/live'
import { addPostMedia, deletePostMedia, postPhotoFile } from './service/media'
import type { PhotoSize } from './service/photos'
import { createPost, deletePost, getPost, listTagPosts, listUserPosts, updatePost, visiblePost } from './service/posts'
import { searchPosts } from './service/search'
import type { SocialDeps } from './service/shared'

export { SocialModel } from './model'
export { POST_PRIVACIES, type PostPrivacy } from './rules'
export type { FeedSockets } from './service/live'

/** Who may follow `post:<id>` (its counts and new comments): whoever may see the post (sockets are signed in). */
export const socialTopicRules = (db: Db) => ({ post: async (viewer: { id: string }, id: string) => (await visiblePost(db, viewer.id, id)) !== null })

/**
 * The home feed's live side on one instance: new posts of the accounts its online users follow, as
 * `feed.post` on their `user:` topic. Realtime starts it with this instance's sockets and stops it on close.
 */
export const socialFeedFanOut = (deps: Pick<Infrastructure, 'database' | 'bus' | 'log'>) => (sockets: FeedSockets) =>
  startFeedFanOut({ db: deps.database.db, bus: deps.bus, log: deps.log }, sockets)

/**
 * The largest batch of post photos: POST_PHOTOS_MAX files of the upload limit each. The server-wide
 * body limit (src/app.ts MAX_REQUEST_BODY) leaves room for it.
 */
export const POST_MEDIA_BATCH_BYTES = POST_PHOTOS_MAX * UPLOAD_LIMITS.maxBytes

const HOUR = 60 * 60_000
// Per signed-in user: writes that others read (posts) or that notify and count (likes, follows).
const LIMITS = {
  post: { scope: 'posts', limit: 60, windowMs: HOUR, per: 'user' },
  comment: { scope: 'post-comments', limit: 120, windowMs: HOUR, per: 'user' },
  like: { scope: 'post-likes', limit: 600, windowMs: HOUR, per: 'user' },
  commentLike: { scope: 'comment-likes', limit: 600, windowMs: HOUR, per: 'user' },
  follow: { scope: 'follows', limit: 200, windowMs: HOUR, per: 'user' },
  // Decoding and re-encoding photos costs CPU: a batch of ten for each of twenty posts an hour.
  media: { scope: 'post-media', limit: 20, windowMs: HOUR, per: 'user' },
  // Reads, but each a full-text query: a page a second or so, per user (per address signed out).
  search: { scope: 'post-search', limit: 60, windowMs: 60_000, per: 'user' },
  // Each page scores up to 5,000 recent posts: a page every second or so, per user (per address signed out).
  discover: { scope: 'post-discover', limit: 60, windowMs: 60_000, per: 'user' },
} as const
/**
 * A photo's URL names its content, but whether it is served depends on the post's privacy at the
 * time: browsers may keep it, shared caches may not.
 */
const PHOTO_CACHE = 'private, max-age=31536000, immutable'
const POST = { 200: M.post, 400: ErrorResponse, 404: ErrorResponse } as const
const POSTS = { 200: M.postPage, 400: ErrorResponse, 404: ErrorResponse } as const
const PEOPLE = { 200: M.personPage, 400: ErrorResponse, 404: ErrorResponse } as const
const FOLLOW = { 200: M.followSummary, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse } as const
const LIKE = { 200: M.liked, 404: ErrorResponse, 429: ErrorResponse } as const
const COMMENT_ORDER =
  'In thread order: each comment followed by its replies (and theirs), oldest first at every depth; pages follow that order. A comment deleted, whose author’s account is deleted, or across a block with the caller is listed without author or text only while a reply below it is shown.'

const DISCOVER_ORDER =
  'Ranked by (likes + 2 × comments + 1) / (age in hours + 2)^1.5 as of the first page’s time, which the cursor carries: later pages rank the same posts with the same scores (engagement after that time is not counted), so none repeats or is skipped while likes arrive. Followers-only and private posts, and posts across a block with the caller, are never shown.'
const SEARCH_HOW =
  'Words match in any language, case and accents ignored, each as the start of a word (`rug` finds “rugs”); every word must match. A `#tag` term keeps only posts carrying that tag. 400 when `q` has no word or tag.'

export function socialRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter' | 'bus' | 'log'> & Pick<SocialDeps, 'notify'>) {
  const deps: SocialDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, notify: ctx.notify }
  return new Elysia({ name: 'social', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(uploadGuard)
    .guard({ viewer: true, detail: { tags: ['Social'] } }, (app) =>
      app
        .get('/posts/:id', ({ viewer, params }) => getPost(deps, viewer?.id ?? null, params.id), {
          params: M.postParams,
          response: POST,
          detail: { summary: 'A post, if the caller may see it (404 otherwise: public to everyone, followers-only to its author’s followers, private to its author)' },
        })
        .get(
          '/posts/:id/media/:mediaId/:file',
          async ({ viewer, params }) => {
            const [version, size] = params.file.slice(0, -'.webp'.length).split('-') as [string, PhotoSize]
            const bytes = await postPhotoFile(deps.db, viewer?.id ?? null, params.id, params.mediaId, version, size)
            if (bytes === null) throw new AppError('not_found', 'No such photo')
            return new Response(bytes, { headers: { 'content-type': 'image/webp', 'cache-control': PHOTO_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.mediaFileParams,
            response: { 404: ErrorResponse },
            detail: {
              summary: 'A photo of a post (its url or thumbnailUrl), to whoever may see the post now (404 otherwise; send the access token unless the post is public)',
              ...fileResponse('The photo', ['image/webp']),
            },
          },
        )
        .get('/posts/:id/likes', ({ viewer, params, query }) => listLikes(deps, viewer?.id ?? null, params.id, query), {
          params: M.postParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: PEOPLE,
          detail: { summary: 'Who liked a post the caller may see, the latest first' },
        })
        .get('/posts/:id/comments', ({ viewer, params, query }) => listComments(deps, viewer?.id ?? null, params.id, query), {
          params: M.postParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.commentPage, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'The comments on a post the caller may see, in thread order (404 when they may not see the post)', description: COMMENT_ORDER },
        })
        .get('/comments/:id', ({ viewer, params }) => getComment(deps, viewer?.id ?? null, params.id), {
          params: M.commentParams,
          response: { 200: M.comment, 400: ErrorResponse, 404: ErrorResponse },
          detail: {
            summary: 'One comment as the caller sees it (how a page reads a comment announced live on `post:<id>`)',
            description: '404 when it is not shown to the caller (deleted, its author’s account deleted, across a block) or its post is out of their sight.',
          },
        })
        .get('/users/:id/posts', ({ viewer, params, query }) => listUserPosts(deps, viewer?.id ?? null, params.id, query), {
          params: M.userParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: POSTS,
          detail: { summary: 'A user’s posts the caller may see, newest first (a profile’s Posts tab)' },
        })
        .get('/users/:id/followers', ({ viewer, params, query }) => listFollows(deps, viewer?.id ?? null, params.id, 'followers', query), {
          params: M.userParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: PEOPLE,
          detail: { summary: 'Who follows a user, the latest first, with whether the caller follows each' },
        })
        .get('/users/:id/following', ({ viewer, params, query }) => listFollows(deps, viewer?.id ?? null, params.id, 'following', query), {
          params: M.userParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: PEOPLE,
          detail: { summary: 'Whom a user follows, the latest first, with whether the caller follows each' },
        })
        .get('/users/:id/follows', ({ viewer, params }) => followSummary(deps.db, viewer?.id ?? null, params.id), {
          params: M.userParams,
          response: { 200: M.followSummary, 404: ErrorResponse },
          detail: { summary: 'A profile’s follower and following counts, and how the caller and the user follow each other' },
        })
        .get('/tags/:tag/posts', ({ viewer, params, query }) => listTagPosts(deps, viewer?.id ?? null, params.tag, query), {
          params: M.tagParams,
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.postPage, 400: ErrorResponse },
          detail: { summary: 'The posts with a #tag that the caller may see, newest first (the tag in any case, without its #)' },
        })
        .get('/feed/discover', ({ viewer, query }) => readDiscover(deps, viewer?.id ?? null, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          rateLimit: LIMITS.discover,
          response: { 200: M.postPage, 400: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Discover: public posts of the last 7 days that the caller may see, by engagement with time decay',
            description: DISCOVER_ORDER,
          },
        })
        .get('/search/posts', ({ viewer, query }) => searchPosts(deps, viewer?.id ?? null, query), {
          query: M.searchQuery,
          strictQuery: { schema: M.searchQuery },
          rateLimit: LIMITS.search,
          response: { 200: M.postPage, 400: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Search the posts the caller may see: words of their text, #tags they carry; best match first, then newest',
            description: SEARCH_HOW,
          },
        }),
    )
    .guard({ auth: true, detail: { tags: ['Social'] } }, (app) =>
      app
        .get('/feed', ({ user, query }) => readFeed(deps, user.id, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.postPage, 400: ErrorResponse },
          detail: { summary: 'My home feed: posts of the accounts I follow and mine that I may see, newest first' },
        })
        .post('/posts', async ({ user, body, status }) => status(201, await createPost(deps, user.id, body)), {
          body: M.createBody,
          rateLimit: LIMITS.post,
          response: { 201: M.post, 400: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Post: text with #tags, a privacy, and optionally a public product shown as its card' },
        })
        .patch('/posts/:id', ({ user, params, body }) => updatePost(deps, user.id, params.id, body), {
          params: M.postParams,
          body: M.updateBody,
          response: { 200: M.post, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: {
            summary: 'Change my post’s text or privacy within 24 hours of posting (it then says “edited”)',
            description: '409 `conflict` after 24 hours; 404 for anyone but its author.',
          },
        })
        .delete(
          '/posts/:id',
          async ({ user, params, status }) => {
            await deletePost(deps, user.id, params.id)
            return status(204, undefined)
          },
          {
            params: M.postParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'Delete my post: it leaves every feed, page and list' },
          },
        )
        .post('/posts/:id/media', async ({ user, params, body, status }) => status(201, await addPostMedia(deps, user.id, params.id, body.files)), {
          params: M.postParams,
          body: M.mediaUploadBody,
          upload: POST_MEDIA_BATCH_BYTES,
          rateLimit: LIMITS.media,
          response: { 201: M.mediaBatch, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: `Add photos to my post: a batch of 1 to ${POST_PHOTOS_MAX} files (multipart, field "files"), never more than ${POST_PHOTOS_MAX} on a post in all`,
            description: `Each file is checked by content (JPEG, PNG, WebP or GIF, at most 5 MB and 40 megapixels) and re-encoded without metadata as product photos are. A bad file, or one past the post's ${POST_PHOTOS_MAX}, is refused alone with its reason (\`refused\`) while the others land (201, with every photo of the post in order). When none lands: the error of the one file, or 400 naming each (409 when the post is full or past its ${EDIT_HOURS} hours of changes). 404 when I may not see the post; 403 when it is not mine.`,
          },
        })
        .delete(
          '/posts/:id/media/:mediaId',
          async ({ user, params, status }) => {
            await deletePostMedia(deps, user.id, params.id, params.mediaId)
            return status(204, undefined)
          },
          {
            params: M.mediaParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'Delete a photo of my post (the others keep their order); 404 when I may not see the post, 403 when it is not mine' },
          },
        )
        .post('/posts/:id/like', ({ user, params }) => setLike(deps, user.id, params.id, true), {
          params: M.postParams,
          rateLimit: LIMITS.like,
          response: LIKE,
          detail: { summary: 'Like a post I may see (once; again changes nothing)' },
        })
        .delete('/posts/:id/like', ({ user, params }) => setLike(deps, user.id, params.id, false), {
          params: M.postParams,
          rateLimit: LIMITS.like,
          response: LIKE,
          detail: { summary: 'Take my like back (again changes nothing)' },
        })
        .post('/posts/:id/comments', async ({ user, params, body, status }) => status(201, await createComment(deps, user.id, params.id, body)), {
          params: M.postParams,
          body: M.commentBody,
          rateLimit: LIMITS.comment,
          response: { 201: M.comment, 400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Comment on a post I may see, or reply to one of its comments',
            description: `Threads go ${COMMENT_DEPTH_MAX} deep: a reply to a comment at depth ${COMMENT_DEPTH_MAX} is placed beside it, under the same parent. 400 when the comment replied to is not one on this post that I am shown; 404 when I may not see the post.`,
          },
        })
        .patch('/comments/:id', ({ user, params, body }) => updateComment(deps, user.id, params.id, body), {
          params: M.commentParams,
          body: M.commentUpdateBody,
          response: { 200: M.comment, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: {
            summary: 'Change my comment’s text within 24 hours of writing it (it then says “edited”)',
            description: '409 `conflict` after 24 hours; 403 for anyone else who sees it; 404 when the caller is not shown it or may not see its post.',
          },
        })
        .delete(
          '/comments/:id',
          async ({ user, params, status }) => {
            await deleteComment(deps, user.id, params.id)
            return status(204, undefined)
          },
          {
            params: M.commentParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: {
              summary: 'Delete a comment I wrote, or one on my post (shown as deleted while it has replies)',
              description: '403 for anyone else who sees it; 404 when the caller is not shown it or may not see its post.',
            },
          },
        )
        .post('/comments/:id/like', ({ user, params }) => setCommentLike(deps, user.id, params.id, true), {
          params: M.commentParams,
          rateLimit: LIMITS.commentLike,
          response: LIKE,
          detail: { summary: 'Like a comment I am shown, on a post I may see (once; again changes nothing)' },
        })
        .delete('/comments/:id/like', ({ user, params }) => setCommentLike(deps, user.id, params.id, false), {
          params: M.commentParams,
          rateLimit: LIMITS.commentLike,
          response: LIKE,
          detail: { summary: 'Take my like of a comment back (again changes nothing)' },
        })
        .post('/users/:id/follow', ({ user, params }) => follow(deps, user.id, params.id), {
          params: M.userParams,
          rateLimit: LIMITS.follow,
          response: FOLLOW,
          detail: {
            summary: 'Follow a user, or a shop through its owner’s account (again changes nothing); answers the follow counts',
            description: '400 for myself; 403 when either of us blocked the other.',
          },
        })
        .delete('/users/:id/follow', ({ user, params }) => unfollow(deps, user.id, params.id), {
          params: M.userParams,
          rateLimit: LIMITS.follow,
          response: FOLLOW,
          detail: { summary: 'Stop following a user, or withdraw my pending request to (again changes nothing); answers the follow counts' },
        })
        .get('/me/social-profile', ({ user }) => getSocialProfile(deps.db, user.id), {
          response: { 200: M.socialProfile },
          detail: { summary: 'My social settings: whether follows need my approval (a private profile)' },
        })
        .patch('/me/social-profile', ({ user, body }) => updateSocialProfile(deps, user.id, body), {
          body: M.socialProfileBody,
          response: { 200: M.socialProfile, 400: ErrorResponse },
          detail: {
            summary: 'Change my social settings',
            description: 'Turning approval off accepts every pending follow request (as Mastodon does when an account unlocks); followers I have stay either way.',
          },
        })
        .get('/me/follow-requests', ({ user, query }) => listFollowRequests(deps, user.id, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: PEOPLE,
          detail: { summary: 'Who asked to follow me and awaits my approval, the latest first (none across a block)' },
        })
        .post(
          '/me/follow-requests/:followerId/approve',
          async ({ user, params, status }) => {
            await approveFollowRequest(deps, user.id, params.followerId)
            return status(204, undefined)
          },
          {
            params: M.followerParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: {
              summary: 'Approve a follow request: they follow me from now on, and are told',
              description: 'Again once they follow me changes nothing; 404 when no request of theirs is pending (withdrawn, declined, across a block).',
            },
          },
        )
        .post(
          '/me/follow-requests/:followerId/decline',
          async ({ user, params, status }) => {
            await declineFollowRequest(deps, user.id, params.followerId)
            return status(204, undefined)
          },
          {
            params: M.followerParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'Decline a follow request (they are not told); 404 when none of theirs is pending' },
          },
        ),
    )
}
