import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { connectAs, type Received, type TestSocket } from '../../realtime/test-client'
import { createTestApp, listen, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import type { ChatMessage, Conversation, InboxData } from './item'
import { type ChatFixture, getJson, makeSellerWithProducts, openConversation, sendOk } from './testing'

let t: TestApp
let wsUrl: string
let shop: ChatFixture
let seller: TestUser
const sockets: TestSocket[] = []

beforeAll(async () => {
  t = await createTestApp()
  ;({ wsUrl } = listen(t))
  shop = await makeSellerWithProducts(t)
  seller = shop.seller
}, 60_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await t.close()
})

async function open(user: TestUser): Promise<TestSocket> {
  const socket = await connectAs(t, wsUrl, user)
  sockets.push(socket)
  return socket
}

/** A new buyer with a conversation with the seller about the shop's product. */
async function pair(): Promise<{ buyer: TestUser; conversation: Conversation; topic: string }> {
  const buyer = await signUpAndSignIn(t)
  const conversation = await openConversation(t, buyer, shop.product.id)
  return { buyer, conversation, topic: `conversation:${conversation.id}` }
}

const events = (socket: TestSocket, topic: string, kind: string) => socket.received.filter((m) => m.type === 'event' && m.topic === topic && m.kind === kind) as (Received & { id: number; data: never })[]
const messageBodies = (socket: TestSocket, topic: string) => events(socket, topic, 'message').map((m) => (m.data as ChatMessage).body)

describe('scope over the socket', () => {
  it('lets user C neither subscribe to, send into, nor mark read A–B’s conversation', async () => {
    const { conversation, topic } = await pair()
    const c = await open(await signUpAndSignIn(t))
    expect(await c.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect(await c.ask({ type: 'typing', topic, typing: true })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect(await c.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body: 'hi' })).toMatchObject({ type: 'error', code: 'NotFound' })
    expect(await c.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 1 })).toMatchObject({ type: 'error', code: 'NotFound' })
    expect(await c.ask({ type: 'chat.send', conversationId: 'cnv_x', clientId: randomUUID(), body: 'hi' })).toMatchObject({ type: 'error', code: 'BadMessage' })
  })
})

describe('chat.send', () => {
  it('persists, publishes to the conversation and acks with the stored message; a retry sends nothing new', async () => {
    const { buyer, conversation, topic } = await pair()
    const [buyerSocket, sellerSocket] = [await open(buyer), await open(seller)]
    await sellerSocket.ask({ type: 'subscribe', topic })
    const clientId = randomUUID()
    const ack = await buyerSocket.ask({ type: 'chat.send', conversationId: conversation.id, clientId, body: 'Salam, is the bowl still available?' })
    expect(ack).toMatchObject({ type: 'ack', of: 'chat.send', clientId, message: { seq: 1, senderId: buyer.id, body: 'Salam, is the bowl still available?', clientId } })
    const live = await sellerSocket.next('event', (m) => m.topic === topic && m.kind === 'message')
    expect(live.data).toEqual((ack as { message: ChatMessage }).message)

    const retry = await buyerSocket.ask({ type: 'chat.send', conversationId: conversation.id, clientId, body: 'Salam, is the bowl still available?' })
    expect((retry as { message: ChatMessage }).message).toEqual((ack as { message: ChatMessage }).message)
    // Something sent after the retry arrives; the retry itself published nothing.
    await sellerSocket.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body: 'Yes!' })
    await waitFor(() => messageBodies(sellerSocket, topic).length === 2)
    expect(messageBodies(sellerSocket, topic)).toEqual(['Salam, is the bowl still available?', 'Yes!'])
    expect((await getJson<{ items: ChatMessage[] }>(t, buyer, `/api/v1/conversations/${conversation.id}/messages`)).body.items).toHaveLength(2)
  })

  it('answers Forbidden between blocked users', async () => {
    const { buyer, conversation } = await pair()
    await postJson(t, `/api/v1/blocks/${buyer.id}`, {}, seller.auth)
    const socket = await open(buyer)
    expect(await socket.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body: 'hello?' })).toMatchObject({
      type: 'error',
      code: 'Forbidden',
      message: 'This user is not accepting messages from you',
    })
    await t.request(`/api/v1/blocks/${buyer.id}`, { method: 'DELETE', headers: seller.auth })
  })
})

