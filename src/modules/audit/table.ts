import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { AUDIT_ACTOR_KINDS, AUDIT_KINDS, AUDIT_SUBJECT_TYPES } from './kinds'

/** What an entry says changed: a few named values, never a secret (see recordAudit). */
export type AuditSummary = Record<string, string | number | boolean | null>

/**
 * The audit log: one row per sensitive step, written in the step's own transaction (a refused or
 * rolled-back step leaves none). Append-only: a trigger of the migration refuses UPDATE, DELETE and
 * TRUNCATE. Actors and subjects are plain ids, no foreign keys: an entry outlives what it names
 * (a deleted account keeps its row anyway), and any module can write here.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    createdAt: at('created_at').notNull(),
    actorKind: text('actor_kind', { enum: AUDIT_ACTOR_KINDS }).notNull(),
    /** The signed-in user who acted; null for the system. */
    actorId: text('actor_id'),
    kind: text('kind', { enum: AUDIT_KINDS }).notNull(),
    subjectType: text('subject_type', { enum: AUDIT_SUBJECT_TYPES }).notNull(),
    subjectId: text('subject_id').notNull(),
    summary: jsonb('summary').$type<AuditSummary>().notNull(),
    /** The request that took the step (its `x-request-id`); null for jobs. */
    requestId: text('request_id'),
    /** The client's address; null for jobs. */
    ip: text('ip'),
  },
  (table) => [
    check('audit_log_actor_check', sql`(${table.actorKind} = 'system') = (${table.actorId} is null)`),
    index('audit_log_created_idx').on(table.createdAt, table.id),
    index('audit_log_actor_idx').on(table.actorId, table.createdAt, table.id),
    index('audit_log_subject_idx').on(table.subjectId, table.createdAt, table.id),
    index('audit_log_kind_idx').on(table.kind, table.createdAt, table.id),
  ],
)
