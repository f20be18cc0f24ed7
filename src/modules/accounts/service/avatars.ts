import { createHash } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { processImage, UPLOAD_LIMITS } from '../../../lib/images'
import type { AccountsModel } from '../model'
import { userAvatars, users } from '../table'
import type { CurrentUser } from './sessions'
import type { AccountsDeps } from './shared'
import { toMe } from './users'

/** Avatars are stored in one square size, crisp up to 128 CSS px on a 2× display. */
export const AVATAR_SIZE = 256

/** The stable URL of one avatar version; a new upload gets a new URL. */
export const avatarPath = (userId: string, version: string) => `/api/v1/users/${userId}/avatar/${version}.webp`

/**
 * Replaces the signed-in user's avatar with `file`, checked and re-encoded by processImage
 * (a 256 px WebP without metadata). Answers the updated account.
 */
export async function setAvatar(deps: AccountsDeps, current: CurrentUser, file: Blob): Promise<AccountsModel.Me> {
  const image = await processImage(file, { field: 'body.file', ...UPLOAD_LIMITS, resize: { width: AVATAR_SIZE, height: AVATAR_SIZE, fit: 'cover' } })
  const version = createHash('sha256').update(image.data).digest('hex').slice(0, 16)
  const now = deps.clock.now()
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ avatarUrl: avatarPath(current.id, version), updatedAt: now })
      .where(and(eq(users.id, current.id), isNull(users.deletedAt)))
      .returning()
    if (updated === undefined) return null
    const avatar = { version, contentType: image.contentType, image: image.data, createdAt: now }
    await tx
      .insert(userAvatars)
      .values({ userId: current.id, ...avatar })
      .onConflictDoUpdate({ target: userAvatars.userId, set: avatar })
    return updated
  })
  if (row === null) throw new AppError('unauthorized', 'Your session has ended; sign in again')
  return toMe(row)
}

/** Removes the signed-in user's avatar (the fallback picture shows again). */
export async function removeAvatar(deps: AccountsDeps, current: CurrentUser): Promise<AccountsModel.Me> {
  const row = await deps.db.transaction(async (tx) => {
    await tx.delete(userAvatars).where(eq(userAvatars.userId, current.id))
    const [updated] = await tx
      .update(users)
      .set({ avatarUrl: null, updatedAt: deps.clock.now() })
      .where(and(eq(users.id, current.id), isNull(users.deletedAt)))
      .returning()
    return updated ?? null
  })
  if (row === null) throw new AppError('unauthorized', 'Your session has ended; sign in again')
  return toMe(row)
}

/** One avatar version's bytes, or null when it is not (or no longer) that user's avatar. */
export async function findAvatar(db: Db, userId: string, version: string): Promise<{ contentType: string; image: Uint8Array<ArrayBuffer> } | null> {
  const [row] = await db
    .select({ contentType: userAvatars.contentType, image: userAvatars.image })
    .from(userAvatars)
    .where(and(eq(userAvatars.userId, userId), eq(userAvatars.version, version)))
    .limit(1)
  return row ?? null
}
