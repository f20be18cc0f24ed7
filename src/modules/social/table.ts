import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgColumn, boolean, check, customType, index, integer, pgTable, primaryKey, smallint, text, unique } from 'drizzle-orm/pg-core'
import { at, photoColumns } from '../../db/columns'
import { users } from '../accounts'
import { products } from '../catalog'
import { COMMENT_BODY_MAX, COMMENT_DEPTH_MAX, POST_BODY_MAX, POST_PRIVACIES } from './rules'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * A post: text with its #tags, a privacy (rules.ts) and optionally a linked product shown as its
 * card (shops post as their owner's account). Deleted by its author: kept, shown to nobody.
 */
export const posts = pgTable(
  'posts',
  {
    id: text('id').primaryKey(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    privacy: text('privacy', { enum: POST_PRIVACIES }).notNull(),
    productId: text('product_id').references(() => products.id),
    /** Moves with `post_likes` rows, in their transaction (exact under concurrency). */
    likeCount: integer('like_count').notNull().default(0),
    /** Comments not deleted; moves with `post_comments` rows (made or deleted), in their transaction. */
    commentCount: integer('comment_count').notNull().default(0),
    createdAt: at('created_at').notNull(),
    /** Set when the author changed the text or the privacy. */
    editedAt: at('edited_at'),
    deletedAt: at('deleted_at'),
    /**
     * What post search matches: the text under the `post_search` text search configuration (made by
     * the migration post_search): 'simple' words (lower-cased, no stemming, no stop words: posts are
     * in every language, and one language's stemmer mangles the others) with accents taken off
     * first (unaccent), so "cafe" finds "Café". Generated and stored, so it cannot drift from the text.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql`to_tsvector('post_search'::regconfig, ${posts.body})`),
  },
  (table) => [
    // Post search (service/search.ts): the words of `search` (prefixes too).
    index('posts_search_idx').using('gin', table.search),
    // The home feed (fan-out on read: each followed author's newest first) and profile pages. Lists
    // read newest first by scanning these ascending indexes backwards (`created_at desc, id desc`
    // is exactly their reverse), as every list of Souk does.
    index('posts_author_idx').on(table.authorId, table.createdAt, table.id),
    // Recent public posts (discover), newest first.
    index('posts_public_idx')
      .on(table.createdAt, table.id)
      .where(sql`${table.privacy} = 'public' and ${table.deletedAt} is null`),
    check('posts_body_check', sql`char_length(${table.body}) between 1 and ${sql.raw(String(POST_BODY_MAX))}`),
    check('posts_like_count_check', sql`${table.likeCount} >= 0`),
    check('posts_comment_count_check', sql`${table.commentCount} >= 0`),
  ],
)

/** A post's #tags (rules.ts: parseTags), with its time copied so a tag page walks one index newest first. */
export const postTags = pgTable(
  'post_tags',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id),
    tag: text('tag').notNull(),
    /** The post's `created_at` (it never changes). */
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.postId, table.tag] }), index('post_tags_tag_idx').on(table.tag, table.createdAt, table.postId)],
)

/** One like per user and post; the post's `like_count` moves with these rows, in their transaction. */
export const postLikes = pgTable(
  'post_likes',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.postId, table.userId] }), index('post_likes_post_idx').on(table.postId, table.createdAt, table.userId)],
)

