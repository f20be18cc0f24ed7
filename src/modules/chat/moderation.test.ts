import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestApp, postJson, signUpAndSignIn, type TestApp, type TestUser, testIp } from '../../testing'
import type { ChatMessage, Conversation } from './item'
import type { AuditModel } from '../audit'
import type { ChatModel } from './model'
import { type ChatFixture, getJson, makeSellerWithProducts, openConversation, send, sendOk } from './testing'

let t: TestApp
let shop: ChatFixture
let admin: TestUser

beforeAll(async () => {
  t = await createTestApp()
  shop = await makeSellerWithProducts(t)
  admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Moderator' })
}, 60_000)
afterAll(() => t.close())

type Page<T> = { items: T[]; nextCursor: string | null }
const queue = async (status: 'open' | 'resolved' = 'open') => (await getJson<Page<ChatModel.Report>>(t, admin, `/api/v1/admin/message-reports?status=${status}&limit=100`)).body.items
const resolve = (user: TestUser, reportId: string, action: string) => postJson(t, `/api/v1/admin/message-reports/${reportId}/resolve`, { action }, user.auth)

/** A buyer's conversation with the seller, in which the seller wrote `text` and the buyer reported it. */
async function reported(text: string, reason = 'scam') {
  const buyer = await signUpAndSignIn(t, { displayName: 'Amira' })
  const conversation = await openConversation(t, buyer, shop.product.id)
  const message = await sendOk(t, shop.seller, conversation.id, text)
  const response = await postJson(t, `/api/v1/messages/${message.id}/report`, { reason }, buyer.auth)
  expect(response.status).toBe(201)
  return { buyer, conversation, message, report: (await response.json()) as ChatModel.Report }
}

