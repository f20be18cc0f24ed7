import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { and, eq, sql } from 'drizzle-orm'
import { Elysia, t } from 'elysia'
import type { Db, Tx } from '../../../db/client'
import { defineJob, type JobKind, type Queue } from '../../../jobs/queue'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import type { Logger } from '../../../lib/log'
import { enumOf } from '../../../lib/schema'
import { signPayload, verifySignature } from '../../../lib/webhook-signature'
import type { PaymentProvider, ProviderEvent } from './provider'
import { type CardForm, checkCard } from './sandbox-card'
import { cardPage, confirmPage, failedPage, notFoundPage, paidPage } from './sandbox-page'
import { sandboxEvents, sandboxPayments, sandboxRefunds, type SandboxPaymentStatus } from './sandbox-table'

/**
 * The built-in sandbox card provider, the default on the embedded setup. Souk serves it, but it
 * behaves as an external provider would: its own tables, a hosted payment page, and events sent to
 * Souk's webhook endpoint over real HTTP with a real signature, so Souk's webhook path is the one a
 * real provider (Stripe) would use. It imports nothing of Souk's payments but the seam.
 */

export const SANDBOX_PROVIDER_NAME = 'sandbox'

/** The header Souk's endpoint reads the signature from (Stripe's adapter would name `Stripe-Signature`). */
export const SIGNATURE_HEADER = 'Souk-Signature'

export const SANDBOX_WEBHOOK_JOB = 'payments.sandbox-webhook'

export const DECLINED_MESSAGE = 'Your card was declined'
export const UNSUPPORTED_MESSAGE = 'This test card is not supported in the sandbox'
export const NOT_CONFIRMED_MESSAGE = 'The payment was not confirmed'

/** A delivery that hangs is a failed try: the queue retries it. */
const DELIVERY_TIMEOUT_MS = 10_000

export interface SandboxDeps {
  db: Db
  clock: Clock
  log: Logger
  /** Shared with Souk's webhook endpoint, which verifies what the sandbox signs. */
  secret: string
  /** Souk's webhook endpoint for this provider (…/api/v1/payments/webhooks/sandbox); a function, as the port may be known only once listening. */
  webhookUrl: () => string
  /** Where the hosted page is served (PUBLIC_URL). */
  publicUrl: () => string
  /** Delivers events with retries; null (tests that run no job) delivers at once, see `announce`. */
  queue: Queue | null
}

export interface SandboxProvider {
  provider: PaymentProvider
  /** The hosted pages: GET /pay/:id, POST /pay/:id, POST /pay/:id/confirm. */
  routes: ReturnType<typeof sandboxRoutes>
  /** `payments.sandbox-webhook`: register it with the queue. Its `run` is the delivery of one stored event. */
  deliveryJob: JobKind<SandboxDelivery>
}

export interface SandboxDelivery {
  eventId: string
}

// ---- the events, as sent (Stripe's shape: an event wrapping the object it is about) ----

// Plain TypeBox, not Elysia's `t`: its Integer also takes numeric strings (for query strings).
const PaymentObject = Type.Object({
  object: Type.Literal('payment'),
  id: Type.String(),
  amount: Type.Integer({ minimum: 1 }),
  currency: Type.String({ minLength: 1 }),
  status: Type.String(),
  failure_message: Type.Union([Type.String(), Type.Null()]),
})
const RefundObject = Type.Object({
  object: Type.Literal('refund'),
  id: Type.String(),
  payment: Type.String(),
  amount: Type.Integer({ minimum: 1 }),
  currency: Type.String({ minLength: 1 }),
})
const eventOf = <Name extends string, Data extends typeof PaymentObject | typeof RefundObject>(type: Name, object: Data) =>
  Type.Object({ id: Type.String({ pattern: '^evt_' }), object: Type.Literal('event'), type: Type.Literal(type), created: Type.Integer({ minimum: 0 }), data: Type.Object({ object }) })

/** What the sandbox sends, checked again by `parseWebhook` on the way in. */
export const SandboxEventBody = Type.Union([
  eventOf('payment.succeeded', PaymentObject),
  eventOf('payment.failed', PaymentObject),
  eventOf('refund.succeeded', RefundObject),
])
export type SandboxEventBody = typeof SandboxEventBody.static

