import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { createTestApp, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import type { ChatMessage, ChatReceipt, Conversation } from './item'
import type { ChatModel } from './model'
import { type ChatFixture, getJson, makeSellerWithProducts, openConversation, send, sendOk } from './testing'

let t: TestApp
let shop: ChatFixture
let seller: TestUser

beforeAll(async () => {
  t = await createTestApp()
  shop = await makeSellerWithProducts(t)
  seller = shop.seller
}, 60_000)
afterAll(() => t.close())

type Page<T> = { items: T[]; nextCursor: string | null }
const history = (user: TestUser, conversationId: string, query = '') => getJson<Page<ChatMessage>>(t, user, `/api/v1/conversations/${conversationId}/messages${query}`)
const read = (user: TestUser, conversationId: string, upTo: number) => postJson(t, `/api/v1/conversations/${conversationId}/read`, { upTo }, user.auth)
const del = (user: TestUser, path: string) => t.request(path, { method: 'DELETE', headers: user.auth })

describe('POST /api/v1/conversations (get-or-create)', () => {
  it('makes one conversation per product and buyer, with the product in its header', async () => {
    const buyer = await signUpAndSignIn(t, { displayName: 'Amira' })
    const first = await postJson(t, '/api/v1/conversations', { productId: shop.product.id }, buyer.auth)
    expect(first.status).toBe(201)
    const conversation = (await first.json()) as Conversation
    expect(conversation).toMatchObject({
      product: { id: shop.product.id, title: 'Blue Fez bowl', priceMinor: 12_550, currency: 'MAD', status: 'active', imageUrl: null },
      buyerId: buyer.id,
      sellerId: seller.id,
      role: 'buyer',
      other: { id: seller.id },
      lastMessage: null,
      unread: 0,
      blocked: false,
      transaction: 'none',
    })
    const again = await postJson(t, '/api/v1/conversations', { productId: shop.product.id }, buyer.auth)
    expect(again.status).toBe(200)
    expect(((await again.json()) as Conversation).id).toBe(conversation.id)
    // The seller sees it from their side.
    expect((await getJson<Conversation>(t, seller, `/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ role: 'seller', other: { id: buyer.id, displayName: 'Amira' } })
  })

  it('makes exactly one conversation under concurrent calls, and counts one chat in the product stats', async () => {
    const buyer = await signUpAndSignIn(t)
    const { other } = shop
    const before = (await getJson<{ totals: { chats: number } }>(t, seller, `/api/v1/products/${other.slug}/stats`)).body.totals.chats
    const answers = await Promise.all(Array.from({ length: 8 }, () => postJson(t, '/api/v1/conversations', { productId: other.id }, buyer.auth)))
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201])
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Conversation).id)))
    expect(ids.size).toBe(1)
    expect((await getJson<Page<Conversation>>(t, buyer, '/api/v1/conversations')).body.items).toHaveLength(1)
    expect((await getJson<{ totals: { chats: number } }>(t, seller, `/api/v1/products/${other.slug}/stats`)).body.totals.chats).toBe(before + 1)
  })

  it('refuses messaging yourself, unknown products, and anonymous callers', async () => {
    const self = await postJson(t, '/api/v1/conversations', { productId: shop.product.id }, seller.auth)
    expect(self.status).toBe(403)
    expect(((await self.json()) as { error: { message: string } }).error.message).toContain('yourself')
    const buyer = await signUpAndSignIn(t)
    expect((await postJson(t, '/api/v1/conversations', { productId: `prd_${'0'.repeat(32)}` }, buyer.auth)).status).toBe(404)
    expect((await postJson(t, '/api/v1/conversations', { productId: 'nope' }, buyer.auth)).status).toBe(400)
    expect((await postJson(t, '/api/v1/conversations', { productId: shop.product.id })).status).toBe(401)
  })
})

describe('scope: participants only', () => {
  it('lets user C neither list, read, post into, mark read nor confirm A–B’s conversation', async () => {
    const [a, c] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const conversation = await openConversation(t, a, shop.product.id)
    const message = await sendOk(t, a, conversation.id, 'Is it still available?')
    const path = `/api/v1/conversations/${conversation.id}`
    expect((await getJson<Page<Conversation>>(t, c, '/api/v1/conversations')).body.items).toEqual([])
    expect((await getJson(t, c, path)).status).toBe(404)
    expect((await history(c, conversation.id)).status).toBe(404)
    expect((await send(t, c, conversation.id, 'let me in')).status).toBe(404)
    expect((await read(c, conversation.id, 1)).status).toBe(404)
    expect((await postJson(t, `${path}/confirm-sale`, {}, c.auth)).status).toBe(404)
    expect((await del(c, `/api/v1/messages/${message.id}`)).status).toBe(404)
    expect((await postJson(t, `/api/v1/messages/${message.id}/report`, { reason: 'spam' }, c.auth)).status).toBe(404)
    // And nothing C tried left a trace.
    expect((await history(a, conversation.id)).body.items.map((m) => m.body)).toEqual(['Is it still available?'])
  })

  it('never returns the messages of conversation Y when listing X', async () => {
    const buyer = await signUpAndSignIn(t)
    const x = await openConversation(t, buyer, shop.product.id)
    const y = await openConversation(t, buyer, shop.other.id)
    await sendOk(t, buyer, x.id, 'about the bowl')
    await sendOk(t, buyer, y.id, 'about the tagine')
    await sendOk(t, seller, y.id, 'tagine answer')
    const xs = (await history(buyer, x.id)).body.items
    expect(xs.map((m) => m.body)).toEqual(['about the bowl'])
    expect(xs.every((m) => m.conversationId === x.id)).toBe(true)
    expect((await history(seller, y.id)).body.items.map((m) => m.body)).toEqual(['tagine answer', 'about the tagine'])
  })
})

describe('sending', () => {
  it('ignores a retried clientId: one message, the first one answered again', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    const clientId = randomUUID()
    const first = await send(t, buyer, conversation.id, 'hello', clientId)
    expect(first.status).toBe(201)
    const stored = (await first.json()) as ChatMessage
    expect(stored).toMatchObject({ conversationId: conversation.id, seq: 1, senderId: buyer.id, kind: 'text', body: 'hello', clientId, deleted: false })
    const retries = await Promise.all([send(t, buyer, conversation.id, 'hello', clientId), send(t, buyer, conversation.id, 'hello', clientId)])
    for (const retry of retries) {
      expect(retry.status).toBe(200)
      expect(await retry.json()).toEqual(stored)
    }
    // The same client id from the other side is another message.
    expect((await send(t, seller, conversation.id, 'hi', clientId)).status).toBe(201)
    expect((await history(buyer, conversation.id)).body.items.map((m) => m.seq)).toEqual([2, 1])
  })

  it('numbers concurrent sends 1..n without gaps, newest first in history', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    await Promise.all(Array.from({ length: 12 }, (_, n) => sendOk(t, n % 2 === 0 ? buyer : seller, conversation.id, `m${n}`)))
    const seqs = (await history(buyer, conversation.id, '?limit=100')).body.items.map((m) => m.seq)
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i))
  })

  it('pages history by cursor at exact boundaries', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    for (let n = 1; n <= 6; n++) await sendOk(t, buyer, conversation.id, `m${n}`)
    const first = (await history(buyer, conversation.id, '?limit=3')).body
    expect(first.items.map((m) => m.body)).toEqual(['m6', 'm5', 'm4'])
    expect(first.nextCursor).not.toBeNull()
    const second = (await history(buyer, conversation.id, `?limit=3&cursor=${first.nextCursor}`)).body
    expect(second.items.map((m) => m.body)).toEqual(['m3', 'm2', 'm1'])
    expect(second.nextCursor).toBeNull()
    expect((await history(buyer, conversation.id, '?limit=6')).body.nextCursor).toBeNull()
    expect((await history(buyer, conversation.id, '?cursor=bogus')).status).toBe(400)
    expect((await history(buyer, conversation.id, '?before=3')).status).toBe(400)
  })

  it('checks the text: 1–4000 characters, not blank', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    expect((await send(t, buyer, conversation.id, '')).status).toBe(400)
    expect((await send(t, buyer, conversation.id, '   ')).status).toBe(400)
    expect((await send(t, buyer, conversation.id, 'x'.repeat(4001))).status).toBe(400)
    expect((await send(t, buyer, conversation.id, 'x'.repeat(4000))).status).toBe(201)
    expect((await postJson(t, `/api/v1/conversations/${conversation.id}/messages`, { clientId: 'not-a-uuid', body: 'hi' }, buyer.auth)).status).toBe(400)
  })

  it('sends a photo re-encoded as WebP, served to participants only', async () => {
    const [buyer, stranger] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const conversation = await openConversation(t, buyer, shop.product.id)
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .png()
      .toBuffer()
    const form = new FormData()
    form.set('clientId', randomUUID())
    form.set('caption', 'this one?')
    form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'bowl.png')
    const response = await t.request(`/api/v1/conversations/${conversation.id}/images`, { method: 'POST', headers: buyer.auth, body: form })
    expect(response.status).toBe(201)
    const message = (await response.json()) as ChatMessage
    expect(message).toMatchObject({ kind: 'image', body: 'this one?', image: { url: `/api/v1/messages/${message.id}/image.webp`, width: 40, height: 30 } })
    const image = await t.request(message.image!.url, { headers: seller.auth })
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/webp')
    expect((await t.request(message.image!.url, { headers: stranger.auth })).status).toBe(404)

    const text = new FormData()
    text.set('clientId', randomUUID())
    text.set('file', new Blob(['not an image'], { type: 'image/png' }), 'x.png')
    expect((await t.request(`/api/v1/conversations/${conversation.id}/images`, { method: 'POST', headers: buyer.auth, body: text })).status).toBe(415)
  })
})

describe('receipts and unread counts', () => {
  it('moves the read pointer forward only, whatever order receipts arrive in', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    for (let n = 1; n <= 5; n++) await sendOk(t, seller, conversation.id, `s${n}`)
    expect((await getJson<Conversation>(t, buyer, `/api/v1/conversations/${conversation.id}`)).body.unread).toBe(5)

    const receipts = await Promise.all([4, 2, 3, 1, 4].map(async (upTo) => (await (await read(buyer, conversation.id, upTo)).json()) as ChatReceipt))
    expect(Math.max(...receipts.map((r) => r.readSeq))).toBe(4)
    const late = (await (await read(buyer, conversation.id, 2)).json()) as ChatReceipt
    expect(late).toMatchObject({ readSeq: 4, unread: 1 })
    // A pointer cannot run ahead of the newest message.
    expect(((await (await read(buyer, conversation.id, 99)).json()) as ChatReceipt).readSeq).toBe(5)
    const view = (await getJson<Conversation>(t, seller, `/api/v1/conversations/${conversation.id}`)).body
    expect(view).toMatchObject({ otherReadSeq: 5, otherDeliveredSeq: 5, unread: 0 })
  })

  it('counts unread per conversation and in total, without my own or deleted messages', async () => {
    const buyer = await signUpAndSignIn(t)
    const x = await openConversation(t, buyer, shop.product.id)
    const y = await openConversation(t, buyer, shop.other.id)
    await sendOk(t, buyer, x.id, 'mine do not count')
    await sendOk(t, seller, x.id, 'one')
    const gone = await sendOk(t, seller, x.id, 'two')
    await sendOk(t, seller, y.id, 'three')
    const total = async () => (await getJson<{ unreadTotal: number }>(t, buyer, '/api/v1/inbox/unread-count')).body.unreadTotal
    expect(await total()).toBe(3)
    expect((await del(seller, `/api/v1/messages/${gone.id}`)).status).toBe(204)
    expect(await total()).toBe(2)
    const list = (await getJson<Page<Conversation>>(t, buyer, '/api/v1/conversations')).body.items
    expect(list.map((c) => [c.id, c.unread])).toEqual([
      [y.id, 1],
      [x.id, 1],
    ])
    await read(buyer, y.id, 1)
    expect(await total()).toBe(1)
  })

  it('keeps counts exact through interleaved and simultaneous sends, partial reads and deletions either side of the pointer', async () => {
    const buyer = await signUpAndSignIn(t)
    const c = await openConversation(t, buyer, shop.product.id)
    const unread = async (user: TestUser) => (await getJson<Conversation>(t, user, `/api/v1/conversations/${c.id}`)).body.unread
    const s1 = await sendOk(t, seller, c.id, 's1')
    await sendOk(t, buyer, c.id, 'b2')
    await sendOk(t, seller, c.id, 's3')
    // Sent at once: one batch, each side's count moves by its own sends only.
    await Promise.all([...['s4', 's5', 's6'].map((body) => sendOk(t, seller, c.id, body)), ...['b7', 'b8'].map((body) => sendOk(t, buyer, c.id, body))])
    expect([await unread(buyer), await unread(seller)]).toEqual([5, 3])
    // Reading up to seq 3 passes over s1 and s3 of the seller (and my own b2).
    expect(((await (await read(buyer, c.id, 3)).json()) as ChatReceipt).unread).toBe(3)
    // A deleted message before the pointer changes nothing; one after it leaves the count.
    expect((await del(seller, `/api/v1/messages/${s1.id}`)).status).toBe(204)
    expect(await unread(buyer)).toBe(3)
    const [late] = (await history(buyer, c.id, '?limit=1')).body.items
    const lastOfSeller = (await history(buyer, c.id)).body.items.find((m) => m.senderId === seller.id)!
    expect((await del(seller, `/api/v1/messages/${lastOfSeller.id}`)).status).toBe(204)
    expect(await unread(buyer)).toBe(2)
    expect(((await (await read(buyer, c.id, late!.seq)).json()) as ChatReceipt).unread).toBe(0)
    expect(await unread(seller)).toBe(3)
  })
})

describe('GET /api/v1/conversations', () => {
  it('orders by last activity with the last message, and narrows to one product for the seller', async () => {
    const [b1, b2] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const c1 = await openConversation(t, b1, shop.product.id)
    const c2 = await openConversation(t, b2, shop.product.id)
    const c3 = await openConversation(t, b1, shop.other.id)
    await sendOk(t, b2, c2.id, 'second')
    await sendOk(t, b1, c1.id, 'latest')
    const mine = (await getJson<Page<Conversation>>(t, seller, `/api/v1/conversations?productId=${shop.product.id}&limit=100`)).body.items
    const ours = mine.filter((c) => [c1.id, c2.id].includes(c.id))
    expect(ours.map((c) => c.id)).toEqual([c1.id, c2.id])
    expect(ours[0]).toMatchObject({ lastMessage: { body: 'latest' }, unread: 1, role: 'seller' })
    expect(mine.every((c) => c.product.id === shop.product.id)).toBe(true)
    expect(mine.some((c) => c.id === c3.id)).toBe(false)

    const first = (await getJson<Page<Conversation>>(t, b1, '/api/v1/conversations?limit=1')).body
    expect(first.items.map((c) => c.id)).toEqual([c1.id])
    const next = (await getJson<Page<Conversation>>(t, b1, `/api/v1/conversations?limit=1&cursor=${first.nextCursor}`)).body
    expect(next.items.map((c) => c.id)).toEqual([c3.id])
    expect(next.nextCursor).toBeNull()
    expect((await getJson(t, b1, '/api/v1/conversations?status=open')).status).toBe(400)
  })
})

describe('deleting and reporting', () => {
  it('deletes only my own message; both sides then see "message deleted"', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    const message = await sendOk(t, buyer, conversation.id, 'oops')
    expect((await del(seller, `/api/v1/messages/${message.id}`)).status).toBe(403)
    expect((await del(buyer, `/api/v1/messages/${message.id}`)).status).toBe(204)
    expect((await del(buyer, `/api/v1/messages/${message.id}`)).status).toBe(204)
    for (const user of [buyer, seller]) {
      expect((await history(user, conversation.id)).body.items[0]).toMatchObject({ id: message.id, deleted: true, body: null })
    }
  })

  it('reports a message of the other side into the admin list, with its text kept', async () => {
    const [buyer, admin] = [await signUpAndSignIn(t), await signUpAndSignIn(t, { role: 'admin' })]
    const conversation = await openConversation(t, buyer, shop.product.id)
    const rude = await sendOk(t, seller, conversation.id, 'pay me outside the site')
    expect((await postJson(t, `/api/v1/messages/${rude.id}/report`, { reason: 'spam' }, seller.auth)).status).toBe(403)
    const reported = await postJson(t, `/api/v1/messages/${rude.id}/report`, { reason: 'scam', details: 'asked for a transfer' }, buyer.auth)
    expect(reported.status).toBe(201)
    expect((await postJson(t, `/api/v1/messages/${rude.id}/report`, { reason: 'scam' }, buyer.auth)).status).toBe(409)
    await del(seller, `/api/v1/messages/${rude.id}`)
    const queue = (await getJson<Page<ChatModel.Report>>(t, admin, '/api/v1/admin/message-reports?limit=100')).body.items
    expect(queue.find((r) => r.messageId === rude.id)).toMatchObject({ reporterId: buyer.id, senderId: seller.id, reason: 'scam', body: 'pay me outside the site' })
    expect((await getJson(t, buyer, '/api/v1/admin/message-reports')).status).toBe(403)
  })
})

describe('blocks', () => {
  it('stops messages both ways with a clear 403 and shows `blocked`, until lifted', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    const blocked = await postJson(t, `/api/v1/blocks/${buyer.id}`, {}, seller.auth)
    expect(blocked.status).toBe(200)
    expect(await blocked.json()).toMatchObject({ userId: buyer.id })
    expect((await postJson(t, `/api/v1/blocks/${buyer.id}`, {}, seller.auth)).status).toBe(200)

    const refused = await send(t, buyer, conversation.id, 'hello?')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This user is not accepting messages from you')
    const mine = await send(t, seller, conversation.id, 'bye')
    expect(mine.status).toBe(403)
    expect(((await mine.json()) as { error: { message: string } }).error.message).toContain('You blocked this user')
    expect((await getJson<Conversation>(t, buyer, `/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ blocked: true, blockedByMe: false })
    expect((await getJson<Conversation>(t, seller, `/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ blocked: true, blockedByMe: true })
    // A new conversation with the seller is refused too.
    expect((await postJson(t, '/api/v1/conversations', { productId: shop.other.id }, buyer.auth)).status).toBe(403)

    expect((await del(seller, `/api/v1/blocks/${buyer.id}`)).status).toBe(204)
    expect((await send(t, buyer, conversation.id, 'hello again')).status).toBe(201)
    expect((await postJson(t, `/api/v1/blocks/${seller.id}`, {}, seller.auth)).status).toBe(400)
  })

  it('holds for photos before any decoding, answers a retry of a message sent before the block, and words a block both ways for the side asking', async () => {
    const [buyer, stranger] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const conversation = await openConversation(t, buyer, shop.product.id)
    const clientId = randomUUID()
    const sent = await send(t, buyer, conversation.id, 'before the block', clientId)
    expect(sent.status).toBe(201)
    expect((await postJson(t, `/api/v1/blocks/${buyer.id}`, {}, seller.auth)).status).toBe(200)

    const retry = await send(t, buyer, conversation.id, 'before the block', clientId)
    expect(retry.status).toBe(200)
    expect(((await retry.json()) as ChatMessage).id).toBe(((await sent.json()) as ChatMessage).id)
    // Not an image: a refusal answered instead of the 415 shows the rule ran before processImage.
    const photo = (user: TestUser) => {
      const form = new FormData()
      form.set('clientId', randomUUID())
      form.set('file', new Blob(['not an image'], { type: 'image/png' }), 'x.png')
      return t.request(`/api/v1/conversations/${conversation.id}/images`, { method: 'POST', headers: user.auth, body: form })
    }
    expect((await photo(stranger)).status).toBe(404)
    const refused = await photo(buyer)
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This user is not accepting messages from you')

    expect((await postJson(t, `/api/v1/blocks/${seller.id}`, {}, buyer.auth)).status).toBe(200)
    const both = await send(t, buyer, conversation.id, 'hello?')
    expect(both.status).toBe(403)
    expect(((await both.json()) as { error: { message: string } }).error.message).toContain('You blocked this user')
    expect((await getJson<Conversation>(t, buyer, `/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ blocked: true, blockedByMe: true })
  })
})

describe('transaction state', () => {
  it('goes none → sale_confirmed (seller) → completed (buyer), each step a system message; wrong actor or order is 409', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, shop.product.id)
    const path = `/api/v1/conversations/${conversation.id}`
    expect((await postJson(t, `${path}/confirm-receipt`, {}, buyer.auth)).status).toBe(409)
    expect((await postJson(t, `${path}/confirm-sale`, {}, buyer.auth)).status).toBe(409)
    const sale = await postJson(t, `${path}/confirm-sale`, {}, seller.auth)
    expect(sale.status).toBe(200)
    expect(((await sale.json()) as Conversation).transaction).toBe('sale_confirmed')
    expect((await postJson(t, `${path}/confirm-sale`, {}, seller.auth)).status).toBe(409)
    expect((await postJson(t, `${path}/confirm-receipt`, {}, seller.auth)).status).toBe(409)
    const receipt = await postJson(t, `${path}/confirm-receipt`, {}, buyer.auth)
    expect(((await receipt.json()) as Conversation).transaction).toBe('completed')
    const thread = (await history(seller, conversation.id)).body.items
    expect(thread.map((m) => [m.kind, m.system, m.senderId])).toEqual([
      ['system', 'receipt_confirmed', buyer.id],
      ['system', 'sale_confirmed', seller.id],
    ])
    expect((await getJson<Conversation>(t, seller, path)).body.transaction).toBe('completed')
  })
})

describe('notifications', () => {
  it('notifies a recipient who is not viewing, once per conversation while unread', async () => {
    const buyer = await signUpAndSignIn(t, { displayName: 'Youssef' })
    const conversation = await openConversation(t, buyer, shop.product.id)
    for (const text of ['one', 'two', 'three']) await sendOk(t, buyer, conversation.id, text)
    type Notifications = Page<{ type: string; subject: string; summary: string; link: string }>
    const mine = async () => (await getJson<Notifications>(t, seller, '/api/v1/notifications?limit=100')).body.items.filter((n) => n.subject === `conversation:${conversation.id}`)
    await waitFor(async () => (await mine()).some((n) => n.summary === 'Youssef sent you a message'), 5_000, 'the notification')
    expect(await mine()).toEqual([expect.objectContaining({ type: 'message', link: `/inbox/${conversation.id}` })])
  })
})
