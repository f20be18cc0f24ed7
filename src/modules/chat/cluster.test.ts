import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomBytes, randomUUID } from 'node:crypto'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { createTestApp, listen, signUpAndSignIn, type TestApp } from '../../testing'
import type { ChatMessage } from './item'
import { makeSellerWithProducts, openConversation } from './testing'

// Instances reach each other only through Redis pub/sub; without REDIS_URL there is one instance
// and nothing to test here (live.test.ts covers one instance).
describe.skipIf(process.env.REDIS_URL === undefined)('chat across two instances on one database and Redis', () => {
  let a: TestApp
  let b: TestApp
  const sockets: TestSocket[] = []

  beforeAll(async () => {
    const env = { JWT_SECRET: randomBytes(32).toString('base64url') }
    a = await createTestApp({ env })
    b = await createTestApp({ env, database: a.ctx.database })
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
    const onA = await connectAs(a, listen(a).wsUrl, buyer)
    const onB = await connectAs(b, listen(b).wsUrl, seller)
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
    expect((await onB.next('event', (m) => m.topic === topic && m.kind === 'read' && (m.data as { userId: string }).userId === buyer.id)).data).toMatchObject({ readSeq: 2 })
  })
})
