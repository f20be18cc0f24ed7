import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Mail kept instead of sent when no SMTP server is configured (the development mailbox). */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: text('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    /** Extra headers the message carries (List-Unsubscribe), so a test can read them as SMTP would send them. */
    headers: jsonb('headers').$type<Record<string, string>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('mail_messages_to_created_idx').on(table.to, table.createdAt)],
)
