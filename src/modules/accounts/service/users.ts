import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Bus } from '../../../lib/bus'
import { type AccountsModel, ROLE_CHANGED_TOPIC } from '../model'
import { type Role, users } from '../table'
import type { Conn } from './shared'
import { notSuspended } from './standing'

export type UserRow = typeof users.$inferSelect

/** A live (not deleted) account by its normalised email, or null. */
export async function findUserByEmail(db: Conn, email: string): Promise<UserRow | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.email, email), isNull(users.deletedAt)))
    .limit(1)
  return row ?? null
}

/** A live account by id, or null. */
export async function findUserById(db: Conn, id: string): Promise<UserRow | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .limit(1)
  return row ?? null
}

/** Display names of accounts by id, deleted ones included (an order keeps showing who placed it). */
export async function displayNames(db: Conn, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, [...new Set(ids)]))
  return new Map(rows.map((row) => [row.id, row.displayName]))
}

/**
 * Who among `ids` may be sent mail nobody asked for just now (a digest): live, email verified, not
 * suspended at `now`. Their address and name by id; the others are left out.
 */
export async function mailableAddresses(db: Conn, ids: string[], now: Date): Promise<Map<string, { email: string; displayName: string }>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, email: users.email, displayName: users.displayName })
    .from(users)
    .where(and(inArray(users.id, [...new Set(ids)]), isNull(users.deletedAt), isNotNull(users.email), isNotNull(users.emailVerifiedAt), notSuspended(now)))
  return new Map(rows.map((row) => [row.id, { email: row.email!, displayName: row.displayName }]))
}

/** How another module shows an account (a post's author, a follower); a deleted one keeps its id, its name and photo are gone. */
export interface UserCard {
  id: string
  /** Kept by a deleted account (reserved), as its posts' text still names it. */
  handle: string
  displayName: string
  avatarUrl: string | null
  deleted: boolean
}

/** Cards of accounts by id, deleted ones included (under the name their deletion left, without a photo); unknown ids are left out. */
export async function userCards(db: Conn, ids: string[]): Promise<Map<string, UserCard>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, handle: users.handle, displayName: users.displayName, avatarUrl: users.avatarUrl, deletedAt: users.deletedAt })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]))
  return new Map(
    rows.map(({ deletedAt, ...row }) => [row.id, deletedAt === null ? { ...row, deleted: false } : { ...row, avatarUrl: null, deleted: true }]),
  )
}

/** The signed-in user's own view of their account. */
export function toMe(user: UserRow): AccountsModel.Me {
  return {
    id: user.id,
    // Only live accounts reach here, and a live account always has an email.
    email: user.email ?? '',
    emailVerified: user.emailVerifiedAt !== null,
    role: user.role,
    handle: user.handle,
    displayName: user.displayName,
    bio: user.bio,
    location: user.location,
    phone: user.phone,
    avatarUrl: user.avatarUrl,
    hasPassword: user.passwordHash !== null,
    googleLinked: user.googleSub !== null,
    createdAt: user.createdAt,
  }
}

/** Live accounts of one role (the support queue's assignees: admins), by name; at most 200. */
export async function listUsersWithRole(db: Conn, role: Role): Promise<{ id: string; displayName: string }[]> {
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.role, role), isNull(users.deletedAt)))
    .orderBy(users.displayName, users.id)
    .limit(200)
}

/** The role of a live account, or null. */
export async function findRole(db: Conn, userId: string): Promise<Role | null> {
  return (await findUserById(db, userId))?.role ?? null
}

/**
 * Gives a live account `role`, but only while its current role is one of `from` (so approving a
 * vendor application never demotes an admin). Takes a transaction so the change commits with the
 * decision that caused it. Reports whether the role changed: then, after commit, announce it with
 * `announceRoleChanged`, so open sockets stop the topics the new role may not follow.
 */
export async function setRole(db: Conn, userId: string, role: Role, from: readonly Role[], now: Date): Promise<boolean> {
  const changed = await db
    .update(users)
    .set({ role, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.deletedAt), inArray(users.role, [...from])))
    .returning({ id: users.id })
  return changed.length > 0
}

/** Tells every instance that the user's role changed (after the change committed). */
export async function announceRoleChanged(bus: Pick<Bus, 'publish'>, userId: string): Promise<void> {
  const event: AccountsModel.RoleChanged = { userId }
  await bus.publish(ROLE_CHANGED_TOPIC, event)
}