/** Ids in the provider's own style, not Souk's (a provider's ids are its own). */
const sandboxId = (prefix: 'sbx' | 'sbxre' | 'evt') => `${prefix}_${Bun.randomUUIDv7().replaceAll('-', '')}`

type PaymentRow = typeof sandboxPayments.$inferSelect

function toProviderEvent(body: SandboxEventBody): ProviderEvent {
  const object = body.data.object
  return {
    id: body.id,
    type: body.type,
    providerRef: object.object === 'refund' ? object.payment : object.id,
    amountMinor: object.amount,
    currency: object.currency,
    refundRef: object.object === 'refund' ? object.id : null,
    message: object.object === 'payment' ? object.failure_message : null,
    createdAt: new Date(body.created * 1000),
  }
}

function parseWebhook(secret: string, rawBody: string, headers: Headers, now: Date): ProviderEvent {
  verifySignature(secret, rawBody, headers.get(SIGNATURE_HEADER), now)
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    throw new AppError('invalid_data', 'The webhook body is not JSON')
  }
  if (!Value.Check(SandboxEventBody, body)) throw new AppError('invalid_data', 'The webhook body is not a sandbox event')
  return toProviderEvent(body)
}

// ---- events: stored with the change, then delivered ----

/** Stores an event in the transaction of the change it announces, and queues its delivery there too. */
async function recordEvent(deps: SandboxDeps, job: JobKind<SandboxDelivery>, tx: Tx, paymentId: string, make: (id: string, created: number) => SandboxEventBody): Promise<string> {
  const now = deps.clock.now()
  const id = sandboxId('evt')
  const body = make(id, Math.floor(now.getTime() / 1000))
  await tx.insert(sandboxEvents).values({ id, type: body.type, paymentId, body: JSON.stringify(body), createdAt: now })
  await deps.queue?.enqueue(job, { eventId: id }, { tx })
  return id
}

const paymentEvent = (type: 'payment.succeeded' | 'payment.failed', payment: PaymentRow) => (id: string, created: number) =>
  ({
    id,
    object: 'event',
    type,
    created,
    data: {
      object: {
        object: 'payment',
        id: payment.id,
        amount: payment.amountMinor,
        currency: payment.currency,
        status: payment.status,
        failure_message: type === 'payment.failed' ? payment.failureMessage : null,
      },
    },
  }) as const satisfies SandboxEventBody

/**
 * POSTs one stored event to Souk's endpoint, signed at the time of sending; a non-2xx answer or a
 * network error throws, so the queue tries again later, with the same bytes and event id. An event
 * already delivered is not sent again (a job runs at least once).
 */
async function deliverEvent(deps: SandboxDeps, eventId: string, signal?: AbortSignal): Promise<void> {
  const { db, clock, secret } = deps
  const [event] = await db.select().from(sandboxEvents).where(eq(sandboxEvents.id, eventId))
  if (event === undefined || event.deliveredAt !== null) return
  const now = clock.now()
  await db.update(sandboxEvents).set({ attempts: sql`${sandboxEvents.attempts} + 1` }).where(eq(sandboxEvents.id, eventId))
  const failed = async (problem: string, cause?: unknown) => {
    await db.update(sandboxEvents).set({ lastError: problem }).where(eq(sandboxEvents.id, eventId))
    return new Error(`sandbox webhook ${eventId}: ${problem}`, { cause })
  }
  let response: Response
  try {
    response = await fetch(deps.webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(secret, event.body, now) },
      body: event.body,
      // A webhook endpoint answers; it does not send the event elsewhere.
      redirect: 'manual',
      signal: signal === undefined ? AbortSignal.timeout(DELIVERY_TIMEOUT_MS) : AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
    })
  } catch (error) {
    throw await failed(error instanceof Error ? error.message : String(error), error)
  }
  await response.body?.cancel()
  if (!response.ok) throw await failed(`answered ${response.status}`)
  await db.update(sandboxEvents).set({ deliveredAt: clock.now(), lastError: null }).where(eq(sandboxEvents.id, eventId))
}

/**
 * After the commit that recorded events: with a queue, its workers deliver them (the jobs were
 * enqueued in that transaction). Without one (tests and tools that run no job) nothing else ever
 * would, so they are delivered here, awaited: the buyer's answer then follows Souk's receipt of
 * the event, as a test expects. A failure is logged and the event stays undelivered.
 */
