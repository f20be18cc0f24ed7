// What screens show of money: an order's payment and escrow, a shop's earnings, the provider's
// events for admins. Every state comes from the ledger (the escrow's pending transfer), not flags.
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { accountId, allBalancesOf, ledgerTransfers } from '../../ledger'
import { findOrder, invoiceNumbersOf, orderRoleOf } from '../../orders'
import { findVendorOfUser } from '../../vendors'
import type { PaymentsModel } from '../model'
import { cashSettlements, escrows, payments, providerEvents, withdrawals } from '../table'
import { cashOf } from './cash'
import { escrowState } from './escrow'
import { toPayment } from './payments'
import { commissionOf, type Conn, type PaymentsDeps } from './shared'

/**
 * How an order is paid, for its buyer, its shop and admins: the method, the group's latest payment
 * and the order's escrow (held until receipt, or released on a date unless a problem is reported,
 * frozen by a dispute, released, refunded).
 */
export async function orderPayment(deps: Pick<PaymentsDeps, 'db' | 'readSettings'>, viewer: { id: string; role: 'buyer' | 'vendor' | 'admin' }, orderId: string): Promise<PaymentsModel.OrderPayment> {
  const role = await orderRoleOf(deps.db, viewer, orderId)
  if (role === null) throw new AppError('not_found', 'No such order')
  const order = (await findOrder(deps.db, orderId))!
  const [latest] = await deps.db.select().from(payments).where(eq(payments.groupId, order.groupId)).orderBy(desc(payments.createdAt)).limit(1)
  const [escrow] = await deps.db.select().from(escrows).where(eq(escrows.orderId, orderId))
  const payment = latest === undefined || (viewer.id !== latest.userId && viewer.role !== 'admin') ? null : toPayment(latest)
  if (escrow === undefined) return { payment, escrow: null, cash: await cashOf(deps.db, deps, order, role) }
  const state = await escrowState(deps.db, escrow)
  // Taken on what was released (less what returns gave back); none on a refund; expected on the whole while held.
  const commission = state.state === 'refunded' ? 0 : state.state === 'released' ? commissionOf(state.releasedMinor, escrow.commissionBp) - escrow.commissionReturnedMinor : commissionOf(escrow.amountMinor, escrow.commissionBp)
  return {
    payment,
    escrow: {
      state: state.state,
      amountMinor: escrow.amountMinor,
      currency: escrow.currency,
      releasedMinor: state.releasedMinor,
      commissionMinor: commission,
      releaseAfter: state.state === 'held' ? escrow.releaseAfter : null,
      settledAt: state.at,
    },
    cash: null,
  }
}

/**
 * My shop's earnings: my balances (incoming: held in escrow for my orders; available), what was
 * released to me and the commission taken, what I withdrew, and my latest escrows.
 */
export async function earnings(deps: Pick<PaymentsDeps, 'db' | 'readSettings'>, userId: string): Promise<PaymentsModel.Earnings> {
  const balances = await allBalancesOf(deps.db, userId)
  // My wallets, one per currency: releases credit them, commissions debit them (indexed lookups).
  const wallets = balances.map((balance) => accountId({ kind: 'available', ownerId: userId, currency: balance.currency }))
  const totals =
    wallets.length === 0
      ? []
      : await deps.db
          .select({ kind: ledgerTransfers.kind, currency: ledgerTransfers.currency, total: sql<string>`sum(${ledgerTransfers.amountMinor})::text` })
          .from(ledgerTransfers)
          .where(
            or(
              and(inArray(ledgerTransfers.creditAccountId, wallets), eq(ledgerTransfers.kind, 'escrow_hold'), eq(ledgerTransfers.phase, 'post_pending')),
              and(inArray(ledgerTransfers.debitAccountId, wallets), eq(ledgerTransfers.kind, 'commission')),
            ),
          )
          .groupBy(ledgerTransfers.kind, ledgerTransfers.currency)
  const paidOut = await deps.db
    .select({ currency: withdrawals.currency, total: sql<string>`sum(${withdrawals.amountMinor})::text` })
    .from(withdrawals)
    .where(and(eq(withdrawals.userId, userId), eq(withdrawals.status, 'paid')))
    .groupBy(withdrawals.currency)
  const cash = await deps.db
    .select({ currency: cashSettlements.currency, total: sql<string>`coalesce(sum(${cashSettlements.amountMinor}), 0)::text` })
    .from(cashSettlements)
    .where(eq(cashSettlements.shopUserId, userId))
    .groupBy(cashSettlements.currency)
  const recent = await deps.db.select().from(escrows).where(eq(escrows.shopUserId, userId)).orderBy(desc(escrows.createdAt)).limit(20)
  const invoices = await invoiceNumbersOf(deps.db, recent.map((escrow) => escrow.orderId))
  const totalOf = (kind: string, currency: string) => Number(totals.find((row) => row.kind === kind && row.currency === currency)?.total ?? 0)
  const currencies = [...new Set([...balances.map((b) => b.currency), ...totals.map((row) => row.currency), ...cash.map((row) => row.currency)])].sort()
  return {
    // The shop's plan may set its own rate; new orders are charged it.
    commissionBp: (await findVendorOfUser(deps.db, userId))?.commissionBp ?? (await deps.readSettings()).commissionBp,
    currencies: currencies.map((currency) => {
      const balance = balances.find((b) => b.currency === currency)
      return {
        currency,
        heldMinor: balance?.incomingMinor ?? 0,
        availableMinor: balance?.availableMinor ?? 0,
        releasedMinor: totalOf('escrow_hold', currency),
        commissionMinor: totalOf('commission', currency),
        paidOutMinor: Number(paidOut.find((row) => row.currency === currency)?.total ?? 0),
        cashCollectedMinor: Number(cash.find((row) => row.currency === currency)?.total ?? 0),
      }
    }),
    escrows: await Promise.all(
      recent.map(async (escrow) => {
        const state = await escrowState(deps.db, escrow)
        return { orderId: escrow.orderId, invoiceNumber: invoices.get(escrow.orderId)!, state: state.state, amountMinor: escrow.amountMinor, currency: escrow.currency, releaseAfter: state.state === 'held' ? escrow.releaseAfter : null, settledAt: state.at, createdAt: escrow.createdAt }
      }),
    ),
  }
}

