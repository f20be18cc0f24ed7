// The email digest of unread notifications. Each user chooses daily, weekly (the default) or off.
// An hourly job mails each due user the unread notifications whose latest activity fell in the last
// period that ended (the UTC day before, or the ISO week before), newest first, at most
// DIGEST_MAX_ITEMS listed. Once per user and period: the row (user, period start) of
// notification_digests is inserted in the transaction that hands the mail to the queue, so a second
// run, a concurrent one on another instance or a retry after a crash finds the key taken (or
// waits on it, then finds it) and sends nothing; a crash before commit leaves neither.
// Every digest carries a signed link that turns the digest off without signing in.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { and, asc, count, desc, eq, gt, gte, isNull, lt, or, sql } from 'drizzle-orm'
import type { Config } from '../../config'
import type { Tx } from '../../db/client'
import { AppError } from '../../lib/errors'
import { defineJob } from '../../jobs/queue'
import { findUserById, mailableAddresses } from '../accounts'
import type { MailMessage } from '../mail'
import type { DigestFrequency } from './item'
import type { NotificationsModel } from './model'
import { DEFAULT_DIGEST, digestFrequencyOf, type NotificationsDeps, setDigestFrequency, summaryOf } from './service'
import { notificationDigestSettings, notificationDigests, notifications } from './table'

const DAY = 24 * 60 * 60_000
/** Notifications a digest lists; the rest are "and N more". */
export const DIGEST_MAX_ITEMS = 20
/** Users a run reads at once. */
const BATCH = 200

/** Hourly (UTC), at a minute no other schedule takes; pg-boss fires it once whatever the number of instances. */
export const DIGEST_CRON = '13 * * * *'

/** Where digest links point and what signs their unsubscribe tokens. */
export interface DigestLinks {
  publicUrl: string
  secret: string
}

export type DigestDeps = Pick<NotificationsDeps, 'db' | 'clock' | 'mailer' | 'log'> & { links: DigestLinks }

/**
 * The links of digests from the config: the unsubscribe tokens are keyed by JWT_SECRET through a
 * key derived for this purpose alone (as email codes are), so no new secret is to be deployed.
 */
export const digestLinks = (config: Pick<Config, 'secrets' | 'publicUrl'>): DigestLinks => ({ publicUrl: config.publicUrl, secret: config.secrets.JWT_SECRET })

export const UNSUBSCRIBE_PAGE = '/notifications/unsubscribe'
export const UNSUBSCRIBE_API = '/api/v1/notifications/digest/unsubscribe'
const PREFERENCES_PAGE = '/notifications'

// ---- periods ----

export type Period = { frequency: Exclude<DigestFrequency, 'off'>; start: Date; end: Date }

const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY) * DAY)

/** The last period of `frequency` that ended by `now`: the UTC day before, or the ISO week (Monday to Sunday, UTC) before. */
export function lastPeriod(frequency: Period['frequency'], now: Date): Period {
  const today = startOfUtcDay(now)
  if (frequency === 'daily') return { frequency, start: new Date(today.getTime() - DAY), end: today }
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY)
  return { frequency, start: new Date(monday.getTime() - 7 * DAY), end: monday }
}

// ---- unsubscribe tokens ----

const USER_ID = /^usr_[0-9a-f]{32}$/

function macOf(secret: string, userId: string): Buffer {
  const key = createHmac('sha256', secret).update('souk:digest-unsubscribe').digest()
  return createHmac('sha256', key).update(userId).digest()
}

/** `<user id>.<HMAC of it>`: whoever holds it may turn that user's digest off, and nothing else. */
export const unsubscribeToken = (secret: string, userId: string) => `${userId}.${macOf(secret, userId).toString('base64url')}`

const badLink = () => new AppError('invalid_data', 'This unsubscribe link is not valid. Change your digest in your notification preferences.', [{ field: 'query.token', message: 'is not valid' }])

