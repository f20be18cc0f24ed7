import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../lib/pagination'
import type { Bus } from '../../lib/bus'
import { findUserById } from '../accounts'
import type { NewNotificationEvent, NotificationEvent } from './events'
import { appendEvent, publishEvents, withEvents } from '../../events/log'
import type { Mailer } from '../mail'
import { type DigestFrequency, NOTIFICATION_TYPES, type NotificationItem, type NotificationType } from './item'
import type { NotificationsModel } from './model'
import { notificationActors, notificationDigestSettings, notificationPreferences, notifications } from './table'

/** What the notifications services need, handed in by the plugin (or a test). */
export interface NotificationsDeps {
  db: Db
  bus: Bus
  clock: Clock
  mailer: Mailer
  log: Logger
}

type Conn = Db | Tx
type Row = typeof notifications.$inferSelect

/** Without a saved choice: everything in the app; email only where a person waits on it. */
export const DEFAULT_PREFERENCES: Record<NotificationType, { inApp: boolean; email: boolean }> = {
  message: { inApp: true, email: true },
  order: { inApp: true, email: true },
  payment: { inApp: true, email: true },
  review: { inApp: true, email: false },
  follow: { inApp: true, email: false },
  follow_request: { inApp: true, email: false },
  like: { inApp: true, email: false },
  comment: { inApp: true, email: false },
  mention: { inApp: true, email: false },
  system: { inApp: true, email: false },
}

const userTopic = (userId: string) => `user:${userId}` as const

/** Without a saved choice, unread notifications are emailed once a week. */
export const DEFAULT_DIGEST: DigestFrequency = 'weekly'

export async function digestFrequencyOf(db: Conn, userId: string): Promise<DigestFrequency> {
  const [row] = await db.select({ frequency: notificationDigestSettings.frequency }).from(notificationDigestSettings).where(eq(notificationDigestSettings.userId, userId))
  return row?.frequency ?? DEFAULT_DIGEST
}

export async function setDigestFrequency(db: Conn, userId: string, frequency: DigestFrequency, now: Date): Promise<void> {
  await db
    .insert(notificationDigestSettings)
    .values({ userId, frequency, updatedAt: now })
    .onConflictDoUpdate({ target: notificationDigestSettings.userId, set: { frequency, updatedAt: now } })
}

/** "Ana and 4 others liked your post": the sentence the app shows for a notification (group). */
export function summaryOf(row: Row): string {
  if (row.actorName === null) return row.text
  const others = Math.max(row.actorCount - 1, 0)
  const and = others === 0 ? '' : ` and ${others} ${others === 1 ? 'other' : 'others'}`
  return `${row.actorName}${and} ${row.text}`
}

function toItem(row: Row): NotificationItem {
  return {
    id: row.id,
    type: row.type,
    actor: row.actorId === null || row.actorName === null ? null : { id: row.actorId, name: row.actorName },
    otherActors: Math.max(row.actorCount - 1, 0),
    subject: row.subject,
    text: row.text,
    summary: summaryOf(row),
    link: row.link,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function countUnread(db: Conn, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
  return row?.n ?? 0
}

/**
 * Whether the user has an unread notification of `type` about `subject`: a caller that would tell
 * them again about the same thing passes `email: false` to `notify` while it stays unread.
 */
export async function hasUnreadNotification(db: Conn, userId: string, type: NotificationType, subject: string): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type), eq(notifications.subject, subject), isNull(notifications.readAt)))
    .limit(1)
  return row !== undefined
}

async function preferenceOf(db: Conn, userId: string, type: NotificationType) {
  const [row] = await db
    .select({ inApp: notificationPreferences.inApp, email: notificationPreferences.email })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.type, type)))
  return row ?? DEFAULT_PREFERENCES[type]
}

export interface NotifyInput {
  /** The recipient. */
  userId: string
  type: NotificationType
  /** Who did it; null for system notices. An actor acting on their own things notifies nobody. */
  actorId?: string | null
  /** `<kind>:<id>` of what it is about; unread notifications of one type and subject group. */
  subject?: string | null
  /** What happened, without the actor: "liked your post". */
  text: string
  link?: string | null
  /**
   * False: in the app only, even where the user wants email for the type. For a caller that knows
   * the user was told already and has not looked since (chat: a later message of an unread streak).
   */
  email?: boolean
}

/** Run once the transaction that called `notify` has committed: pushes it live, sends the email. */
export type AfterCommit = () => Promise<void>

/**
 * Records a notification inside the caller's transaction, grouped with the unread one of the
 * same type and subject, together with its durable `notification` event on `user:<id>`. Answers
 * what to run after commit, or null when nothing is to be sent (recipient gone, both channels
 * off, or the actor is the recipient). This is what other modules call.
 */