async function announce(deps: SandboxDeps, eventIds: string[]): Promise<void> {
  if (deps.queue !== null) return
  for (const eventId of eventIds) {
    await deliverEvent(deps, eventId).catch((error: unknown) => deps.log.error('sandbox webhook not delivered', { eventId, error }))
  }
}

// ---- the provider's side of the seam ----

const CURRENCY = /^[A-Z]{3}$/

function checkPaymentInput(input: { paymentId: string; amountMinor: number; currency: string; description: string; returnUrl: string }): void {
  const problems: { field: string; message: string }[] = []
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0 || input.amountMinor > 2_147_483_647) problems.push({ field: 'amountMinor', message: 'must be a positive whole number of minor units' })
  if (!CURRENCY.test(input.currency)) problems.push({ field: 'currency', message: 'must be an ISO 4217 code' })
  if (input.paymentId === '') problems.push({ field: 'paymentId', message: 'is required' })
  let returnUrl: URL | null = null
  try {
    returnUrl = new URL(input.returnUrl)
  } catch {
    // reported below
  }
  if (returnUrl === null || (returnUrl.protocol !== 'https:' && returnUrl.protocol !== 'http:')) problems.push({ field: 'returnUrl', message: 'must be an absolute http(s) URL' })
  if (problems.length > 0) throw new AppError('invalid_data', 'The sandbox cannot create this payment', problems)
}

async function createPayment(deps: SandboxDeps, input: Parameters<PaymentProvider['createPayment']>[0]) {
  checkPaymentInput(input)
  const now = deps.clock.now()
  const [created] = await deps.db
    .insert(sandboxPayments)
    .values({
      id: sandboxId('sbx'),
      reference: input.paymentId,
      amountMinor: input.amountMinor,
      currency: input.currency,
      description: input.description,
      returnUrl: input.returnUrl,
      status: 'requires_payment',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: sandboxPayments.reference })
    .returning()
  // Created before for this payment (Souk retried): the same one, if asked the same.
  const payment = created ?? (await deps.db.select().from(sandboxPayments).where(eq(sandboxPayments.reference, input.paymentId)))[0]!
  if (payment.amountMinor !== input.amountMinor || payment.currency !== input.currency) {
    throw new AppError('unprocessable', 'A sandbox payment exists for this payment id with another amount', { reason: 'idempotency_key_reused' })
  }
  return { providerRef: payment.id, redirectUrl: `${deps.publicUrl().replace(/\/+$/, '')}/pay/${payment.id}` }
}

/**
 * Refunds `amountMinor` of a succeeded payment, at most what is left of it. The refund row is
 * claimed first on its idempotency key (a concurrent retry waits for this one and then finds it),
 * then the refunded total grows by a conditional update, so racing refunds cannot overdraw it.
 */
async function refund(deps: SandboxDeps, job: JobKind<SandboxDelivery>, input: Parameters<PaymentProvider['refund']>[0]): Promise<{ refundRef: string }> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw new AppError('invalid_data', 'A refund is a positive whole number of minor units', [{ field: 'amountMinor', message: 'must be positive' }])
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const now = deps.clock.now()
    // Payments are never deleted: once found, the refund's foreign key holds.
    const [exists] = await tx.select({ id: sandboxPayments.id }).from(sandboxPayments).where(eq(sandboxPayments.id, input.providerRef))
    if (exists === undefined) throw new AppError('not_found', 'No sandbox payment has this reference')
    const [claimed] = await tx
      .insert(sandboxRefunds)
      .values({ id: sandboxId('sbxre'), idempotencyKey: input.idempotencyKey, paymentId: input.providerRef, amountMinor: input.amountMinor, currency: input.currency, createdAt: now })
      .onConflictDoNothing({ target: sandboxRefunds.idempotencyKey })
      .returning()
    if (claimed === undefined) {
      const [earlier] = await tx.select().from(sandboxRefunds).where(eq(sandboxRefunds.idempotencyKey, input.idempotencyKey))
      if (earlier === undefined || earlier.paymentId !== input.providerRef || earlier.amountMinor !== input.amountMinor || earlier.currency !== input.currency) {
        throw new AppError('unprocessable', 'This idempotency key was used for another refund', { reason: 'idempotency_key_reused' })
      }
      return { refundRef: earlier.id, eventIds: [] }
    }
    const [payment] = await tx
      .update(sandboxPayments)
      .set({ refundedMinor: sql`${sandboxPayments.refundedMinor} + ${input.amountMinor}`, updatedAt: now })
      .where(
        and(
          eq(sandboxPayments.id, input.providerRef),
          eq(sandboxPayments.status, 'succeeded'),
          eq(sandboxPayments.currency, input.currency),
          sql`${sandboxPayments.refundedMinor} + ${input.amountMinor} <= ${sandboxPayments.amountMinor}`,
        ),
      )
      .returning()
    if (payment === undefined) throw await refundRefusal(tx, input)
    const eventId = await recordEvent(deps, job, tx, payment.id, (id, created) => ({
      id,
      object: 'event',
      type: 'refund.succeeded',
      created,
      data: { object: { object: 'refund', id: claimed.id, payment: payment.id, amount: claimed.amountMinor, currency: claimed.currency } },
    }))
    return { refundRef: claimed.id, eventIds: [eventId] }
  })
  await announce(deps, outcome.eventIds)
  return { refundRef: outcome.refundRef }
}

