import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import MarkdownIt from 'markdown-it'
import { queryRows } from '../../db/client'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, makeProduct, signUpAndSignIn, type TestApp, testIp, type TestUser, waitFor } from '../../testing'
import { placeOrder, shop, type TestShop } from '../orders/testing'
import { escrows } from '../payments/table'
import { paidOrder } from '../payments/testing'
import { ticketMessages, tickets } from '../support/table'
import { type ChatCompletionsServer, startChatCompletionsServer } from './language-model/testing'
import type { AssistantModel } from './model'
import { ASSISTANT_LIMITS } from './rules'
import { transcriptOf } from './service/handoff'
import { type GuestSession, guestKey, type StoredMessage } from './service/shared'
import { assistantMessages, assistantSessions, assistantUnanswered } from './table'

let t: TestApp
let admin: TestUser
let categoryId: string

beforeAll(async () => {
  // Listening: deposits reach the app over HTTP from the sandbox card page.
  t = await createTestApp({ listen: true })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db
const MINUTE = 60_000

/** Someone at one client address, signed in or not, with the guest cookie the assistant last set. */
interface Asker {
  user: TestUser | null
  ip: string
  cookie: string | null
}
const guest = (): Asker => ({ user: null, ip: testIp(), cookie: null })
const signedIn = (user: TestUser): Asker => ({ user, ip: user.ip, cookie: null })

/** The asker's headers: their token, their address and their guest cookie (Eden's per-call headers replace the client's). */
const headersOf = (asker: Asker) => ({ ...asker.user?.auth, 'x-forwarded-for': asker.ip, ...(asker.cookie === null ? {} : { cookie: asker.cookie }) })
const api = (asker: Asker) => client(t, { ...(asker.user === null ? {} : { auth: asker.user.auth }), ip: asker.ip }).api.v1.assistant

/** Keeps the guest cookie a response set (an emptied one clears it). */
function keepCookie(asker: Asker, response: Response) {
  const set = response.headers.getSetCookie().find((c) => c.startsWith('souk_assistant='))
  if (set === undefined) return
  const pair = set.split(';')[0]!
  asker.cookie = pair === 'souk_assistant=' ? null : pair
}

async function ask(asker: Asker, text: string, sessionId?: string) {
  const answered = await api(asker).messages.post({ text, ...(sessionId === undefined ? {} : { sessionId }) }, { headers: headersOf(asker) })
  keepCookie(asker, answered.response)
  return answered
}

async function asked(asker: Asker, text: string, sessionId?: string) {
  const answered = await ask(asker, text, sessionId)
  expect(answered.status).toBe(200)
  return answered.data!
}

const migrate = async (asker: Asker) => {
  const kept = await api(asker).sessions.migrate.post(undefined, { headers: headersOf(asker) })
  keepCookie(asker, kept.response)
  return kept
}
const handOff = (asker: Asker, sessionId: string, body: { orderId?: string; email?: string } = {}) => api(asker).sessions({ id: sessionId }).handoff.post(body, { headers: headersOf(asker) })

/** What an answer cites of the asker's records (its articles left out). */
const recordsCited = (answer: AssistantModel.Message) => answer.citations.filter((citation) => citation.kind !== 'article')

// As the web client renders answers (web/src/components/markdown.tsx).
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: true })
/** Every link target and image source of an answer, as rendered. */
const targetsOf = (body: string) => [...markdown.render(body).matchAll(/\b(?:href|src)="([^"]*)"/g)].map((match) => match[1])

/** Rows of every table of the public schema. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(db(), sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`)
  const counts: Record<string, number> = {}
  for (const { name } of tables) counts[name] = (await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from ${sql.identifier(name)}`))[0]!.n
  return counts
}

/** A new shop's product, and an order of it by a new buyer, accepted and sent with a tracked parcel. */
async function shippedOrder(s?: TestShop) {
  s ??= await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 10 })
  const placed = await placeOrder(t, s, product.id)
  expect((await client(t, s.owner).api.v1.sales({ id: placed.orderId }).accept.post()).status).toBe(200)
  const parcel = await client(t, s.owner)
    .api.v1.sales({ id: placed.orderId })
    .shipments.post({ carrier: 'dhl', trackingNumber: `JD${Math.floor(Math.random() * 1e9)}`, estimatedDelivery: '2031-01-10' })
  expect(parcel.status).toBe(201)
  return { s, buyer: placed.me.user, orderId: placed.orderId, invoiceNumber: placed.invoiceNumber, trackingNumber: parcel.data!.trackingNumber! }
}

