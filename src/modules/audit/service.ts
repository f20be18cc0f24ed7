// The audit log: written by every module inside the transaction of the step it records (so a step
// that fails leaves nothing), read by admins (search, CSV) and by each user for their own account's
// security events. Nothing here changes or removes an entry; the database refuses it too.
import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { newId } from '../../lib/ids'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../lib/pagination'
import type { Actor } from '../../lib/request-origin'
import { displayNames } from '../accounts'
import { type AuditKind, type AuditSubjectType, SECURITY_EVENT_KINDS, type SecurityEventKind } from './kinds'
import type { AuditModel } from './model'
import { auditLog, type AuditSummary } from './table'

type Conn = Db | Tx
type AuditRow = typeof auditLog.$inferSelect

/** One sensitive step to record. */
export interface AuditEntry {
  /** Who acted and from where: the signed-in user of the request (never the order's buyer or the product's vendor by default), or SYSTEM for jobs. */
  by: Actor
  kind: AuditKind
  subject: { type: AuditSubjectType; id: string }
  /** What changed, by name: amounts, statuses, a reason. Never a password, token, code or secret. */
  summary?: AuditSummary
  /** The step's time (its clock), so the entry sorts with what it records. */
  at: Date
}

/** Names a summary may not use: what they would hold is a secret, or leads to one. */
const SECRET_NAME = /pass(word)?|token|secret|code|hash|otp|iban|cvc|cvv|cookie|authorization/i
/** Long texts (a reason, a note) are cut: the log says what happened, the module's own rows keep the rest. */
const MAX_TEXT = 300

/**
 * A text of at most MAX_TEXT characters, cut by whole code points: half an emoji (a lone
 * surrogate) is no valid jsonb, and Postgres would refuse the entry and so the whole step.
 */
function cut(value: string): string {
  const text = value.toWellFormed()
  if (text.length <= MAX_TEXT) return text
  const points = Array.from(text)
  return points.length <= MAX_TEXT ? text : `${points.slice(0, MAX_TEXT - 1).join('')}…`
}

/**
 * Writes one entry inside the caller's transaction: it commits with the step it records, or not at
 * all. A summary naming a secret (`password`, `token`, `code`, ...) is a programming error, refused
 * before anything is written.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const summary: AuditSummary = {}
  for (const [name, value] of Object.entries(entry.summary ?? {})) {
    if (SECRET_NAME.test(name)) throw new Error(`audit: the summary of ${entry.kind} names a secret (${name})`)
    summary[name] = typeof value === 'string' ? cut(value) : value
  }
  await tx.insert(auditLog).values({
    id: newId('aud'),
    createdAt: entry.at,
    actorKind: entry.by.actorId === null ? 'system' : 'user',
    actorId: entry.by.actorId,
    kind: entry.kind,
    subjectType: entry.subject.type,
    subjectId: entry.subject.id,
    summary,
    requestId: entry.by.requestId,
    ip: entry.by.ip,
  })
}

/** Newest first, after the cursor's entry. */
function newestFirst(filter: { cursor?: string }, ...conditions: (SQL | undefined)[]): SQL | undefined {
  const after = decodeTimeCursor(filter.cursor, 'aud')
  return and(...conditions, after === null ? undefined : or(lt(auditLog.createdAt, after.time), and(eq(auditLog.createdAt, after.time), lt(auditLog.id, after.id))))
}

const whereOf = (query: AuditModel.SearchQuery): SQL | undefined =>
  newestFirst(
    query,
    query.actorId === undefined ? undefined : eq(auditLog.actorId, query.actorId.trim()),
    query.subjectId === undefined ? undefined : eq(auditLog.subjectId, query.subjectId.trim()),
    query.kind === undefined ? undefined : eq(auditLog.kind, query.kind),
    query.from === undefined ? undefined : gte(auditLog.createdAt, query.from),
    query.to === undefined ? undefined : lt(auditLog.createdAt, query.to),
  )

async function toEntries(db: Conn, rows: AuditRow[]): Promise<AuditModel.Entry[]> {
  const names = await displayNames(db, rows.flatMap((row) => (row.actorId === null ? [] : [row.actorId])))
  return rows.map((row) => ({
    id: row.id,
    at: row.createdAt,
    actorKind: row.actorKind,
    actorId: row.actorId,
    actorName: row.actorId === null ? null : (names.get(row.actorId) ?? null),
    kind: row.kind,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    summary: row.summary,
    requestId: row.requestId,
    ip: row.ip,
  }))
}

/** The admins' search: by actor, subject, kind and time, newest first, in cursor pages. */
export async function searchAudit(db: Db, query: AuditModel.SearchQuery): Promise<Page<AuditModel.Entry>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const rows = await db
    .select()
    .from(auditLog)
    .where(whereOf(query))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: await toEntries(db, page.items), nextCursor: page.nextCursor }
}

/**
 * The security events of a user's own account (sign-ins and sign-outs, password, email and payout
 * changes), newest first, with where they came from. Only entries about that account.
 */
export async function securityEvents(db: Db, userId: string, query: { cursor?: string; limit?: number }): Promise<Page<AuditModel.SecurityEvent>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const rows = await db
    .select()
    .from(auditLog)
    .where(newestFirst(query, eq(auditLog.subjectType, 'user'), eq(auditLog.subjectId, userId), inArray(auditLog.kind, [...SECURITY_EVENT_KINDS])))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], (row) => ({
    id: row.id,
    kind: row.kind as SecurityEventKind,
    at: row.createdAt,
    ip: row.ip,
    bySystem: row.actorKind === 'system',
    summary: row.summary,
  }))
}
