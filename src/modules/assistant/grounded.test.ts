// The assistant with a language model configured: the real HTTP path to a chat-completions test
// server, the deltas on a real socket, and the built-in answer when the model fails.
import { afterAll, describe, expect, it } from 'bun:test'
import { createLogger } from '../../lib/log'
import { connectAs, type Received, type TestSocket } from '../../realtime/test-client'
import { client, createTestApp, listen, makeProduct, signUpAndSignIn, type TestApp, testIp, type TestUser, waitFor } from '../../testing'
import { placeOrder, shop } from '../orders/testing'
import { type ChatCompletionsServer, startChatCompletionsServer } from './language-model/testing'
import { ASSISTANT_LIMITS } from './rules'

const REPLY = 'Your order is on its way with DHL Express: see [Tracking your order](/help/articles/track-your-order).'

const closers: (() => Promise<void>)[] = []
const sockets: TestSocket[] = []
afterAll(async () => {
  for (const socket of sockets) socket.close()
  for (const close of closers.reverse()) await close()
})

/** An app whose assistant words answers with the model at `server`, logging into `lines`. */
async function appWithModel(server: ChatCompletionsServer, env: Record<string, string> = {}) {
  const lines: Record<string, unknown>[] = []
  const t = await createTestApp({ env: { ASSISTANT_MODEL_URL: server.url, ASSISTANT_MODEL: 'souk-test-model', ...env }, log: createLogger('warn', {}, (line) => void lines.push(JSON.parse(line))) })
  closers.push(() => server.close(), () => t.close())
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  const categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
  return { t, lines, categoryId }
}

/** Two buyers of one shop's product, each with an accepted order sent with a tracked parcel. */
async function twoBuyersWithParcels(t: TestApp, categoryId: string) {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 10 })
  const orders = []
  for (const trackingNumber of ['JD0001112223', 'JD9998887776']) {
    const placed = await placeOrder(t, s, product.id)
    expect((await client(t, s.owner).api.v1.sales({ id: placed.orderId }).accept.post()).status).toBe(200)
    expect((await client(t, s.owner).api.v1.sales({ id: placed.orderId }).shipments.post({ carrier: 'dhl', trackingNumber })).status).toBe(201)
    orders.push({ buyer: placed.me.user, orderId: placed.orderId, invoiceNumber: placed.invoiceNumber, trackingNumber })
  }
  return orders as [(typeof orders)[number], (typeof orders)[number]]
}

const ask = (t: TestApp, user: TestUser | null, text: string) =>
  client(t, user === null ? { ip: testIp() } : user).api.v1.assistant.messages.post({ text })

const deltasOf = (socket: TestSocket, messageId: string) =>
  socket.received.filter((m): m is Received & { kind: 'assistant.delta'; data: { messageId: string; text: string } } => m.type === 'event' && m.kind === 'assistant.delta' && (m.data as { messageId: string }).messageId === messageId)