/** A paid order (from the wallet) of a new shop's product, accepted, shipped and delivered: its payment held, its return window open. */
async function deliveredPaidOrder() {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 10 })
  const paid = await paidOrder(t, s, product.id, { funds: 50_000 })
  for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: paid.orderId })[step].post()).status).toBe(200)
  const invoiceNumber = (await client(t, paid.me.user).api.v1.orders({ id: paid.orderId }).get()).data!.invoiceNumber
  return { s, buyer: paid.me.user, orderId: paid.orderId, invoiceNumber }
}

describe('guest sessions', () => {
  it('writes nothing to the database, keeps the conversation in the cookie’s browser, and is kept in an account only when asked', async () => {
    const visitor = guest()
    const before = await rowCounts()
    const first = await asked(visitor, 'Where is my order?')
    expect(first.session).toMatchObject({ guest: true, title: 'Where is my order?' })
    expect(first.answer.body).toContain('sign in')
    expect(visitor.cookie).toMatch(/^souk_assistant=ast_[0-9a-f]{32}$/)
    const second = await asked(visitor, 'Something nobody ever wrote about: zyxwvut', first.session.id)
    expect(second.session.id).toBe(first.session.id)
    expect(second.answer.offerPerson).toBe(true)
    expect(await rowCounts()).toEqual(before)

    // The launcher restores it from the cookie; nobody else's browser has it.
    const restored = await api(visitor).guest.get({ headers: headersOf(visitor) })
    expect(restored.data).toMatchObject({ id: first.session.id, guest: true, ticket: null })
    expect(restored.data!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect((await api(guest()).guest.get({ headers: headersOf(guest()) })).status).toBe(404)
    const stranger = guest()
    expect((await ask(stranger, 'Hello?', first.session.id)).status).toBe(404)

    // Signing in keeps nothing by itself: the user asks as themselves, in a new session.
    const user = signedIn(await signUpAndSignIn(t))
    user.cookie = visitor.cookie
    const own = await asked(user, 'What is my balance?')
    expect(own.session.guest).toBe(false)
    expect((await api(user).sessions.get({ headers: headersOf(user) })).data!.items.map((s) => s.id)).toEqual([own.session.id])
    expect((await api(user).guest.get({ headers: headersOf(user) })).status).toBe(200)

    // Kept on the explicit call, into the caller's account only, with the cookie cleared.
    const kept = await migrate(user)
    expect(kept.status).toBe(200)
    expect(kept.data).toMatchObject({ guest: false, title: 'Where is my order?' })
    expect(kept.data!.messages.map((m) => m.body)).toEqual([first.question.body, first.answer.body, second.question.body, second.answer.body])
    expect(user.cookie).toBeNull()
    const [row] = await db().select().from(assistantSessions).where(eq(assistantSessions.id, kept.data!.id))
    expect(row!.userId).toBe(user.user!.id)
    expect((await api(user).sessions.get({ headers: headersOf(user) })).data!.items.map((s) => s.id)).toEqual([own.session.id, kept.data!.id])
    // Gone from the guest store: nothing more to keep, and the old cookie finds nothing.
    expect((await api(visitor).guest.get({ headers: headersOf(visitor) })).status).toBe(404)
    expect((await migrate({ ...user, cookie: visitor.cookie })).status).toBe(404)
    expect((await migrate(user)).status).toBe(404)
  })

  it('is kept once when two calls race, by the caller', async () => {
    const visitor = guest()
    await asked(visitor, 'How do returns work?')
    const [a, b] = [signedIn(await signUpAndSignIn(t)), signedIn(await signUpAndSignIn(t))]
    a.cookie = visitor.cookie
    b.cookie = visitor.cookie
    const results = await Promise.all([migrate(a), migrate(b), migrate({ ...a })])
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404])
    const owners = await db().select({ userId: assistantSessions.userId }).from(assistantSessions).where(eq(assistantSessions.title, 'How do returns work?'))
    expect(owners).toHaveLength(1)
    const winner = results.findIndex((r) => r.status === 200)
    expect(owners[0]!.userId).toBe((winner === 1 ? b : a).user!.id)
  })

  it('needs signing in to be kept; a malformed cookie is no session', async () => {
    const visitor = guest()
    await asked(visitor, 'Hello')
    expect((await migrate(visitor)).status).toBe(401)
    expect((await api(visitor).guest.get({ headers: headersOf(visitor) })).status).toBe(200)
    expect((await api(visitor).guest.get({ headers: { ...headersOf(visitor), cookie: 'souk_assistant=nonsense' } })).status).toBe(404)
  })

  it('ends 30 minutes after its last message (each message moves the end)', async () => {
    const clock = new ManualClock()
    const timed = await createTestApp({ clock })
    try {
      const visitor = guest()
      const post = async (text: string, sessionId?: string) => {
        const answered = await client(timed, { ip: visitor.ip }).api.v1.assistant.messages.post({ text, ...(sessionId === undefined ? {} : { sessionId }) }, { headers: headersOf(visitor) })
        keepCookie(visitor, answered.response)
        return answered
      }
      const restore = () => client(timed, { ip: visitor.ip }).api.v1.assistant.guest.get({ headers: headersOf(visitor) })
      const { session } = (await post('How do returns work?')).data!
      const cookie = (await post('And refunds?', session.id)).response.headers.getSetCookie().find((c) => c.startsWith('souk_assistant='))!
      expect(cookie).toMatch(/Max-Age=1800/)
      expect(cookie).toMatch(/Path=\/api\/v1\/assistant/)
      expect(cookie).toMatch(/HttpOnly/)
      expect(cookie).toMatch(/SameSite=Lax/)
      clock.advance(29 * MINUTE)
      expect((await post('Still there?', session.id)).status).toBe(200)
      clock.advance(29 * MINUTE)
      expect((await restore()).status).toBe(200)
      clock.advance(2 * MINUTE)
      expect((await restore()).status).toBe(404)
      expect((await post('Hello again?', session.id)).status).toBe(404)
    } finally {
      await timed.close()
    }
  })
})

