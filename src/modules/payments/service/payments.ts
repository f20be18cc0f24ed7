// Paying: an order group by card (through the provider: the buyer pays on its page, its webhook
// confirms) or from the wallet (one transaction), and deposits into the wallet by card. A confirmed
// payment credits the buyer's escrow (`held`) and holds each order's amount for its shop.
import { createHash } from 'node:crypto'
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { defineJob } from '../../../jobs/queue'
import { pgErrorOf } from '../../../db/errors'
import { appendEvent } from '../../../events/log'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { SYSTEM } from '../../../lib/request-origin'
import { type AccountRef, balanceEvents, lockAccounts, transfer } from '../../ledger'
import { findVendorById } from '../../vendors'
import { lockUnpaidOrders, payOrders, type OrderRow } from '../../orders'
import type { NewPaymentEvent } from '../events'
import type { PaymentsModel } from '../model'
import type { ProviderEvent } from '../providers/provider'
import { payments, providerEvents, refunds } from '../table'
import { holdForOrder, refundHeld } from './escrow'
import { afterCommit, amountText, type Committed, type Conn, nothing, notifyInto, orderMoneyEvent, type PaymentsDeps } from './shared'

export type PaymentRow = typeof payments.$inferSelect

/** Appends `payment.updated` on the payer's topic: `row` as it now stands (after the money moved). */
const paymentEvent = (tx: Tx, row: Pick<PaymentRow, 'id' | 'userId' | 'purpose' | 'groupId' | 'status' | 'failureMessage'>, now: Date) =>
  appendEvent<NewPaymentEvent>(tx, now, {
    topic: `user:${row.userId}`,
    kind: 'payment.updated',
    data: { paymentId: row.id, purpose: row.purpose, groupId: row.groupId, status: row.status, failureMessage: row.failureMessage },
  })

export const toPayment = (row: PaymentRow): PaymentsModel.Payment => ({
  id: row.id,
  purpose: row.purpose,
  groupId: row.groupId,
  method: row.provider === 'wallet' ? 'wallet' : 'card',
  status: row.status,
  amountMinor: row.amountMinor,
  currency: row.currency,
  redirectUrl: row.status === 'pending' ? row.redirectUrl : null,
  failureMessage: row.failureMessage,
  createdAt: row.createdAt,
})

const hashOf = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex')

/**
 * Runs `work`; when a concurrent request with the same Idempotency-Key (another body, so it locked
 * other rows) inserted its payment first, answers that one as a replay would (or the 422).
 */
async function onKeyTaken<T>(replay: () => Promise<PaymentRow | null>, work: () => Promise<T>): Promise<T | { replay: PaymentRow }> {
  try {
    return await work()
  } catch (error) {
    if (pgErrorOf(error)?.constraint !== 'payments_key') throw error
    return { replay: (await replay())! }
  }
}

/** The payment made under a user's Idempotency-Key: the same request answers it, another is refused. */
async function replayOf(db: Conn, userId: string, key: string, requestHash: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(and(eq(payments.userId, userId), eq(payments.key, key)))
  if (row === undefined) return null
  if (row.requestHash !== requestHash) throw new AppError('unprocessable', 'This Idempotency-Key was used for another payment: use a new key', { reason: 'idempotency_key_reused' })
  return row
}

/** My payments of an order group, newest first (a declined card, then the one that paid). */
export async function paymentsOfGroup(db: Conn, userId: string, groupId: string): Promise<{ items: PaymentsModel.Payment[] }> {
  const rows = await db.select().from(payments).where(and(eq(payments.userId, userId), eq(payments.groupId, groupId))).orderBy(desc(payments.createdAt), desc(payments.id))
  return { items: rows.map(toPayment) }
}

/** A user's own payment; anyone else's is 404. */
export async function getPayment(db: Conn, userId: string, paymentId: string): Promise<PaymentsModel.Payment> {
  const [row] = await db.select().from(payments).where(and(eq(payments.id, paymentId), eq(payments.userId, userId)))
  if (row === undefined) throw new AppError('not_found', 'No such payment')
  return toPayment(row)
}

