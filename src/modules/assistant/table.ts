import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { users } from '../accounts'
import { orders } from '../orders'
import { tickets } from '../support'
import type { Citation } from './model'
import { MESSAGE_ROLES } from './rules'

/**
 * A signed-in user's conversation with the help assistant (guests' are never written here: they
 * live in the ephemeral store until they expire or their owner, once signed in, keeps one). Its
 * title is made once, from the first question; the hand-off records the one ticket it opened and
 * the order it was about, under this row's lock.
 */
export const assistantSessions = pgTable(
  'assistant_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    ticketId: text('ticket_id').references(() => tickets.id),
    orderId: text('order_id').references(() => orders.id),
    createdAt: at('created_at').notNull(),
    /** The last message: the inbox is ordered by it. */
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [index('assistant_sessions_user_idx').on(table.userId, table.updatedAt, table.id)],
)

/** A session's messages: the user's questions and the assistant's answers (Markdown) with what they cite. */
export const assistantMessages = pgTable(
  'assistant_messages',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => assistantSessions.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    body: text('body').notNull(),
    citations: jsonb('citations').$type<Citation[]>().notNull().default([]),
    /** An answer that found nothing good enough and offers a person. */
    offerPerson: boolean('offer_person').notNull().default(false),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('assistant_messages_session_idx').on(table.sessionId, table.createdAt, table.id), check('assistant_messages_offer_check', sql`not ${table.offerPerson} or ${table.role} = 'assistant'`)],
)

/**
 * Questions the assistant could not answer, for admins to write the missing articles. Signed-in
 * users' only: a guest's question is stored nowhere. Kept when its session is deleted. One row per
 * user and question (`question_key`: case, spacing and punctuation folded), counting how often
 * they asked it; `created_at` is the last time.
 */
export const assistantUnanswered = pgTable(
  'assistant_unanswered',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    question: text('question').notNull(),
    questionKey: text('question_key').notNull(),
    times: integer('times').notNull().default(1),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('assistant_unanswered_created_idx').on(table.createdAt, table.id), uniqueIndex('assistant_unanswered_question_idx').on(table.userId, table.questionKey)],
)