describe('signed-in sessions', () => {
  it('are read, renamed, deleted and handed off by their owner only (seed 000’s open endpoints)', async () => {
    const owner = signedIn(await signUpAndSignIn(t))
    const other = signedIn(await signUpAndSignIn(t))
    const { session } = await asked(owner, 'Where is my order?')
    const id = session.id
    for (const asker of [other, guest()]) {
      const headers = headersOf(asker)
      expect((await api(asker).sessions({ id }).get({ headers })).status).toBe(asker.user === null ? 401 : 404)
      expect((await api(asker).sessions({ id }).patch({ title: 'Mine now' }, { headers })).status).toBe(asker.user === null ? 401 : 404)
      expect((await api(asker).sessions({ id }).delete(undefined, { headers })).status).toBe(asker.user === null ? 401 : 404)
      expect((await handOff(asker, id, { email: 'someone@example.test' })).status).toBe(404)
      expect((await ask(asker, 'And now?', id)).status).toBe(404)
    }
    expect((await api(other).sessions.get({ headers: headersOf(other) })).data!.items).toEqual([])

    const renamed = await api(owner).sessions({ id }).patch({ title: '  My parcel\nquestion ' }, { headers: headersOf(owner) })
    expect(renamed.data).toMatchObject({ id, title: 'My parcel question', ticket: null })
    expect((await api(owner).sessions({ id }).patch({ title: '   ' }, { headers: headersOf(owner) })).status).toBe(400)
    // The title is made once: later questions do not change it.
    await asked(owner, 'What is my balance?', id)
    const read = await api(owner).sessions({ id }).get({ headers: headersOf(owner) })
    expect(read.data!.title).toBe('My parcel question')
    expect(read.data!.messages).toHaveLength(4)
    expect((await api(owner).sessions({ id }).delete(undefined, { headers: headersOf(owner) })).status).toBe(204)
    expect((await api(owner).sessions({ id }).get({ headers: headersOf(owner) })).status).toBe(404)
  })

  it('lists my sessions by latest activity, paged', async () => {
    const me = signedIn(await signUpAndSignIn(t))
    const ids: string[] = []
    for (const text of ['First question', 'Second question', 'Third question']) ids.push((await asked(me, text)).session.id)
    await asked(me, 'Back to the first', ids[0])
    const page = await api(me).sessions.get({ query: { limit: 2 }, headers: headersOf(me) })
    expect(page.data!.items.map((s) => s.id)).toEqual([ids[0]!, ids[2]!])
    const next = await api(me).sessions.get({ query: { limit: 2, cursor: page.data!.nextCursor! }, headers: headersOf(me) })
    expect(next.data).toEqual({ items: [expect.objectContaining({ id: ids[1], title: 'Second question' })], nextCursor: null })
  })
})

describe('answers from the help centre', () => {
  it('cites the articles that answer a how-to question, for guests too', async () => {
    const { answer } = await asked(guest(), 'How do returns work?')
    expect(answer.offerPerson).toBe(false)
    expect(answer.citations).toContainEqual({ kind: 'article', label: 'How to return an item', url: '/help/articles/return-an-item' })
    expect(answer.body).toContain('[How to return an item](/help/articles/return-an-item)')
  })

  it('asks a guest to sign in for their own records, with the articles', async () => {
    const { answer } = await asked(guest(), 'Where is my order?')
    expect(answer.body).toContain('[sign in](/signin?next=%2Fhelp)')
    expect(answer.citations).toContainEqual({ kind: 'article', label: 'Tracking your order', url: '/help/articles/track-your-order' })
    expect(answer.citations.every((c) => c.kind === 'article')).toBe(true)
  })
})

