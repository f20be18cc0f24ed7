import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * One row per topic that ever had a durable event: the last id handed out. Appending an event
 * bumps it with an upsert, which locks the row until the appending transaction ends, so writers
 * on one topic commit in id order and a reader never sees id 11 before id 10.
 */
export const eventTopics = pgTable('event_topics', {
  topic: text('topic').primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
})

/** The durable event log: what a reconnecting client replays. Pruned after the retention window. */
export const events = pgTable(
  'events',
  {
    topic: text('topic').notNull(),
    id: bigint('id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.topic, table.id] }), index('events_created_idx').on(table.createdAt)],
)