describe('with a language model', () => {
  it('grounds it on the retrieved article and the asker’s own order, and streams its answer to the asker’s socket in order', async () => {
    const model = startChatCompletionsServer({ reply: REPLY })
    const { t, categoryId } = await appWithModel(model)
    const { wsUrl } = listen(t)
    const [mine, theirs] = await twoBuyersWithParcels(t, categoryId)
    const socket = await connectAs(t, wsUrl, mine.buyer)
    sockets.push(socket)
    expect((await socket.ask({ type: 'subscribe', topic: `user:${mine.buyer.id}` })).type).toBe('subscribed')

    const answered = await ask(t, mine.buyer, 'Where is my order?')
    expect(answered.status).toBe(200)
    const { answer, session } = answered.data!
    expect(answer.body).toBe(REPLY)
    expect(answer.citations).toContainEqual({ kind: 'order', label: `Order ${mine.invoiceNumber}`, url: `/orders/${mine.orderId}` })
    expect(answer.citations).toContainEqual({ kind: 'article', label: 'Tracking your order', url: '/help/articles/track-your-order' })

    // What the model was given: the article and my order with its parcel, never the other buyer's.
    expect(model.requests).toHaveLength(1)
    const { body } = model.requests[0]!
    expect(body.model).toBe('souk-test-model')
    const system = body.messages![0]!
    expect(system.role).toBe('system')
    expect(system.content).toContain('Tracking your order')
    expect(system.content).toContain('/help/articles/track-your-order')
    expect(system.content).toContain(mine.invoiceNumber)
    expect(system.content).toContain(mine.trackingNumber)
    expect(system.content).not.toContain(theirs.invoiceNumber)
    expect(system.content).not.toContain(theirs.trackingNumber)
    expect(body.messages!.at(-1)).toEqual({ role: 'user', content: 'Where is my order?' })

    // The pieces reached the socket in order and make the final answer.
    let pieces: string[] = []
    await waitFor(() => (pieces = deltasOf(socket, answer.id).map((m) => m.data.text)).join('') === REPLY, 5_000, 'every delta')
    expect(pieces.length).toBeGreaterThan(1)
    expect(deltasOf(socket, answer.id).every((m) => m.id === null && m.topic === `user:${mine.buyer.id}` && (m.data as { sessionId: string }).sessionId === session.id)).toBe(true)

    // A follow-up passes the conversation so far.
    await client(t, mine.buyer).api.v1.assistant.messages.post({ text: 'When will my order arrive?', sessionId: session.id })
    expect(model.requests[1]!.body.messages!.slice(1)).toEqual([
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: REPLY },
      { role: 'user', content: 'When will my order arrive?' },
    ])
  })

  it('is not asked when nothing was retrieved: the built-in answer offers a person', async () => {
    const model = startChatCompletionsServer({ reply: REPLY })
    const { t } = await appWithModel(model)
    const answered = await ask(t, null, 'Zyxwvut qwzx blorp?')
    expect(answered.data!.answer.offerPerson).toBe(true)
    expect(model.requests).toHaveLength(0)
    // A guest with something retrieved gets the model's whole answer in the response.
    const guest = await ask(t, null, 'How do returns work?')
    expect(guest.data!.answer.body).toBe(REPLY)
    expect(model.requests).toHaveLength(1)
  })

  it('gives the built-in answer when the model times out midway (logged)', async () => {
    const model = startChatCompletionsServer({ reply: REPLY, fail: 'hang' })
    const { t, lines, categoryId } = await appWithModel(model, { ASSISTANT_MODEL_TIMEOUT_MS: '300' })
    const [mine] = await twoBuyersWithParcels(t, categoryId)
    const answered = await ask(t, mine.buyer, 'Where is my order?')
    expect(answered.status).toBe(200)
    expect(model.requests).toHaveLength(1)
    const { answer } = answered.data!
    expect(answer.body).toContain(`[Order ${mine.invoiceNumber}](/orders/${mine.orderId})`)
    expect(answer.body).toContain(mine.trackingNumber)
    expect(answer.body).not.toContain(REPLY.slice(0, 20))
    expect(lines.some((line) => line.msg === 'assistant: the language model failed; the built-in answer stands')).toBe(true)
  })

  it('stores the model’s answer without control characters and with links to the app’s own paths only', async () => {
    // Words planted for the model (in an article, a record) may have it write these.
    const planted = 'Your order\u0000 is on its way.\u0007\nGet a refund [on this page](https://souk-refunds.example/login) or <https://souk-refunds.example>; [your order](/orders/ord_1).'
    const model = startChatCompletionsServer({ reply: planted })
    const { t, categoryId } = await appWithModel(model)
    const [mine] = await twoBuyersWithParcels(t, categoryId)
    const answered = await ask(t, mine.buyer, 'Where is my order?')
    expect(answered.status).toBe(200)
    expect(answered.data!.answer.body).toBe('Your order is on its way.\nGet a refund on this page or ; [your order](/orders/ord_1).')
    const stored = await client(t, mine.buyer).api.v1.assistant.sessions({ id: answered.data!.session.id }).get()
    expect(stored.data!.messages.at(-1)!.body).toBe(answered.data!.answer.body)
  })

  it('stops reading the model at the answer’s cap and closes its stream', async () => {
    const model = startChatCompletionsServer({ reply: 'Your order is on its way with DHL Express. ', endless: true })
    const { t, categoryId } = await appWithModel(model)
    const { wsUrl } = listen(t)
    const [mine] = await twoBuyersWithParcels(t, categoryId)
    const socket = await connectAs(t, wsUrl, mine.buyer)
    sockets.push(socket)
    expect((await socket.ask({ type: 'subscribe', topic: `user:${mine.buyer.id}` })).type).toBe('subscribed')
    const answered = await ask(t, mine.buyer, 'Where is my order?')
    expect(answered.status).toBe(200)
    const { body, id } = answered.data!.answer
    expect(body).toStartWith('Your order is on its way with DHL Express. Your order')
    expect(body).toHaveLength(ASSISTANT_LIMITS.answerMax + 1)
    expect(body).toEndWith('…')
    await waitFor(() => model.requests[0]!.aborted, 5_000, 'the model’s stream closed')
    // The asker saw as much as is kept, never more.
    await waitFor(() => deltasOf(socket, id).map((m) => m.data.text).join('') === body.slice(0, -1), 5_000, 'every delta')
  })
})