describe('answers from the asker’s own records', () => {
  it('answers “where is my order” with my orders and their tracking only, never another buyer’s', async () => {
    const s = await shop(t)
    const mine = await shippedOrder(s)
    const theirs = await shippedOrder(s)
    const me = signedIn(mine.buyer)
    const { answer } = await asked(me, 'Where is my order?')
    expect(answer.body).toContain(mine.invoiceNumber)
    expect(answer.body).toContain(mine.trackingNumber)
    expect(answer.body).toContain('DHL Express')
    expect(answer.body).not.toContain(theirs.invoiceNumber)
    expect(answer.body).not.toContain(theirs.orderId)
    expect(answer.body).not.toContain(theirs.trackingNumber)
    expect(recordsCited(answer)).toEqual([{ kind: 'order', label: `Order ${mine.invoiceNumber}`, url: `/orders/${mine.orderId}` }])
    expect(answer.offerPerson).toBe(false)
  })

  it('shows a shop’s carrier name and tracking number as plain text, and links the order page rather than its tracking link', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 10 })
    const placed = await placeOrder(t, s, product.id)
    expect((await client(t, s.owner).api.v1.sales({ id: placed.orderId }).accept.post()).status).toBe(200)
    const carrierName = 'Post](https://evil.example/pay) **Pay now** <b>'
    const shipped = await client(t, s.owner)
      .api.v1.sales({ id: placed.orderId })
      .shipments.post({ carrier: 'other', carrierName, trackingNumber: 'EV 1234-5', trackingUrl: 'https://evil.example/track' })
    expect(shipped.status).toBe(201)
    const { answer } = await asked(signedIn(placed.me.user), 'Where is my order?')
    expect(targetsOf(answer.body).every((target) => target!.startsWith('/'))).toBe(true)
    expect(targetsOf(answer.body)).toContain(`/orders/${placed.orderId}`)
    const html = markdown.render(answer.body)
    expect(html).toContain('Parcel with Post](https://evil.example/pay) **Pay now** &lt;b&gt;: handed to the carrier soon, tracking EV 1234-5 (its tracking link is on <a href')
    expect(answer.body).not.toContain('evil.example/track')
  })

  it('answers escrow, return and balance questions from the buyer’s and the shop’s side', async () => {
    const order = await deliveredPaidOrder()
    const buyer = signedIn(order.buyer)

    // Released by the hourly job once due: the time it is due, in UTC and saying so.
    const [{ releaseAfter }] = (await db().select({ releaseAfter: escrows.releaseAfter }).from(escrows).where(eq(escrows.orderId, order.orderId))) as [{ releaseAfter: Date }]
    const due = `${releaseAfter.toISOString().slice(0, 10)} at ${releaseAfter.toISOString().slice(11, 16)} UTC`
    const money = await asked(buyer, 'When will my money be released?')
    expect(recordsCited(money.answer)).toEqual([{ kind: 'escrow', label: `Payment for order ${order.invoiceNumber}`, url: `/orders/${order.orderId}` }])
    expect(money.answer.body).toContain(`Your payment of 230.00 MAD is held for the shop and is released within the hour after ${due}, or sooner`)
    const shopSide = await asked(signedIn(order.s.owner), 'When do I get paid for my sales?')
    expect(recordsCited(shopSide.answer)).toEqual([{ kind: 'escrow', label: `Sale ${order.invoiceNumber}`, url: `/dashboard/sales/${order.orderId}` }])
    // What the shop receives: the sale less the commission (5 %) the release deducts.
    expect(shopSide.answer.body).toContain(`218.50 MAD from this sale (230.00 MAD less Souk’s commission of 11.50 MAD) is released within the hour after ${due}`)

    const ret = await asked(buyer, 'How do I return this?')
    expect(ret.answer.citations).toContainEqual({ kind: 'return', label: `Return of order ${order.invoiceNumber}`, url: `/orders/${order.orderId}#returns` })
    expect(ret.answer.body).toMatch(/You can ask for a return until \d{4}-\d{2}-\d{2}/)

    const balance = await asked(buyer, "What's my wallet balance?")
    expect(recordsCited(balance.answer)).toEqual([{ kind: 'balance', label: 'Wallet (MAD)', url: '/wallet' }])
    // 500.00 deposited, 200.00 + 30.00 delivery paid and held.
    expect(balance.answer.body).toContain('270.00 MAD available')
    expect(balance.answer.body).toContain('230.00 MAD paid for orders and held for their shops')

    // A withdrawal waiting to be paid out leaves "available" and is said to be on its way.
    const method = (await client(t, order.buyer).api.v1.me['payout-methods'].post({ label: 'CIH', holderName: 'Me', iban: 'MA64011519000001205000534921' })).data!
    const withdrawn = await client(t, order.buyer).api.v1.wallet.withdrawals.post({ payoutMethodId: method.id, amountMinor: 10_000, currency: 'MAD' }, { headers: { ...order.buyer.auth, 'idempotency-key': randomUUID() } })
    expect(withdrawn.status).toBe(201)
    const after = await asked(buyer, "What's my wallet balance?")
    expect(after.answer.body).toContain('170.00 MAD available')
    expect(after.answer.body).toContain('100.00 MAD being withdrawn')
  })

  it('says so and offers a person when nothing matches; a signed-in question lands in unanswered, a guest’s nowhere', async () => {
    const me = signedIn(await signUpAndSignIn(t, { displayName: 'Curious Cat' }))
    const { answer } = await asked(me, 'Zyxwvut qwzx blorp?')
    expect(answer).toMatchObject({ offerPerson: true, citations: [] })
    expect(answer.body).toContain('could not find')
    await asked(guest(), 'Qwzx moon rocks zyxwvut?')
    const listed = await client(t, admin).api.v1.admin.assistant.unanswered.get()
    expect(listed.data!.items[0]).toMatchObject({ question: 'Zyxwvut qwzx blorp?', askedBy: { id: me.user!.id, name: 'Curious Cat' } })
    expect(listed.data!.items.some((item) => item.question.includes('moon'))).toBe(false)
    expect((await client(t, me.user!).api.v1.admin.assistant.unanswered.get()).status).toBe(403)
  })

  it('lists a question once per user however often they ask it, also at once, with how often', async () => {
    const [me, other] = [signedIn(await signUpAndSignIn(t)), signedIn(await signUpAndSignIn(t))]
    await asked(me, 'Glorptastic fnord quux?')
    await Promise.all([asked(me, 'glorptastic   FNORD quux'), asked(me, 'Glorptastic fnord, quux!')])
    await asked(me, 'GLORPTASTIC fnord quux??')
    await asked(other, 'Glorptastic fnord quux?')
    const rows = await db().select().from(assistantUnanswered).where(eq(assistantUnanswered.questionKey, 'glorptastic fnord quux'))
    expect(rows.map((row) => ({ user: row.userId, times: row.times })).sort((a, b) => a.times - b.times)).toEqual([
      { user: other.user!.id, times: 1 },
      { user: me.user!.id, times: 4 },
    ])
    const listed = await client(t, admin).api.v1.admin.assistant.unanswered.get()
    expect(listed.data!.items.find((item) => item.askedBy.id === me.user!.id)).toMatchObject({ question: 'GLORPTASTIC fnord quux??', times: 4 })
  })

  it('keeps a long question in any script, and questions of emoji apart', async () => {
    const me = signedIn(await signUpAndSignIn(t))
    // 1,000 CJK characters are 3,000 bytes: more than a unique index entry may hold, were the key not cut.
    const long = Array.from({ length: 1_000 }, (_, i) => String.fromCodePoint(0x4e00 + 7 * i)).join('')
    expect((await api(me).messages.post({ text: long }, { headers: headersOf(me) })).status).toBe(200)
    await asked(me, '🦜🦜🦜')
    await asked(me, '🐢🐢')
    const rows = await db().select().from(assistantUnanswered).where(eq(assistantUnanswered.userId, me.user!.id))
    expect(rows.map((row) => row.question).sort()).toEqual([long, '🐢🐢', '🦜🦜🦜'].sort())
  })
})