/** The shops' owners of `orders`, by vendor id. */
async function shopOwners(tx: Tx, orders: OrderRow[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>()
  for (const vendorId of new Set(orders.map((order) => order.vendorId))) owners.set(vendorId, (await findVendorById(tx, vendorId))!.userId)
  return owners
}

/**
 * Pays the unpaid orders of a group with money that has just reached the buyer's `held` account
 * (`paid`): each order's amount is held for its shop, the orders are placed, and what is left over
 * (orders cancelled or expired meanwhile) goes back where it came from.
 */
async function settleOrders(deps: PaymentsDeps, tx: Tx, payment: PaymentRow, unpaid: OrderRow[], owners: Map<string, string>, now: Date): Promise<Committed> {
  const committed = nothing()
  const source = payment.provider === 'wallet' ? 'wallet' : 'card'
  const changed: string[] = [payment.userId]
  for (const order of unpaid) {
    committed.events.push(await orderMoneyEvent(tx, order.id, 'held', now))
    // The shop's plan when the payment is confirmed fixes its commission (vendors.commission_bp, kept by plans; null: the platform's).
    const commissionBp = (await findVendorById(tx, order.vendorId))?.commissionBp ?? (await deps.readSettings(tx)).commissionBp
    changed.push(
      ...(await holdForOrder(tx, {
        orderId: order.id,
        paymentId: payment.id,
        buyerId: payment.userId,
        shopUserId: owners.get(order.vendorId)!,
        source,
        amountMinor: order.totalMinor,
        currency: order.currency,
        commissionBp,
        now,
      })),
    )
  }
  const surplus = payment.amountMinor - unpaid.reduce((sum, order) => sum + order.totalMinor, 0)
  // Souk gives the surplus back by itself: the system's refund in the audit log.
  if (surplus > 0) changed.push(...(await refundHeld(deps, tx, { paymentId: payment.id, orderId: null, buyerId: payment.userId, source, amountMinor: surplus, currency: payment.currency, now, by: SYSTEM, why: 'surplus' }, committed)))
  const placed = await payOrders(deps.orders, tx, unpaid.map((order) => order.id))
  committed.events.push(...(await balanceEvents(tx, changed, payment.currency, now)), ...placed.events)
  committed.afterCommit.push(placed.afterCommit)
  return committed
}

/**
 * The accounts a payment of these orders touches, locked at once in id order (see lockAccounts):
 * the payer's wallet and escrow, the shops' wallets, and for a card the provider's clearing account
 * (a wallet payment leaves that shared row alone).
 */
function accountsOf(payment: Pick<PaymentRow, 'userId' | 'currency' | 'provider'>, owners: Iterable<string>): AccountRef[] {
  const currency = payment.currency
  return [
    { kind: 'available', ownerId: payment.userId, currency },
    { kind: 'held', ownerId: payment.userId, currency },
    ...(payment.provider === 'wallet' ? [] : [{ kind: 'provider_clearing', provider: payment.provider, currency } as const]),
    ...[...owners].map((ownerId): AccountRef => ({ kind: 'available', ownerId, currency })),
  ]
}

/**
 * Pays my order group: from the wallet at once (all or nothing: not enough funds is a 409 and
 * nothing moves), or by card (answers the pending payment with the provider's page to send me
 * to). Idempotent on `key`: a retry answers the first payment.
 */
export async function payOrderGroup(deps: PaymentsDeps, userId: string, key: string, body: PaymentsModel.PayBody): Promise<{ payment: PaymentsModel.Payment; replayed: boolean }> {
  const requestHash = hashOf(['order', body.groupId, body.method])
  const now = deps.clock.now()
  const outcome = await onKeyTaken(() => replayOf(deps.db, userId, key, requestHash), () => deps.db.transaction(async (tx) => {
    // The group's orders first: a concurrent payment of the same group waits here, then finds them paid.
    const unpaid = await lockUnpaidOrders(tx, userId, body.groupId)
    if (unpaid === null) throw new AppError('not_found', 'No such order group')
    const replay = await replayOf(tx, userId, key, requestHash)
    if (replay !== null) return { replay }
    if (unpaid.length === 0) throw new AppError('conflict', 'These orders are paid or cancelled already', { reason: 'already_paid' })
    const amountMinor = unpaid.reduce((sum, order) => sum + order.totalMinor, 0)
    const currency = unpaid[0]!.currency
    const row: PaymentRow = {
      id: newId('pay'),
      userId,
      purpose: 'order',
      groupId: body.groupId,
      provider: body.method === 'wallet' ? 'wallet' : (deps.provider.name as PaymentRow['provider']),
      providerRef: null,
      redirectUrl: null,
      amountMinor,
      currency,
      status: body.method === 'wallet' ? 'succeeded' : 'pending',
      failureMessage: null,
      key,
      requestHash,
      createdAt: now,
      updatedAt: now,
    }
    await tx.insert(payments).values(row)
    if (body.method === 'card') return { created: row, committed: nothing() }
    const owners = await shopOwners(tx, unpaid)
    await lockAccounts(tx, accountsOf(row, owners.values()), now)
    await transfer(tx, {
      key: `payment:${row.id}`,
      debit: { kind: 'available', ownerId: userId, currency },
      credit: { kind: 'held', ownerId: userId, currency },
      amountMinor,
      kind: 'payment',
      ref: `payment:${row.id}`,
      now,
    })
    const committed = await settleOrders(deps, tx, row, unpaid, owners, now)
    committed.events.push(await paymentEvent(tx, row, now))
    await notifyReceived(deps, tx, committed, row)
    return { created: row, committed }
  }))
  if ('replay' in outcome) return { payment: toPayment(await withProvider(deps, outcome.replay!)), replayed: true }
  await afterCommit(deps, outcome.committed)
  return { payment: toPayment(await withProvider(deps, outcome.created)), replayed: false }
}

/**
 * A pending card payment with its provider payment made (created after the row committed, so no
 * transaction waits on the provider; a retry of a request whose provider call failed makes it).
 */
async function withProvider(deps: PaymentsDeps, row: PaymentRow): Promise<PaymentRow> {
  if (row.provider === 'wallet' || row.status !== 'pending' || row.providerRef !== null) return row
  const created = await deps.provider.createPayment({
    paymentId: row.id,
    amountMinor: row.amountMinor,
    currency: row.currency,
    description: row.purpose === 'deposit' ? 'Deposit into your Souk wallet' : 'Your Souk order',
    returnUrl: `${deps.publicUrl}${row.purpose === 'deposit' ? '/wallet' : `/orders?group=${row.groupId}`}`,
  })
  // A concurrent retry may have recorded it first: the first one stays.
  await deps.db
    .update(payments)
    .set({ providerRef: created.providerRef, redirectUrl: created.redirectUrl, updatedAt: deps.clock.now() })
    .where(and(eq(payments.id, row.id), isNull(payments.providerRef)))
  const [stored] = await deps.db.select().from(payments).where(eq(payments.id, row.id))
  // The provider's events may have come before the reference was known: they wait for it.
  await processLater(deps, stored!.providerRef!)
  return stored!
}

/** Starts a deposit into my wallet by card: answers the pending payment and the provider's page. Idempotent on `key`. */
export async function startDeposit(deps: PaymentsDeps, userId: string, key: string, body: PaymentsModel.DepositBody): Promise<{ payment: PaymentsModel.Payment; replayed: boolean }> {
  const { depositMinMinor, depositMaxMinor, currencies } = deps.settings
  if (!currencies.includes(body.currency)) {
    throw new AppError('invalid_data', `Deposits are taken in ${currencies.join(', ')}`, [{ field: 'body.currency', message: `must be one of ${currencies.join(', ')}` }])
  }
  if (body.amountMinor < depositMinMinor || body.amountMinor > depositMaxMinor) {
    throw new AppError('invalid_data', `A deposit is between ${amountText(depositMinMinor, body.currency)} and ${amountText(depositMaxMinor, body.currency)}`, [
      { field: 'body.amountMinor', message: `must be between ${depositMinMinor} and ${depositMaxMinor}` },
    ])
  }
  const requestHash = hashOf(['deposit', body.amountMinor, body.currency])
  const now = deps.clock.now()
  const [inserted] = await deps.db
    .insert(payments)
    .values({ id: newId('pay'), userId, purpose: 'deposit', groupId: null, provider: deps.provider.name as PaymentRow['provider'], providerRef: null, redirectUrl: null, amountMinor: body.amountMinor, currency: body.currency, status: 'pending', failureMessage: null, key, requestHash, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning()
  const row = inserted ?? (await replayOf(deps.db, userId, key, requestHash))!
  return { payment: toPayment(await withProvider(deps, row)), replayed: inserted === undefined }
}

// ---- webhooks

/**
 * A provider's webhook: the signature is checked and the event stored once (a replay changes
 * nothing), then processed by a job, so the provider gets its 2xx at once. Without a queue (tests
 * that run none) it is processed before answering.
 */
export async function receiveWebhook(deps: PaymentsDeps, providerName: string, rawBody: string, headers: Headers): Promise<{ received: true; duplicate: boolean }> {
  if (providerName !== deps.provider.name) throw new AppError('not_found', 'No such payment provider')
  const now = deps.clock.now()
  const event = deps.provider.parseWebhook(rawBody, headers, now)
  const provider = providerName as PaymentRow['provider']
  const stored = await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(providerEvents)
      .values({ provider, id: event.id, type: event.type, providerRef: event.providerRef, payload: { ...event, createdAt: event.createdAt.toISOString() }, state: 'received', note: null, occurredAt: event.createdAt, receivedAt: now, processedAt: null })
      .onConflictDoNothing()
      .returning()
    // A repeat of an event still unprocessed is queued again (processing is idempotent): a
    // delivery whose first try failed after storing it is not lost.
    const [kept] = inserted === undefined ? await tx.select({ state: providerEvents.state }).from(providerEvents).where(and(eq(providerEvents.provider, provider), eq(providerEvents.id, event.id))) : [inserted]
    const open = kept!.state === 'received' || kept!.state === 'waiting'
    // Queued in the transaction that stores the event: stored means it will be processed.
    if (open && deps.queue !== null) await deps.queue.enqueue(processEventsJob(deps), { providerRef: event.providerRef }, { tx })
    return { duplicate: inserted === undefined, open }
  })
  if (stored.open && deps.queue === null) await processEvents(deps, event.providerRef)
  return { received: true, duplicate: stored.duplicate }
}

export const PROCESS_EVENTS_JOB = 'payments.process-events'

/** Queues the processing of a provider payment's unprocessed events (or runs it now without a queue). */
export async function processLater(deps: PaymentsDeps, providerRef: string): Promise<void> {
  if (deps.queue === null) {
    await processEvents(deps, providerRef)
    return
  }
  await deps.queue.enqueue(processEventsJob(deps), { providerRef })
}

/** Processes a provider payment's events; retried (processing is idempotent under the payment's lock). */
export const processEventsJob = (deps: PaymentsDeps) =>
  defineJob<{ providerRef: string }>(PROCESS_EVENTS_JOB, ({ providerRef }) => processEvents(deps, providerRef), { retryLimit: 10, retryDelaySeconds: 5, backoff: true })

type Outcome = { state: 'processed' | 'waiting' | 'ignored'; note: string | null; committed: Committed }

/**
 * Processes the unprocessed events of one provider payment, oldest (by the provider's time)
 * first, under the payment's row lock: each is applied at most once, whatever the order or the
 * number of deliveries. An event that cannot apply yet (a refund whose request Souk has not
 * recorded) waits and is tried again with the payment's next event.
 */
export async function processEvents(deps: PaymentsDeps, providerRef: string): Promise<void> {
  const committed = await deps.db.transaction(async (tx) => {
    const now = deps.clock.now()
    const provider = deps.provider.name as PaymentRow['provider']
    const [payment] = await tx.select().from(payments).where(and(eq(payments.provider, provider), eq(payments.providerRef, providerRef))).for('update')
    const open = await tx
      .select()
      .from(providerEvents)
      .where(and(eq(providerEvents.provider, provider), eq(providerEvents.providerRef, providerRef), inArray(providerEvents.state, ['received', 'waiting'])))
      .orderBy(asc(providerEvents.occurredAt), asc(providerEvents.receivedAt))
      .for('update')
    const all = nothing()
    let current = payment ?? null
    for (const row of open) {
      const event = { ...(row.payload as unknown as ProviderEvent), createdAt: row.occurredAt }
      // An event for a payment whose reference Souk has not recorded yet waits for it (withProvider processes it then).
      const outcome: Outcome = current === null ? { state: 'waiting', note: 'No payment of Souk has this reference yet', committed: nothing() } : await apply(deps, tx, current, event, now)
      all.events.push(...outcome.committed.events)
      all.afterCommit.push(...outcome.committed.afterCommit)
      await tx.update(providerEvents).set({ state: outcome.state, note: outcome.note, processedAt: outcome.state === 'waiting' ? null : now }).where(and(eq(providerEvents.provider, row.provider), eq(providerEvents.id, row.id)))
      if (current !== null) current = (await tx.select().from(payments).where(eq(payments.id, current.id)))[0]!
    }
    return all
  })
  await afterCommit(deps, committed)
}

async function apply(deps: PaymentsDeps, tx: Tx, payment: PaymentRow, event: ProviderEvent, now: Date): Promise<Outcome> {
  if (event.type === 'payment.succeeded') {
    if (payment.status === 'succeeded') return { state: 'ignored', note: 'Already succeeded', committed: nothing() }
    if (event.amountMinor !== payment.amountMinor || event.currency !== payment.currency) {
      // The money is at the provider but not what Souk asked for: an admin must look at it.
      deps.log.error('payments: a provider confirmed an amount that is not the payment’s', { paymentId: payment.id, event: event.id })
      return { state: 'ignored', note: `Amount ${event.amountMinor} ${event.currency} does not match the payment`, committed: nothing() }
    }
    return { state: 'processed', note: null, committed: await succeed(deps, tx, payment, now) }
  }
  if (event.type === 'payment.failed') {
    if (payment.status !== 'pending') return { state: 'ignored', note: `The payment is ${payment.status} already`, committed: nothing() }
    const failureMessage = event.message ?? 'The payment failed'
    await tx.update(payments).set({ status: 'failed', failureMessage, updatedAt: now }).where(eq(payments.id, payment.id))
    return { state: 'processed', note: null, committed: { events: [await paymentEvent(tx, { ...payment, status: 'failed', failureMessage }, now)], afterCommit: [] } }
  }
  // refund.succeeded: the refund Souk asked for (matched by the provider's refund id once recorded).
  const [refund] = event.refundRef === null ? [] : await tx.select().from(refunds).where(and(eq(refunds.paymentId, payment.id), eq(refunds.providerRefundRef, event.refundRef))).for('update')
  if (refund === undefined) return { state: 'waiting', note: 'No refund of Souk matches it yet', committed: nothing() }
  if (refund.status === 'succeeded') return { state: 'ignored', note: 'Already succeeded', committed: nothing() }
  await tx.update(refunds).set({ status: 'succeeded', updatedAt: now }).where(eq(refunds.id, refund.id))
  return { state: 'processed', note: null, committed: nothing() }
}

/**
 * A card payment confirmed: a deposit reaches the wallet; an order payment reaches the buyer's
 * escrow and pays the group's orders still unpaid (the rest is refunded to the card).
 */
async function succeed(deps: PaymentsDeps, tx: Tx, payment: PaymentRow, now: Date): Promise<Committed> {
  const committed = nothing()
  const { currency, userId } = payment
  const clearing = { kind: 'provider_clearing', provider: deps.provider.name, currency } as const
  // Orders before accounts, as in a wallet payment and a cancellation.
  const unpaid = payment.purpose === 'order' ? ((await lockUnpaidOrders(tx, userId, payment.groupId!)) ?? []) : []
  const owners = await shopOwners(tx, unpaid)
  await lockAccounts(tx, accountsOf(payment, owners.values()), now)
  await tx.update(payments).set({ status: 'succeeded', failureMessage: null, updatedAt: now }).where(eq(payments.id, payment.id))
  const credited = await transfer(tx, {
    key: `payment:${payment.id}`,
    debit: clearing,
    credit: { kind: payment.purpose === 'deposit' ? 'available' : 'held', ownerId: userId, currency },
    amountMinor: payment.amountMinor,
    kind: payment.purpose === 'deposit' ? 'deposit' : 'payment',
    ref: `payment:${payment.id}`,
    now,
  })
  if (payment.purpose === 'deposit') committed.events.push(...(await balanceEvents(tx, credited.owners, currency, now)))
  else {
    const settled = await settleOrders(deps, tx, payment, unpaid, owners, now)
    committed.events.push(...settled.events)
    committed.afterCommit.push(...settled.afterCommit)
  }
  committed.events.push(await paymentEvent(tx, { ...payment, status: 'succeeded', failureMessage: null }, now))
  // A payment of orders cancelled meanwhile is refunded whole: the refund's notice says so.
  if (payment.purpose === 'deposit' || unpaid.length > 0) await notifyReceived(deps, tx, committed, payment)
  return committed
}

/** Tells the payer a payment was received (by card or from the wallet), or a deposit reached their wallet: the notification and its email. */
function notifyReceived(deps: PaymentsDeps, tx: Tx, committed: Committed, payment: PaymentRow): Promise<void> {
  const { amountMinor, currency } = payment
  return notifyInto(deps, tx, committed, {
    userId: payment.userId,
    type: 'payment',
    subject: `payment:${payment.id}`,
    text: payment.purpose === 'deposit' ? `${amountText(amountMinor, currency)} deposited into your wallet` : `Payment of ${amountText(amountMinor, currency)} received: held until you confirm receipt`,
    link: payment.purpose === 'deposit' ? '/wallet' : '/orders',
  })
}