/** `follower_id` follows `followee_id` (a person, or a shop through its owner's account). */
export const follows = pgTable(
  'follows',
  {
    followerId: text('follower_id')
      .notNull()
      .references(() => users.id),
    followeeId: text('followee_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.followerId, table.followeeId] }),
    // Someone's followers, newest first (and whether the viewer follows an author: the primary key).
    index('follows_followee_idx').on(table.followeeId, table.createdAt, table.followerId),
    // Whom someone follows, newest first.
    index('follows_follower_idx').on(table.followerId, table.createdAt, table.followeeId),
    check('follows_not_self_check', sql`${table.followerId} <> ${table.followeeId}`),
  ],
)

/**
 * A comment on a post, or a reply (depth 2, 3: rules.ts COMMENT_DEPTH_MAX). Deleted (by its author
 * or the post's): kept, and shown as "[deleted]" while replies below it are shown.
 */
export const postComments = pgTable(
  'post_comments',
  {
    id: text('id').primaryKey(),
    postId: text('post_id')
      .notNull()
      .references(() => posts.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    parentId: text('parent_id').references((): AnyPgColumn => postComments.id),
    depth: smallint('depth').notNull(),
    /**
     * The thread order as one sortable key: the parent's path then this id's 32 hex digits (ids
     * are UUIDv7, so siblings sort oldest first). Ordering by it lists a post's comments depth first,
     * each followed by its replies; a comment's replies are the paths in `[path, path || 'g')`.
     */
    threadPath: text('thread_path').notNull(),
    body: text('body').notNull(),
    /** Moves with `comment_likes` rows, in their transaction. */
    likeCount: integer('like_count').notNull().default(0),
    createdAt: at('created_at').notNull(),
    editedAt: at('edited_at'),
    deletedAt: at('deleted_at'),
  },
  (table) => [
    // A post's comments in thread order (keyset pages on the path), and a comment's replies (a path range).
    index('post_comments_thread_idx').on(table.postId, table.threadPath),
    // A post's comments since a time: Discover leaves those made after its ranking instant out of a score.
    index('post_comments_post_time_idx').on(table.postId, table.createdAt),
    check('post_comments_depth_check', sql`${table.depth} between 1 and ${sql.raw(String(COMMENT_DEPTH_MAX))} and (${table.depth} = 1) = (${table.parentId} is null)`),
    check('post_comments_path_check', sql`char_length(${table.threadPath}) = 32 * ${table.depth}`),
    check('post_comments_body_check', sql`char_length(${table.body}) between 1 and ${sql.raw(String(COMMENT_BODY_MAX))}`),
    check('post_comments_like_count_check', sql`${table.likeCount} >= 0`),
  ],
)

/** One like per user and comment; the comment's `like_count` moves with these rows, in their transaction. */
export const commentLikes = pgTable(
  'comment_likes',
  {
    commentId: text('comment_id')
      .notNull()
      .references(() => postComments.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.commentId, table.userId] })],
)

/**
 * A user's social settings, a row once they change one (no row: the defaults). Kept here rather
 * than on accounts' users: only social reads it.
 */
export const socialProfiles = pgTable('social_profiles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  /** A private profile ("locked", as Mastodon says): a follow is a request its owner approves. */
  approveFollowers: boolean('approve_followers').notNull().default(false),
  updatedAt: at('updated_at').notNull(),
})

/** `follower_id` asked to follow `followee_id`, whose profile approves followers; approving makes the `follows` row. */
export const followRequests = pgTable(
  'follow_requests',
  {
    followerId: text('follower_id')
      .notNull()
      .references(() => users.id),
    followeeId: text('followee_id')
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.followerId, table.followeeId] }),
    // Someone's pending requests, the latest first.
    index('follow_requests_followee_idx').on(table.followeeId, table.createdAt, table.followerId),
    check('follow_requests_not_self_check', sql`${table.followerId} <> ${table.followeeId}`),
  ],
)

/**
 * A post's photos (at most rules.ts POST_PHOTOS_MAX), re-encoded as product photos are (lib/images.ts
 * processPhoto), bytes in Postgres so any instance serves them. `position` orders them; a batch is
 * numbered under the post's row lock, so concurrent batches never share one. They are served only
 * through their post (`visibleTo`), and erased when it is deleted.
 */
export const postMedia = pgTable(
  'post_media',
  {
    id: text('id').primaryKey(),
    postId: text('post_id')
      .notNull()
      .references(() => posts.id),
    position: integer('position').notNull(),
    ...photoColumns(),
    createdAt: at('created_at').notNull(),
  },
  // A page of posts reads its photos in order on this key (one query for the page).
  (table) => [unique('post_media_position_key').on(table.postId, table.position)],
)

/**
 * An @mention in a post's text (`comment_id` null) or in one of its comments: the handle as
 * written (lower-case) and the live account it named when the text was written or edited. Kept
 * with that account, so the text links the same person after a handle changes hands. Rows follow
 * the text: an edit adds the mentions new to it and drops those no longer in it.
 */
export const postMentions = pgTable(
  'post_mentions',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id),
    commentId: text('comment_id').references(() => postComments.id),
    handle: text('handle').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
  },
  // A post's mentions, or its comments' (by post, then comment): one handle once per text.
  (table) => [unique('post_mentions_text_handle_key').on(table.postId, table.commentId, table.handle).nullsNotDistinct()],
)