describe('hand-off to a person', () => {
  it('opens one ticket with the transcript and the order when clicked twice at once, and offers a dispute of a held payment', async () => {
    const order = await deliveredPaidOrder()
    const me = signedIn(order.buyer)
    const { session } = await asked(me, 'Where is my order?')
    await asked(me, 'It never arrived, I want to talk to someone', session.id)
    const both = await Promise.all([handOff(me, session.id, { orderId: order.orderId }), handOff(me, session.id, { orderId: order.orderId })])
    expect(both.map((r) => r.status)).toEqual([200, 200])
    expect(both[0].data!.ticketId).toBe(both[1].data!.ticketId)
    const ticketId = both[0].data!.ticketId
    expect(both[0].data).toEqual({ ticketId, ticketUrl: `/help/tickets/${ticketId}`, disputeOffer: { orderId: order.orderId, url: `/orders/${order.orderId}#dispute` } })

    const opened = await db().select().from(tickets).where(eq(tickets.requesterId, me.user!.id))
    expect(opened).toHaveLength(1)
    expect(opened[0]).toMatchObject({ id: ticketId, orderId: order.orderId, category: 'order', subject: 'Help assistant: Where is my order?' })
    const [first] = await db().select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticketId))
    expect(first!.body).toContain('Asked: Where is my order?')
    expect(first!.body).toContain('Asked: It never arrived, I want to talk to someone')
    expect(first!.body).toContain(order.invoiceNumber)
    // The ticket is the requester's own, in support.
    expect((await client(t, me.user!).api.v1.tickets({ id: ticketId }).get()).status).toBe(200)
    const detail = await api(me).sessions({ id: session.id }).get({ headers: headersOf(me) })
    expect(detail.data).toMatchObject({ ticket: { id: ticketId, url: `/help/tickets/${ticketId}` }, orderId: order.orderId })
  })

  it('refuses an order of someone else’s (400), and offers no dispute without a held payment', async () => {
    const cash = await shippedOrder()
    const another = await shippedOrder()
    const me = signedIn(cash.buyer)
    const { session } = await asked(me, 'Where is my order?')
    const refused = await handOff(me, session.id, { orderId: another.orderId })
    expect(refused.status).toBe(400)
    expect(await db().select().from(tickets).where(eq(tickets.requesterId, me.user!.id))).toEqual([])
    const done = await handOff(me, session.id, { orderId: cash.orderId })
    expect(done.data!.disputeOffer).toBeNull()
  })

  it('offers a dispute exactly when the order page does: not on a paid order the shop has not accepted, then once it has', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 10 })
    const paid = await paidOrder(t, s, product.id, { funds: 50_000 })
    const me = signedIn(paid.me.user)
    const orderPage = async () => (await client(t, paid.me.user).api.v1.orders({ id: paid.orderId }).dispute.get()).data!.canOpen
    const { session } = await asked(me, 'Where is my order?')
    // Placed and paid, its payment held: its buyer may still cancel it, so disputes offer nothing yet.
    const placed = await handOff(me, session.id, { orderId: paid.orderId })
    expect(placed.status).toBe(200)
    expect(await orderPage()).toBe(false)
    expect(placed.data!.disputeOffer).toBeNull()
    expect((await client(t, s.owner).api.v1.sales({ id: paid.orderId }).accept.post()).status).toBe(200)
    expect(await orderPage()).toBe(true)
    expect((await handOff(me, session.id, { orderId: paid.orderId })).data!.disputeOffer).toEqual({ orderId: paid.orderId, url: `/orders/${paid.orderId}#dispute` })
  })

  it('opens one visitor ticket for a guest, with the link mailed to the address given', async () => {
    const visitor = guest()
    const { session } = await asked(visitor, 'Can I pay with seashells?')
    expect((await handOff(visitor, session.id)).status).toBe(400)
    expect((await handOff(visitor, session.id, { email: 'v@example.test', orderId: 'ord_0123456789abcdef0123456789abcdef' })).status).toBe(400)
    expect((await handOff({ ...guest(), cookie: visitor.cookie }, `ast_${'0'.repeat(32)}`, { email: 'v@example.test' })).status).toBe(404)
    const email = `visitor-${Date.now()}@example.test`
    // The click that loses while the ticket is being opened is told to try again (409), then answered that ticket.
    const both = await Promise.all([handOff(visitor, session.id, { email }), handOff(visitor, session.id, { email })])
    expect(both.some((r) => r.status === 200)).toBe(true)
    expect(both.every((r) => r.status === 200 || r.status === 409)).toBe(true)
    const ticketId = both.find((r) => r.status === 200)!.data!.ticketId
    const again = await handOff(visitor, session.id, { email })
    expect(again.data).toEqual({ ticketId, ticketUrl: `/help/tickets/${ticketId}`, disputeOffer: null })
    const opened = await db().select().from(tickets).where(eq(tickets.visitorEmail, email))
    expect(opened.map((row) => row.id)).toEqual([ticketId])
    const restored = await api(visitor).guest.get({ headers: headersOf(visitor) })
    expect(restored.data!.ticket).toEqual({ id: opened[0]!.id, url: `/help/tickets/${opened[0]!.id}` })
    await t.services.mailer.settled()
    const mail = (await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`)).json()) as { items: { text: string }[] }
    expect(mail.items[0]!.text).toContain(`/help/tickets/${opened[0]!.id}#token=`)
  })
})

