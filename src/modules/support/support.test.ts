import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq, lte } from 'drizzle-orm'
import { latestEventId } from '../../events/log'
import { phonePhoto } from '../../lib/image-fixtures'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { client, createTestApp, listen, makeProduct, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { placeOrder, shop } from '../orders/testing'
import type { SupportModel } from './model'
import { closeSolvedTickets, linkToken } from './service'
import { REOPEN_DAYS } from './status'
import { tickets } from './table'

let t: TestApp
let wsUrl: string
let admin: TestUser
let otherAdmin: TestUser
let categoryId: string
const sockets: TestSocket[] = []

beforeAll(async () => {
  t = await createTestApp()
  ;({ wsUrl } = listen(t))
  admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Nadia Admin' })
  otherAdmin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Omar Admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await t.close()
})

const DAY = 24 * 60 * 60_000
const db = () => t.ctx.database.db
const jobDeps = () => ({ db: db(), bus: t.ctx.bus, clock: t.ctx.clock, log: t.ctx.log })

/** A buyer with a placed order of a new shop's product. */
async function buyerWithOrder() {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 5 })
  const placed = await placeOrder(t, s, product.id)
  return { user: placed.me.user, orderId: placed.orderId, invoiceNumber: placed.invoiceNumber }
}

const open = (user: TestUser, body: { subject?: string; category?: 'order' | 'payment' | 'account' | 'listing' | 'other'; orderId?: string; body?: string } = {}) =>
  client(t, user).api.v1.tickets.post({ subject: body.subject ?? 'Where is my parcel?', category: body.category ?? 'other', body: body.body ?? 'It has been a week.', ...(body.orderId === undefined ? {} : { orderId: body.orderId }) })