export async function notify(deps: NotificationsDeps, tx: Tx, input: NotifyInput): Promise<AfterCommit | null> {
  if (input.actorId != null && input.actorId === input.userId) return null
  const recipient = await findUserById(tx, input.userId)
  if (recipient === null) return null
  const channels = await preferenceOf(tx, input.userId, input.type)
  const now = deps.clock.now()
  let event: NotificationEvent | null = null
  let summary = input.text
  if (channels.inApp) {
    const actor = input.actorId == null ? null : await findUserById(tx, input.actorId)
    const [inserted] = await tx
      .insert(notifications)
      .values({
        id: newId('ntf'),
        userId: input.userId,
        type: input.type,
        actorId: actor?.id ?? null,
        actorName: actor?.displayName ?? null,
        actorCount: actor === null ? 0 : 1,
        subject: input.subject ?? null,
        text: input.text,
        link: input.link ?? null,
        createdAt: now,
        updatedAt: now,
      })
      // A null subject never conflicts (nulls are distinct in a unique index): no grouping.
      .onConflictDoUpdate({
        target: [notifications.userId, notifications.type, notifications.subject],
        targetWhere: sql`read_at is null`,
        set: {
          actorId: sql`excluded.actor_id`,
          actorName: sql`excluded.actor_name`,
          text: sql`excluded.text`,
          link: sql`excluded.link`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning()
    let row = inserted!
    if (actor !== null) {
      await tx.insert(notificationActors).values({ notificationId: row.id, actorId: actor.id }).onConflictDoNothing()
      const [counted] = await tx
        .update(notifications)
        .set({ actorCount: sql`(select count(*) from ${notificationActors} where ${notificationActors.notificationId} = ${row.id})` })
        .where(eq(notifications.id, row.id))
        .returning()
      row = counted!
    }
    summary = summaryOf(row)
    const unreadCount = await countUnread(tx, input.userId)
    event = await appendEvent<NewNotificationEvent>(tx, now, { topic: userTopic(input.userId), kind: 'notification', data: { notification: toItem(row), unreadCount } })
  }
  const mail = channels.email && input.email !== false && recipient.email !== null ? { to: recipient.email, subject: `Souk: ${summary}`, text: `${summary}\n` } : null
  if (event === null && mail === null) return null
  return async () => {
    if (event !== null) await publishEvents(deps.bus, [event])
    if (mail !== null) deps.mailer.dispatch(mail)
  }
}

async function readEvent(tx: Tx, now: Date, userId: string, ids: string[], all: boolean): Promise<NotificationEvent> {
  const unreadCount = await countUnread(tx, userId)
  return appendEvent(tx, now, { topic: userTopic(userId), kind: 'notification.read', data: { ids, all, unreadCount } })
}

/** The user's notifications, latest activity first, in cursor pages. */
export async function listNotifications(db: Db, userId: string, query: NotificationsModel.ListQuery): Promise<Page<NotificationItem>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('ntf')])
  const rows = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        query.unread === true ? isNull(notifications.readAt) : undefined,
        after === null
          ? undefined
          : or(lt(notifications.updatedAt, after[0]), and(eq(notifications.updatedAt, after[0]), lt(notifications.id, after[1]))),
      ),
    )
    .orderBy(desc(notifications.updatedAt), desc(notifications.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.updatedAt.toISOString(), row.id], toItem)
}

/** Marks one of the user's notifications read; someone else's is "not found". */
export async function markRead(deps: NotificationsDeps, userId: string, id: string): Promise<NotificationItem> {
  return withEvents(deps, async (tx) => {
    const now = deps.clock.now()
    const [updated] = await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
      .returning()
    if (updated !== undefined) return { result: toItem(updated), events: [await readEvent(tx, now, userId, [id], false)] }
    const [existing] = await tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    if (existing === undefined) throw new AppError('not_found', 'No such notification')
    return { result: toItem(existing), events: [] }
  })
}

/** Marks every unread notification of the user read; answers how many. */
export async function markAllRead(deps: NotificationsDeps, userId: string): Promise<number> {
  return withEvents(deps, async (tx) => {
    const now = deps.clock.now()
    const updated = await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .returning({ id: notifications.id })
    return { result: updated.length, events: updated.length === 0 ? [] : [await readEvent(tx, now, userId, [], true)] }
  })
}

/** Deletes one of the user's notifications; someone else's is "not found". */
export async function deleteNotification(deps: NotificationsDeps, userId: string, id: string): Promise<void> {
  await withEvents(deps, async (tx) => {
    const [deleted] = await tx
      .delete(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
      .returning({ readAt: notifications.readAt })
    if (deleted === undefined) throw new AppError('not_found', 'No such notification')
    // An unread one leaves the unread count: other tabs learn it like a read.
    const events = deleted.readAt === null ? [await readEvent(tx, deps.clock.now(), userId, [id], false)] : []
    return { result: undefined, events }
  })
}

/** The user's choice for every type, defaults filled in, and their digest's. */
export async function getPreferences(db: Conn, userId: string): Promise<NotificationsModel.Preferences> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId))
  const saved = new Map(rows.map((row) => [row.type, row]))
  const items = NOTIFICATION_TYPES.map((type) => {
    const row = saved.get(type) ?? DEFAULT_PREFERENCES[type]
    return { type, inApp: row.inApp, email: row.email }
  })
  return { items, digest: await digestFrequencyOf(db, userId) }
}

/** Saves the given types' choices and the digest's, when given (the rest unchanged), and answers them all. */
export async function updatePreferences(db: Db, userId: string, body: NotificationsModel.UpdatePreferencesBody, now: Date): Promise<NotificationsModel.Preferences> {
  // One row per type: a type listed twice keeps its last setting (an upsert cannot touch a row twice).
  const byType = new Map((body.items ?? []).map((item) => [item.type, item]))
  await db.transaction(async (tx) => {
    if (byType.size > 0) {
      await tx
        .insert(notificationPreferences)
        .values([...byType.values()].map((item) => ({ userId, type: item.type, inApp: item.inApp, email: item.email })))
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.type],
          set: { inApp: sql`excluded.in_app`, email: sql`excluded.email` },
        })
    }
    if (body.digest !== undefined) await setDigestFrequency(tx, userId, body.digest, now)
  })
  return getPreferences(db, userId)
}

/**
 * Deletes notifications read before `before` (with their actor rows); unread ones stay whatever
 * their age. Run by the daily maintenance job; answers how many went.
 */
export async function purgeReadNotifications(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(notifications).where(lt(notifications.readAt, before)).returning({ id: notifications.id })
  return rows.length
}