describe('guest sessions under concurrent requests', () => {
  const REPLY = 'Start a return from the order’s page: see [How to return an item](/help/articles/return-an-item).'
  let timed: TestApp
  let model: ChatCompletionsServer
  const clock = new ManualClock()
  let gate: PromiseWithResolvers<void> | null = null
  beforeAll(async () => {
    model = startChatCompletionsServer({ reply: REPLY, hold: () => gate?.promise })
    timed = await createTestApp({ clock, env: { ASSISTANT_MODEL_URL: model.url, ASSISTANT_MODEL: 'souk-test-model' } })
  }, 60_000)
  afterAll(async () => {
    await timed.close()
    await model.close()
  })

  const on = (asker: Asker) => client(timed, { ...(asker.user === null ? {} : { auth: asker.user.auth }), ip: asker.ip }).api.v1.assistant
  async function post(asker: Asker, text: string, sessionId?: string) {
    const answered = await on(asker).messages.post({ text, ...(sessionId === undefined ? {} : { sessionId }) }, { headers: headersOf(asker) })
    keepCookie(asker, answered.response)
    return answered
  }
  const restore = (asker: Asker) => on(asker).guest.get({ headers: headersOf(asker) })
  const click = (asker: Asker, sessionId: string, email: string) => on(asker).sessions({ id: sessionId }).handoff.post({ email }, { headers: headersOf(asker) })
  /** Holds the model's answers from now on; `release` lets them all go. */
  const hold = () => {
    gate = Promise.withResolvers<void>()
    const arrived = model.requests.length
    return {
      /** Once `n` more questions reached the model (their answers held there). */
      reached: (n: number) => waitFor(() => model.requests.length >= arrived + n, 5_000, `${n} questions at the model`),
      release: () => {
        gate!.resolve()
        gate = null
      },
    }
  }
  const started = async () => {
    const visitor = guest()
    const first = await post(visitor, 'How do returns work?')
    expect(first.data!.answer.body).toBe(REPLY)
    return { visitor, sessionId: first.data!.session.id }
  }

  it('keeps both questions asked at once, with their answers', async () => {
    const { visitor, sessionId } = await started()
    const held = hold()
    const asking = Promise.all([post(visitor, 'How do I return shoes?', sessionId), post(visitor, 'How do I return a lamp?', sessionId)])
    await held.reached(2)
    held.release()
    expect((await asking).map((r) => r.status)).toEqual([200, 200])
    const bodies = (await restore(visitor)).data!.messages.map((m) => m.body)
    expect(bodies).toHaveLength(6)
    expect(bodies).toEqual(expect.arrayContaining(['How do I return shoes?', 'How do I return a lamp?']))
  })

  it('keeps the ticket of a hand-off made while a question was being answered, as long as the session lives', async () => {
    const { visitor, sessionId } = await started()
    const email = `racer-${Date.now()}@example.test`
    const held = hold()
    const asking = post(visitor, 'How do I return shoes?', sessionId)
    await held.reached(1)
    const handed = await click(visitor, sessionId, email)
    expect(handed.status).toBe(200)
    const { ticketId } = handed.data!
    held.release()
    expect((await asking).status).toBe(200)
    const restored = (await restore(visitor)).data!
    expect(restored.ticket).toEqual({ id: ticketId, url: `/help/tickets/${ticketId}` })
    expect(restored.messages).toHaveLength(4)

    // Well past 30 minutes from the click, the session still alive: the same ticket, never a second.
    clock.advance(29 * MINUTE)
    expect((await post(visitor, 'Any news?', sessionId)).status).toBe(200)
    clock.advance(29 * MINUTE)
    expect((await click(visitor, sessionId, email)).data!.ticketId).toBe(ticketId)
    expect((await restore(visitor)).data!.ticket!.id).toBe(ticketId)
    expect(await timed.ctx.database.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.visitorEmail, email))).toEqual([{ id: ticketId }])
  })

  it('answers 409 while another click’s ticket is being opened; a claim left by a request that died is taken over after two minutes', async () => {
    const { visitor, sessionId } = await started()
    const email = `pending-${Date.now()}@example.test`
    // Another request's claim, its ticket not opened yet.
    const pending = { ticketId: `tkt_${'a'.repeat(32)}`, claimedAt: clock.now().toISOString(), opened: false }
    await timed.ctx.ephemeral.update<GuestSession>(guestKey(sessionId), (session) => ({ ...session, handoff: pending }), ASSISTANT_LIMITS.guestTtlMs, clock.now().getTime())
    const refused = await click(visitor, sessionId, email)
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { type: 'conflict' } })
    expect((await restore(visitor)).data!.ticket).toBeNull()
    clock.advance(2 * MINUTE)
    const handed = await click(visitor, sessionId, email)
    expect(handed.status).toBe(200)
    expect(handed.data!.ticketId).not.toBe(pending.ticketId)
    expect((await restore(visitor)).data!.ticket!.id).toBe(handed.data!.ticketId)
  })

  it('answers the ticket of a claim its request opened but could not mark (the store failed after the commit), never a second', async () => {
    const { visitor, sessionId } = await started()
    const email = `unmarked-${Date.now()}@example.test`
    const { ticketId } = (await click(visitor, sessionId, email)).data!
    // As if the last step had failed: the claim still pending, its ticket committed.
    await timed.ctx.ephemeral.update<GuestSession>(guestKey(sessionId), (session) => ({ ...session, handoff: { ...session.handoff!, opened: false } }), ASSISTANT_LIMITS.guestTtlMs, clock.now().getTime())
    clock.advance(3 * MINUTE)
    expect((await click(visitor, sessionId, email)).data!.ticketId).toBe(ticketId)
    expect((await restore(visitor)).data!.ticket!.id).toBe(ticketId)
    expect(await timed.ctx.database.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.visitorEmail, email))).toEqual([{ id: ticketId }])
  })

  it('does not bring a kept session back when a question was being answered as it was kept', async () => {
    const { visitor, sessionId } = await started()
    const user = signedIn(await signUpAndSignIn(timed))
    user.cookie = visitor.cookie
    const held = hold()
    const asking = post(visitor, 'How do I return shoes?', sessionId)
    await held.reached(1)
    const kept = await on(user).sessions.migrate.post(undefined, { headers: headersOf(user) })
    expect(kept.status).toBe(200)
    expect(kept.data!.messages).toHaveLength(2)
    held.release()
    expect((await asking).status).toBe(404)
    expect((await restore(visitor)).status).toBe(404)
  })
})

