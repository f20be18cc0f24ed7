import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { users } from '../accounts'
import { products } from '../catalog'
import { POST_BODY_MAX, POST_PRIVACIES } from './rules'

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
    createdAt: at('created_at').notNull(),
    /** Set when the author changed the text or the privacy. */
    editedAt: at('edited_at'),
    deletedAt: at('deleted_at'),
  },
  (table) => [
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
