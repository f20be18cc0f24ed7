// Cash on delivery: the buyer pays the courier, so no money passes through Souk until the shop
// says it has the cash. An order's arrival (orders' onTransition, to delivered or completed) makes
// the cash due at the shop's commission rate of that moment; the shop's "cash collected" step (or
// an admin's) settles it once: the platform's commission on the cash moves from the shop's wallet
// to platform revenue (ledger key `cod-commission:<order>`), in the step's transaction.
import { and, eq, or, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { accountId, type AccountRef, balanceEvents, ledgerTransfers, lockAccounts, transfer } from '../../ledger'
import { amountDueOf, findOrder, lockOrderFor, type OrderRow, type OrderStep } from '../../orders'
import { findVendorById } from '../../vendors'
import { cashSettlements } from '../table'
import { afterCommit, amountText, type Committed, commissionOf, type Conn, nothing, notifyInto, orderMoneyEvent, type PaymentsDeps } from './shared'

const ARRIVED: readonly OrderRow['status'][] = ['delivered', 'completed']

/** The shop's commission rate now: its plan's (vendors.commission_bp), or the platform's. */
async function rateOf(deps: Pick<PaymentsDeps, 'readSettings'>, tx: Conn, vendorId: string): Promise<{ shopUserId: string; commissionBp: number }> {
  const shop = (await findVendorById(tx, vendorId))!
  return { shopUserId: shop.userId, commissionBp: shop.commissionBp ?? (await deps.readSettings(tx)).commissionBp }
}

/**
 * Orders' hook (through escrowStep) when an order without escrow arrives: a cash-on-delivery
 * order's cash becomes due, its commission rate fixed now — the moment the buyer pays, as a card
 * payment's confirmation fixes the rate of its escrow. Once per order (a later completion keeps it).
 */
export async function cashDue(deps: Pick<PaymentsDeps, 'readSettings'>, tx: Tx, step: OrderStep): Promise<void> {
  const order = (await findOrder(tx, step.orderId))!
  const { paymentMethod } = await amountDueOf(tx, order)
  if (paymentMethod !== 'cash_on_delivery') return
  const { shopUserId, commissionBp } = await rateOf(deps, tx, order.vendorId)
  await tx.insert(cashSettlements).values({ orderId: order.id, shopUserId, commissionBp, currency: order.currency, amountMinor: null, commissionMinor: null, collectedBy: null, collectedAt: null, createdAt: step.now }).onConflictDoNothing()
}

/**
 * What the ledger says of a cash-on-delivery order's money after the fact: refunded from the shop's
 * wallet to the buyer (returns, a dispute's decision) and commission given back to the shop.
 */
async function afterwardsOf(db: Conn, orderId: string, shopWallet: AccountRef): Promise<{ refundedMinor: number; commissionBackMinor: number }> {
  const wallet = accountId(shopWallet)
  const rows = await db
    .select({ kind: ledgerTransfers.kind, total: sql<string>`sum(${ledgerTransfers.amountMinor})::text` })
    .from(ledgerTransfers)
    .where(
      and(
        eq(ledgerTransfers.ref, `order:${orderId}`),
        or(and(eq(ledgerTransfers.kind, 'refund'), eq(ledgerTransfers.debitAccountId, wallet)), and(eq(ledgerTransfers.kind, 'commission'), eq(ledgerTransfers.creditAccountId, wallet))),
      ),
    )
    .groupBy(ledgerTransfers.kind)
  const total = (kind: string) => Number(rows.find((row) => row.kind === kind)?.total ?? 0)
  return { refundedMinor: total('refund'), commissionBackMinor: total('commission') }
}

/**
 * Part of a cash-on-delivery order paid back by its shop (a return, a dispute's decision), in the
 * refund's transaction: once the cash was collected, the commission on that part goes back to the
 * shop (never more than was taken), as a released escrow's does. Before, nothing: the collection
 * charges only on what the shop kept. Answers the accounts to lock with the refund's.
 */
export async function cashCommissionBack(
  tx: Tx,
  input: { orderId: string; part: string; amountMinor: number; shopWallet: AccountRef; now: Date },
): Promise<{ lock: AccountRef[]; give: () => Promise<string[]> }> {
  const [row] = await tx.select().from(cashSettlements).where(eq(cashSettlements.orderId, input.orderId)).for('update')
  if (row?.collectedAt == null) return { lock: [], give: async () => [] }
  const revenue: AccountRef = { kind: 'platform_revenue', currency: input.shopWallet.currency }
  return {
    lock: [revenue],
    give: async () => {
      const { commissionBackMinor } = await afterwardsOf(tx, input.orderId, input.shopWallet)
      const back = Math.min(commissionOf(input.amountMinor, row.commissionBp), row.commissionMinor! - commissionBackMinor)
      if (back <= 0) return []
      const moved = await transfer(tx, { key: `commission-back:${input.part}`, debit: revenue, credit: input.shopWallet, amountMinor: back, kind: 'commission', ref: `order:${input.orderId}`, now: input.now })
      return moved.owners
    },
  }
}

/** A cash-on-delivery order's settlement as screens show it; null for an order paid otherwise. */
export async function cashOf(
  db: Conn,
  deps: Pick<PaymentsDeps, 'readSettings'>,
  order: OrderRow,
  role: 'buyer' | 'vendor' | 'admin',
): Promise<{ state: 'due' | 'collected'; amountMinor: number; commissionMinor: number; collectedAt: Date | null; canCollect: boolean } | null> {
  const due = await amountDueOf(db, order)
  if (due.paymentMethod !== 'cash_on_delivery') return null
  const [row] = await db.select().from(cashSettlements).where(eq(cashSettlements.orderId, order.id))
  const { shopUserId, commissionBp } = row ?? (await rateOf(deps, db, order.vendorId))
  const later = await afterwardsOf(db, order.id, { kind: 'available', ownerId: shopUserId, currency: order.currency })
  if (row?.collectedAt != null) {
    return { state: 'collected', amountMinor: row.amountMinor!, commissionMinor: row.commissionMinor! - later.commissionBackMinor, collectedAt: row.collectedAt, canCollect: false }
  }
  const kept = Math.max(due.amountMinor - later.refundedMinor, 0)
  return { state: 'due', amountMinor: due.amountMinor, commissionMinor: commissionOf(kept, commissionBp), collectedAt: null, canCollect: role !== 'buyer' && ARRIVED.includes(order.status) }
}

/**
 * The shop (or an admin) marks a cash-on-delivery order's cash collected, once it arrived
 * (delivered or completed): the commission on what the shop keeps (the order less items cancelled,
 * less what it paid back already) moves from the shop's wallet to platform revenue, at the rate
 * fixed on delivery. Once: a repeat,
 * even concurrent (the order row is locked first), changes nothing. 404 for whoever has no part in
 * the order, 403 for its buyer, 409 for an order paid otherwise or not arrived yet, and 409
 * `insufficient_funds` when the shop's wallet cannot cover the commission (nothing moves).
 */
export async function collectCash(deps: PaymentsDeps, viewer: { id: string; role: 'buyer' | 'vendor' | 'admin' }, origin: Origin, orderId: string): Promise<void> {
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx): Promise<Committed> => {
    const found = await lockOrderFor(tx, viewer, orderId)
    if (found === null) throw new AppError('not_found', 'No such order')
    const { order, role } = found
    if (role === 'buyer') throw new AppError('forbidden', 'The shop marks the cash collected, not the buyer')
    const due = await amountDueOf(tx, order)
    if (due.paymentMethod !== 'cash_on_delivery') throw new AppError('conflict', 'This order was not paid cash on delivery: its payment is settled through escrow', { status: due.paymentMethod, step: 'cash_collected' })
    const [row] = await tx.select().from(cashSettlements).where(eq(cashSettlements.orderId, orderId)).for('update')
    if (row?.collectedAt != null) return nothing()
    if (!ARRIVED.includes(order.status)) {
      throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: the cash is collected once it is delivered`, { status: order.status, step: 'cash_collected' })
    }
    // An order delivered before its cash could be recorded as due is charged the rate of now.
    const { shopUserId, commissionBp } = row ?? (await rateOf(deps, tx, order.vendorId))
    const { currency } = order
    const shopWallet = { kind: 'available', ownerId: shopUserId, currency } as const
    // Charged on what the shop keeps: what it paid back already (a return before this step) is not its sale.
    const { refundedMinor } = await afterwardsOf(tx, orderId, shopWallet)
    const commission = commissionOf(Math.max(due.amountMinor - refundedMinor, 0), commissionBp)
    const committed: Committed = nothing()
    if (commission > 0) {
      await lockAccounts(tx, [shopWallet, { kind: 'platform_revenue', currency }], now)
      const charged = await transfer(tx, { key: `cod-commission:${orderId}`, debit: shopWallet, credit: { kind: 'platform_revenue', currency }, amountMinor: commission, kind: 'commission', ref: `order:${orderId}`, now }).catch((error: unknown) => {
        if (error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === 'insufficient_funds') {
          throw new AppError('conflict', `Your wallet cannot cover the ${amountText(commission, currency)} commission on this order: add money to it, then mark the cash collected`, { reason: 'insufficient_funds' })
        }
        throw error
      })
      committed.events.push(...(await balanceEvents(tx, charged.owners, currency, now)))
    }
    await tx
      .insert(cashSettlements)
      .values({ orderId, shopUserId, commissionBp, currency, amountMinor: due.amountMinor, commissionMinor: commission, collectedBy: viewer.id, collectedAt: now, createdAt: now })
      .onConflictDoUpdate({ target: cashSettlements.orderId, set: { amountMinor: due.amountMinor, commissionMinor: commission, collectedBy: viewer.id, collectedAt: now } })
    if (role === 'admin') {
      const summary = { step: 'cash_collected', amountMinor: due.amountMinor, commissionMinor: commission, currency, buyerId: order.buyerId, vendorId: order.vendorId }
      await recordAudit(tx, { by: actorOf(viewer, origin), kind: 'order.staff_changed', subject: { type: 'order', id: orderId }, summary, at: now })
    }
    committed.events.push(await orderMoneyEvent(tx, orderId, 'cash_collected', now))
    // The shop hears of it when staff marked it for them.
    if (role === 'admin') {
      await notifyInto(deps, tx, committed, {
        userId: shopUserId,
        type: 'payment',
        subject: `cash:${orderId}`,
        text: `Cash of ${amountText(due.amountMinor, currency)} collected for order ${order.invoiceNumber} (commission ${amountText(commission, currency)})`,
        link: '/dashboard/earnings',
      })
    }
    return committed
  })
  await afterCommit(deps, committed)
}