describe('keeping a guest session', () => {
  it('keeps the same conversation twice (put back after a failed write) as two sessions, never a 500', async () => {
    const visitor = guest()
    const { session } = await asked(visitor, 'How do returns work?')
    const stored = await t.ctx.ephemeral.get<GuestSession>(guestKey(session.id), Date.now())
    const user = signedIn(await signUpAndSignIn(t))
    user.cookie = visitor.cookie
    const first = await migrate(user)
    expect(first.status).toBe(200)
    await t.ctx.ephemeral.set(guestKey(session.id), stored, ASSISTANT_LIMITS.guestTtlMs, Date.now())
    user.cookie = visitor.cookie
    const second = await migrate(user)
    expect(second.status).toBe(200)
    expect(second.data!.messages.map((m) => m.body)).toEqual(first.data!.messages.map((m) => m.body))
    const rows = await db().select({ id: assistantMessages.id }).from(assistantMessages).where(eq(assistantMessages.sessionId, second.data!.id))
    expect(rows.map((row) => row.id).some((id) => first.data!.messages.some((m) => m.id === id))).toBe(false)
  })

  it('keeps a handed-off conversation without the visitor’s ticket (the account cannot open it), saying where its link went', async () => {
    const visitor = guest()
    const { session } = await asked(visitor, 'Can I pay with seashells?')
    const handed = await handOff(visitor, session.id, { email: `kept-${Date.now()}@example.test` })
    expect(handed.status).toBe(200)
    const user = signedIn(await signUpAndSignIn(t))
    user.cookie = visitor.cookie
    const kept = await migrate(user)
    expect(kept.status).toBe(200)
    expect(kept.data!.ticket).toBeNull()
    expect(kept.data!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant'])
    expect(kept.data!.messages[2]!.body).toContain('the link to that ticket was sent to the email address you gave')
    expect((await api(user).sessions.get({ headers: headersOf(user) })).data!.items[0]!.ticketId).toBeNull()
  })
})

describe('the hand-off transcript', () => {
  const message = (role: StoredMessage['role'], body: string): StoredMessage => ({ id: 'asm_x', role, body, citations: [], offerPerson: false, createdAt: new Date().toISOString() })

  it('cuts the latest message when it alone is longer than the room, rather than leaving everything out', () => {
    const long = 'x'.repeat(6_000)
    const transcript = transcriptOf('Returns', [message('user', 'How do returns work?'), message('assistant', long)])
    expect(transcript.length).toBeLessThanOrEqual(5_000)
    expect(transcript).toContain('(earlier messages left out)')
    expect(transcript).toContain('Assistant: xxxx')
    expect(transcript).toEndWith('… (cut)')
    const alone = transcriptOf('Returns', [message('user', long)])
    expect(alone).toContain('Asked: xxxx')
    expect(alone).not.toContain('left out')
  })
})

describe('the guest cookie over https', () => {
  it('is __Secure- prefixed and Secure', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://souk.example' } })
    try {
      const answered = await client(secure, { ip: testIp() }).api.v1.assistant.messages.post({ text: 'How do returns work?' })
      const cookie = answered.response.headers.getSetCookie().find((c) => c.startsWith('__Secure-souk_assistant='))!
      for (const part of ['Secure', 'HttpOnly', 'Path=/api/v1/assistant', 'SameSite=Lax']) expect(cookie).toContain(part)
      const restored = await client(secure, { ip: testIp() }).api.v1.assistant.guest.get({ headers: { cookie: cookie.split(';')[0]! } })
      expect(restored.data!.id).toBe(answered.data!.session.id)
    } finally {
      await secure.close()
    }
  })
})