/** The user a token names, once its signature matches (constant time); 400 otherwise, or when the account is gone. */
async function userOfToken(deps: Pick<DigestDeps, 'db' | 'links'>, token: string): Promise<string> {
  const [userId = '', mac = '', ...rest] = token.split('.')
  if (rest.length > 0 || !USER_ID.test(userId)) throw badLink()
  // Compared as text, not decoded: base64url decoding ignores a last character's spare bits, so
  // several spellings would decode to one signature; only the one issued is accepted.
  const given = Buffer.from(mac)
  const expected = Buffer.from(macOf(deps.links.secret, userId).toString('base64url'))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badLink()
  if ((await findUserById(deps.db, userId)) === null) throw badLink()
  return userId
}

/** What an unsubscribe link is for: the user's digest choice now. Changes nothing (mail scanners open links). */
export async function digestOfLink(deps: Pick<DigestDeps, 'db' | 'links'>, token: string): Promise<NotificationsModel.DigestChoice> {
  return { digest: await digestFrequencyOf(deps.db, await userOfToken(deps, token)) }
}

/** Turns the digest off for the user a link names; again is the same. */
export async function unsubscribeByLink(deps: Pick<DigestDeps, 'db' | 'clock' | 'links'>, token: string): Promise<NotificationsModel.DigestChoice> {
  const userId = await userOfToken(deps, token)
  await setDigestFrequency(deps.db, userId, 'off', deps.clock.now())
  return { digest: 'off' }
}

// ---- the job ----

const frequencySql = sql<DigestFrequency>`coalesce(${notificationDigestSettings.frequency}, ${DEFAULT_DIGEST})`

/** Unread activity inside the period of whichever frequency the row's user chose. */
const inPeriodOf = (periods: Period[]) =>
  or(...periods.map((p) => and(sql`${frequencySql} = ${p.frequency}`, gte(notifications.updatedAt, p.start), lt(notifications.updatedAt, p.end))))

/** Users after `after` (by id) with unread activity in their last ended period and no digest for it yet. */
async function dueUsers(deps: DigestDeps, periods: Period[], after: string): Promise<{ userId: string; frequency: DigestFrequency }[]> {
  const periodStart = sql`case ${frequencySql} ${sql.join(
    periods.map((p) => sql`when ${p.frequency} then ${p.start.toISOString()}::timestamptz`),
    sql` `,
  )} end`
  return deps.db
    .selectDistinct({ userId: notifications.userId, frequency: frequencySql })
    .from(notifications)
    .leftJoin(notificationDigestSettings, eq(notificationDigestSettings.userId, notifications.userId))
    .where(
      and(
        isNull(notifications.readAt),
        gt(notifications.userId, after),
        inPeriodOf(periods),
        sql`not exists (select 1 from ${notificationDigests} where ${notificationDigests.userId} = ${notifications.userId} and ${notificationDigests.periodStart} = ${periodStart})`,
      ),
    )
    .orderBy(asc(notifications.userId))
    .limit(BATCH)
}

type Row = typeof notifications.$inferSelect

