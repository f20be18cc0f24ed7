import { query } from '@solidjs/router'
import type { SocialModel } from '../../../src/modules/social/model'
import { api, apiOver, must, orMissing } from './api'
import { progressFetch } from './upload'

/**
 * Social: posts, likes, follows, the home feed and tag pages. Reading works signed out (a post the
 * caller may not see is a 404, shown as "not found"); writing needs the signed-in user's token.
 * Shapes come from the server's SocialModel.
 */

export type Post = SocialModel.Post
export type PostPage = SocialModel.PostPage
export type Person = SocialModel.Person
export type PersonPage = SocialModel.PersonPage
export type FollowSummary = SocialModel.FollowSummary
export type PostPrivacy = Post['privacy']
export type ListQuery = SocialModel.ListQuery

export const PRIVACY_LABEL: Record<PostPrivacy, string> = { public: 'Public', followers: 'Followers', private: 'Only me' }

const v1 = () => api().api.v1

/** A post page's post; null when it does not exist or the caller may not see it. Runs in SSR too. */
export const getPost = query(async (id: string) => orMissing(await v1().posts({ id }).get()), 'post')

export const createPost = async (body: SocialModel.CreateBody) => must(await v1().posts.post(body))
export const updatePost = async (id: string, body: SocialModel.UpdateBody) => must(await v1().posts({ id }).patch(body))
export const deletePost = async (id: string) => must(await v1().posts({ id }).delete())

export type Photo = SocialModel.Photo
export type MediaBatch = SocialModel.MediaBatch
/** Sends a batch of photos to my post in one request; `onProgress` follows the bytes sent. Answers all its photos and the files refused. */
export const uploadPostPhotos = async (id: string, files: File[], onProgress: (sent: number, total: number) => void) =>
  must(await apiOver(progressFetch(onProgress)).api.v1.posts({ id }).media.post({ files }))
export const deletePostPhoto = async (id: string, mediaId: string) => must(await v1().posts({ id }).media({ mediaId }).delete())

/** Likes a post, or takes the like back; answers the new count. */
export const setLike = async (id: string, on: boolean) => must(await (on ? v1().posts({ id }).like.post() : v1().posts({ id }).like.delete()))
export const listLikes = async (id: string, q: ListQuery) => must(await v1().posts({ id }).likes.get({ query: q }))

/** Follows someone (or a shop, through its owner's account), or stops; answers the new counts. */
export const setFollow = async (userId: string, on: boolean) => must(await (on ? v1().users({ id: userId }).follow.post() : v1().users({ id: userId }).follow.delete()))
export const getFollowSummary = async (userId: string) => must(await v1().users({ id: userId }).follows.get())
export const listFollowers = async (userId: string, q: ListQuery) => must(await v1().users({ id: userId }).followers.get({ query: q }))
export const listFollowing = async (userId: string, q: ListQuery) => must(await v1().users({ id: userId }).following.get({ query: q }))

export const listUserPosts = async (userId: string, q: ListQuery) => must(await v1().users({ id: userId }).posts.get({ query: q }))
export const readFeed = async (q: ListQuery) => must(await v1().feed.get({ query: q }))
export const listTagPosts = async (tag: string, q: ListQuery) => must(await v1().tags({ tag }).posts.get({ query: q }))
/** Discover: recent public posts by engagement; the cursor keeps the first page's ranking. Signed out too. */
export const readDiscover = async (q: ListQuery) => must(await v1().feed.discover.get({ query: q }))
/** Posts matching words and #tags of `q` that the caller may see, best match first. */
export const searchPosts = async (q: SocialModel.SearchQuery) => must(await v1().search.posts.get({ query: q }))

/** The signed-in vendor's active products, to show one with a post (the first page is enough to pick from). */
export const listMyActiveProducts = async () => must(await v1().me.products.get({ query: { status: 'active', limit: 50 } })).items

export type Comment = SocialModel.Comment
export type CommentPage = SocialModel.CommentPage

/** A post's comments in thread order (each followed by its replies), a page at a time. */
export const listComments = async (postId: string, q: ListQuery) => must(await v1().posts({ id: postId }).comments.get({ query: q }))
/** A comment as I may see it; null when it is not shown to me (deleted, across a block) or its post is out of sight. */
export const getComment = async (id: string) => orMissing(await v1().comments({ id }).get())
export const createComment = async (postId: string, body: SocialModel.CommentBody) => must(await v1().posts({ id: postId }).comments.post(body))
export const updateComment = async (id: string, body: string) => must(await v1().comments({ id }).patch({ body }))
export const deleteComment = async (id: string) => must(await v1().comments({ id }).delete())
/** Likes a comment, or takes the like back; answers the new count. */
export const setCommentLike = async (id: string, on: boolean) => must(await (on ? v1().comments({ id }).like.post() : v1().comments({ id }).like.delete()))

export type SocialProfile = SocialModel.SocialProfile

/** My social settings: whether follows need my approval (a private profile). */
export const getSocialProfile = async () => must(await v1().me['social-profile'].get())
/** Turning approval off accepts every pending request; answers the settings. */
export const updateSocialProfile = async (body: SocialModel.SocialProfileBody) => must(await v1().me['social-profile'].patch(body))
/** Who asked to follow me and awaits my approval, the latest first. */
export const listFollowRequests = async (q: ListQuery) => must(await v1().me['follow-requests'].get({ query: q }))
/** Approves or declines someone's request to follow me. */
export const answerFollowRequest = async (followerId: string, approve: boolean) =>
  must(await (approve ? v1().me['follow-requests']({ followerId }).approve.post() : v1().me['follow-requests']({ followerId }).decline.post()))
