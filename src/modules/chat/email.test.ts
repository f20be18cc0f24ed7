import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { createTestApp, listen, postJson, signUpAndSignIn, type TestApp, waitFor } from '../../testing'
import { makeSellerWithProducts, openConversation, sendOk } from './testing'

let t: TestApp
let wsUrl: string
const sockets: TestSocket[] = []

beforeAll(async () => {
  t = await createTestApp()
  ;({ wsUrl } = listen(t))
}, 60_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await t.close()
})

describe('message emails', () => {
  it('sends one email per unread streak of a conversation, not one per message', async () => {
    const { seller, product } = await makeSellerWithProducts(t)
    const buyer = await signUpAndSignIn(t, { displayName: 'Amina' })
    const conversation = await openConversation(t, buyer, product.id)
    // The seller is signed in elsewhere but not viewing the conversation: notified, not delivered.
    const sellerSocket = await connectAs(t, wsUrl, seller)
    sockets.push(sellerSocket)
    await sellerSocket.ask({ type: 'subscribe', topic: `user:${seller.id}` })
    const notified = () => sellerSocket.received.filter((m) => m.type === 'event' && m.kind === 'notification').length
    // The dev mailbox route waits for mail in flight.
    const mails = async () => {
      const { items } = (await (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(seller.email)}`)).json()) as { items: { subject: string; text: string }[] }
      return items.filter((mail) => mail.subject === 'Souk: Amina sent you a message')
    }

    for (const body of ['Salam', 'Is the bowl still available?', 'I can pick it up today']) await sendOk(t, buyer, conversation.id, body)
    await waitFor(() => notified() === 3, 5_000, 'a notification per message')
    expect(await mails()).toHaveLength(1)

    // Once the seller read the conversation, the next message starts a new streak: one more email,
    // even for two messages sent at once.
    expect((await postJson(t, `/api/v1/conversations/${conversation.id}/read`, { upTo: 3 }, seller.auth)).status).toBe(200)
    await Promise.all([sendOk(t, buyer, conversation.id, 'Hello again'), sendOk(t, buyer, conversation.id, 'Still there?')])
    await waitFor(() => notified() === 5, 5_000, 'a notification per message')
    expect(await mails()).toHaveLength(2)

    // In the app it is one notification for the conversation all along.
    const { items } = (await (await t.request('/api/v1/notifications', { headers: seller.auth })).json()) as { items: { subject: string }[] }
    expect(items.filter((n) => n.subject === `conversation:${conversation.id}`)).toHaveLength(1)
  })
})
