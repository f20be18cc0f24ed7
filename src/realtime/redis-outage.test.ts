import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import type { Subprocess } from 'bun'
import type { ChatMessage } from '../modules/chat/item'
import { makeSellerWithProducts, openConversation } from '../modules/chat/testing'
import { signUpAndSignIn, type TestApp, twoInstances, waitFor } from '../testing'
import { freePort } from '../../scripts/cluster'
import { connectAs, type TestSocket } from './test-client'

const REDIS_SERVER = '/usr/bin/redis-server'

/** A throwaway Redis of this test alone: stopping the shared one would break every other test. */
async function startRedis(port: number): Promise<Subprocess<'ignore', 'pipe', 'inherit'>> {
  const proc = Bun.spawn([REDIS_SERVER, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'pipe', stderr: 'inherit' })
  let log = ''
  const reader = proc.stdout.getReader()
  const decoder = new TextDecoder()
  while (!log.includes('Ready to accept connections')) {
    const chunk = await reader.read()
    if (chunk.done) throw new Error(`redis-server on port ${port} exited: ${log}`)
    log += decoder.decode(chunk.value)
  }
  // Keep draining its output, so a full pipe never blocks it.
  void (async () => {
    while (!(await reader.read()).done);
  })()
  return proc
}

const readiness = async (app: TestApp) => {
  const response = await app.request('/readyz')
  return (await response.json()) as { failing: string[] }
}

describe.skipIf(!existsSync(REDIS_SERVER))(`two instances whose Redis stops and comes back (needs ${REDIS_SERVER})`, () => {
  const port = freePort()
  let redis: Subprocess<'ignore', 'pipe', 'inherit'>
  let a: TestApp
  let b: TestApp
  let wsA: string
  let wsB: string
  const sockets: TestSocket[] = []

  beforeAll(async () => {
    redis = await startRedis(port)
    ;({ a, b, wsA, wsB } = await twoInstances({ REDIS_URL: `redis://127.0.0.1:${port}` }))
  }, 60_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await b?.close()
    await a?.close()
    redis?.kill('SIGKILL')
  })

  it('keeps both up and delivering locally, then catches A up from the log when Redis returns: none lost, none twice', async () => {
    const { seller, product } = await makeSellerWithProducts(a)
    const buyer = await signUpAndSignIn(a)
    const conversation = await openConversation(a, buyer, product.id)
    const topic = `conversation:${conversation.id}`
    const buyerOnA = await connectAs(a, wsA, buyer)
    const sellerOnB = await connectAs(b, wsB, seller)
    sockets.push(buyerOnA, sellerOnB)
    await buyerOnA.ask({ type: 'subscribe', topic })
    await sellerOnB.ask({ type: 'subscribe', topic })
    // chat.send over the socket: REST sends are rate limited through Redis, which is about to go.
    const say = async (body: string) => {
      const ack = await sellerOnB.ask({ type: 'chat.send', conversationId: conversation.id, clientId: randomUUID(), body })
      expect(ack).toMatchObject({ type: 'ack', message: { body } })
      return (ack as unknown as { message: ChatMessage }).message
    }
    const heardOnA = (seq: number) => buyerOnA.next('event', (m) => m.topic === topic && m.kind === 'message' && (m.data as ChatMessage).seq === seq)

    await say('before the outage')
    await heardOnA(1)

    redis.kill('SIGKILL')
    await redis.exited
    for (const app of [a, b]) {
      await waitFor(async () => (await readiness(app)).failing.includes('redis'), 10_000, 'readyz to report redis failing')
      expect((await app.request('/healthz')).status).toBe(200)
    }

    const during = [await say('during 1'), await say('during 2'), await say('during 3')]
    // Local delivery goes on: the seller's own socket on B sees each message live.
    await waitFor(() => during.every((m) => sellerOnB.received.some((r) => r.type === 'event' && r.kind === 'message' && (r.data as ChatMessage).id === m.id)), 5_000, 'local delivery on B')
    // A heard none of them: B's publishes to Redis failed.
    expect(buyerOnA.received.filter((m) => m.type === 'event' && m.kind === 'message').map((m) => (m.data as ChatMessage).seq)).toEqual([1])

    redis = await startRedis(port)
    for (const app of [a, b]) await waitFor(async () => !(await readiness(app)).failing.includes('redis'), 15_000, 'readyz to report redis answering again')

    // A reads what it missed from the log as soon as its bus receives again: no client action needed.
    const bodiesOnA = () => buyerOnA.received.filter((m) => m.type === 'event' && m.kind === 'message').map((m) => (m.data as ChatMessage).body)
    await waitFor(() => bodiesOnA().length === 4, 15_000, 'A to catch up on the messages of the outage')
    expect(bodiesOnA()).toEqual(['before the outage', 'during 1', 'during 2', 'during 3'])

    // And live delivery across instances is back.
    await say('after the outage')
    await heardOnA(5)
    // Every durable event of the topic reached A exactly once, in order, as it reached B.
    await waitFor(() => buyerOnA.eventIds(topic).length >= sellerOnB.eventIds(topic).length, 5_000, 'A to hold every event B holds')
    const ids = buyerOnA.eventIds(topic)
    expect(ids).toEqual(sellerOnB.eventIds(topic))
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1))
  }, 60_000)
})
