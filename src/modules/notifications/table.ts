import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { DIGEST_FREQUENCIES, NOTIFICATION_TYPES } from './item'
import { at } from '../../db/columns'


/**
 * One notification, or one group of them: repeated events of a type on the same subject collapse
 * into the unread notification of that subject (at most one, by the partial unique index) until
 * it is read, so "Ana and 4 others liked your post" is one row.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type', { enum: NOTIFICATION_TYPES }).notNull(),
    /** The latest actor; the name is a snapshot taken when it happened. */
    actorId: text('actor_id').references(() => users.id),
    actorName: text('actor_name'),
    /** Distinct actors of the group (rows of notification_actors). */
    actorCount: integer('actor_count').notNull().default(0),
    subject: text('subject'),
    text: text('text').notNull(),
    link: text('link'),
    readAt: at('read_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('notifications_user_idx').on(table.userId, table.updatedAt, table.id),
    uniqueIndex('notifications_unread_group_idx').on(table.userId, table.type, table.subject).where(sql`read_at is null`),
    // The digest job's range scan: unread notifications with activity in a day or a week.
    index('notifications_unread_updated_idx').on(table.updatedAt).where(sql`read_at is null`),
  ],
)

/** Who acted in a group, once each, so a repeated like does not count twice. */
export const notificationActors = pgTable(
  'notification_actors',
  {
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.notificationId, table.actorId] })],
)

/** A user's choices per type; a missing row means the defaults (see DEFAULT_PREFERENCES). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type', { enum: NOTIFICATION_TYPES }).notNull(),
    inApp: boolean('in_app').notNull(),
    email: boolean('email').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.type] })],
)

/** A user's email digest choice; a missing row means weekly. */
export const notificationDigestSettings = pgTable('notification_digest_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  frequency: text('frequency', { enum: DIGEST_FREQUENCIES }).notNull(),
  updatedAt: at('updated_at').notNull(),
})

/**
 * One digest sent: the key (user, period) is claimed in the transaction that hands the mail to the
 * queue, so a period's digest goes out once however many runs, instances or retries reach it.
 */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The start of the (UTC) day or ISO week it covers. */
    periodStart: at('period_start').notNull(),
    frequency: text('frequency', { enum: ['daily', 'weekly'] }).notNull(),
    notificationCount: integer('notification_count').notNull(),
    sentAt: at('sent_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.periodStart] }), index('notification_digests_sent_idx').on(table.sentAt)],
)
