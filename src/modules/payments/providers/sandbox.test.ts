import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { Elysia } from 'elysia'
import { createTestDatabase, type TestDatabase } from '../../../db/test-database'
import { type Queue, startQueue } from '../../../jobs/queue'
import { bodyGuard } from '../../../lib/body-guard'
import { systemClock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import { httpBasics } from '../../../lib/http'
import { createLogger } from '../../../lib/log'
import { securityHeaders } from '../../../lib/security-headers'
import { signPayload } from '../../../lib/webhook-signature'
import { waitFor } from '../../../testing'
import type { ProviderEvent } from './provider'
import { createSandboxProvider, DECLINED_MESSAGE, NOT_CONFIRMED_MESSAGE, type SandboxProvider, SIGNATURE_HEADER, UNSUPPORTED_MESSAGE } from './sandbox'
import { sandboxEvents, sandboxPayments } from './sandbox-table'

// The sandbox as Souk runs it, minus Souk: its own database tables and job queue, its hosted pages
// behind the real HTTP basics, body guard and security headers on a server of their own, and a real
// HTTP receiver standing in for Souk's webhook endpoint, which verifies every delivery with
// `parseWebhook`. (The test builds these parts directly rather than through createTestApp, so it
// depends on nothing of the composition root.)

const log = createLogger('silent')
const SECRET = randomBytes(32).toString('base64url')
const RETURN_URL = 'https://souk.example/checkout/return?payment=pay_1'
const NEXT_YEAR = String((new Date().getUTCFullYear() + 1) % 100).padStart(2, '0')
const card = (number: string, overrides: Record<string, string> = {}) => ({ number, expiry: `12/${NEXT_YEAR}`, cvc: '123', name: 'Amira Benali', ...overrides })
const SUCCEEDS = '4242 4242 4242 4242'
const DECLINED = '4000 0000 0000 0002'
const CONFIRMS = '4000 0000 0000 3220'

/** Souk's webhook endpoint, as far as the sandbox can tell: verifies, records, answers. */
interface Receiver {
  url: string
  /** Every verified event, in arrival order (a retried one appears again). */
  events: ProviderEvent[]
  /** The status each delivery got, with the event id it carried. */
  deliveries: { eventId: string; status: number }[]
  /** Deliveries `parseWebhook` refused. */
  refused: unknown[]
  /** Answer 500 to this many next deliveries (Souk down). */
  failNext: number
  stop(): void
}

function startReceiver(parse: () => SandboxProvider['provider']): Receiver {
  const receiver: Omit<Receiver, 'url' | 'stop'> = { events: [], deliveries: [], refused: [], failNext: 0 }
  const server = Bun.serve({
    port: 0,
    fetch: async (request) => {
      const raw = await request.text()
      let event: ProviderEvent
      try {
        event = parse().parseWebhook(raw, request.headers, new Date())
      } catch (error) {
        receiver.refused.push(error)
        return new Response('refused', { status: 400 })
      }
      if (receiver.failNext > 0) {
        receiver.failNext -= 1
        receiver.deliveries.push({ eventId: event.id, status: 500 })
        return new Response('down', { status: 500 })
      }
      receiver.events.push(event)
      receiver.deliveries.push({ eventId: event.id, status: 200 })
      return new Response(null, { status: 204 })
    },
  })
  return Object.assign(receiver, { url: `http://localhost:${server.port}/api/v1/payments/webhooks/sandbox`, stop: () => void server.stop(true) })
}

/** The hosted pages on a server of their own, behind the app's real request basics. */
function serve(sandbox: SandboxProvider) {
  const app = new Elysia().use(httpBasics(log)).use(bodyGuard).use(securityHeaders({ publicUrl: 'http://localhost' })).use(sandbox.routes)
  app.listen(0)
  return { url: `http://localhost:${app.server!.port}`, stop: () => app.stop(true) }
}

let database: TestDatabase
let queue: Queue
let receiver: Receiver
/** Delivers through the queue, as Souk runs it. */
let queued: SandboxProvider
let queuedSite: ReturnType<typeof serve>
/** No queue: delivers before answering the buyer. */
let direct: SandboxProvider
let directSite: ReturnType<typeof serve>

beforeAll(async () => {
  database = await createTestDatabase()
  queue = await startQueue(database, log)
  receiver = startReceiver(() => queued.provider)
  const deps = { db: database.db, clock: systemClock, log, secret: SECRET, webhookUrl: () => receiver.url }
  queued = createSandboxProvider({ ...deps, publicUrl: () => queuedSite.url, queue })
  direct = createSandboxProvider({ ...deps, publicUrl: () => directSite.url, queue: null })
  await queue.register(queued.deliveryJob)
  queuedSite = serve(queued)
  directSite = serve(direct)
}, 60_000)

afterAll(async () => {
  queuedSite?.stop()
  directSite?.stop()
  receiver?.stop()
  await queue?.stop()
  await database?.drop()
})

let paymentCounter = 0

/** A new sandbox payment and the path of its page. */
async function newPayment(sandbox: SandboxProvider = queued, fields: { amountMinor?: number; description?: string } = {}) {
  paymentCounter += 1
  const created = await sandbox.provider.createPayment({
    paymentId: `pay_test_${paymentCounter}_${randomBytes(4).toString('hex')}`,
    amountMinor: fields.amountMinor ?? 12_345,
    currency: 'MAD',
    description: fields.description ?? `Order ${paymentCounter} at Souk`,
    returnUrl: RETURN_URL,
  })
  return { ...created, path: new URL(created.redirectUrl).pathname }
}

const siteOf = (sandbox: SandboxProvider) => (sandbox === queued ? queuedSite : directSite).url

/** A real form post, as a browser sends it. */
const submit = (path: string, fields: Record<string, string>, sandbox: SandboxProvider = queued) =>
  fetch(`${siteOf(sandbox)}${path}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' })

const open = (path: string, sandbox: SandboxProvider = queued) => fetch(`${siteOf(sandbox)}${path}`)

const eventsOf = (providerRef: string) => receiver.events.filter((event) => event.providerRef === providerRef)

const storedEvents = (providerRef: string) => database.db.select().from(sandboxEvents).where(eq(sandboxEvents.paymentId, providerRef))

/** Waits until every event the sandbox stored for the payment is delivered (then no more will come). */
async function allDelivered(providerRef: string, count: number): Promise<void> {
  await waitFor(async () => {
    const stored = await storedEvents(providerRef)
    return stored.length === count && stored.every((event) => event.deliveredAt !== null)
  }, 20_000, `${count} delivered events of ${providerRef}`)
}

const statusOf = async (providerRef: string) => (await database.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, providerRef)))[0]?.status

/** The AppError a call throws. */
async function refusalOf(call: () => Promise<unknown>): Promise<AppError> {
  try {
    await call()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('the hosted page', () => {
  it('shows the amount, the description (escaped), the card form and the test cards under its own strict CSP', async () => {
    const payment = await newPayment(queued, { amountMinor: 123_450, description: 'Rug <b>& lamp</b>' })
    expect(payment.providerRef).toMatch(/^sbx_[0-9a-f]{32}$/)
    expect(payment.redirectUrl).toBe(`${queuedSite.url}/pay/${payment.providerRef}`)
    const page = await open(payment.path)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain('<title>Souk sandbox payment</title>')
    expect(html).toContain('1,234.50 MAD')
    expect(html).toContain('Rug &lt;b&gt;&amp; lamp&lt;/b&gt;')
    expect(html).not.toContain('<b>')
    for (const field of ['number', 'expiry', 'cvc', 'name']) expect(html).toContain(`name="${field}"`)
    for (const number of [SUCCEEDS, DECLINED, CONFIRMS]) expect(html).toContain(number)
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"')
    expect(html).not.toContain('<script')

    const csp = page.headers.get('content-security-policy')!
    const styleHash = /style-src ('sha256-[A-Za-z0-9+/=]+')/.exec(csp)?.[1]
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    expect(styleHash).toBe(`'sha256-${new Bun.CryptoHasher('sha256').update(css).digest('base64')}'`)
    expect(csp).toBe(`default-src 'none'; style-src ${styleHash}; form-action 'self' https://souk.example; frame-ancestors 'none'; base-uri 'none'`)
    // The rest of the security headers still apply.
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('cache-control')).toBe('no-store')
  })

  it('answers an unknown payment with a 404 page', async () => {
    const page = await open('/pay/sbx_00000000000000000000000000000000')
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('Payment not found')
  })

  it('takes the form only URL-encoded (415 otherwise), and errors keep the sandbox policy', async () => {
    const payment = await newPayment()
    const json = await fetch(`${queuedSite.url}${payment.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(card(SUCCEEDS)) })
    expect(json.status).toBe(415)
    expect(json.headers.get('content-security-policy')).toBe('sandbox')
    const badAction = await submit(`${payment.path}/confirm`, { action: 'maybe' })
    expect(badAction.status).toBe(400)
    expect(await statusOf(payment.providerRef)).toBe('requires_payment')
  })
})

describe('paying', () => {
  it('sends the buyer back with 303 for the success card, and a signed payment.succeeded arrives once', async () => {
    const payment = await newPayment()
    const answer = await submit(payment.path, card(SUCCEEDS))
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe(RETURN_URL)
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef)).toEqual([
      { id: expect.stringMatching(/^evt_/), type: 'payment.succeeded', providerRef: payment.providerRef, amountMinor: 12_345, currency: 'MAD', refundRef: null, message: null, createdAt: expect.any(Date) },
    ])
    expect(receiver.refused).toEqual([])
  })

  it('does nothing new on a double submit or a second visit: one event, then "already paid"', async () => {
    const payment = await newPayment()
    const answers = await Promise.all([submit(payment.path, card(SUCCEEDS)), submit(payment.path, card(SUCCEEDS))])
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 303])
    expect(await answers.find((answer) => answer.status === 200)!.text()).toContain('already paid')
    const back = await open(payment.path)
    expect(await back.text()).toContain('already paid')
    const again = await submit(payment.path, card(SUCCEEDS))
    expect(again.status).toBe(200)
    expect(await again.text()).toContain(`href="${RETURN_URL.replace('&', '&amp;')}"`)
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef).map((event) => event.type)).toEqual(['payment.succeeded'])
  })

  it('declines the decline card (the buyer may try another), then takes the success card', async () => {
    const payment = await newPayment()
    const declined = await submit(payment.path, card(DECLINED))
    expect(declined.status).toBe(402)
    const html = await declined.text()
    expect(html).toContain(DECLINED_MESSAGE)
    expect(html).toContain('name="number"')
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef)).toMatchObject([{ type: 'payment.failed', message: DECLINED_MESSAGE, amountMinor: 12_345 }])

    expect((await submit(payment.path, card(SUCCEEDS))).status).toBe(303)
    await allDelivered(payment.providerRef, 2)
    expect(eventsOf(payment.providerRef).map((event) => event.type)).toEqual(['payment.failed', 'payment.succeeded'])
  })

  it('declines any other valid number as unsupported', async () => {
    const payment = await newPayment()
    const declined = await submit(payment.path, card('5555 5555 5555 4444'))
    expect(declined.status).toBe(402)
    expect(await declined.text()).toContain(UNSUPPORTED_MESSAGE)
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef)).toMatchObject([{ type: 'payment.failed', message: UNSUPPORTED_MESSAGE }])
  })

  it('asks the 3-D Secure card to confirm, and succeeds once confirmed', async () => {
    const payment = await newPayment()
    const step = await submit(payment.path, card(CONFIRMS))
    expect(step.status).toBe(200)
    const html = await step.text()
    expect(html).toContain('Confirm this payment')
    expect(html).toContain(`action="/pay/${payment.providerRef}/confirm"`)
    expect(await statusOf(payment.providerRef)).toBe('requires_confirmation')
    expect(await storedEvents(payment.providerRef)).toEqual([])
    // The back button and a reload show the step again.
    expect(await (await open(payment.path)).text()).toContain('Confirm this payment')

    const confirmed = await submit(`${payment.path}/confirm`, { action: 'confirm' })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe(RETURN_URL)
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef)).toMatchObject([{ type: 'payment.succeeded', amountMinor: 12_345 }])
    expect((await submit(`${payment.path}/confirm`, { action: 'fail' })).status).toBe(200)
    expect(await statusOf(payment.providerRef)).toBe('succeeded')
  })

  it('fails the payment for good when the confirmation is failed', async () => {
    const payment = await newPayment()
    await submit(payment.path, card(CONFIRMS))
    const failed = await submit(`${payment.path}/confirm`, { action: 'fail' })
    expect(failed.status).toBe(402)
    const html = await failed.text()
    expect(html).toContain('Payment failed')
    expect(html).toContain(`href="${RETURN_URL.replace('&', '&amp;')}"`)
    await allDelivered(payment.providerRef, 1)
    expect(eventsOf(payment.providerRef)).toMatchObject([{ type: 'payment.failed', message: NOT_CONFIRMED_MESSAGE }])
    // Final: another card changes nothing.
    const retried = await submit(payment.path, card(SUCCEEDS))
    expect(retried.status).toBe(200)
    expect(await retried.text()).toContain('Payment failed')
    expect(await statusOf(payment.providerRef)).toBe('failed')
  })

  it('shows the form again with each error beside its field (400) and sends nothing for a bad card', async () => {
    const payment = await newPayment()
    const answer = await submit(payment.path, card('4242 4242 4242 4241', { expiry: '13/99', cvc: '12', name: ' ' }))
    expect(answer.status).toBe(400)
    const html = await answer.text()
    expect(html).toContain('id="number-error">Enter a valid card number<')
    expect(html).toContain('id="expiry-error">Enter the expiry date as MM/YY<')
    expect(html).toContain('id="cvc-error">Enter the 3 or 4 digit security code<')
    expect(html).toContain('id="name-error">Enter the name on the card<')
    expect(html).toContain('value="4242 4242 4242 4241"')
    const expired = await submit(payment.path, card(SUCCEEDS, { expiry: '01/20' }))
    expect(expired.status).toBe(400)
    expect(await expired.text()).toContain('This card has expired')
    expect(await statusOf(payment.providerRef)).toBe('requires_payment')
    expect(await storedEvents(payment.providerRef)).toEqual([])
  })
})

describe('refund()', () => {
  it('refunds part of a paid payment once per key, announces it, and refuses more than is left', async () => {
    const payment = await newPayment()
    await submit(payment.path, card(SUCCEEDS))
    const first = await queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 10_000, currency: 'MAD', idempotencyKey: `refund-${payment.providerRef}-1` })
    expect(first.refundRef).toMatch(/^sbxre_/)
    const retried = await queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 10_000, currency: 'MAD', idempotencyKey: `refund-${payment.providerRef}-1` })
    expect(retried).toEqual(first)
    await allDelivered(payment.providerRef, 2)
    // Each event is delivered by its own job, in whichever order the queue runs them (as a real
    // provider's webhooks may arrive): what matters is that both came, once.
    const delivered = eventsOf(payment.providerRef)
    expect(delivered.map((event) => event.type).sort()).toEqual(['payment.succeeded', 'refund.succeeded'])
    expect(delivered.find((event) => event.type === 'refund.succeeded')).toMatchObject({ providerRef: payment.providerRef, refundRef: first.refundRef, amountMinor: 10_000, currency: 'MAD', message: null })

    const over = await refusalOf(() => queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 2_346, currency: 'MAD', idempotencyKey: `refund-${payment.providerRef}-2` }))
    expect(over.type).toBe('conflict')
    const reused = await refusalOf(() => queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 500, currency: 'MAD', idempotencyKey: `refund-${payment.providerRef}-1` }))
    expect(reused).toMatchObject({ type: 'unprocessable', details: { reason: 'idempotency_key_reused' } })
    const rest = await queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 2_345, currency: 'MAD', idempotencyKey: `refund-${payment.providerRef}-2` })
    expect(rest.refundRef).not.toBe(first.refundRef)
    const [row] = await database.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, payment.providerRef))
    expect(row!.refundedMinor).toBe(12_345)
    await allDelivered(payment.providerRef, 3)
  })

  it('never refunds more than was paid, however the refunds race', async () => {
    const payment = await newPayment(direct, { amountMinor: 1_000 })
    await submit(payment.path, card(SUCCEEDS), direct)
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => direct.provider.refund({ providerRef: payment.providerRef, amountMinor: 300, currency: 'MAD', idempotencyKey: `race-${payment.providerRef}-${i}` })),
    )
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(3)
    const [row] = await database.db.select().from(sandboxPayments).where(eq(sandboxPayments.id, payment.providerRef))
    expect(row!.refundedMinor).toBe(900)
  })

  it('refuses an unpaid payment, an unknown one and another currency', async () => {
    const payment = await newPayment()
    expect(await refusalOf(() => queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 1, currency: 'MAD', idempotencyKey: `unpaid-${payment.providerRef}` }))).toMatchObject({
      type: 'conflict',
      details: { status: 'requires_payment' },
    })
    expect((await refusalOf(() => queued.provider.refund({ providerRef: 'sbx_nope', amountMinor: 1, currency: 'MAD', idempotencyKey: 'unknown-1' }))).type).toBe('not_found')
    await submit(payment.path, card(SUCCEEDS))
    expect((await refusalOf(() => queued.provider.refund({ providerRef: payment.providerRef, amountMinor: 1, currency: 'EUR', idempotencyKey: `eur-${payment.providerRef}` }))).type).toBe('invalid_data')
    await allDelivered(payment.providerRef, 1)
  })
})

describe('webhook delivery', () => {
  it('without a queue, delivers before the buyer is answered', async () => {
    const payment = await newPayment(direct)
    expect((await submit(payment.path, card(SUCCEEDS), direct)).status).toBe(303)
    expect(eventsOf(payment.providerRef).map((event) => event.type)).toEqual(['payment.succeeded'])
  })

  it('retries a delivery Souk refused with the same event id and bytes, and not once it went through', async () => {
    const payment = await newPayment(direct)
    receiver.failNext = 1
    expect((await submit(payment.path, card(SUCCEEDS), direct)).status).toBe(303)
    const [stored] = await storedEvents(payment.providerRef)
    expect(stored).toMatchObject({ attempts: 1, lastError: 'answered 500', deliveredAt: null })
    expect(eventsOf(payment.providerRef)).toEqual([])

    // What the queue does on its next try: the job's handler, run again.
    const attempt = { id: crypto.randomUUID(), attempt: 1, signal: new AbortController().signal }
    await direct.deliveryJob.run({ eventId: stored!.id }, attempt)
    expect(receiver.deliveries.filter((delivery) => delivery.eventId === stored!.id)).toEqual([
      { eventId: stored!.id, status: 500 },
      { eventId: stored!.id, status: 200 },
    ])
    const [after] = await storedEvents(payment.providerRef)
    expect(after).toMatchObject({ id: stored!.id, body: stored!.body, attempts: 2, lastError: null, deliveredAt: expect.any(Date) })

    await direct.deliveryJob.run({ eventId: stored!.id }, attempt)
    expect(receiver.deliveries.filter((delivery) => delivery.eventId === stored!.id)).toHaveLength(2)
  })

  it('throws from the job while Souk cannot be reached, so the queue retries', async () => {
    const payment = await newPayment(direct)
    receiver.failNext = 1
    await submit(payment.path, card(SUCCEEDS), direct)
    const [stored] = await storedEvents(payment.providerRef)
    receiver.failNext = 1
    const attempt = { id: crypto.randomUUID(), attempt: 1, signal: new AbortController().signal }
    await expect(direct.deliveryJob.run({ eventId: stored!.id }, attempt)).rejects.toThrow('answered 500')
    const unreachable = createSandboxProvider({ db: database.db, clock: systemClock, log, secret: SECRET, webhookUrl: () => 'http://127.0.0.1:9/webhook', publicUrl: () => directSite.url, queue: null })
    await expect(unreachable.deliveryJob.run({ eventId: stored!.id }, attempt)).rejects.toThrow()
    expect((await storedEvents(payment.providerRef))[0]).toMatchObject({ attempts: 3, deliveredAt: null })
    expect(eventsOf(payment.providerRef)).toEqual([])
  })
})

describe('parseWebhook()', () => {
  const body = JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'refund.succeeded',
    created: 1_900_000_000,
    data: { object: { object: 'refund', id: 'sbxre_1', payment: 'sbx_1', amount: 500, currency: 'MAD' } },
  })
  const at = new Date(1_900_000_000_000)
  const headers = (raw: string, secret = SECRET, now = at) => new Headers({ [SIGNATURE_HEADER]: signPayload(secret, raw, now) })

  it('turns a signed event into a ProviderEvent', () => {
    expect(queued.provider.parseWebhook(body, headers(body), at)).toEqual({
      id: 'evt_1',
      type: 'refund.succeeded',
      providerRef: 'sbx_1',
      amountMinor: 500,
      currency: 'MAD',
      refundRef: 'sbxre_1',
      message: null,
      createdAt: at,
    })
  })

  it('refuses a bad, missing or stale signature (401)', async () => {
    const refusal = (call: () => unknown) => refusalOf(async () => call())
    expect(await refusal(() => queued.provider.parseWebhook(body, headers(body, 'not the secret'), at))).toMatchObject({ type: 'unauthorized', details: { reason: 'bad_signature' } })
    expect(await refusal(() => queued.provider.parseWebhook(body, new Headers(), at))).toMatchObject({ type: 'unauthorized', details: { reason: 'bad_signature' } })
    expect(await refusal(() => queued.provider.parseWebhook(body, headers(body), new Date(at.getTime() + 301_000)))).toMatchObject({ type: 'unauthorized', details: { reason: 'stale_signature' } })
  })

  it('refuses a signed body that is not JSON or not an event (invalid_data)', async () => {
    for (const raw of ['not json', JSON.stringify({ id: 'evt_2', type: 'payment.refunded' }), body.replace('"amount":500', '"amount":"500"')]) {
      expect((await refusalOf(async () => queued.provider.parseWebhook(raw, headers(raw), at))).type).toBe('invalid_data')
    }
  })
})

describe('createPayment()', () => {
  it('answers the same payment when asked again for the same payment id, and refuses another amount for it', async () => {
    const input = { paymentId: `pay_again_${randomBytes(4).toString('hex')}`, amountMinor: 700, currency: 'MAD', description: 'Again', returnUrl: RETURN_URL }
    const first = await queued.provider.createPayment(input)
    expect(await queued.provider.createPayment(input)).toEqual(first)
    expect(await refusalOf(() => queued.provider.createPayment({ ...input, amountMinor: 701 }))).toMatchObject({ type: 'unprocessable', details: { reason: 'idempotency_key_reused' } })
  })

  it('refuses an amount, currency or return URL it cannot use', async () => {
    const refusal = await refusalOf(() => queued.provider.createPayment({ paymentId: 'pay_bad', amountMinor: 0, currency: 'mad', description: 'x', returnUrl: 'javascript:alert(1)' }))
    expect(refusal.type).toBe('invalid_data')
    expect((refusal.details as { field: string }[]).map((problem) => problem.field).sort()).toEqual(['amountMinor', 'currency', 'returnUrl'])
  })
})
