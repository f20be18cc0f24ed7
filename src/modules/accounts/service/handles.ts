// Handles: given at sign-up from the display name, changed by their owner, looked up by mentions.
import { and, inArray, isNull, ne } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { handleCandidates, isReservedHandle } from '../handle'
import { users } from '../table'
import type { Conn } from './shared'

/** The unique index on handles: a violation of it means the handle was taken meanwhile. */
const HANDLE_INDEX = 'users_handle_idx'
const takenMeanwhile = (error: unknown) => {
  const pg = pgErrorOf(error)
  return pg?.code === UNIQUE_VIOLATION && pg.constraint === HANDLE_INDEX
}

/**
 * Runs `write` (the insert or update of a users row that sets its handle) with the first free
 * handle among `displayName`'s candidates (handle.ts). Each try runs in a savepoint: when a sign-up
 * with the same name took the handle between the look-up and the write, the unique index refuses
 * it and the next candidate is tried. No lock is taken; the index decides. `self`: the account being
 * re-named, whose own handle counts as free.
 */
export async function withFreshHandle<T>(tx: Tx, displayName: string, write: (conn: Tx, handle: string) => Promise<T>, self?: string): Promise<T> {
  for (let round = 0; round < 3; round++) {
    const candidates = handleCandidates(displayName)
    const rows = await tx
      .select({ handle: users.handle })
      .from(users)
      .where(and(inArray(users.handle, candidates), self === undefined ? undefined : ne(users.id, self)))
    const taken = new Set(rows.map((row) => row.handle))
    for (const handle of candidates) {
      if (taken.has(handle)) continue
      try {
        return await tx.transaction((savepoint) => write(savepoint, handle))
      } catch (error) {
        if (!takenMeanwhile(error)) throw error
      }
    }
  }
  // Two dozen candidates, up to six-digit numbers, all taken: not a state a real name reaches.
  throw new AppError('conflict', 'Could not find a free handle for this name; try again')
}

/** A handle its owner chose (any case; stored lower-case): 400 for a reserved word (the form is the route schema's). */
export function chosenHandle(raw: string): string {
  const handle = raw.toLowerCase()
  if (isReservedHandle(handle)) throw new AppError('invalid_data', `@${handle} is reserved; choose another handle`, [{ field: 'body.handle', message: 'is reserved' }])
  return handle
}

/** Runs a write that sets a chosen handle: 409 `conflict` when another account has it (deleted ones keep theirs). */
export async function claimingHandle<T>(handle: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (handle !== undefined && takenMeanwhile(error)) throw new AppError('conflict', `@${handle} is taken; choose another handle`, [{ field: 'body.handle', message: 'is taken' }])
    throw error
  }
}

/** Live accounts by handle (lower-case), for mentions: a deleted account is mentioned by no one. */
export async function usersByHandle(db: Conn, handles: string[]): Promise<Map<string, string>> {
  if (handles.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, handle: users.handle })
    .from(users)
    .where(and(inArray(users.handle, [...new Set(handles)]), isNull(users.deletedAt)))
  return new Map(rows.map((row) => [row.handle, row.id]))
}