describe('the message moderation queue', () => {
  it('lists open reports with the text, the people and the product of the conversation', async () => {
    const { buyer, conversation, message, report } = await reported('send the money to my cousin')
    expect((await queue()).find((r) => r.id === report.id)).toEqual({
      ...report,
      messageId: message.id,
      conversationId: conversation.id,
      reporter: { id: buyer.id, displayName: 'Amira' },
      sender: { id: shop.seller.id, displayName: expect.any(String) },
      product: { slug: shop.product.slug, title: 'Blue Fez bowl' },
      body: 'send the money to my cousin',
      status: 'open',
      resolution: null,
      resolvedAt: null,
    })
  })

  it('is for admins only; unknown reports are 404 and unknown actions 400', async () => {
    const { buyer, report } = await reported('hello?')
    expect((await resolve(buyer, report.id, 'dismiss')).status).toBe(403)
    expect((await resolve(shop.seller, report.id, 'dismiss')).status).toBe(403)
    expect((await getJson(t, buyer, '/api/v1/admin/message-reports')).status).toBe(403)
    expect((await resolve(admin, `rpt_${'0'.repeat(32)}`, 'dismiss')).status).toBe(404)
    expect((await resolve(admin, report.id, 'ban_forever')).status).toBe(400)
    expect((await postJson(t, `/api/v1/admin/message-reports/${report.id}/resolve`, { action: 'dismiss' })).status).toBe(401)
    expect((await queue()).some((r) => r.id === report.id)).toBe(true)
  })

  it('dismiss: the report leaves the queue, the message stays, and resolving again is 409', async () => {
    const { buyer, conversation, report } = await reported('a fair price, I promise')
    const answer = await resolve(admin, report.id, 'dismiss')
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ id: report.id, status: 'resolved', resolution: 'dismiss', resolvedAt: expect.any(String) })
    expect((await queue()).some((r) => r.id === report.id)).toBe(false)
    expect((await queue('resolved')).find((r) => r.id === report.id)).toMatchObject({ resolution: 'dismiss' })
    expect((await resolve(admin, report.id, 'delete_message')).status).toBe(409)
    const history = await getJson<Page<ChatMessage>>(t, buyer, `/api/v1/conversations/${conversation.id}/messages`)
    expect(history.body.items[0]).toMatchObject({ deleted: false, body: 'a fair price, I promise' })
  })

  it('delete_message: both sides see "message deleted"; the report keeps the text', async () => {
    const { buyer, conversation, message, report } = await reported('you are an idiot', 'harassment')
    expect((await resolve(admin, report.id, 'delete_message')).status).toBe(200)
    for (const user of [buyer, shop.seller]) {
      const history = await getJson<Page<ChatMessage>>(t, user, `/api/v1/conversations/${conversation.id}/messages`)
      expect(history.body.items.find((m) => m.id === message.id)).toMatchObject({ deleted: true, body: null })
    }
    expect((await queue('resolved')).find((r) => r.id === report.id)).toMatchObject({ resolution: 'delete_message', body: 'you are an idiot' })
    expect((await resolve(admin, report.id, 'delete_message')).status).toBe(409)
  })

  it('block_sender: the sender can no longer message the reporter, and the conversation says so', async () => {
    const { buyer, conversation, report } = await reported('answer me now')
    expect((await resolve(admin, report.id, 'block_sender')).status).toBe(200)
    expect((await send(t, shop.seller, conversation.id, 'hello again')).status).toBe(403)
    expect((await getJson<Conversation>(t, buyer, `/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ blocked: true, blockedByMe: true })
  })

  it('records each resolution in the audit log as the admin’s, once; a refused one records nothing, even when two moderators act at once', async () => {
    const entries = async (messageId: string) => (await getJson<Page<AuditModel.Entry>>(t, admin, `/api/v1/admin/audit?kind=message.moderated&subjectId=${messageId}`)).body.items
    for (const action of ['dismiss', 'delete_message', 'block_sender'] as const) {
      const { buyer, conversation, message, report } = await reported(`reported for ${action}`, 'harassment')
      const requestId = `moderation-${action}`
      expect((await postJson(t, `/api/v1/admin/message-reports/${report.id}/resolve`, { action }, { ...admin.auth, 'x-request-id': requestId })).status).toBe(200)
      expect(await entries(message.id)).toMatchObject([
        { actorId: admin.id, subjectType: 'message', subjectId: message.id, requestId, summary: { action, reportId: report.id, reason: 'harassment', senderId: shop.seller.id, conversationId: conversation.id } },
      ])
      expect((await resolve(admin, report.id, 'dismiss')).status).toBe(409)
      expect(await entries(message.id)).toHaveLength(1)
      expect(buyer.id).not.toBe(admin.id)
    }
    const other = await signUpAndSignIn(t, { role: 'admin' })
    const { message, report } = await reported('two moderators look at this')
    const answers = await Promise.all([resolve(admin, report.id, 'delete_message'), resolve(other, report.id, 'block_sender')])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    const [entry] = await entries(message.id)
    expect(await entries(message.id)).toHaveLength(1)
    expect(entry!.summary.action).toBe((await queue('resolved')).find((r) => r.id === report.id)!.resolution)
  })
})

describe('POST /api/v1/messages/:id/report rate limit', () => {
  it('trips per user, counting refused repeats; another user on the same address is unaffected', async () => {
    const ip = testIp()
    const { buyer, message } = await reported('first')
    const again = () => postJson(t, `/api/v1/messages/${message.id}/report`, { reason: 'spam' }, { ...buyer.auth, 'x-forwarded-for': ip })
    const statuses: number[] = []
    for (let i = 0; i < 30 && statuses.at(-1) !== 429; i++) statuses.push((await again()).status)
    // One report landed in reported(); every repeat is a 409 until the 20 an hour are used up.
    expect(statuses).toEqual([...Array(19).fill(409), 429])
    const refusal = await again()
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await refusal.json()) as { error: { type: string } }).error.type).toBe('rate_limited')

    const other = await reported('second')
    const fresh = await sendOk(t, shop.seller, other.conversation.id, 'third')
    expect((await postJson(t, `/api/v1/messages/${fresh.id}/report`, { reason: 'spam' }, { ...other.buyer.auth, 'x-forwarded-for': ip })).status).toBe(201)
  })
})
