import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connectAs } from '../../realtime/test-client'
import { client, createTestApp, listen, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { createMailer, listStoredMail } from '../mail/service'
import { NOTIFICATION_TYPES } from './item'
import type { NotificationsModel } from './model'
import { type NotificationsDeps, type NotifyInput, notify } from './service'

let t: TestApp
let wsUrl: string
let deps: NotificationsDeps

beforeAll(async () => {
  t = await createTestApp()
  ;({ wsUrl } = listen(t))
  const { database, bus, clock, log, config } = t.ctx
  deps = { db: database.db, bus, clock, log, mailer: createMailer({ db: database.db, clock, log, smtpUrl: null, from: config.mailFrom }) }
}, 60_000)
afterAll(() => t.close())

/** What another module does: notify inside its own transaction, then run the after-commit step. */
async function notifyNow(input: NotifyInput): Promise<void> {
  const afterCommit = await deps.db.transaction((tx) => notify(deps, tx, input))
  await afterCommit?.()
}

const notificationsOf = (user?: TestUser) => client(t, user).api.v1.notifications
const list = async (user: TestUser, query: NotificationsModel.ListQuery = {}) => (await notificationsOf(user).get({ query })).data!
const unread = async (user: TestUser) => (await notificationsOf(user)['unread-count'].get()).data!.unreadCount
const read = (user: TestUser, id: string) => notificationsOf(user)({ id }).read.post()

describe('notifications', () => {
  it('lists, counts and pages the signed-in user’s notifications, newest activity first', async () => {
    const alice = await signUpAndSignIn(t)
    expect(await list(alice)).toEqual({ items: [], nextCursor: null })
    for (let n = 1; n <= 5; n++) await notifyNow({ userId: alice.id, type: 'order', text: `Order ${n} shipped`, link: `/orders/${n}` })
    expect(await unread(alice)).toBe(5)

    const first = await list(alice, { limit: 2 })
    expect(first.items.map((i) => i.text)).toEqual(['Order 5 shipped', 'Order 4 shipped'])
    const second = await list(alice, { limit: 2, cursor: first.nextCursor! })
    const third = await list(alice, { limit: 2, cursor: second.nextCursor! })
    expect([...second.items, ...third.items].map((i) => i.text)).toEqual(['Order 3 shipped', 'Order 2 shipped', 'Order 1 shipped'])
    expect(third.nextCursor).toBeNull()
    expect(first.items[0]).toMatchObject({ type: 'order', actor: null, summary: 'Order 5 shipped', link: '/orders/5', read: false })

    await read(alice, first.items[0]!.id)
    expect((await list(alice, { unread: true })).items.map((i) => i.text)).toEqual(['Order 4 shipped', 'Order 3 shipped', 'Order 2 shipped', 'Order 1 shipped'])
    expect((await notificationsOf(alice).get({ query: { cursor: 'nope' } })).status).toBe(400)
    expect((await notificationsOf().get()).status).toBe(401)
  })

  it('pushes a new notification live on user:<id> with the unread count, and reads to the other tabs', async () => {
    const alice = await signUpAndSignIn(t)
    const socket = await connectAs(t, wsUrl, alice)
    await socket.ask({ type: 'subscribe', topic: `user:${alice.id}` })
    await notifyNow({ userId: alice.id, type: 'system', text: 'Welcome to Souk' })
    const created = await socket.next('event', (m) => m.kind === 'notification')
    expect(created).toMatchObject({ topic: `user:${alice.id}`, id: 1, data: { unreadCount: 1, notification: { type: 'system', text: 'Welcome to Souk', read: false } } })

    expect((await notificationsOf(alice)['read-all'].post()).status).toBe(200)
    expect(await socket.next('event', (m) => m.kind === 'notification.read')).toMatchObject({ id: 2, data: { all: true, ids: [], unreadCount: 0 } })
    socket.close()
  })

  it('groups repeated events on one subject until read: "Ana and 4 others liked your post"', async () => {
    const owner = await signUpAndSignIn(t)
    const fans = [await signUpAndSignIn(t, { displayName: 'Bea' })]
    for (let n = 0; n < 3; n++) fans.push(await signUpAndSignIn(t))
    const ana = await signUpAndSignIn(t, { displayName: 'Ana' })
    const like = (actor: TestUser) => notifyNow({ userId: owner.id, type: 'like', actorId: actor.id, subject: 'post:pst_1', text: 'liked your post', link: '/posts/pst_1' })
    for (const fan of fans) await like(fan)
    await like(fans[0]!) // the same person twice counts once
    await like(ana)
    await like(owner) // one's own like notifies nobody

    const { items } = await list(owner)
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ actor: { id: ana.id, name: 'Ana' }, otherActors: 4, summary: 'Ana and 4 others liked your post', subject: 'post:pst_1' })
    expect(await unread(owner)).toBe(1)

    // Once read, the next like starts a new group.
    await read(owner, items[0]!.id)
    await like(fans[1]!)
    const after = await list(owner)
    expect(after.items.map((i) => [i.otherActors, i.read])).toEqual([
      [0, false],
      [4, true],
    ])
    // A different subject is its own group.
    await notifyNow({ userId: owner.id, type: 'like', actorId: ana.id, subject: 'post:pst_2', text: 'liked your post' })
    expect((await list(owner)).items).toHaveLength(3)
  })

  it('marks one or all read and deletes, answering 404 for another user’s notification (no IDOR)', async () => {
    const [alice, bob] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    await notifyNow({ userId: alice.id, type: 'review', text: 'reviewed your shop' })
    await notifyNow({ userId: alice.id, type: 'comment', text: 'commented on your post' })
    const [latest, earlier] = (await list(alice)).items

    expect((await read(bob, latest!.id)).status).toBe(404)
    expect((await notificationsOf(bob)({ id: latest!.id }).delete()).status).toBe(404)
    expect((await list(bob)).items).toEqual([])
    expect(await unread(alice)).toBe(2)

    const marked = await read(alice, latest!.id)
    expect(marked.status).toBe(200)
    expect(marked.data).toMatchObject({ id: latest!.id, read: true })
    expect((await read(alice, latest!.id)).status).toBe(200)
    expect(await unread(alice)).toBe(1)

    expect((await notificationsOf(alice)({ id: earlier!.id }).delete()).status).toBe(204)
    expect((await notificationsOf(alice)({ id: earlier!.id }).delete()).status).toBe(404)
    expect((await list(alice)).items.map((i) => i.id)).toEqual([latest!.id])
    expect(await unread(alice)).toBe(0)

    await notifyNow({ userId: alice.id, type: 'follow', text: 'followed you' })
    expect((await notificationsOf(alice)['read-all'].post()).data).toEqual({ read: 1 })
    expect((await read(alice, 'ntf_00000000000000000000000000000000')).status).toBe(404)
    expect((await read(alice, 'not-an-id')).status).toBe(400)
  })

  it('honours per-type preferences: in-app off creates nothing, email on sends one', async () => {
    const alice = await signUpAndSignIn(t)
    const preferences = notificationsOf(alice).preferences
    const defaults = (await preferences.get()).data!
    expect(defaults.items.map((p) => p.type).sort()).toEqual([...NOTIFICATION_TYPES].sort())
    expect(defaults.items.find((p) => p.type === 'payment')).toEqual({ type: 'payment', inApp: true, email: true })
    expect(defaults.items.find((p) => p.type === 'like')).toEqual({ type: 'like', inApp: true, email: false })

    const saved = await preferences.put({
      items: [
        { type: 'like', inApp: false, email: false },
        { type: 'follow', inApp: true, email: true },
      ],
    })
    expect(saved.status).toBe(200)
    expect(saved.data!.items.filter((p) => p.type === 'like' || p.type === 'follow')).toEqual([
      { type: 'follow', inApp: true, email: true },
      { type: 'like', inApp: false, email: false },
    ])
    // Not a notification type: the typed client would not send it, the server must refuse it.
    expect((await preferences.put({ items: [{ type: 'spam' as never, inApp: true, email: true }] })).status).toBe(400)

    const bob = await signUpAndSignIn(t, { displayName: 'Bob' })
    await notifyNow({ userId: alice.id, type: 'like', actorId: bob.id, subject: 'post:1', text: 'liked your post' })
    expect((await list(alice)).items).toEqual([])
    await notifyNow({ userId: alice.id, type: 'follow', actorId: bob.id, text: 'followed you' })
    expect((await list(alice)).items.map((i) => i.summary)).toEqual(['Bob followed you'])
    await deps.mailer.settled()
    const [mail] = await listStoredMail(deps.db, alice.email, 1)
    expect(mail).toMatchObject({ subject: 'Souk: Bob followed you' })
  })

  it('tells the user about a sign-in from a new device (the accounts security notice)', async () => {
    const alice = await signUpAndSignIn(t)
    // The sign-up's own session is not a new device.
    expect((await list(alice)).items).toEqual([])
    const login = (userAgent: string) =>
      client(t, { ip: alice.ip }).api.v1.auth.login.post({ email: alice.email, password: alice.password }, { headers: { 'user-agent': userAgent } })
    expect((await login('Firefox on Linux')).status).toBe(200)
    const [notice] = (await list(alice)).items
    expect(notice).toMatchObject({ type: 'system', actor: null, link: '/account', read: false })
    expect(notice!.text).toContain('New sign-in to your account from Firefox on Linux')
    // The same browser again is known by now.
    expect((await login('Firefox on Linux')).status).toBe(200)
    expect((await list(alice)).items).toHaveLength(1)
  })
})