function digestMail(links: DigestLinks, userId: string, to: { email: string; displayName: string }, period: Period, rows: Row[], total: number): MailMessage {
  const when = period.frequency === 'daily' ? 'yesterday' : 'last week'
  const many = total === 1 ? '1 unread notification' : `${total} unread notifications`
  const preferences = `${links.publicUrl}${PREFERENCES_PAGE}`
  const token = encodeURIComponent(unsubscribeToken(links.secret, userId))
  const lines = rows.slice(0, DIGEST_MAX_ITEMS).flatMap((row) => [`- ${summaryOf(row)}`, `  ${links.publicUrl}${row.link ?? PREFERENCES_PAGE}`])
  const more = total - Math.min(rows.length, DIGEST_MAX_ITEMS)
  const text = [
    `Hello ${to.displayName},`,
    '',
    `You have ${many} from ${when} on Souk:`,
    '',
    ...lines,
    ...(more > 0 ? ['', `…and ${more} more: ${preferences}`] : []),
    '',
    `You get this digest ${period.frequency}. Choose daily, weekly or none: ${preferences}`,
    `Stop these emails: ${links.publicUrl}${UNSUBSCRIBE_PAGE}?token=${token}`,
    '',
  ].join('\n')
  return {
    to: to.email,
    subject: `Souk: ${many} from ${when}`,
    text,
    // RFC 8058: a mail client's one-click unsubscribe POSTs to this address (the API), with no page.
    headers: { 'List-Unsubscribe': `<${links.publicUrl}${UNSUBSCRIBE_API}?token=${token}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}

/** One user's digest, in one transaction: false when there is nothing to send or it was sent already. */
async function sendDigestTo(deps: DigestDeps, userId: string, to: { email: string; displayName: string }, now: Date): Promise<boolean> {
  return deps.db.transaction(async (tx: Tx) => {
    // Read again inside: the choice may have changed since the list was made.
    const frequency = await digestFrequencyOf(tx, userId)
    if (frequency === 'off') return false
    const period = lastPeriod(frequency, now)
    const inPeriod = and(eq(notifications.userId, userId), isNull(notifications.readAt), gte(notifications.updatedAt, period.start), lt(notifications.updatedAt, period.end))
    const [counted] = await tx.select({ n: count() }).from(notifications).where(inPeriod)
    const total = counted?.n ?? 0
    if (total === 0) return false
    // The claim: a concurrent run's insert waits here until this one commits, then finds the key taken.
    const [claimed] = await tx
      .insert(notificationDigests)
      .values({ userId, periodStart: period.start, frequency: period.frequency, notificationCount: total, sentAt: now })
      .onConflictDoNothing()
      .returning({ userId: notificationDigests.userId })
    if (claimed === undefined) return false
    const rows = await tx.select().from(notifications).where(inPeriod).orderBy(desc(notifications.updatedAt), desc(notifications.id)).limit(DIGEST_MAX_ITEMS)
    await deps.mailer.sendIn(tx, digestMail(deps.links, userId, to, period, rows, total))
    return true
  })
}

/**
 * `notifications.digest`: sends every due user their digest of the last ended period; answers how
 * many were sent. Deleted, suspended and unverified accounts get none. Safe to run at any time,
 * twice, on two instances at once, or again after a crash (see the top of this file). One user's
 * failure is logged and the others still get theirs; the run then fails, so the queue retries it
 * for whoever is left.
 */
export async function sendDigests(deps: DigestDeps): Promise<number> {
  const now = deps.clock.now()
  const periods = [lastPeriod('daily', now), lastPeriod('weekly', now)]
  let sent = 0
  let failed = 0
  let after = ''
  for (;;) {
    const due = await dueUsers(deps, periods, after)
    if (due.length === 0) break
    after = due.at(-1)!.userId
    const addresses = await mailableAddresses(deps.db, due.map((d) => d.userId), now)
    for (const { userId } of due) {
      const to = addresses.get(userId)
      if (to === undefined) continue
      try {
        if (await sendDigestTo(deps, userId, to, now)) sent += 1
      } catch (error) {
        failed += 1
        deps.log.error('digest not sent', { userId, error })
      }
    }
  }
  if (sent > 0) deps.log.info('digests sent', { sent })
  if (failed > 0) throw new Error(`${failed} digest(s) not sent; ${sent} sent`)
  return sent
}

export const digestJob = (deps: DigestDeps) => defineJob<object>('notifications.digest', () => sendDigests(deps), { retryLimit: 2, retryDelaySeconds: 60, expireInSeconds: 30 * 60 })

/** Digest rows older than `before` (their periods long past: no run looks at them again); answers how many went. */
export async function purgeOldDigests(db: NotificationsDeps['db'], before: Date): Promise<number> {
  const rows = await db.delete(notificationDigests).where(lt(notificationDigests.sentAt, before)).returning({ userId: notificationDigests.userId })
  return rows.length
}