/** Why a refund's conditional update matched nothing (the transaction is rolled back with it). */
async function refundRefusal(tx: Tx, input: Parameters<PaymentProvider['refund']>[0]): Promise<AppError> {
  const [payment] = await tx.select().from(sandboxPayments).where(eq(sandboxPayments.id, input.providerRef))
  if (payment === undefined) return new AppError('not_found', 'No sandbox payment has this reference')
  if (payment.status !== 'succeeded') return new AppError('conflict', 'Only a succeeded payment can be refunded', { status: payment.status })
  if (payment.currency !== input.currency) return new AppError('invalid_data', `This payment is in ${payment.currency}`, [{ field: 'currency', message: `must be ${payment.currency}` }])
  return new AppError('conflict', `At most ${payment.amountMinor - payment.refundedMinor} can still be refunded`, { status: 'refunded' })
}

// ---- the hosted page ----

const findPayment = async (db: Db, id: string) => (await db.select().from(sandboxPayments).where(eq(sandboxPayments.id, id)))[0] ?? null

/** The page of a payment as it stands (what a second submit or the back button gets). */
function pageOf(payment: PaymentRow): Response {
  switch (payment.status) {
    case 'requires_payment':
      return cardPage(payment)
    case 'requires_confirmation':
      return confirmPage(payment)
    case 'succeeded':
      return paidPage(payment)
    case 'failed':
      return failedPage(payment, payment.failureMessage ?? NOT_CONFIRMED_MESSAGE)
  }
}

const backToSouk = (payment: PaymentRow) => new Response(null, { status: 303, headers: { location: payment.returnUrl, 'cache-control': 'no-store' } })

/**
 * Moves a payment from `from` to `to` if it is still there (a double submit finds it moved and
 * changes nothing), records the event it causes in the same transaction, and delivers it after.
 * Null when the payment had moved on.
 */
async function transition(
  deps: SandboxDeps,
  job: JobKind<SandboxDelivery>,
  id: string,
  change: { from: SandboxPaymentStatus; to: SandboxPaymentStatus; failureMessage?: string | null; event: 'payment.succeeded' | 'payment.failed' | null },
): Promise<PaymentRow | null> {
  const outcome = await deps.db.transaction(async (tx) => {
    const [moved] = await tx
      .update(sandboxPayments)
      .set({ status: change.to, updatedAt: deps.clock.now(), ...(change.failureMessage === undefined ? {} : { failureMessage: change.failureMessage }) })
      .where(and(eq(sandboxPayments.id, id), eq(sandboxPayments.status, change.from)))
      .returning()
    if (moved === undefined) return null
    const eventIds = change.event === null ? [] : [await recordEvent(deps, job, tx, moved.id, paymentEvent(change.event, moved))]
    return { payment: moved, eventIds }
  })
  if (outcome === null) return null
  await announce(deps, outcome.eventIds)
  return outcome.payment
}

// Every field optional and loosely bounded: a missing or wrong one is shown beside its field on the
// form (checkCard), not answered as a JSON error a buyer's browser would display raw.
const formField = () => t.Optional(t.String({ maxLength: 200 }))
const CardFormBody = t.Object({ number: formField(), expiry: formField(), cvc: formField(), name: formField() })
const ConfirmFormBody = t.Object({ action: enumOf(['confirm', 'fail']) })

