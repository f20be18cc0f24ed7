// Escrow: a paid order's amount waits in the ledger as a pending transfer from the buyer's `held`
// account to the shop's wallet. It is released (posted, less the platform's commission) when the
// buyer confirms receipt or ESCROW_AUTO_RELEASE_DAYS after delivery, and refunded (voided, then
// back to the wallet or the card) when the order is cancelled before shipping. Orders calls
// `escrowStep` inside each transition's transaction (OrdersDeps.onTransition, bound in app.ts).
import { and, asc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { defineJob } from '../../../jobs/queue'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { Actor } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { type AccountRef, balanceEvents, holdPending, lockAccounts, pendingState, postPending, transfer, voidPending } from '../../ledger'
import { completeBySystem, type ItemsRefund, type OrderStep } from '../../orders'
import type { EscrowSource, EscrowState } from '../status'
import { escrows, payments, refunds } from '../table'
import { processLater } from './payments'
import { cashCommissionBack, cashDue } from './cash'
import { amountText, type Committed, commissionOf, type Conn, merge, nothing, notifyInto, orderMoneyEvent, type PaymentsDeps } from './shared'

export type EscrowRow = typeof escrows.$inferSelect

const DAY = 24 * 60 * 60_000

/**
 * Holds a paid order's amount for its shop: the buyer's `held` account (credited by the payment)
 * reserves it in a pending transfer to the shop owner's wallet. Once per order (keyed by it).
 */
export async function holdForOrder(
  tx: Tx,
  input: { orderId: string; paymentId: string; buyerId: string; shopUserId: string; source: EscrowSource; amountMinor: number; currency: string; commissionBp: number; now: Date },
): Promise<string[]> {
  const held = await holdPending(tx, {
    key: `escrow:${input.orderId}`,
    debit: { kind: 'held', ownerId: input.buyerId, currency: input.currency },
    credit: { kind: 'available', ownerId: input.shopUserId, currency: input.currency },
    amountMinor: input.amountMinor,
    kind: 'escrow_hold',
    ref: `order:${input.orderId}`,
    now: input.now,
  })
  await tx
    .insert(escrows)
    .values({
      orderId: input.orderId,
      paymentId: input.paymentId,
      buyerId: input.buyerId,
      shopUserId: input.shopUserId,
      source: input.source,
      amountMinor: input.amountMinor,
      currency: input.currency,
      // The rate when the buyer paid: what the shop was shown is what it is charged.
      commissionBp: input.commissionBp,
      pendingTransferId: held.transfer.id,
      releaseAfter: null,
      frozenAt: null,
      createdAt: input.now,
    })
    .onConflictDoNothing()
  return held.owners
}

/** How an escrow stands, from the ledger: held (or frozen by a dispute), released, or refunded. */
export async function escrowState(db: Conn, escrow: EscrowRow): Promise<{ state: EscrowState; at: Date | null; releasedMinor: number }> {
  const pending = await pendingState(db, escrow.pendingTransferId)
  if (pending.state === 'posted') return { state: 'released', at: pending.at, releasedMinor: pending.amountMinor }
  if (pending.state === 'voided') return { state: 'refunded', at: pending.at, releasedMinor: 0 }
  return { state: escrow.frozenAt === null ? 'held' : 'frozen', at: null, releasedMinor: 0 }
}

const findEscrow = async (tx: Tx, orderId: string) => (await tx.select().from(escrows).where(eq(escrows.orderId, orderId)).for('update'))[0] ?? null

/**
 * Releases an order's escrow to its shop: the pending transfer is posted, then the commission
 * moves from the shop's wallet to platform revenue. Refused while a dispute holds it.
 */
async function release(deps: PaymentsDeps, tx: Tx, escrow: EscrowRow, now: Date): Promise<Committed> {
  if (escrow.frozenAt !== null) throw new AppError('conflict', 'A problem was reported with this order: its payment stays held until it is resolved', { reason: 'dispute_open' })
  const { currency } = escrow
  await lockAccounts(tx, [{ kind: 'held', ownerId: escrow.buyerId, currency }, { kind: 'available', ownerId: escrow.shopUserId, currency }, { kind: 'platform_revenue', currency }], now)
  const posted = await postPending(tx, { key: `release:${escrow.orderId}`, pendingId: escrow.pendingTransferId, now })
  const commission = commissionOf(escrow.amountMinor, escrow.commissionBp)
  const owners = [...posted.owners]
  if (commission > 0) {
    const charged = await transfer(tx, {
      key: `commission:${escrow.orderId}`,
      debit: { kind: 'available', ownerId: escrow.shopUserId, currency: escrow.currency },
      credit: { kind: 'platform_revenue', currency: escrow.currency },
      amountMinor: commission,
      kind: 'commission',
      ref: `order:${escrow.orderId}`,
      now,
    })
    owners.push(...charged.owners)
  }
  const committed: Committed = { events: [...(await balanceEvents(tx, owners, escrow.currency, now)), await orderMoneyEvent(tx, escrow.orderId, 'released', now)], afterCommit: [] }
  await notifyInto(deps, tx, committed, {
    userId: escrow.shopUserId,
    type: 'payment',
    subject: `escrow:${escrow.orderId}`,
    text: `${amountText(escrow.amountMinor - commission, escrow.currency)} released to your wallet for an order (commission ${amountText(commission, escrow.currency)})`,
    link: '/dashboard/earnings',
  })
  return committed
}

/**
 * Gives an order's escrow back: the pending transfer is voided (the money returns to the buyer's
 * `held` account), then it goes back where it came from — the wallet at once, or the card through
 * the provider (a refund row, asked of the provider by a job after commit).
 */
async function refund(deps: PaymentsDeps, tx: Tx, escrow: EscrowRow, now: Date, by: Actor): Promise<Committed> {
  // A dispute holds it: only its decision settles it (disputes unfreeze it to cancel an unshipped order).
  if (escrow.frozenAt !== null) throw new AppError('conflict', 'A problem was reported with this order: its payment stays held until it is resolved', { reason: 'dispute_open' })
  const { currency, buyerId } = escrow
  // Every account of the void and the refund at once: taken pair by pair, the buyer's wallet would
  // be locked after their escrow, the other way round from a payment.
  await lockAccounts(tx, [{ kind: 'held', ownerId: buyerId, currency }, { kind: 'available', ownerId: escrow.shopUserId, currency }, refundAccount(deps, escrow.source, buyerId, currency)], now)
  const voided = await voidPending(tx, { key: `void:${escrow.orderId}`, pendingId: escrow.pendingTransferId, now })
  const committed = nothing()
  const back = await refundHeld(deps, tx, { paymentId: escrow.paymentId, orderId: escrow.orderId, buyerId: escrow.buyerId, source: escrow.source, amountMinor: escrow.amountMinor, currency: escrow.currency, now, by, why: 'order_cancelled' }, committed)
  committed.events.push(...(await balanceEvents(tx, [...voided.owners, ...back], escrow.currency, now)), await orderMoneyEvent(tx, escrow.orderId, 'refunded', now))
  return committed
}

/**
 * Sends money in a buyer's `held` account back to where it was paid from: the wallet, or the card
 * (ledger to the provider's clearing account now; the provider is asked by the refund job). The
 * refund is a `payment.refunded` entry of the audit log, as `by`'s (whoever took the step that
 * refunds: an admin, the shop, the buyer, or the system), once. Answers the owners whose balances
 * changed.
 */
export async function refundHeld(
  deps: PaymentsDeps,
  tx: Tx,
  input: {
    paymentId: string
    orderId: string | null
    buyerId: string
    source: EscrowSource
    amountMinor: number
    currency: string
    now: Date
    /** What the refund is of when an order is refunded in parts (a return's id): its ledger key. */
    part?: string
    /** Where it comes from: the buyer's `held` account unless said (the shop's wallet, after release). */
    from?: AccountRef
    /** Who took the step that refunds, from where. */
    by: Actor
    /** What the refund is for (the audit log's summary): a cancelled order, cancelled items, a return, a dispute's decision, a payment's surplus. */
    why: RefundReason
  },
  committed: Committed,
): Promise<string[]> {
  const ref = input.orderId === null ? `payment:${input.paymentId}` : `order:${input.orderId}`
  const what = input.part ?? input.orderId ?? input.paymentId
  const moved = await transfer(tx, {
    key: `refund:${what}`,
    debit: input.from ?? { kind: 'held', ownerId: input.buyerId, currency: input.currency },
    credit: refundAccount(deps, input.source, input.buyerId, input.currency),
    amountMinor: input.amountMinor,
    kind: 'refund',
    ref,
    now: input.now,
  })
  if (moved.created) {
    const from = input.from === undefined ? 'held_payment' : 'shop_wallet'
    await recordRefund(tx, input.by, { orderId: input.orderId, paymentId: input.paymentId, why: input.why, part: input.part ?? null, amountMinor: input.amountMinor, currency: input.currency, from, to: input.source, now: input.now })
  }
  if (input.source === 'card' && moved.created) {
    const refundId = newId('rfd')
    await tx.insert(refunds).values({ id: refundId, paymentId: input.paymentId, orderId: input.orderId, amountMinor: input.amountMinor, currency: input.currency, status: 'pending', providerRefundRef: null, createdAt: input.now, updatedAt: input.now })
    // Queued in this transaction: the refund the ledger records is asked of the provider, even if
    // this process dies right after the commit. Without a queue (tests), asked after commit.
    if (deps.queue !== null) await deps.queue.enqueue(refundJob(deps), { refundId }, { tx })
    else committed.afterCommit.push(() => askProvider(deps, refundId))
  }
  await notifyInto(deps, tx, committed, {
    userId: input.buyerId,
    type: 'payment',
    subject: `refund:${what}`,
    text: `${amountText(input.amountMinor, input.currency)} refunded ${input.source === 'wallet' ? 'to your wallet' : 'to your card'}`,
    link: input.orderId === null ? '/wallet' : `/orders/${input.orderId}`,
  })
  return moved.owners
}

/** Why money goes back to a buyer. */
export type RefundReason = 'order_cancelled' | 'items_cancelled' | 'returned' | 'dispute_decided' | 'surplus'

/**
 * A refund's entry in the audit log: about the order (or the payment, for a payment's surplus), as
 * `by`'s, with where the money came from (the buyer's held payment, or the shop's wallet once it was
 * released or for an order paid on delivery) and where it went (the buyer's wallet, or the card).
 */
function recordRefund(
  tx: Tx,
  by: Actor,
  refund: ({ orderId: string; paymentId: string | null } | { orderId: null; paymentId: string }) & { why: RefundReason; part: string | null; amountMinor: number; currency: string; from: 'held_payment' | 'shop_wallet'; to: EscrowSource; now: Date },
): Promise<void> {
  const { paymentId, why, part, amountMinor, currency, from, to, now } = refund
  const subject = refund.orderId === null ? { type: 'payment' as const, id: refund.paymentId } : { type: 'order' as const, id: refund.orderId }
  return recordAudit(tx, { by, kind: 'payment.refunded', subject, summary: { why, amountMinor, currency, from, to, paymentId, part }, at: now })
}

/** Where a refund of money paid from `source` goes: the buyer's wallet, or back to the provider (the card). */
const refundAccount = (deps: Pick<PaymentsDeps, 'provider'>, source: EscrowSource, buyerId: string, currency: string): AccountRef =>
  source === 'wallet' ? { kind: 'available', ownerId: buyerId, currency } : { kind: 'provider_clearing', provider: deps.provider.name, currency }

/** The job kind that asks the provider for a card refund (retried until the provider answers). */
export const REFUND_JOB = 'payments.refund'

/** Asks the provider for a recorded card refund (idempotent on the refund's id), then processes what its webhook may have left waiting. */
async function askProvider(deps: PaymentsDeps, refundId: string): Promise<void> {
  const [row] = await deps.db.select().from(refunds).where(eq(refunds.id, refundId))
  if (row === undefined) return
  const [payment] = await deps.db.select({ providerRef: payments.providerRef }).from(payments).where(eq(payments.id, row.paymentId))
  if (row.providerRefundRef === null) {
    const done = await deps.provider.refund({ providerRef: payment!.providerRef!, amountMinor: row.amountMinor, currency: row.currency, idempotencyKey: refundId })
    await deps.db.update(refunds).set({ providerRefundRef: done.refundRef, updatedAt: deps.clock.now() }).where(and(eq(refunds.id, refundId), isNull(refunds.providerRefundRef)))
  }
  // Its webhook may have come first and be waiting for this reference.
  await processLater(deps, payment!.providerRef!)
}

export const refundJob = (deps: PaymentsDeps) => defineJob<{ refundId: string }>(REFUND_JOB, ({ refundId }) => askProvider(deps, refundId), { retryLimit: 10, retryDelaySeconds: 30, backoff: true })

/**
 * Orders' hook, inside each transition's transaction: delivery starts the auto-release clock,
 * completion (receipt confirmed) releases the escrow, a cancellation refunds it. An order paid
 * cash on delivery has no escrow: its arrival makes the cash due (at the shop's rate then), settled
 * by the shop's "cash collected" step; unpaid orders have nothing to do.
 */
export async function escrowStep(deps: PaymentsDeps, tx: Tx, step: OrderStep): Promise<Committed> {
  if (step.to !== 'delivered' && step.to !== 'completed' && step.to !== 'cancelled') return nothing()
  const escrow = await findEscrow(tx, step.orderId)
  if (escrow === null) {
    if (step.to !== 'cancelled') await cashDue(deps, tx, step)
    return nothing()
  }
  const { state } = await escrowState(tx, escrow)
  if (state === 'released' || state === 'refunded') return nothing()
  if (step.to === 'delivered') {
    await tx.update(escrows).set({ releaseAfter: new Date(step.now.getTime() + (await deps.readSettings(tx)).escrowAutoReleaseDays * DAY) }).where(eq(escrows.orderId, step.orderId))
    return nothing()
  }
  return step.to === 'completed' ? release(deps, tx, escrow, step.now) : refund(deps, tx, escrow, step.now, step.actor)
}

/**
 * Freezes an order's escrow while a dispute is open (the after-sale module calls it), and
 * unfreezes it; a frozen escrow is neither released by the buyer nor by the schedule.
 */
export async function setEscrowFrozen(tx: Tx, orderId: string, frozen: boolean, now: Date): Promise<void> {
  const escrow = await findEscrow(tx, orderId)
  if (escrow === null) throw new AppError('not_found', 'This order has no payment held')
  await tx.update(escrows).set({ frozenAt: frozen ? now : null }).where(eq(escrows.orderId, orderId))
}

/**
 * Keeps an order's held payment from being released before `until` (a rejected return leaves the
 * buyer time to take it to a dispute). Nothing for an order not delivered yet, or without escrow.
 */
export async function holdReleaseUntil(tx: Tx, orderId: string, until: Date): Promise<void> {
  await tx
    .update(escrows)
    .set({ releaseAfter: sql`greatest(${escrows.releaseAfter}, ${until.toISOString()}::timestamptz)` })
    .where(and(eq(escrows.orderId, orderId), isNotNull(escrows.releaseAfter)))
}

/**
 * Pays part of an order back (a return, cancelled items), once per `part` (its ledger keys), to
 * where it was paid from (the card, or the wallet):
 * - while the payment is held, the hold is voided and made again for what stays, so the shop is
 *   released (and charged commission on) only what it keeps;
 * - once released, from the shop's wallet (409 insufficient_funds when it cannot cover it), the
 *   commission on that part going back to the shop first;
 * - an order paid cash on delivery has no escrow: from the shop's wallet to the buyer's (once its
 *   cash was collected, the commission on that part goes back to the shop first).
 */
export async function refundPart(
  deps: PaymentsDeps,
  tx: Tx,
  input: { orderId: string; buyerId: string; shopUserId: string; part: string; amountMinor: number; currency: string; now: Date; by: Actor; why: 'items_cancelled' | 'returned' },
): Promise<Committed> {
  const { orderId, buyerId, shopUserId, part, amountMinor, currency, now, by, why } = input
  const committed = nothing()
  const shopWallet: AccountRef = { kind: 'available', ownerId: shopUserId, currency }
  const ref = `order:${orderId}`
  const shopShort = (error: unknown): never => {
    if (error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === 'insufficient_funds') {
      throw new AppError('conflict', `The shop’s wallet cannot cover this refund of ${amountText(amountMinor, currency)}: add money to it first`, { reason: 'insufficient_funds' })
    }
    throw error
  }
  const escrow = await findEscrow(tx, orderId)
  if (escrow === null) {
    const buyerWallet: AccountRef = { kind: 'available', ownerId: buyerId, currency }
    const commissionBack = await cashCommissionBack(tx, { orderId, part, amountMinor, shopWallet, now })
    await lockAccounts(tx, [shopWallet, buyerWallet, ...commissionBack.lock], now)
    // The commission on that part first, as after a release: the shop pays back what it kept.
    const backOwners = await commissionBack.give()
    const moved = await transfer(tx, { key: `refund:${part}`, debit: shopWallet, credit: buyerWallet, amountMinor, kind: 'refund', ref, now }).catch(shopShort)
    if (moved.created) await recordRefund(tx, by, { orderId, paymentId: null, why, part, amountMinor, currency, from: 'shop_wallet', to: 'wallet', now })
    await notifyInto(deps, tx, committed, { userId: buyerId, type: 'payment', subject: `refund:${part}`, text: `${amountText(amountMinor, currency)} refunded to your wallet`, link: `/orders/${orderId}` })
    committed.events.push(...(await balanceEvents(tx, [...backOwners, ...moved.owners], currency, now)), await orderMoneyEvent(tx, orderId, 'partly_refunded', now))
    return committed
  }
  const { state, releasedMinor } = await escrowState(tx, escrow)
  if (state === 'refunded') throw new AppError('conflict', 'This order’s payment was refunded already', { reason: 'already_voided' })
  const left = state === 'released' ? releasedMinor - escrow.refundedMinor : escrow.amountMinor
  if (amountMinor > left) throw new AppError('conflict', `Only ${amountText(left, currency)} of this order’s payment is left to refund`)
  const refundTo = refundAccount(deps, escrow.source, buyerId, currency)
  const refund = { paymentId: escrow.paymentId, orderId, buyerId, source: escrow.source, amountMinor, currency, now, part, by, why }
  const owners: string[] = [buyerId, shopUserId]
  if (state === 'released') {
    await lockAccounts(tx, [shopWallet, { kind: 'platform_revenue', currency }, refundTo], now)
    const back = Math.min(commissionOf(amountMinor, escrow.commissionBp), commissionOf(releasedMinor, escrow.commissionBp) - escrow.commissionReturnedMinor)
    if (back > 0) await transfer(tx, { key: `commission-back:${part}`, debit: { kind: 'platform_revenue', currency }, credit: shopWallet, amountMinor: back, kind: 'commission', ref, now })
    owners.push(...(await refundHeld(deps, tx, { ...refund, from: shopWallet }, committed).catch(shopShort)))
    await tx
      .update(escrows)
      .set({ refundedMinor: sql`${escrows.refundedMinor} + ${amountMinor}`, commissionReturnedMinor: sql`${escrows.commissionReturnedMinor} + ${back}` })
      .where(eq(escrows.orderId, orderId))
  } else {
    // Platform revenue too: a return that empties the order completes it in this transaction, and
    // the release charges commission; every account is locked at once, in id order.
    await lockAccounts(tx, [{ kind: 'held', ownerId: buyerId, currency }, shopWallet, { kind: 'platform_revenue', currency }, refundTo], now)
    await voidPending(tx, { key: `void:${part}`, pendingId: escrow.pendingTransferId, now })
    const rest = escrow.amountMinor - amountMinor
    if (rest > 0) {
      const held = await holdPending(tx, { key: `escrow:${orderId}:${part}`, debit: { kind: 'held', ownerId: buyerId, currency }, credit: shopWallet, amountMinor: rest, kind: 'escrow_hold', ref, now })
      await tx.update(escrows).set({ pendingTransferId: held.transfer.id, amountMinor: rest }).where(eq(escrows.orderId, orderId))
    }
    owners.push(...(await refundHeld(deps, tx, refund, committed)))
  }
  committed.events.push(...(await balanceEvents(tx, owners, currency, now)), await orderMoneyEvent(tx, orderId, 'partly_refunded', now))
  return committed
}

/** Orders' onItemsCancelled port: cancelled items are paid back from the order's held payment; an order paid on delivery has nothing to give back. */
export async function refundCancelledItems(deps: PaymentsDeps, tx: Tx, refund: ItemsRefund): Promise<Committed> {
  const escrow = await heldEscrow(tx, refund.orderId)
  if (escrow === null) return nothing()
  // A dispute holds the payment for its decision (on an order not shipped: a full refund).
  if (escrow.frozenAt !== null) throw new AppError('conflict', 'A problem was reported with this order: its payment stays held until it is resolved', { reason: 'dispute_open' })
  return refundPart(deps, tx, { ...refund, why: 'items_cancelled' })
}

/** How an order's escrow stands (read, not locked); null when the order has none (cash on delivery, unpaid). */
export async function escrowOf(db: Conn, orderId: string): Promise<{ state: EscrowState; amountMinor: number; currency: string; source: EscrowSource } | null> {
  const [escrow] = await db.select().from(escrows).where(eq(escrows.orderId, orderId))
  return escrow === undefined ? null : { state: (await escrowState(db, escrow)).state, amountMinor: escrow.amountMinor, currency: escrow.currency, source: escrow.source }
}

/** An order's escrow while still held (or frozen), locked for the caller's transaction; null when there is none or it was settled. */
export async function heldEscrow(tx: Tx, orderId: string): Promise<EscrowRow | null> {
  const escrow = await findEscrow(tx, orderId)
  if (escrow === null) return null
  const { state } = await escrowState(tx, escrow)
  return state === 'held' || state === 'frozen' ? escrow : null
}

/**
 * Settles a held escrow as an admin decided a dispute: `toShopMinor` of it is posted to the shop
 * (less the commission on that part), the rest returns — the pending transfer posted in part — and
 * is refunded to where it was paid from. Once: a settled escrow is a 409.
 */
export async function settleEscrow(deps: PaymentsDeps, tx: Tx, orderId: string, toShopMinor: number, now: Date, by: Actor): Promise<Committed> {
  const escrow = await heldEscrow(tx, orderId)
  if (escrow === null) throw new AppError('conflict', 'This order’s payment was released or refunded already', { reason: 'already_posted' })
  if (!Number.isSafeInteger(toShopMinor) || toShopMinor < 0 || toShopMinor > escrow.amountMinor) {
    throw new AppError('invalid_data', `The shop gets between 0 and ${amountText(escrow.amountMinor, escrow.currency)}`, [{ field: 'body.toShopMinor', message: `must be between 0 and ${escrow.amountMinor}` }])
  }
  const { currency, buyerId, shopUserId } = escrow
  await lockAccounts(tx, [{ kind: 'held', ownerId: buyerId, currency }, { kind: 'available', ownerId: shopUserId, currency }, { kind: 'platform_revenue', currency }, refundAccount(deps, escrow.source, buyerId, currency)], now)
  const owners: string[] = []
  const committed = nothing()
  if (toShopMinor > 0) {
    owners.push(...(await postPending(tx, { key: `settle:${orderId}`, pendingId: escrow.pendingTransferId, amountMinor: toShopMinor, now })).owners)
    const commission = commissionOf(toShopMinor, escrow.commissionBp)
    if (commission > 0) {
      const charged = await transfer(tx, { key: `commission:${orderId}`, debit: { kind: 'available', ownerId: shopUserId, currency }, credit: { kind: 'platform_revenue', currency }, amountMinor: commission, kind: 'commission', ref: `order:${orderId}`, now })
      owners.push(...charged.owners)
    }
    await notifyInto(deps, tx, committed, {
      userId: shopUserId,
      type: 'payment',
      subject: `escrow:${orderId}`,
      text: `${amountText(toShopMinor - commission, currency)} released to your wallet after a dispute (commission ${amountText(commission, currency)})`,
      link: '/dashboard/earnings',
    })
  } else {
    owners.push(...(await voidPending(tx, { key: `void:${orderId}`, pendingId: escrow.pendingTransferId, now })).owners)
  }
  const rest = escrow.amountMinor - toShopMinor
  if (rest > 0) owners.push(...(await refundHeld(deps, tx, { paymentId: escrow.paymentId, orderId, buyerId, source: escrow.source, amountMinor: rest, currency, now, by, why: 'dispute_decided' }, committed)))
  await tx.update(escrows).set({ frozenAt: null }).where(eq(escrows.orderId, orderId))
  committed.events.push(...(await balanceEvents(tx, [buyerId, ...owners], currency, now)), await orderMoneyEvent(tx, orderId, 'settled', now))
  return committed
}

/**
 * Completes the delivered orders whose escrow is due (ESCROW_AUTO_RELEASE_DAYS after delivery,
 * not frozen), which releases it. Each order in its own transaction; a second instance running
 * the same schedule finds them completed (the order row is locked and its status checked) and the
 * ledger keys make a release happen once. Answers how many were released.
 */
export async function releaseDueEscrows(deps: PaymentsDeps): Promise<number> {
  const due = await deps.db
    .select({ orderId: escrows.orderId })
    .from(escrows)
    .where(and(lt(escrows.releaseAfter, deps.clock.now()), isNull(escrows.frozenAt), sql`not exists (select 1 from ledger_transfers r where r.pending_id = ${escrows.pendingTransferId})`))
    .orderBy(asc(escrows.releaseAfter))
    .limit(200)
  let released = 0
  for (const { orderId } of due) {
    // One order that fails is logged and left for the next run; the others are still released.
    const done = await completeBySystem(deps.orders, orderId, 'Released automatically after delivery').catch((error) => {
      deps.log.error('payments: automatic escrow release failed', { orderId, error })
      return false
    })
    if (done) released += 1
  }
  return released
}

export const autoReleaseJob = (deps: PaymentsDeps) => defineJob<object>('payments.release-escrows', () => releaseDueEscrows(deps), { retryLimit: 0, expireInSeconds: 10 * 60 })

/** Hourly: an escrow is released within the hour after it is due. */
export const AUTO_RELEASE_CRON = '7 * * * *'

export { merge }
