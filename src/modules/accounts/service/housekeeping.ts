import { lt } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { emailCodes, passwordResetTokens, sessions } from '../table'

// Run by the daily maintenance job. Each deletes only what no rule reads any more, and answers
// how many rows went.

/** Email codes and password-reset tokens past their expiry (used or not: neither can be spent). */
export async function purgeExpiredCodes(db: Db, now: Date): Promise<number> {
  const codes = await db.delete(emailCodes).where(lt(emailCodes.expiresAt, now)).returning({ id: emailCodes.id })
  const tokens = await db.delete(passwordResetTokens).where(lt(passwordResetTokens.expiresAt, now)).returning({ hash: passwordResetTokens.tokenHash })
  return codes.length + tokens.length
}

/**
 * Sessions past their absolute lifetime, with their refresh tokens (cascade). An ended session is
 * refused anyway; until then, a revoked one is kept, with its rotated tokens, so the reuse of a
 * stolen token is still recognised and the user sees the sign-in in their export.
 */
export async function purgeEndedSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id })
  return rows.length
}