describe('receipts, typing and the inbox badge', () => {
  it('shows the other side "read" live; a late receipt never moves the pointer back', async () => {
    const { buyer, conversation, topic } = await pair()
    const [buyerSocket, sellerSocket] = [await open(buyer), await open(seller)]
    await buyerSocket.ask({ type: 'subscribe', topic })
    for (let n = 1; n <= 3; n++) await sendOk(t, buyer, conversation.id, `m${n}`)
    expect(await sellerSocket.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 3 })).toMatchObject({ of: 'chat.read', receipt: { readSeq: 3, unread: 0 } })
    expect(await sellerSocket.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 2 })).toMatchObject({ receipt: { readSeq: 3 } })
    const seen = await buyerSocket.next('event', (m) => m.topic === topic && m.kind === 'read')
    expect(seen.data).toEqual({ conversationId: conversation.id, userId: seller.id, readSeq: 3, deliveredSeq: 3 })
    // The late receipt published nothing.
    await sellerSocket.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 3 })
    await sendOk(t, seller, conversation.id, 'after')
    await buyerSocket.next('event', (m) => m.topic === topic && m.kind === 'message' && (m.data as ChatMessage).body === 'after')
    expect(events(buyerSocket, topic, 'read').filter((e) => (e.data as { userId: string }).userId === seller.id)).toHaveLength(1)
  })

  it('carries typing indicators on a conversation topic once subscribed', async () => {
    const { buyer, topic } = await pair()
    const [buyerSocket, sellerSocket] = [await open(buyer), await open(seller)]
    await sellerSocket.ask({ type: 'subscribe', topic })
    expect(await buyerSocket.ask({ type: 'typing', topic, typing: true })).toMatchObject({ code: 'TopicForbidden' })
    await buyerSocket.ask({ type: 'subscribe', topic })
    buyerSocket.send({ type: 'typing', topic, typing: true })
    const typing = await sellerSocket.next('event', (m) => m.topic === topic && m.kind === 'typing')
    expect(typing).toMatchObject({ id: null, data: { userId: buyer.id, typing: true } })
  })

  it('pushes unread totals on user:<id> when they change', async () => {
    const { buyer, conversation } = await pair()
    const sellerSocket = await open(seller)
    const userTopic = `user:${seller.id}`
    await sellerSocket.ask({ type: 'subscribe', topic: userTopic })
    const before = (await getJson<{ unreadTotal: number }>(t, seller, '/api/v1/inbox/unread-count')).body.unreadTotal
    await sendOk(t, buyer, conversation.id, 'one')
    await sendOk(t, buyer, conversation.id, 'two')
    // An event per batch of deliveries (the two messages may share one); each counts what was
    // committed when it was appended, so the newest is current.
    const latest = () => events(sellerSocket, userTopic, 'inbox').at(-1)?.data as InboxData | undefined
    await waitFor(() => latest()?.unread === 2)
    expect(latest()).toEqual({ conversationId: conversation.id, unread: 2, unreadTotal: before + 2 })
    // The read pushes the counts again. A delivery batch may still push after it (the first
    // message's batch can count both): its counts are taken after the read's, so the newest holds.
    await sellerSocket.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 2 })
    await waitFor(() => latest()?.unread === 0)
    expect(latest()).toEqual({ conversationId: conversation.id, unread: 0, unreadTotal: before })
  })
})

describe('reconnect', () => {
  it('delivers what was sent while offline exactly once, in order, then live', async () => {
    const { buyer, conversation, topic } = await pair()
    const first = await open(seller)
    const subscribed = await first.ask({ type: 'subscribe', topic })
    await sendOk(t, buyer, conversation.id, 'seen live')
    const seenLive = await first.next('event', (m) => m.topic === topic && m.kind === 'message')
    first.close()
    await first.waitClosed()
    expect((subscribed as { lastId: number }).lastId).toBe(0)

    for (const text of ['while away 1', 'while away 2', 'while away 3']) await sendOk(t, buyer, conversation.id, text)
    const again = await open(seller)
    const resumed = await again.ask({ type: 'subscribe', topic, since: seenLive.id })
    // The replay also holds the seller's delivered receipt of the first message, if it came after it.
    expect(resumed).toMatchObject({ type: 'subscribed' })
    await sendOk(t, buyer, conversation.id, 'live again')
    await waitFor(() => messageBodies(again, topic).length === 4)
    expect(messageBodies(again, topic)).toEqual(['while away 1', 'while away 2', 'while away 3', 'live again'])
    const ids = again.eventIds(topic)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
  })
})

describe('the notification rule', () => {
  it('notifies nobody who is viewing the conversation: the message counts as delivered instead', async () => {
    const { buyer, conversation, topic } = await pair()
    const [sellerSocket, buyerSocket] = [await open(seller), await open(buyer)]
    await sellerSocket.ask({ type: 'subscribe', topic })
    await buyerSocket.ask({ type: 'subscribe', topic })
    const sent = await sendOk(t, buyer, conversation.id, 'you are looking at this')
    const delivered = await buyerSocket.next('event', (m) => m.topic === topic && m.kind === 'read')
    expect(delivered.data).toEqual({ conversationId: conversation.id, userId: seller.id, readSeq: 0, deliveredSeq: sent.seq })
    type Notifications = { items: { subject: string }[] }
    const about = async () => (await getJson<Notifications>(t, seller, '/api/v1/notifications?limit=100')).body.items.filter((n) => n.subject === topic)
    expect(await about()).toEqual([])

    // Once the seller leaves the conversation, the next message notifies.
    await sellerSocket.ask({ type: 'unsubscribe', topic })
    await sendOk(t, buyer, conversation.id, 'are you there?')
    await waitFor(async () => (await about()).length === 1, 5_000, 'one notification')
  })
})
