import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { type CodePurpose, emailCodes } from '../table'
import { type AccountsDeps, type Conn, MINUTE } from './shared'

export const CODE_TTL_MS = 10 * MINUTE
/** Wrong tries a code survives; the 5th wrong one kills it (a new code must be requested). */
export const CODE_MAX_FAILURES = 5

/** One answer for every bad code (wrong, expired, used, locked, unknown email): it tells nothing. */
export const invalidCode = () =>
  new AppError('invalid_data', 'This code is not valid; it may have expired. Request a new one.', [
    { field: 'body.code', message: 'is not valid' },
  ])

/**
 * Keyed with a key derived from the server secret (an unkeyed hash of one of 10^6 codes would
 * fall to a lookup) and bound to purpose, user and address, so a code is good for nothing else.
 */
function codeHash(secret: string, purpose: CodePurpose, userId: string, email: string, code: string): string {
  const key = createHmac('sha256', secret).update('souk:email-code').digest()
  return createHmac('sha256', key).update(`${purpose}:${userId}:${email}:${code}`).digest('hex')
}

/** Issues a fresh 6-digit code, retiring the user's earlier codes for the same purpose. */
export async function issueCode(deps: Pick<AccountsDeps, 'clock' | 'config'>, db: Conn, userId: string, purpose: CodePurpose, email: string): Promise<string> {
  const now = deps.clock.now()
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  await db
    .update(emailCodes)
    .set({ consumedAt: now })
    .where(and(eq(emailCodes.userId, userId), eq(emailCodes.purpose, purpose), isNull(emailCodes.consumedAt)))
  await db.insert(emailCodes).values({
    userId,
    purpose,
    email,
    codeHash: codeHash(deps.config.secrets.JWT_SECRET, purpose, userId, email, code),
    createdAt: now,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  })
  return code
}

/**
 * Spends the user's live code for `purpose` and answers the address it was sent to. A wrong code
 * counts a failure; the consuming update is conditional, so two requests cannot both spend it.
 */
export async function consumeCode(deps: AccountsDeps, userId: string, purpose: CodePurpose, code: string): Promise<string> {
  const now = deps.clock.now()
  const [live] = await deps.db
    .select()
    .from(emailCodes)
    .where(
      and(
        eq(emailCodes.userId, userId),
        eq(emailCodes.purpose, purpose),
        isNull(emailCodes.consumedAt),
        gt(emailCodes.expiresAt, now),
        lt(emailCodes.failedAttempts, CODE_MAX_FAILURES),
      ),
    )
    .orderBy(desc(emailCodes.createdAt))
    .limit(1)
  if (live === undefined) throw invalidCode()
  const expected = Buffer.from(live.codeHash, 'hex')
  const given = Buffer.from(codeHash(deps.config.secrets.JWT_SECRET, purpose, userId, live.email, code), 'hex')
  if (!timingSafeEqual(expected, given)) {
    await deps.db
      .update(emailCodes)
      .set({ failedAttempts: sql`${emailCodes.failedAttempts} + 1` })
      .where(eq(emailCodes.id, live.id))
    throw invalidCode()
  }
  const [spent] = await deps.db
    .update(emailCodes)
    .set({ consumedAt: now })
    .where(and(eq(emailCodes.id, live.id), isNull(emailCodes.consumedAt), lt(emailCodes.failedAttempts, CODE_MAX_FAILURES)))
    .returning({ email: emailCodes.email })
  if (spent === undefined) throw invalidCode()
  return spent.email
}