/** An escrow still held for or from a user, as another module tells them of it. */
export interface HeldEscrow {
  orderId: string
  invoiceNumber: string
  /** `buyer`: their payment waits for the shop; `shop`: their sale's money waits for them. */
  side: 'buyer' | 'shop'
  amountMinor: number
  /** Souk's commission on it, deducted from the shop's share at release (at the rate fixed when the order was paid). */
  commissionMinor: number
  currency: string
  /** When the schedule releases it (null before delivery, and while frozen); the hourly release job takes it within the hour after. */
  releaseAfter: Date | null
  /** A dispute or a return holds it until it is settled. */
  frozen: boolean
}

/**
 * The latest `limit` escrows of a user not yet released nor refunded: their payments as a buyer
 * and their sales as a shop (the help assistant's "when is my money released"), newest first.
 */
export async function heldEscrowsOf(db: Conn, userId: string, limit: number): Promise<HeldEscrow[]> {
  const rows = await db
    .select()
    .from(escrows)
    .where(and(or(eq(escrows.buyerId, userId), eq(escrows.shopUserId, userId)), sql`not exists (select 1 from ${ledgerTransfers} r where r.pending_id = ${escrows.pendingTransferId})`))
    .orderBy(desc(escrows.createdAt), desc(escrows.orderId))
    .limit(limit)
  const invoices = await invoiceNumbersOf(db, rows.map((row) => row.orderId))
  return rows.map((row) => ({
    orderId: row.orderId,
    invoiceNumber: invoices.get(row.orderId) ?? '',
    side: row.shopUserId === userId ? 'shop' : 'buyer',
    amountMinor: row.amountMinor,
    // As release() charges it.
    commissionMinor: commissionOf(row.amountMinor, row.commissionBp),
    currency: row.currency,
    releaseAfter: row.frozenAt === null ? row.releaseAfter : null,
    frozen: row.frozenAt !== null,
  }))
}

/** The provider's webhook events, newest first, with how each was processed (admins). */
export async function listProviderEvents(db: Conn, query: { state?: PaymentsModel.ProviderEventState; cursor?: string; limit?: number }): Promise<Page<PaymentsModel.ProviderEvent>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.text(200)])
  const rows = await db
    .select()
    .from(providerEvents)
    .where(
      and(
        query.state === undefined ? undefined : eq(providerEvents.state, query.state),
        after === null ? undefined : or(lt(providerEvents.receivedAt, after[0]), and(eq(providerEvents.receivedAt, after[0]), lt(providerEvents.id, after[1]))),
      ),
    )
    .orderBy(desc(providerEvents.receivedAt), desc(providerEvents.id))
    .limit(limit + 1)
  const refs = [...new Set(rows.map((row) => row.providerRef))]
  const matched = refs.length === 0 ? [] : await db.select({ id: payments.id, providerRef: payments.providerRef }).from(payments).where(inArray(payments.providerRef, refs))
  const paymentOf = new Map(matched.map((row) => [row.providerRef, row.id]))
  return toPage(rows, limit, (row) => [row.receivedAt.toISOString(), row.id], (row) => ({
    provider: row.provider,
    id: row.id,
    type: row.type,
    providerRef: row.providerRef,
    paymentId: paymentOf.get(row.providerRef) ?? null,
    state: row.state,
    note: row.note,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    processedAt: row.processedAt,
  }))
}
