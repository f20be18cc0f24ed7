// The chat's part of the admin dashboard's figures (issue #20).
import { and, count, gte, lt, ne } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { messages } from '../table'

/** Messages people sent in `[from, to)` (Souk's own system lines in a conversation are not counted). */
export async function countMessagesSent(db: Db, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(gte(messages.createdAt, from), lt(messages.createdAt, to), ne(messages.kind, 'system')))
  return row?.n ?? 0
}