/** Opens a ticket as a signed-in user (201). */
async function opened(user: TestUser, body: Parameters<typeof open>[1] = {}): Promise<SupportModel.Posted> {
  const answer = await open(user, body)
  expect(answer.status).toBe(201)
  return answer.data as SupportModel.Posted
}
const reply = (user: TestUser, id: string, body: string) => client(t, user).api.v1.tickets({ id }).replies.post({ body })
const read = (user: TestUser, id: string) => client(t, user).api.v1.tickets({ id }).get()
const patch = (user: TestUser, id: string, body: SupportModel.PatchBody) => client(t, user).api.v1.admin.tickets({ id }).patch(body)
const mailsTo = async (email: string) => {
  const { items } = (await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`)).json()) as { items: { subject: string; text: string }[] }
  return items
}
const tokenIn = (text: string) => /#token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null
const upload = (id: string, messageId: string, headers: Record<string, string>, bytes?: Uint8Array<ArrayBuffer>) =>
  phonePhoto().then((photo) => {
    const form = new FormData()
    form.append('file', new File([bytes ?? photo], 'photo.jpg'))
    return t.request(`/api/v1/tickets/${id}/messages/${messageId}/attachments`, { method: 'POST', body: form, headers })
  })

describe('opening a ticket', () => {
  it('takes an order of the user’s own, and refuses another’s order alike with one that does not exist', async () => {
    const mine = await buyerWithOrder()
    const theirs = await buyerWithOrder()
    const first = await opened(mine.user, { category: 'order', orderId: mine.orderId })
    expect(first.ticket).toMatchObject({ status: 'open', category: 'order', order: { id: mine.orderId, invoiceNumber: mine.invoiceNumber }, staff: null, canReply: true })
    expect(first.ticket.messages).toEqual([expect.objectContaining({ id: first.messageId, author: { kind: 'user', name: 'You' }, body: 'It has been a week.', internal: false })])

    for (const orderId of [theirs.orderId, `ord_${'0'.repeat(32)}`]) {
      const refused = await open(mine.user, { category: 'order', orderId })
      expect(refused.status).toBe(400)
      expect(refused.error!.value).toMatchObject({ error: { details: [{ field: 'body.orderId', message: 'is not one of your orders' }] } })
    }
    // Not even an admin references someone else's order as a requester.
    expect((await open(admin, { orderId: mine.orderId })).status).toBe(400)
  })

  it('refuses a blank message and a visitor without an email', async () => {
    const user = await signUpAndSignIn(t)
    expect((await open(user, { body: '   ' })).status).toBe(400)
    const anonymous = await client(t).api.v1.tickets.post({ subject: 'Help', category: 'account', body: 'I cannot sign in' })
    expect(anonymous.status).toBe(400)
    expect(anonymous.error!.value).toMatchObject({ error: { details: [{ field: 'body.email' }] } })
  })
})

describe('who sees what', () => {
  it('shows a user only their own tickets, and never an internal note, live or not', async () => {
    const ana = await signUpAndSignIn(t)
    const bob = await signUpAndSignIn(t)
    const anas = (await opened(ana, { subject: 'Ana’s question' })).ticket
    const bobs = (await opened(bob, { subject: 'Bob’s question' })).ticket
    expect((await client(t, ana).api.v1.tickets.get({ query: {} })).data!.items.map((i) => i.subject)).toEqual(['Ana’s question'])
    expect((await read(ana, bobs.id)).status).toBe(404)
    expect((await reply(ana, bobs.id, 'Let me in')).status).toBe(404)
    expect((await client(t).api.v1.tickets({ id: anas.id }).get()).status).toBe(404)
    expect((await client(t).api.v1.tickets.get({ query: {} })).status).toBe(401)

    const socket = await connectAs(t, wsUrl, ana)
    sockets.push(socket)
    expect((await socket.ask({ type: 'subscribe', topic: `ticket:${anas.id}` })).type).toBe('subscribed')
    expect((await socket.ask({ type: 'subscribe', topic: `ticket:${bobs.id}` })).type).toBe('error')

    const topic = `ticket:${anas.id}`
    const before = await latestEventId(db(), topic)
    const noted = await client(t, admin).api.v1.admin.tickets({ id: anas.id }).notes.post({ body: 'Ana was rude last time' })
    expect(noted.status).toBe(200)
    expect(noted.data!.ticket.messages.map((m) => [m.body, m.internal])).toEqual([
      ['It has been a week.', false],
      ['Ana was rude last time', true],
    ])
    // A note with an image: the image is staff's too.
    expect((await upload(anas.id, noted.data!.messageId, admin.auth)).status).toBe(200)
    // Not on the topic: no event was even appended.
    expect(await latestEventId(db(), topic)).toBe(before)
    expect((await client(t, ana).api.v1.notifications.get({ query: {} })).data!.items).toEqual([])
    const seen = (await read(ana, anas.id)).data!
    expect(seen.messages.map((m) => m.body)).toEqual(['It has been a week.'])
    expect(seen.staff).toBeNull()
    expect((await t.request(`/api/v1/tickets/${anas.id}/messages/${noted.data!.messageId}/attachments/0`, { headers: ana.auth })).status).toBe(404)
    expect((await t.request(`/api/v1/tickets/${anas.id}/messages/${noted.data!.messageId}/attachments/0`, { headers: admin.auth })).status).toBe(200)

    // A staff reply reaches her live; the thread she then reads still has no note.
    const answered = await reply(admin, anas.id, 'We are on it')
    expect(answered.status).toBe(200)
    const event = await socket.next('event', (m) => m.topic === topic)
    expect(event).toMatchObject({ kind: 'ticket.updated', data: { ticketId: anas.id, status: 'pending', messageId: answered.data!.messageId } })
    expect(socket.received.filter((m) => m.type === 'event' && m.topic === topic)).toHaveLength(1)
    expect((await read(ana, anas.id)).data!.messages.map((m) => [m.author, m.body])).toEqual([
      [{ kind: 'user', name: 'You' }, 'It has been a week.'],
      [{ kind: 'staff', name: 'Souk support' }, 'We are on it'],
    ])
    // Staff see names, the note, and the times.
    const staffView = (await read(admin, anas.id)).data!
    expect(staffView.messages.map((m) => m.author.name)).toEqual([expect.stringMatching(/^User /), 'Nadia Admin', 'Nadia Admin'])
    expect(staffView.staff).toMatchObject({ requester: { kind: 'user', id: ana.id }, priority: 'normal', firstResponseSeconds: expect.any(Number), resolutionSeconds: null })
  })
})

describe('a visitor', () => {
  it('reaches their ticket only through the emailed link, and is emailed staff’s answers with it', async () => {
    const email = `visitor-${crypto.randomUUID().slice(0, 8)}@example.test`
    const created = await client(t).api.v1.tickets.post({ subject: 'Cannot create an account', category: 'account', body: 'The code never comes', email })
    expect(created.status).toBe(202)
    expect(created.data).toEqual({ message: expect.stringContaining(email) })
    const [mail] = await mailsTo(email)
    const token = tokenIn(mail!.text)!
    expect(token).not.toBeNull()
    const id = /\/help\/tickets\/(tkt_[0-9a-f]{32})#/.exec(mail!.text)![1]!
    // Keyed by its own secret, never by the sessions' signing key.
    expect(token).toBe(linkToken(t.ctx.config.secrets.TICKET_LINK_SECRET, id))
    expect(token).not.toBe(linkToken(t.ctx.config.secrets.JWT_SECRET, id))
    // Only the hash is kept.
    const [row] = await db().select().from(tickets).where(eq(tickets.id, id))
    expect(row).toMatchObject({ requesterId: null, visitorEmail: email, status: 'open' })
    expect(row!.accessTokenHash).not.toContain(token)

    const asVisitor = (value: string) => ({ headers: { 'x-ticket-token': value } })
    expect((await client(t).api.v1.tickets({ id }).get()).status).toBe(404)
    // The same token with its last character changed (to one it is not).
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    expect((await client(t).api.v1.tickets({ id }).get(asVisitor(wrong))).status).toBe(404)
    // A signed-in stranger with no token: not theirs either.
    expect((await read(await signUpAndSignIn(t), id)).status).toBe(404)
    const seen = await client(t).api.v1.tickets({ id }).get(asVisitor(token))
    expect(seen.status).toBe(200)
    expect(seen.data).toMatchObject({ subject: 'Cannot create an account', status: 'open', staff: null, messages: [{ author: { kind: 'visitor', name: 'You' } }] })
    // The visitor adds an image to their message (unanswered yet), with the token.
    expect((await upload(id, seen.data!.messages[0]!.id, { 'x-ticket-token': token })).status).toBe(200)
    expect((await upload(id, seen.data!.messages[0]!.id, {})).status).toBe(404)

    expect((await reply(admin, id, 'Check your spam folder')).status).toBe(200)
    await waitFor(async () => (await mailsTo(email)).length === 2, 5_000, 'the answer mailed')
    const [answer] = await mailsTo(email)
    expect(answer!.subject).toBe('Souk support answered your request')
    expect(tokenIn(answer!.text)).toBe(token)
    // Anyone may type any address: what the form was given is never mailed back to it.
    for (const sent of await mailsTo(email)) {
      expect(`${sent.subject}\n${sent.text}`).not.toContain('Cannot create an account')
      expect(sent.text).toContain(`Your ticket: ${id}`)
    }
    // Answered: the visitor's first message takes no more images.
    expect((await upload(id, seen.data!.messages[0]!.id, { 'x-ticket-token': token })).status).toBe(403)

    const replied = await client(t).api.v1.tickets({ id }).replies.post({ body: 'Found it, thanks' }, asVisitor(token))
    expect(replied.status).toBe(200)
    expect(replied.data!.ticket.status).toBe('open')
    expect((await client(t).api.v1.tickets({ id }).replies.post({ body: 'Sneaky' })).status).toBe(404)
    const staff = (await read(admin, id)).data!
    expect(staff.staff!.requester).toEqual({ kind: 'visitor', id: null, name: email, email })
    expect(staff.messages.map((m) => m.author)).toEqual([
      { kind: 'visitor', name: email },
      { kind: 'staff', name: 'Nadia Admin' },
      { kind: 'visitor', name: email },
    ])
  })

  it('may not ask about an order, and one mailbox opens only a few tickets an hour, +tags or not', async () => {
    const local = `flood-${crypto.randomUUID().slice(0, 8)}`
    const email = `${local}@example.test`
    const withOrder = await client(t).api.v1.tickets.post({ subject: 'About an order', category: 'order', body: 'Hello', email, orderId: `ord_${'0'.repeat(32)}` })
    expect(withOrder.status).toBe(400)
    const answers = []
    const addresses = [email, `${local}+1@example.test`, `${local}+2@example.test`, `${local.toUpperCase()}+x@EXAMPLE.test`, `${local}+@example.test`, `${local}+last@example.test`]
    for (const [i, address] of addresses.entries()) answers.push((await client(t).api.v1.tickets.post({ subject: `Question ${i}`, category: 'other', body: 'Hello', email: address })).status)
    expect(answers).toEqual([202, 202, 202, 202, 202, 429])
  })

  it('refuses a subject with line breaks or other control characters, signed in or not', async () => {
    const email = `control-${crypto.randomUUID().slice(0, 8)}@example.test`
    const user = await signUpAndSignIn(t)
    for (const subject of ['Hello\r\nBcc: victim@example.test', 'Two\nlines', 'A\ttab', 'Nul\u0000byte', 'Escape\u001b[31m', 'Next line\u0085here', 'Line\u2028separator']) {
      const visitor = await client(t).api.v1.tickets.post({ subject, category: 'other', body: 'Hello', email })
      expect(visitor.status).toBe(400)
      // (U+0000 is refused earlier, by the guard of every body: still on body.subject.)
      expect(visitor.error!.value).toMatchObject({ error: { type: 'invalid_data', details: [{ field: 'body.subject' }] } })
      expect((await open(user, { subject })).status).toBe(400)
    }
    const crlf = await client(t).api.v1.tickets.post({ subject: 'Hi\r\nBcc: victim@example.test', category: 'other', body: 'Hello', email })
    expect(crlf.error!.value).toMatchObject({ error: { details: [{ field: 'body.subject', message: 'must not contain line breaks or control characters' }] } })
    expect(await mailsTo(email)).toEqual([])
  })

  it('is emailed, with the link, when staff solve the ticket, and may reopen it within 7 days', async () => {
    const email = `solved-${crypto.randomUUID().slice(0, 8)}@example.test`
    expect((await client(t).api.v1.tickets.post({ subject: 'Lost password', category: 'account', body: 'Help', email })).status).toBe(202)
    const [first] = await mailsTo(email)
    const token = tokenIn(first!.text)!
    const id = /\/help\/tickets\/(tkt_[0-9a-f]{32})#/.exec(first!.text)![1]!
    expect((await patch(admin, id, { status: 'solved' })).status).toBe(200)
    await waitFor(async () => (await mailsTo(email)).length === 2, 5_000, 'the solved email')
    const [solved] = await mailsTo(email)
    expect(solved!.subject).toBe('Souk support marked your request solved')
    expect(solved!.text).toContain(`within ${REOPEN_DAYS} days`)
    expect(tokenIn(solved!.text)).toBe(token)
    expect(`${solved!.subject}${solved!.text}`).not.toContain('Lost password')
    const reopened = await client(t).api.v1.tickets({ id }).replies.post({ body: 'Not solved' }, { headers: { 'x-ticket-token': token } })
    expect(reopened.data!.ticket.status).toBe('open')
  })
})

describe('statuses', () => {
  it('moves open → pending → open on replies, reopens a solved ticket within 7 days, then refuses with a hint', async () => {
    const user = await signUpAndSignIn(t)
    const { id } = (await opened(user)).ticket
    expect((await reply(admin, id, 'Which order?')).data!.ticket.status).toBe('pending')
    expect((await reply(user, id, 'The lamp')).data!.ticket.status).toBe('open')
    const solved = await patch(admin, id, { status: 'solved' })
    expect(solved.data).toMatchObject({ status: 'solved', solvedAt: expect.any(Date) })
    expect(solved.data!.staff!.resolutionSeconds).toEqual(expect.any(Number))
    // Within the window: the requester's reply reopens it.
    const reopened = await reply(user, id, 'It broke again')
    expect(reopened.data!.ticket).toMatchObject({ status: 'open', solvedAt: null })
    expect((await patch(admin, id, { status: 'solved' })).status).toBe(200)
    await db()
      .update(tickets)
      .set({ solvedAt: new Date(Date.now() - (REOPEN_DAYS * 24 + 1) * 60 * 60_000) })
      .where(eq(tickets.id, id))
    expect((await read(user, id)).data).toMatchObject({ canReply: false, replyRefusal: expect.stringContaining('open a new ticket') })
    const late = await reply(user, id, 'Still broken')
    expect(late.status).toBe(409)
    expect(late.error!.value).toMatchObject({ error: { message: expect.stringContaining('open a new ticket'), details: { status: 'solved' } } })
  })

  it('is closed by the job 7 days after solving, once however many run it; closed is final', async () => {
    const user = await signUpAndSignIn(t)
    const { id } = (await opened(user)).ticket
    const fresh = (await opened(user, { subject: 'Solved today' })).ticket
    for (const ticket of [id, fresh.id]) expect((await patch(admin, ticket, { status: 'solved' })).status).toBe(200)
    await db()
      .update(tickets)
      .set({ solvedAt: new Date(Date.now() - 8 * DAY) })
      .where(eq(tickets.id, id))
    const due = await db()
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.status, 'solved'), lte(tickets.solvedAt, new Date(Date.now() - 7 * DAY))))
    expect(due.map((row) => row.id)).toContain(id)
    const runs = await Promise.all([closeSolvedTickets(jobDeps()), closeSolvedTickets(jobDeps())])
    expect(runs[0]! + runs[1]!).toBe(due.length)
    expect((await read(user, id)).data).toMatchObject({ status: 'closed', closedAt: expect.any(Date), canReply: false })
    expect((await read(user, fresh.id)).data!.status).toBe('solved')
    const refused = await reply(user, id, 'Hello?')
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { message: 'This ticket is closed: open a new ticket to ask again.' } })
    expect((await reply(admin, id, 'Hello')).status).toBe(409)
    const reopen = await patch(admin, id, { status: 'open' })
    expect(reopen.status).toBe(409)
    expect(reopen.error!.value).toMatchObject({ error: { details: { status: 'closed' } } })
  })

  it('sets the first response once when two admins answer at once', async () => {
    const user = await signUpAndSignIn(t)
    const { id } = (await opened(user)).ticket
    const answers = await Promise.all([reply(admin, id, 'First'), reply(otherAdmin, id, 'Second'), reply(admin, id, 'Third')])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    const [row] = await db().select().from(tickets).where(eq(tickets.id, id))
    const staffMessages = (await read(admin, id)).data!.messages.filter((m) => m.author.kind === 'staff')
    expect(staffMessages).toHaveLength(3)
    expect(row!.firstResponseAt).toEqual(staffMessages[0]!.createdAt)
    expect(row!.status).toBe('pending')
    // Later replies leave it.
    expect((await reply(user, id, 'Thanks')).status).toBe(200)
    expect((await reply(admin, id, 'Welcome')).status).toBe(200)
    expect((await db().select().from(tickets).where(eq(tickets.id, id)))[0]!.firstResponseAt).toEqual(row!.firstResponseAt)
  })
})

describe('staff', () => {
  it('assign to an admin only, set priorities, and find tickets by status, priority, assignee and age in pages', async () => {
    const user = await signUpAndSignIn(t)
    const ids: string[] = []
    for (let i = 0; i < 3; i += 1) ids.push((await opened(user, { subject: `Queue ${i}` })).ticket.id)
    expect((await patch(user, ids[0]!, { priority: 'high' })).status).toBe(403)
    const notAdmin = await patch(admin, ids[0]!, { assigneeId: user.id })
    expect(notAdmin.status).toBe(400)
    expect(notAdmin.error!.value).toMatchObject({ error: { details: [{ field: 'body.assigneeId', message: 'must be an admin' }] } })
    const assigned = await patch(admin, ids[0]!, { assigneeId: otherAdmin.id, priority: 'urgent' })
    expect(assigned.data!.staff).toMatchObject({ assignee: { id: otherAdmin.id, name: 'Omar Admin' }, priority: 'urgent' })
    const told = (await client(t, otherAdmin).api.v1.notifications.get({ query: {} })).data!.items
    expect(told.some((n) => n.summary === 'Nadia Admin assigned you the ticket “Queue 0”')).toBe(true)
    expect((await patch(admin, ids[1]!, { assigneeId: admin.id, status: 'pending' })).status).toBe(200)
    expect((await client(t, admin).api.v1.admin.tickets.assignees.get()).data!.items.map((a) => a.name)).toEqual(expect.arrayContaining(['Nadia Admin', 'Omar Admin']))

    const queue = (query: Record<string, string | number>) => client(t, admin).api.v1.admin.tickets.get({ query })
    const subjects = async (query: Record<string, string | number>) => (await queue(query)).data!.items.filter((i) => i.subject.startsWith('Queue')).map((i) => i.subject)
    expect(await subjects({ priority: 'urgent' })).toEqual(['Queue 0'])
    expect(await subjects({ assignee: otherAdmin.id })).toEqual(['Queue 0'])
    expect(await subjects({ assignee: 'me' })).toEqual(['Queue 1'])
    expect(await subjects({ assignee: 'none', status: 'open' })).toEqual(['Queue 2'])
    expect(await subjects({ status: 'pending' })).toEqual(['Queue 1'])
    await db()
      .update(tickets)
      .set({ createdAt: new Date(Date.now() - 3 * DAY) })
      .where(eq(tickets.id, ids[2]!))
    expect(await subjects({ minAgeHours: 48 })).toEqual(['Queue 2'])
    // Oldest first, in pages.
    const first = await queue({ limit: 2 })
    expect(first.data!.items).toHaveLength(2)
    const rest = await queue({ limit: 100, cursor: first.data!.nextCursor! })
    const all = [...first.data!.items, ...rest.data!.items]
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length)
    expect(all.map((i) => i.createdAt.getTime())).toEqual(all.map((i) => i.createdAt.getTime()).sort((a, b) => a - b))
    expect((await client(t, user).api.v1.admin.tickets.get({ query: {} })).status).toBe(403)
    expect((await queue({ assignee: 'someone' })).status).toBe(400)
  })
})

describe('telling the other side', () => {
  it('emails the user when staff answer while they are away, not while they have the ticket open', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Away User' })
    const { id } = (await opened(user, { subject: 'Refund question' })).ticket
    const answered = (subject: string) => async () => (await mailsTo(user.email)).filter((m) => m.subject === `Souk: Souk support replied to your ticket “${subject}”`).length
    expect((await reply(admin, id, 'Away answer')).status).toBe(200)
    await waitFor(async () => (await answered('Refund question')()) === 1, 5_000, 'the email')
    const notices = (await client(t, user).api.v1.notifications.get({ query: {} })).data!.items
    expect(notices).toEqual([expect.objectContaining({ subject: `ticket:${id}`, link: `/help/tickets/${id}` })])

    // Viewing the ticket: nothing to tell.
    const socket = await connectAs(t, wsUrl, user)
    sockets.push(socket)
    await socket.ask({ type: 'subscribe', topic: `ticket:${id}` })
    await client(t, user).api.v1.notifications['read-all'].post()
    expect((await reply(admin, id, 'Seen answer')).status).toBe(200)
    await socket.next('event', (m) => m.topic === `ticket:${id}` && m.kind === 'ticket.updated' && (m.data as { status: string }).status === 'pending')
    expect((await client(t, user).api.v1.notifications.get({ query: { unread: true } })).data!.items).toEqual([])
    expect(await answered('Refund question')()).toBe(1)
  })

  it('tells the assignee in the app when the requester answers', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Karim' })
    const { id } = (await opened(user, { subject: 'Assigned one' })).ticket
    expect((await patch(admin, id, { assigneeId: admin.id })).status).toBe(200)
    expect((await reply(user, id, 'Any news?')).status).toBe(200)
    const notices = (await client(t, admin).api.v1.notifications.get({ query: {} })).data!.items
    expect(notices.some((n) => n.summary === 'Karim replied to the ticket “Assigned one”' && n.link === `/admin/support/${id}`)).toBe(true)
  })
})

describe('telling staff', () => {
  const noticesOf = async (user: TestUser, link: string) => (await client(t, user).api.v1.notifications.get({ query: { unread: true, limit: 100 } })).data!.items.filter((n) => n.link === link)

  it('tells every admin in the app of a new ticket and of the requester’s reply while nobody is assigned, then only the assignee', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Salma' })
    const { id } = (await opened(user, { subject: 'Nobody on it' })).ticket
    const link = `/admin/support/${id}`
    for (const staff of [admin, otherAdmin]) {
      expect((await noticesOf(staff, link)).map((n) => [n.type, n.summary])).toEqual([['message', 'Salma opened the ticket “Nobody on it”']])
      await client(t, staff).api.v1.notifications['read-all'].post()
    }
    expect((await reply(user, id, 'Anyone there?')).status).toBe(200)
    for (const staff of [admin, otherAdmin]) expect((await noticesOf(staff, link)).map((n) => n.summary)).toEqual(['Salma replied to the ticket “Nobody on it”'])
    // In the app only: no admin's mailbox fills with every ticket.
    for (const staff of [admin, otherAdmin]) expect((await mailsTo(staff.email)).filter((m) => m.subject.includes('Nobody on it'))).toEqual([])

    expect((await patch(admin, id, { assigneeId: otherAdmin.id })).status).toBe(200)
    for (const staff of [admin, otherAdmin]) await client(t, staff).api.v1.notifications['read-all'].post()
    expect((await reply(user, id, 'Hello?')).status).toBe(200)
    expect((await noticesOf(admin, link)).length).toBe(0)
    expect((await noticesOf(otherAdmin, link)).map((n) => n.summary)).toEqual(['Salma replied to the ticket “Nobody on it”'])
  })

  it('does not tell an admin of the ticket they opened themselves; a visitor’s reaches every admin', async () => {
    const { id } = (await opened(admin, { subject: 'My own problem' })).ticket
    expect(await noticesOf(admin, `/admin/support/${id}`)).toEqual([])
    expect((await noticesOf(otherAdmin, `/admin/support/${id}`)).map((n) => n.summary)).toEqual(['Nadia Admin opened the ticket “My own problem”'])

    const email = `asks-${crypto.randomUUID().slice(0, 8)}@example.test`
    expect((await client(t).api.v1.tickets.post({ subject: 'A visitor asks', category: 'other', body: 'Hello', email })).status).toBe(202)
    const visitorId = /\/help\/tickets\/(tkt_[0-9a-f]{32})#/.exec((await mailsTo(email))[0]!.text)![1]!
    for (const staff of [admin, otherAdmin]) expect((await noticesOf(staff, `/admin/support/${visitorId}`)).map((n) => n.summary)).toEqual(['A visitor opened the ticket “A visitor asks”'])
  })
})

describe('emailing once per unread notice', () => {
  it('emails the requester for the first answer while its notice is unread, and again once they read it', async () => {
    const user = await signUpAndSignIn(t)
    const { id } = (await opened(user, { subject: 'Streak' })).ticket
    const mailed = async () => (await mailsTo(user.email)).filter((m) => m.subject === 'Souk: Souk support replied to your ticket “Streak”').length
    expect((await reply(admin, id, 'One')).status).toBe(200)
    await waitFor(async () => (await mailed()) === 1, 5_000, 'the first email')
    expect((await reply(otherAdmin, id, 'Two')).status).toBe(200)
    expect((await reply(admin, id, 'Three')).status).toBe(200)
    // The answers joined the unread notice; the mail read settles what was dispatched.
    const notices = (await client(t, user).api.v1.notifications.get({ query: { unread: true } })).data!.items
    expect(notices.map((n) => [n.type, n.subject, n.link])).toEqual([['message', `ticket:${id}`, `/help/tickets/${id}`]])
    expect(await mailed()).toBe(1)

    await client(t, user).api.v1.notifications['read-all'].post()
    expect((await reply(admin, id, 'Four')).status).toBe(200)
    await waitFor(async () => (await mailed()) === 2, 5_000, 'the email after reading')
  })

  it('emails the assignee for the requester’s first reply only while its notice is unread', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Yassine' })
    const { id } = (await opened(user, { subject: 'Assigned streak' })).ticket
    expect((await patch(admin, id, { assigneeId: otherAdmin.id })).status).toBe(200)
    await client(t, otherAdmin).api.v1.notifications['read-all'].post()
    const mailed = async () => (await mailsTo(otherAdmin.email)).filter((m) => m.subject === 'Souk: Yassine replied to the ticket “Assigned streak”').length
    expect((await reply(user, id, 'First')).status).toBe(200)
    await waitFor(async () => (await mailed()) === 1, 5_000, 'the first email')
    expect((await reply(user, id, 'Second')).status).toBe(200)
    expect((await reply(user, id, 'Third')).status).toBe(200)
    expect(await mailed()).toBe(1)
  })
})

describe('images', () => {
  it('takes up to three per message from its author, checked by content, re-encoded and shown to those who read it', async () => {
    const user = await signUpAndSignIn(t)
    const { ticket, messageId } = await opened(user)
    const { id } = ticket
    expect((await upload(id, messageId, admin.auth)).status).toBe(403)
    expect((await upload(id, messageId, user.auth, new TextEncoder().encode('<svg onload="alert(1)"/>') as Uint8Array<ArrayBuffer>)).status).toBe(415)
    for (let i = 0; i < 3; i += 1) expect((await upload(id, messageId, user.auth)).status).toBe(200)
    const full = await upload(id, messageId, user.auth)
    expect(full.status).toBe(409)
    const shown = (await read(admin, id)).data!.messages[0]!
    expect(shown.attachments.map((a) => a.position)).toEqual([0, 1, 2])
    const served = await t.request(shown.attachments[0]!.url, { headers: user.auth })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/webp')
    expect(Buffer.from(await served.arrayBuffer()).includes('SpyCam')).toBe(false)
    const stranger = await signUpAndSignIn(t)
    expect((await t.request(shown.attachments[0]!.url, { headers: stranger.auth })).status).toBe(404)
    expect((await upload(id, messageId, stranger.auth)).status).toBe(404)
  })

  it('takes none from the requester once they may no longer reply (solved more than 7 days ago)', async () => {
    const user = await signUpAndSignIn(t)
    const { ticket, messageId } = await opened(user)
    expect((await patch(admin, ticket.id, { status: 'solved' })).status).toBe(200)
    // Solved, still within the window: the unanswered message takes images.
    expect((await read(user, ticket.id)).data!.messages[0]!.canAttach).toBe(true)
    expect((await upload(ticket.id, messageId, user.auth)).status).toBe(200)
    await db()
      .update(tickets)
      .set({ solvedAt: new Date(Date.now() - (REOPEN_DAYS * 24 + 1) * 60 * 60_000) })
      .where(eq(tickets.id, ticket.id))
    expect((await read(user, ticket.id)).data).toMatchObject({ canReply: false, messages: [{ id: messageId, canAttach: false }] })
    expect((await upload(ticket.id, messageId, user.auth)).status).toBe(403)
  })
})
