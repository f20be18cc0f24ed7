import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { CatalogModel } from '../catalog'
import { PostAuthor, PostComment, PostMention } from './item'
import { COMMENT_BODY_MAX, COMMENT_DEPTH_MAX, EDIT_HOURS, MENTIONS_PER_TEXT, POST_BODY_MAX, POST_PHOTOS_MAX, POST_PRIVACIES, POST_SEARCH_MAX, SOCIAL_PAGE_DEFAULT, SOCIAL_PAGE_MAX, TAG_MAX_LENGTH, TAGS_PER_POST } from './rules'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace SocialModel {
  const body = t.String({ minLength: 1, maxLength: POST_BODY_MAX, description: `the text (1 to ${POST_BODY_MAX} characters, not only spaces); #tags in it are the post's tags (at most ${TAGS_PER_POST}), @handles in it mention their accounts (at most ${MENTIONS_PER_TEXT})` })
  const privacy = enumOf(POST_PRIVACIES, { description: 'public: everyone, signed out too; followers: my followers and me; private: me alone' })
  export const createBody = t.Object({
    body,
    privacy,
    productId: t.Optional(idSchema('prd', { description: 'a public product shown with the post as its card (a shop showing new work)' })),
  })
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Object({ body: t.Optional(body), privacy: t.Optional(privacy) }, { minProperties: 1, description: 'only the fields given change' })
  export type UpdateBody = typeof updateBody.static

  /** How a post, a list of likes or of follows names an account. */
  export const author = PostAuthor
  export type Author = typeof author.static

  /** A photo of a post, in the shape of a product photo; its URLs answer only those who may see the post. */
  export const photo = t.Object({
    id: idSchema('pmd'),
    url: t.String({ description: 'the display size (within 1600 px); served only to whoever may see the post, so fetch it with the access token unless the post is public' }),
    thumbnailUrl: t.String({ description: 'a 480 px square' }),
    width: t.Integer({ description: 'of the display size' }),
    height: t.Integer(),
  })
  export type Photo = typeof photo.static

  /** An @handle in a text that named an account when the text was written: the client links these only. */
  export const mention = PostMention
  export type Mention = typeof mention.static
  const mentions = t.Array(mention, { description: `the text's @mentions that name an account, in order of appearance (at most ${MENTIONS_PER_TEXT}); other @words are plain text` })

  export const post = t.Object({
    id: idSchema('pst'),
    author,
    body: t.String(),
    privacy,
    tags: t.Array(t.String(), { description: 'lower-cased, without the #, in order of first appearance' }),
    mentions,
    product: t.Union([CatalogModel.productSummary, t.Null()], { description: 'the linked product’s card; null when none, or when it is no longer public' }),
    media: t.Array(photo, { maxItems: POST_PHOTOS_MAX, description: `its photos in order (at most ${POST_PHOTOS_MAX})` }),
    likeCount: t.Integer(),
    likedByMe: t.Boolean(),
    commentCount: t.Integer({ description: 'its comments and replies, deleted ones not counted' }),
    createdAt: t.Date(),
    editedAt: nullable(t.Date({ description: 'set when its author changed it (“edited”)' })),
    editableUntil: nullable(t.Date({ description: `for its author: until when it may be changed (${EDIT_HOURS} hours after posting); null for others` })),
    canEdit: t.Boolean({ description: 'the caller wrote it and may still change it' }),
    canDelete: t.Boolean({ description: 'the caller wrote it' }),
  })
  export type Post = typeof post.static
  export const postPage = pageOf(post)
  export type PostPage = typeof postPage.static

  const commentText = t.String({ minLength: 1, maxLength: COMMENT_BODY_MAX, description: `the text (1 to ${COMMENT_BODY_MAX} characters, not only spaces)` })
  export const commentBody = t.Object({
    body: commentText,
    parentId: t.Optional(
      idSchema('pcm', {
        description: `the comment replied to, on the same post (400 otherwise); a reply to a comment at depth ${COMMENT_DEPTH_MAX} goes beside it, under the same parent`,
      }),
    ),
  })
  export type CommentBody = typeof commentBody.static
  export const commentUpdateBody = t.Object({ body: commentText })
  export type CommentUpdateBody = typeof commentUpdateBody.static

  /** The same shape as new comments arrive on `post:<id>` (item.ts). */
  export const comment = PostComment
  export type Comment = typeof comment.static
  export const commentPage = pageOf(comment)
  export type CommentPage = typeof commentPage.static

  export const liked = t.Object({ likeCount: t.Integer(), likedByMe: t.Boolean() })
  export type Liked = typeof liked.static

  /** An account in a list of likes or follows, with whether the caller follows it. */
  export const person = t.Object({
    ...author.properties,
    followedByMe: t.Boolean({ description: 'the caller follows this account (false signed out)' }),
    at: t.Date({ description: 'when they liked the post, or when the follow began' }),
  })
  export type Person = typeof person.static
  export const personPage = pageOf(person)
  export type PersonPage = typeof personPage.static

  export const followSummary = t.Object({
    followers: t.Integer({ description: 'accounts following this one' }),
    following: t.Integer({ description: 'accounts this one follows' }),
    followedByMe: t.Boolean(),
    followsMe: t.Boolean(),
    canFollow: t.Boolean({ description: 'the caller may follow this account now: signed in, not themselves, no block either way' }),
    approvesFollowers: t.Boolean({ description: 'a private profile: a follow is a request its owner approves' }),
    requested: t.Boolean({ description: 'the caller asked to follow this account and awaits its approval' }),
  })
  export type FollowSummary = typeof followSummary.static

  /** My social settings. */
  export const socialProfile = t.Object({
    approveFollowers: t.Boolean({ description: 'a private profile: who follows me is a request I approve or decline; followers-only posts reach approved followers alone' }),
  })
  export type SocialProfile = typeof socialProfile.static
  export const socialProfileBody = t.Object({
    approveFollowers: t.Boolean({ description: 'true makes follows requests; false accepts every pending request (as Mastodon does when an account unlocks)' }),
  })
  export type SocialProfileBody = typeof socialProfileBody.static
  export const followerParams = t.Object({ followerId: idSchema('usr') })

  export const listQuery = t.Object({
    cursor: t.Optional(t.String({ maxLength: 512, description: 'opaque cursor from a previous page' })),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: SOCIAL_PAGE_MAX, default: SOCIAL_PAGE_DEFAULT, title: 'query.limit' })),
  })
  export type ListQuery = typeof listQuery.static
  export const searchQuery = t.Object({
    q: t.String({ minLength: 1, maxLength: POST_SEARCH_MAX, description: `words to find in posts (each a prefix of a word, accents and case ignored) and #tags the posts must carry; 1 to ${POST_SEARCH_MAX} characters` }),
    ...listQuery.properties,
  })
  export type SearchQuery = typeof searchQuery.static

  export const postParams = t.Object({ id: idSchema('pst') })
  export const mediaParams = t.Object({ id: idSchema('pst'), mediaId: idSchema('pmd') })
  export const mediaFileParams = t.Object({
    id: idSchema('pst'),
    mediaId: idSchema('pmd'),
    file: t.String({ pattern: '^[0-9a-f]{16}-(display|thumb)\\.webp$', description: 'the version and size, as in a photo’s url or thumbnailUrl' }),
  })
  export const mediaUploadBody = t.Object({
    files: t.Files({ minItems: 1, maxItems: POST_PHOTOS_MAX, description: `1 to ${POST_PHOTOS_MAX} images (JPEG, PNG, WebP or GIF by content, at most 5 MB and 40 megapixels each)` }),
  })
  export type MediaUploadBody = typeof mediaUploadBody.static
  export const refusedFile = t.Object({
    index: t.Integer({ description: 'its place in the batch, from 0' }),
    name: t.String({ description: 'its file name as sent' }),
    message: t.String({ description: 'why it was refused' }),
  })
  export type RefusedFile = typeof refusedFile.static
  export const mediaBatch = t.Object({
    media: t.Array(photo, { description: 'every photo of the post now, in order' }),
    refused: t.Array(refusedFile, { description: 'the files of the batch that were not added, each with its reason (the others were)' }),
  })
  export type MediaBatch = typeof mediaBatch.static
  export const commentParams = t.Object({ id: idSchema('pcm') })
  export const userParams = t.Object({ id: idSchema('usr') })
  export const tagParams = t.Object({ tag: t.String({ minLength: 1, maxLength: TAG_MAX_LENGTH * 4, description: `a tag without its # (letters, digits and _; at most ${TAG_MAX_LENGTH}); any case` }) })
}
