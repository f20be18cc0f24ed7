import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { ManualClock } from '../../lib/clock'
import { newId } from '../../lib/ids'
import { createLogger } from '../../lib/log'
import { client, createTestApp, errorOf, refreshSignIn, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { users } from '../accounts/table'
import { listStoredMail } from '../mail/service'
import { DIGEST_MAX_ITEMS, lastPeriod, sendDigests, unsubscribeToken } from './digest'
import type { DigestFrequency } from './item'
import { markRead, type NotifyInput, notify } from './service'
import { notificationDigestSettings } from './table'

const HOUR = 60 * 60_000
const DAY = 24 * HOUR
// A Wednesday, 09:00 UTC.
const clock = new ManualClock(new Date('2031-03-05T09:00:00Z'))
let t: TestApp
/** A second instance on the same database: runs there race runs here. */
let other: TestApp

beforeAll(async () => {
  t = await createTestApp({ clock })
  other = await createTestApp({ clock, database: t.ctx.database })
}, 60_000)
afterAll(async () => {
  await other.close()
  await t.close()
})

/** Moves the clock forward to `iso` (never back). */
function moveTo(iso: string) {
  const target = new Date(iso).getTime()
  expect(target).toBeGreaterThanOrEqual(clock.now().getTime())
  clock.advance(target - clock.now().getTime())
}

async function notifyNow(input: NotifyInput): Promise<void> {
  const deps = t.services.notifications
  const afterCommit = await deps.db.transaction((tx) => notify(deps, tx, input))
  await afterCommit?.()
}

async function userWith(digest: DigestFrequency | null, displayName = 'Reader'): Promise<TestUser> {
  const user = await signUpAndSignIn(t, { displayName })
  if (digest !== null) expect((await client(t, user).api.v1.notifications.preferences.put({ digest })).status).toBe(200)
  return user
}

/**
 * `n` verified accounts on the daily digest with one unread notification each, made directly:
 * sign-ups through the routes would take a second each.
 */
async function dailyUsersNotified(n: number): Promise<{ id: string; email: string }[]> {
  const now = clock.now()
  const made = Array.from({ length: n }, () => {
    const id = newId('usr')
    return { id, email: `${id}@example.test` }
  })
  await t.ctx.database.db.insert(users).values(made.map((u) => ({ ...u, emailVerifiedAt: now, displayName: 'Many', createdAt: now, updatedAt: now })))
  await t.ctx.database.db.insert(notificationDigestSettings).values(made.map((u) => ({ userId: u.id, frequency: 'daily' as const, updatedAt: now })))
  for (const u of made) await notifyNow({ userId: u.id, type: 'system', text: 'A notice' })
  return made
}

/** How many mails each address got. */
const mailCounts = (to: { email: string }[]) => Promise.all(to.map(async (u) => (await listStoredMail(t.ctx.database.db, u.email, 10)).length))

const run = (app: TestApp = t) => sendDigests(app.services.digests)
const digestsOf = async (user: TestUser) => (await listStoredMail(t.ctx.database.db, user.email, 100)).filter((m) => m.subject.includes('unread notification'))
const digestOf = (user: TestUser) => client(t, user).api.v1.notifications.preferences.get()
const unsubscribe = () => client(t).api.v1.notifications.digest.unsubscribe
/** The signed-out "Stop these emails" link of a digest, and the token in it. */
function linkIn(text: string): { url: URL; token: string } {
  const url = new URL(/Stop these emails: (\S+)/.exec(text)![1]!)
  return { url, token: url.searchParams.get('token')! }
}

describe('lastPeriod()', () => {
  it('is the UTC day before, or the ISO week (Monday to Sunday) before', () => {
    expect(lastPeriod('daily', new Date('2031-03-05T09:00:00Z'))).toEqual({ frequency: 'daily', start: new Date('2031-03-04T00:00:00Z'), end: new Date('2031-03-05T00:00:00Z') })
    expect(lastPeriod('weekly', new Date('2031-03-05T09:00:00Z'))).toEqual({ frequency: 'weekly', start: new Date('2031-02-24T00:00:00Z'), end: new Date('2031-03-03T00:00:00Z') })
    // Monday at midnight: the week that just ended; Sunday: still the one before.
    expect(lastPeriod('weekly', new Date('2031-03-10T00:00:00Z')).start).toEqual(new Date('2031-03-03T00:00:00Z'))
    expect(lastPeriod('weekly', new Date('2031-03-09T23:59:59Z')).start).toEqual(new Date('2031-02-24T00:00:00Z'))
  })
})

describe('sendDigests()', () => {
  it('mails a weekly user once for the week, however often and on however many instances it runs, grouped and newest first', async () => {
    const reader = await userWith(null)
    expect((await digestOf(reader)).data!.digest).toBe('weekly')
    const [bob, carol] = [await signUpAndSignIn(t, { displayName: 'Bob' }), await signUpAndSignIn(t, { displayName: 'Carol' })]
    await notifyNow({ userId: reader.id, type: 'order', text: 'Your order shipped', link: '/orders/ord_1' })
    clock.advance(HOUR)
    await notifyNow({ userId: reader.id, type: 'like', actorId: bob.id, subject: 'post:1', text: 'liked your post', link: '/posts/pst_1' })
    await notifyNow({ userId: reader.id, type: 'like', actorId: carol.id, subject: 'post:1', text: 'liked your post', link: '/posts/pst_1' })

    // The week has not ended: nothing yet.
    moveTo('2031-03-06T10:13:00Z')
    await run()
    expect(await digestsOf(reader)).toHaveLength(0)

    // The first runs of the next week: one alone, then two at once on two instances, then a later one.
    moveTo('2031-03-10T00:13:00Z')
    await run()
    await Promise.all([run(t), run(other)])
    moveTo('2031-03-10T05:13:00Z')
    await run()
    const mail = await digestsOf(reader)
    expect(mail).toHaveLength(1)
    expect(mail[0]!.subject).toBe('Souk: 2 unread notifications from last week')
    const { publicUrl } = t.ctx.config
    const text = mail[0]!.text
    expect(text).toContain(`- Carol and 1 other liked your post\n  ${publicUrl}/posts/pst_1\n- Your order shipped\n  ${publicUrl}/orders/ord_1`)
    expect(text).toContain('You get this digest weekly.')
    const { url, token } = linkIn(text)
    expect(url.pathname).toBe('/notifications/unsubscribe')
    expect(mail[0]!.headers).toEqual({
      'List-Unsubscribe': `<${publicUrl}/api/v1/notifications/digest/unsubscribe?token=${encodeURIComponent(token)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    })

    // The week after, with no new activity: the still-unread ones are not mailed again.
    moveTo('2031-03-17T00:13:00Z')
    await run()
    expect(await digestsOf(reader)).toHaveLength(1)
  }, 60_000)

  it('mails a daily user once a day that had unread activity', async () => {
    moveTo('2031-03-18T09:00:00Z')
    const reader = await userWith('daily')
    await notifyNow({ userId: reader.id, type: 'system', text: 'First notice' })
    moveTo('2031-03-19T00:13:00Z')
    await Promise.all([run(t), run(other), run(t)])
    expect((await digestsOf(reader)).map((m) => m.subject)).toEqual(['Souk: 1 unread notification from yesterday'])

    moveTo('2031-03-19T12:00:00Z')
    await notifyNow({ userId: reader.id, type: 'system', text: 'Second notice' })
    await run()
    expect(await digestsOf(reader)).toHaveLength(1)
    moveTo('2031-03-20T01:13:00Z')
    await run()
    await run()
    const mail = await digestsOf(reader)
    expect(mail).toHaveLength(2)
    // Only that day's: the first notice was in yesterday's digest.
    expect(mail[0]!.text).toContain('- Second notice')
    expect(mail[0]!.text).not.toContain('First notice')
    expect(mail[0]!.text).toContain('You get this digest daily.')

    // A day without activity: nothing.
    moveTo('2031-03-21T01:13:00Z')
    await run()
    expect(await digestsOf(reader)).toHaveLength(2)
  }, 60_000)

  it('lists at most 20, then "and N more", and leaves out read notifications', async () => {
    moveTo('2031-03-22T09:00:00Z')
    const reader = await userWith('daily')
    for (let n = 1; n <= DIGEST_MAX_ITEMS + 3; n++) {
      await notifyNow({ userId: reader.id, type: 'order', subject: `order:${n}`, text: `Order ${n} shipped`, link: `/orders/${n}` })
      clock.advance(1_000)
    }
    const list = (await client(t, reader).api.v1.notifications.get({ query: { limit: 50 } })).data!.items
    await markRead(t.services.notifications, reader.id, list.find((n) => n.text === 'Order 23 shipped')!.id)
    moveTo('2031-03-23T00:13:00Z')
    await run()
    const [mail] = await digestsOf(reader)
    expect(mail!.subject).toBe('Souk: 22 unread notifications from yesterday')
    const listed = mail!.text.split('\n').filter((line) => line.startsWith('- '))
    expect(listed).toHaveLength(DIGEST_MAX_ITEMS)
    expect(listed[0]).toBe('- Order 22 shipped')
    expect(listed.at(-1)).toBe('- Order 3 shipped')
    expect(mail!.text).not.toContain('Order 23 shipped')
    expect(mail!.text).toContain(`…and 2 more: ${t.ctx.config.publicUrl}/notifications`)
  }, 60_000)

  it('sends nothing when the digest is off, when all is read, or to suspended and unverified accounts', async () => {
    moveTo('2031-03-24T09:00:00Z')
    const off = await userWith('off')
    const allRead = await userWith('daily')
    const suspended = await userWith('daily')
    const unverified = await userWith('daily')
    for (const user of [off, allRead, suspended, unverified]) await notifyNow({ userId: user.id, type: 'system', text: 'Something happened' })
    expect((await client(t, allRead).api.v1.notifications['read-all'].post()).status).toBe(200)
    const db = t.ctx.database.db
    await db.update(users).set({ suspendedAt: clock.now(), suspendedUntil: null, suspensionReason: 'test' }).where(eq(users.id, suspended.id))
    await db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, unverified.id))
    moveTo('2031-03-31T00:13:00Z')
    await run()
    for (const user of [off, allRead, suspended, unverified]) expect(await digestsOf(user)).toHaveLength(0)
  }, 60_000)

  it('sends one digest per user when runs on two instances race over many users', async () => {
    moveTo('2031-03-31T09:00:00Z')
    const many = await dailyUsersNotified(40)
    moveTo('2031-04-01T00:13:00Z')
    await Promise.all([run(t), run(other), run(t), run(other)])
    expect(await mailCounts(many)).toEqual(many.map(() => 1))
  }, 60_000)
})

describe('the unsubscribe link', () => {
  it('turns the digest off signed out: GET changes nothing, POST does (again is the same); a forged token is a 400', async () => {
    moveTo('2031-04-01T09:00:00Z')
    const reader = await userWith('daily')
    const someone = await userWith(null)
    await notifyNow({ userId: reader.id, type: 'system', text: 'A notice' })
    moveTo('2031-04-02T00:13:00Z')
    await run()
    const [mail] = await digestsOf(reader)
    const { token } = linkIn(mail!.text)
    expect(token).toBe(unsubscribeToken(t.ctx.config.secrets.JWT_SECRET, reader.id))

    // Opening it (a mail scanner, or the page's first render) only reads.
    expect((await unsubscribe().get({ query: { token } })).data).toEqual({ digest: 'daily' })
    expect((await unsubscribe().get({ query: { token } })).data).toEqual({ digest: 'daily' })
    await refreshSignIn(t, reader)
    expect((await digestOf(reader)).data!.digest).toBe('daily')

    // Forged: another user's id under this signature, a changed signature (first or last character:
    // the last one's spare bits too), garbage, nothing.
    const mac = token.split('.')[1]!
    const swap = (c: string) => (c === 'A' ? 'B' : 'A')
    const forged = [
      `${someone.id}.${mac}`,
      `${reader.id}.${swap(mac[0]!)}${mac.slice(1)}`,
      `${reader.id}.${mac.slice(0, -1)}${swap(mac.at(-1)!)}`,
      `${reader.id}.`,
      'nope',
      `${reader.id}.${mac}.x`,
    ]
    for (const bad of forged) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.request(`/api/v1/notifications/digest/unsubscribe?token=${encodeURIComponent(bad)}`, { method })
        expect(res.status).toBe(400)
        expect((await errorOf(res)).type).toBe('invalid_data')
      }
    }
    expect((await t.request('/api/v1/notifications/digest/unsubscribe', { method: 'POST' })).status).toBe(400)
    await refreshSignIn(t, someone)
    expect((await digestOf(someone)).data!.digest).toBe('weekly')

    // The button: off, and again.
    expect((await unsubscribe().post(undefined as unknown as null, { query: { token } })).data).toEqual({ digest: 'off' })
    expect((await unsubscribe().post(undefined as unknown as null, { query: { token } })).data).toEqual({ digest: 'off' })
    expect((await digestOf(reader)).data!.digest).toBe('off')
    expect((await unsubscribe().get({ query: { token } })).data).toEqual({ digest: 'off' })

    // No digest since.
    await notifyNow({ userId: reader.id, type: 'system', text: 'Another notice' })
    moveTo('2031-04-03T00:13:00Z')
    await run()
    expect(await digestsOf(reader)).toHaveLength(1)
  }, 60_000)

  it('takes RFC 8058’s one-click POST from a mail client, at the List-Unsubscribe address', async () => {
    const reader = await userWith(null)
    const token = unsubscribeToken(t.ctx.config.secrets.JWT_SECRET, reader.id)
    const res = await t.request(`/api/v1/notifications/digest/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ digest: 'off' })
    // A signed-in user turns it back on in their preferences.
    expect((await client(t, reader).api.v1.notifications.preferences.put({ digest: 'weekly' })).data!.digest).toBe('weekly')
  })
})

describe('a run that fails mid-batch', () => {
  it('sends the others, fails to be retried, and the retry sends the rest: nobody gets two', async () => {
    moveTo('2031-04-03T09:00:00Z')
    const five = await dailyUsersNotified(5)
    moveTo('2031-04-04T00:13:00Z')
    // The third mail fails inside its transaction, as a crash there would: that one rolls back.
    const { digests } = t.services
    let calls = 0
    const sendIn: typeof digests.mailer.sendIn = async (tx, message) => {
      if (++calls === 3) throw new Error('crashed')
      return digests.mailer.sendIn(tx, message)
    }
    await expect(sendDigests({ ...digests, log: createLogger('silent'), mailer: { ...digests.mailer, sendIn } })).rejects.toThrow('1 digest(s) not sent; 4 sent')
    expect((await mailCounts(five)).filter((n) => n === 1)).toHaveLength(4)
    expect(await run()).toBe(1)
    expect(await mailCounts(five)).toEqual([1, 1, 1, 1, 1])
  }, 60_000)
})