async function pay(deps: SandboxDeps, job: JobKind<SandboxDelivery>, id: string, form: CardForm): Promise<Response> {
  const payment = await findPayment(deps.db, id)
  if (payment === null) return notFoundPage()
  if (payment.status !== 'requires_payment') return pageOf(payment)
  const card = checkCard(form, deps.clock.now())
  if (!card.ok) return cardPage(payment, { status: 400, values: form, errors: card.errors })
  if (card.outcome === 'confirm') {
    const waiting = await transition(deps, job, id, { from: 'requires_payment', to: 'requires_confirmation', event: null })
    return waiting === null ? pageOf((await findPayment(deps.db, id))!) : confirmPage(waiting)
  }
  if (card.outcome === 'succeed') {
    const paid = await transition(deps, job, id, { from: 'requires_payment', to: 'succeeded', failureMessage: null, event: 'payment.succeeded' })
    return paid === null ? pageOf((await findPayment(deps.db, id))!) : backToSouk(paid)
  }
  // Declined: the attempt failed (Souk hears of it), the payment stays open for another card.
  const message = card.outcome === 'decline' ? DECLINED_MESSAGE : UNSUPPORTED_MESSAGE
  const declined = await transition(deps, job, id, { from: 'requires_payment', to: 'requires_payment', failureMessage: message, event: 'payment.failed' })
  if (declined === null) return pageOf((await findPayment(deps.db, id))!)
  return cardPage(declined, { status: 402, values: { name: form.name }, notice: message })
}

async function confirm(deps: SandboxDeps, job: JobKind<SandboxDelivery>, id: string, action: 'confirm' | 'fail'): Promise<Response> {
  const payment = await findPayment(deps.db, id)
  if (payment === null) return notFoundPage()
  if (payment.status !== 'requires_confirmation') return pageOf(payment)
  if (action === 'confirm') {
    const paid = await transition(deps, job, id, { from: 'requires_confirmation', to: 'succeeded', failureMessage: null, event: 'payment.succeeded' })
    return paid === null ? pageOf((await findPayment(deps.db, id))!) : backToSouk(paid)
  }
  const failed = await transition(deps, job, id, { from: 'requires_confirmation', to: 'failed', failureMessage: NOT_CONFIRMED_MESSAGE, event: 'payment.failed' })
  return failed === null ? pageOf((await findPayment(deps.db, id))!) : failedPage(failed, NOT_CONFIRMED_MESSAGE, 402)
}

function sandboxRoutes(deps: SandboxDeps, job: JobKind<SandboxDelivery>) {
  // Pages for a buyer's browser, not API: left out of the OpenAPI document, as the web pages are.
  return new Elysia({ detail: { hide: true } })
    .get('/pay/:id', async ({ params }) => {
      const payment = await findPayment(deps.db, params.id)
      return payment === null ? notFoundPage() : pageOf(payment)
    })
    .post('/pay/:id', ({ params, body }) => pay(deps, job, params.id, body), { parse: 'urlencoded', body: CardFormBody })
    .post('/pay/:id/confirm', ({ params, body }) => confirm(deps, job, params.id, body.action), { parse: 'urlencoded', body: ConfirmFormBody })
}

/** The sandbox provider, its hosted pages and its webhook delivery job. */
export function createSandboxProvider(deps: SandboxDeps): SandboxProvider {
  const deliveryJob = defineJob<SandboxDelivery>(SANDBOX_WEBHOOK_JOB, (data, attempt) => deliverEvent(deps, data.eventId, attempt.signal), {
    // About 5 s, 10 s, 20 s, ... up to 40 minutes apart: Souk down for a deploy or a while still
    // gets every event; after the last try the event is in the dead letters (admin redrive).
    retryLimit: 10,
    retryDelaySeconds: 5,
    backoff: true,
    concurrency: 4,
    expireInSeconds: 60,
  })
  const provider: PaymentProvider = {
    name: SANDBOX_PROVIDER_NAME,
    createPayment: (input) => createPayment(deps, input),
    parseWebhook: (rawBody, headers, now) => parseWebhook(deps.secret, rawBody, headers, now),
    refund: (input) => refund(deps, deliveryJob, input),
  }
  return { provider, routes: sandboxRoutes(deps, deliveryJob), deliveryJob }
}
