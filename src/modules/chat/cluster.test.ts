import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { signUpAndSignIn, type TestApp, twoInstances, waitFor } from '../../testing'
import type { ChatMessage } from './item'
import { getJson, makeSellerWithProducts, openConversation, sendOk } from './testing'

// Instances reach each other only through Redis pub/sub; without REDIS_URL there is one instance
// and nothing to test here (live.test.ts covers one instance).
describe.skipIf(process.env.REDIS_URL === undefined)('chat across two instances on one database and Redis', () => {
  let a: TestApp
  let b: TestApp
  let wsA: string
  let wsB: string
  const sockets: TestSocket[] = []

  beforeAll(async () => {
    ;({ a, b, wsA, wsB } = await twoInstances())
  }, 60_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await b?.close()
    await a?.close()
  })

  it('carries messages and receipts both ways: buyer on A, seller on B', async () => {
    const { seller, product } = await makeSellerWithProducts(a)
    const buyer = await signUpAndSignIn(a)
    const conversation = await openConversation(a, buyer, product.id)
    const topic = `conversation:${conversation.id}`
    const onA = await connectAs(a, wsA, buyer)
    const onB = await connectAs(b, wsB, seller)
    sockets.push(onA, onB)
    await onA.ask({ type: 'subscribe', topic })
    await onB.ask({ type: 'subscribe', topic })

    const asked = await onA.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body: 'Does it ship to Rabat?' })
    const question = (asked as { message: ChatMessage }).message
    const heard = await onB.next('event', (m) => m.topic === topic && m.kind === 'message')
    expect(heard.data).toEqual(question)

    await onB.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body: 'Yes, in two days.' })
    const answer = await onA.next('event', (m) => m.topic === topic && m.kind === 'message' && (m.data as ChatMessage).senderId === seller.id)
    expect(answer.data).toMatchObject({ body: 'Yes, in two days.', seq: 2 })

    await onB.ask({ type: 'chat.read', conversationId: conversation.id, upTo: question.seq })
    expect((await onA.next('event', (m) => m.topic === topic && m.kind === 'read' && (m.data as { readSeq: number }).readSeq === 1)).data).toMatchObject({ userId: seller.id })
    await onA.ask({ type: 'chat.read', conversationId: conversation.id, upTo: 2 })
    // (The buyer's delivered receipt of the answer came before: the buyer was viewing, on A.)
    expect((await onB.next('event', (m) => m.topic === topic && m.kind === 'read' && (m.data as { readSeq: number }).readSeq === 2)).data).toMatchObject({ userId: buyer.id })
  })

  it('does not notify a recipient viewing the conversation on the other instance; does once they leave it', async () => {
    const { seller, product } = await makeSellerWithProducts(a)
    const buyer = await signUpAndSignIn(a)
    const conversation = await openConversation(a, buyer, product.id)
    const topic = `conversation:${conversation.id}` as const
    const buyerOnA = await connectAs(a, wsA, buyer)
    sockets.push(buyerOnA)
    await buyerOnA.ask({ type: 'subscribe', topic })
    const about = async () => (await getJson<{ items: { subject: string }[] }>(a, seller, '/api/v1/notifications?limit=100')).body.items.filter((n) => n.subject === topic)
    const deliveredUpTo = (seq: number) =>
      buyerOnA.next('event', (m) => m.topic === topic && m.kind === 'read' && (m.data as { userId: string; deliveredSeq: number }).userId === seller.id && (m.data as { deliveredSeq: number }).deliveredSeq === seq)

    // The seller has the conversation open on B; the message is handled on A.
    const sellerOnB = await connectAs(b, wsB, seller)
    sockets.push(sellerOnB)
    await sellerOnB.ask({ type: 'subscribe', topic })
    expect(await a.ctx.realtime.isViewing(seller.id, topic)).toBe(true)
    const first = await sendOk(a, buyer, conversation.id, 'seen on B')
    // Delivered instead of notified (the receipt comes from the same after-send step).
    await deliveredUpTo(first.seq)
    expect(await about()).toEqual([])

    // Unsubscribed on B: the next message notifies.
    await sellerOnB.ask({ type: 'unsubscribe', topic })
    expect(await a.ctx.realtime.isViewing(seller.id, topic)).toBe(false)
    await sendOk(a, buyer, conversation.id, 'not open any more')
    await waitFor(async () => (await about()).length === 1, 5_000, 'a notification for the seller')

    // Open again, then the socket closes: no longer viewing anywhere.
    await sellerOnB.ask({ type: 'subscribe', topic })
    expect(await a.ctx.realtime.isViewing(seller.id, topic)).toBe(true)
    sellerOnB.close()
    await waitFor(async () => !(await a.ctx.realtime.isViewing(seller.id, topic)), 5_000, 'the closed socket to stop viewing')
  })
})
