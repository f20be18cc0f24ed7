// The questions the assistant could not answer, for admins to write the missing articles: one row
// per user and question, however often they ask it (case, spacing and punctuation folded).
import { and, desc, eq, lt, or, sql } from 'drizzle-orm'
import { newId } from '../../../lib/ids'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { displayNames } from '../../accounts'
import type { AssistantModel } from '../model'
import { assistantUnanswered } from '../table'
import type { AssistantDeps, Conn } from './shared'

/** The most characters of a key: a unique index entry must stay well under Postgres's ~2.7 KB (a CJK character is 3 bytes). */
const KEY_MAX = 200

/**
 * What tells two askings of one question apart: its letters and digits, in lower case, the first
 * KEY_MAX characters; a question with neither (emoji, punctuation) is its own text.
 */
export function questionKeyOf(question: string): string {
  const lower = question.normalize('NFKC').toLowerCase()
  const words = lower.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ').trim()
  return (words === '' ? lower.trim() : words).slice(0, KEY_MAX)
}

/** Records that `userId` asked `question` at `at`: a new row, or one more time for the one they asked before (concurrent askings included). */
export async function recordUnanswered(db: Conn, userId: string, question: string, at: Date): Promise<void> {
  await db
    .insert(assistantUnanswered)
    .values({ id: newId('asq'), userId, question, questionKey: questionKeyOf(question), createdAt: at })
    .onConflictDoUpdate({
      target: [assistantUnanswered.userId, assistantUnanswered.questionKey],
      set: { question, times: sql`${assistantUnanswered.times} + 1`, createdAt: sql`greatest(${assistantUnanswered.createdAt}, excluded.created_at)` },
    })
}

/** Questions the assistant could not answer (signed-in users'), the last asked first, for admins. */
export async function listUnanswered(deps: Pick<AssistantDeps, 'db'>, query: { cursor?: string; limit?: number }): Promise<Page<AssistantModel.Unanswered>> {
  const after = decodeTimeCursor(query.cursor, 'asq')
  const limit = query.limit ?? DEFAULT_LIMIT
  const rows = await deps.db
    .select()
    .from(assistantUnanswered)
    .where(after === null ? undefined : or(lt(assistantUnanswered.createdAt, after.time), and(eq(assistantUnanswered.createdAt, after.time), lt(assistantUnanswered.id, after.id))))
    .orderBy(desc(assistantUnanswered.createdAt), desc(assistantUnanswered.id))
    .limit(limit + 1)
  const byId = await displayNames(deps.db, rows.map((row) => row.userId))
  return toPage(
    rows,
    limit,
    (row) => [row.createdAt.toISOString(), row.id],
    (row) => ({ id: row.id, question: row.question, times: row.times, askedBy: { id: row.userId, name: byId.get(row.userId) ?? 'Deleted user' }, createdAt: row.createdAt }),
  )
}
