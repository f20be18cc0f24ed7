import { bigint, date, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

/**
 * Daily figures for the admin dashboard, one row per (UTC day, metric), written by the `stats.daily`
 * roll-up (see service/figures.ts for the metric names). A new figure is a new metric name, not a
 * migration, and a roll-up run twice for a day writes the same rows.
 */
export const dailyStats = pgTable(
  'daily_stats',
  {
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.day, table.metric] })],
)

/** A daily figure split by a key (`shop:MAD` by shop id, `category:MAD` by category id): top shops and categories. */
export const dailyBreakdowns = pgTable(
  'daily_breakdowns',
  {
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    key: text('key').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.metric, table.day, table.key] }), index('daily_breakdowns_day_idx').on(table.day)],
)
