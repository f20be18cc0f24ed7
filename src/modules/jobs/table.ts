import { sql } from 'drizzle-orm'
import { date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { JOB_STATUSES, type JobLogLine, type JobResult } from './snapshot'
import { at, bytea } from '../../db/columns'


/** Raw bytes; postgres.js reads them as a Buffer, PGlite as a Uint8Array (a Buffer is one too). */

/**
 * A user-visible job: what pg-boss runs, as its owner (or an admin) follows it. pg-boss keeps the
 * delivery (retries, expiry); this row keeps what a person reads, and survives pg-boss's own
 * retention. `boss_id` names the pg-boss job of the current round of tries: a retry asked by a
 * person sends a new one, and a stale delivery of an older one is recognised and ignored.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    /** Null for system jobs (scheduled maintenance). */
    ownerId: text('owner_id').references(() => users.id),
    kind: text('kind').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    progress: integer('progress').notNull().default(0),
    step: text('step'),
    steps: jsonb('steps').$type<string[]>().notNull().default([]),
    /** The latest lines only (see LOG_LIMIT). */
    log: jsonb('log').$type<JobLogLine[]>().notNull().default([]),
    /** What was asked for (the handler's input). */
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    result: jsonb('result').$type<JobResult>(),
    error: text('error'),
    /** Tries started; a progress write names its try, so a superseded one cannot write. */
    attempts: integer('attempts').notNull().default(0),
    bossId: text('boss_id').notNull(),
    /** Set for singleton kinds: a retry enqueues under the same key. */
    singletonKey: text('singleton_key'),
    createdAt: at('created_at').notNull(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    // Ids are UUIDv7 (time first), so lists page by id alone.
    index('jobs_owner_idx').on(table.ownerId, table.id),
    index('jobs_finished_idx').on(table.finishedAt),
    uniqueIndex('jobs_boss_id_idx').on(table.bossId),
    // The admins' queue of failed jobs (failedJobsQueue) reads only these.
    index('jobs_failed_idx').on(table.finishedAt).where(sql`${table.status} = 'failed'`),
  ],
)

/**
 * A job's downloadable file, kept in the database rather than on disk, so whichever instance
 * answers the download has it. Exports are a user's own data (kilobytes to a few megabytes) and
 * live 24 hours; the daily purge deletes expired ones.
 */
export const jobFiles = pgTable('job_files', {
  jobId: text('job_id')
    .primaryKey()
    .references(() => jobs.id, { onDelete: 'cascade' }),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  content: bytea('content').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
})
