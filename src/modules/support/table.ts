import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { orders } from '../orders'
import { TICKET_AUTHOR_KINDS, TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from './status'
import { at, bytea } from '../../db/columns'

/**
 * A support ticket: opened by a signed-in user (`requesterId`) or by a visitor (`visitorEmail`,
 * reached only through the emailed link, whose token is kept as a SHA-256 hash), about an optional
 * order of the requester's own. Times of the first staff answer and of solving give the queue its
 * first-response and resolution times.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    requesterId: text('requester_id').references(() => users.id),
    visitorEmail: text('visitor_email'),
    /** SHA-256 (hex) of the visitor link's token. */
    accessTokenHash: text('access_token_hash'),
    subject: text('subject').notNull(),
    category: text('category', { enum: TICKET_CATEGORIES }).notNull(),
    orderId: text('order_id').references(() => orders.id),
    status: text('status', { enum: TICKET_STATUSES }).notNull(),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull(),
    assigneeId: text('assignee_id').references(() => users.id),
    createdAt: at('created_at').notNull(),
    /** The first public staff reply (set once). */
    firstResponseAt: at('first_response_at'),
    /** The last time it was solved (null while it is not). */
    solvedAt: at('solved_at'),
    closedAt: at('closed_at'),
    /** The last public activity: the requester's list is ordered by it. */
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('tickets_requester_idx').on(table.requesterId, table.updatedAt),
    index('tickets_queue_idx').on(table.status, table.createdAt),
    index('tickets_assignee_idx').on(table.assigneeId, table.status),
    index('tickets_solved_idx').on(table.solvedAt).where(sql`${table.status} = 'solved'`),
    check('tickets_requester_check', sql`(${table.requesterId} is null) <> (${table.visitorEmail} is null) and (${table.visitorEmail} is null) = (${table.accessTokenHash} is null)`),
  ],
)

/** A ticket's thread: the requester's and staff's messages, and staff's internal notes (never shown to the requester). */
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: text('id').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    authorKind: text('author_kind', { enum: TICKET_AUTHOR_KINDS }).notNull(),
    /** The user or admin who wrote it; null for a visitor. */
    authorId: text('author_id').references(() => users.id),
    body: text('body').notNull(),
    internal: boolean('internal').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('ticket_messages_ticket_idx').on(table.ticketId, table.createdAt), check('ticket_messages_internal_check', sql`not ${table.internal} or ${table.authorKind} = 'staff'`)],
)

/** Images of a message, checked by content and re-encoded (no metadata), served to those who may read the message. */
export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => ticketMessages.id),
    position: integer('position').notNull(),
    data: bytea('data').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.messageId, table.position] })],
)
