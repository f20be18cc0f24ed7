// The wallet's way out: payout methods (bank accounts, encrypted at rest) and withdrawals, which
// reserve the amount (a pending transfer to payouts in transit) until an admin marks them paid or
// rejects them (the funds return).
import { and, desc, eq, gte, inArray, isNull, lt, or, sql, sum } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { pgErrorOf } from '../../../db/errors'
import { announceQueuesChanged } from '../../../lib/admin-queues'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { open, seal } from '../../../lib/secret-box'
import { displayNames } from '../../accounts'
import { recordAudit } from '../../audit'
import { balanceEvents, holdPending, lockAccounts, postPending, voidPending } from '../../ledger'
import type { PaymentsModel } from '../model'
import type { WithdrawalStatus } from '../status'
import { payoutMethods, withdrawals } from '../table'
import { afterCommit, amountText, type Conn, nothing, notifyInto, type PaymentsDeps } from './shared'

type MethodRow = typeof payoutMethods.$inferSelect
type WithdrawalRow = typeof withdrawals.$inferSelect

const DAY = 24 * 60 * 60_000

const toMethod = (row: MethodRow): PaymentsModel.PayoutMethod => ({ id: row.id, label: row.label, holderName: row.holderName, masked: `•••• ${row.last4}`, createdAt: row.createdAt })

/** IBAN as typed (spaces, lower case) to its electronic form, checked by its ISO 7064 mod-97 digits. */
export function normalizeIban(input: string): string | null {
  const iban = input.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  let rest = 0
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97
  return rest === 1 ? iban : null
}

export async function listPayoutMethods(db: Conn, userId: string): Promise<{ items: PaymentsModel.PayoutMethod[] }> {
  const rows = await db.select().from(payoutMethods).where(and(eq(payoutMethods.userId, userId), isNull(payoutMethods.deletedAt))).orderBy(desc(payoutMethods.createdAt))
  return { items: rows.map(toMethod) }
}

/** A payout method added or removed: where a user's money may go, a security event of their account (the account number's last 4 digits only). */
const recordPayoutChange = (tx: Tx, userId: string, origin: Origin, kind: 'account.payout_method_added' | 'account.payout_method_removed', row: MethodRow, at: Date) =>
  recordAudit(tx, { by: actorOf({ id: userId }, origin), kind, subject: { type: 'user', id: userId }, summary: { payoutMethodId: row.id, label: row.label, last4: row.last4 }, at })

/** Adds a bank account to withdraw to; its IBAN is stored encrypted, shown masked. */
export async function addPayoutMethod(deps: PaymentsDeps, userId: string, origin: Origin, body: PaymentsModel.PayoutMethodBody): Promise<PaymentsModel.PayoutMethod> {
  const iban = normalizeIban(body.iban)
  if (iban === null) throw new AppError('invalid_data', 'This IBAN is not valid', [{ field: 'body.iban', message: 'is not a valid IBAN (check the digits)' }])
  const [active] = await deps.db.select({ count: sql<number>`count(*)::int` }).from(payoutMethods).where(and(eq(payoutMethods.userId, userId), isNull(payoutMethods.deletedAt)))
  if ((active?.count ?? 0) >= 5) throw new AppError('conflict', 'You have 5 payout methods: remove one first', { max: 5 })
  const now = deps.clock.now()
  const row = await deps.db.transaction(async (tx) => {
    const [added] = await tx
      .insert(payoutMethods)
      .values({ id: newId('pom'), userId, label: body.label.trim(), holderName: body.holderName.trim(), last4: iban.slice(-4), detailsEncrypted: seal(deps.payoutKey, JSON.stringify({ iban })), createdAt: now, deletedAt: null })
      .returning()
    await recordPayoutChange(tx, userId, origin, 'account.payout_method_added', added!, now)
    return added!
  })
  return toMethod(row)
}

/** Removes one of my payout methods (withdrawals made to it keep it for their record). */
export async function removePayoutMethod(deps: PaymentsDeps, userId: string, origin: Origin, id: string): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(payoutMethods)
      .set({ deletedAt: now })
      .where(and(eq(payoutMethods.id, id), eq(payoutMethods.userId, userId), isNull(payoutMethods.deletedAt)))
      .returning()
    if (row === undefined) throw new AppError('not_found', 'No such payout method')
    await recordPayoutChange(tx, userId, origin, 'account.payout_method_removed', row, now)
  })
}

async function toWithdrawals(db: Conn, rows: WithdrawalRow[], reveal: { key: Buffer } | null): Promise<PaymentsModel.Withdrawal[]> {
  const methods = rows.length === 0 ? [] : await db.select().from(payoutMethods).where(inArray(payoutMethods.id, [...new Set(rows.map((row) => row.payoutMethodId))]))
  const names = await displayNames(db, rows.map((row) => row.userId))
  const byId = new Map(methods.map((method) => [method.id, method]))
  return rows.map((row) => {
    const method = byId.get(row.payoutMethodId)!
    return {
      id: row.id,
      userId: row.userId,
      userName: names.get(row.userId) ?? 'Deleted user',
      amountMinor: row.amountMinor,
      currency: row.currency,
      status: row.status,
      payoutMethod: toMethod(method),
      // Admins paying it read the full account number; its owner sees it masked.
      iban: reveal === null ? null : (JSON.parse(open(reveal.key, method.detailsEncrypted)) as { iban: string }).iban,
      reference: row.reference,
      reason: row.reason,
      decidedAt: row.decidedAt,
      createdAt: row.createdAt,
    }
  })
}

/**
 * Asks to withdraw from my wallet to one of my payout methods: the amount is reserved at once (it
 * leaves what I can spend) until an admin pays or rejects it. At least the minimum, at most the
 * daily maximum over 24 hours, never more than I have; idempotent on `key`.
 */
export async function requestWithdrawal(deps: PaymentsDeps, userId: string, key: string, body: PaymentsModel.WithdrawalBody): Promise<{ withdrawal: PaymentsModel.Withdrawal; replayed: boolean }> {
  const { withdrawalDailyMaxMinor } = deps.settings
  const { withdrawalMinMinor } = await deps.readSettings()
  if (body.amountMinor < withdrawalMinMinor) {
    throw new AppError('invalid_data', `The smallest withdrawal is ${amountText(withdrawalMinMinor, body.currency)}`, [{ field: 'body.amountMinor', message: `must be at least ${withdrawalMinMinor}` }])
  }
  const now = deps.clock.now()
  const replayOf = (row: WithdrawalRow) => {
    if (row.payoutMethodId !== body.payoutMethodId || row.amountMinor !== body.amountMinor || row.currency !== body.currency) {
      throw new AppError('unprocessable', 'This Idempotency-Key was used for another withdrawal: use a new key', { reason: 'idempotency_key_reused' })
    }
    return { row, replayed: true, committed: nothing() }
  }
  const outcome = await deps.db.transaction(async (tx) => {
    // The wallet first: requests of one user are serialized here, so the daily sum below is exact.
    await lockAccounts(tx, [{ kind: 'available', ownerId: userId, currency: body.currency }, { kind: 'payouts_in_transit', currency: body.currency }], now)
    const [replay] = await tx.select().from(withdrawals).where(and(eq(withdrawals.userId, userId), eq(withdrawals.key, key)))
    if (replay !== undefined) return replayOf(replay)
    const [method] = await tx.select().from(payoutMethods).where(and(eq(payoutMethods.id, body.payoutMethodId), eq(payoutMethods.userId, userId), isNull(payoutMethods.deletedAt)))
    if (method === undefined) throw new AppError('not_found', 'No such payout method')
    const [today] = await tx
      .select({ total: sum(withdrawals.amountMinor).mapWith(Number) })
      .from(withdrawals)
      .where(and(eq(withdrawals.userId, userId), eq(withdrawals.currency, body.currency), inArray(withdrawals.status, ['requested', 'paid']), gte(withdrawals.createdAt, new Date(now.getTime() - DAY))))
    const left = withdrawalDailyMaxMinor - (today?.total ?? 0)
    if (body.amountMinor > left) {
      throw new AppError('invalid_data', `You may withdraw ${amountText(Math.max(left, 0), body.currency)} more today`, [{ field: 'body.amountMinor', message: `must be at most ${Math.max(left, 0)} today` }])
    }
    const id = newId('wdr')
    const held = await holdPending(tx, {
      key: `withdrawal:${id}`,
      debit: { kind: 'available', ownerId: userId, currency: body.currency },
      credit: { kind: 'payouts_in_transit', currency: body.currency },
      amountMinor: body.amountMinor,
      kind: 'withdrawal',
      ref: `withdrawal:${id}`,
      now,
    })
    const [row] = await tx
      .insert(withdrawals)
      .values({ id, userId, payoutMethodId: method.id, amountMinor: body.amountMinor, currency: body.currency, status: 'requested', pendingTransferId: held.transfer.id, key, reference: null, reason: null, decidedBy: null, decidedAt: null, createdAt: now })
      .returning()
    return { row: row!, replayed: false, committed: { events: await balanceEvents(tx, held.owners, body.currency, now), afterCommit: [() => announceQueuesChanged(deps.bus, now)] } }
  }).catch(async (error) => {
    // The same key in another currency locked another wallet and inserted first: answer as a repeat would.
    if (pgErrorOf(error)?.constraint !== 'withdrawals_key') throw error
    return replayOf((await deps.db.select().from(withdrawals).where(and(eq(withdrawals.userId, userId), eq(withdrawals.key, key))))[0]!)
  })
  await afterCommit(deps, outcome.committed)
  return { withdrawal: (await toWithdrawals(deps.db, [outcome.row], null))[0]!, replayed: outcome.replayed }
}

/** A page of withdrawals newest first: mine, or (admins) all of a status, with the account numbers to pay them. */
export async function listWithdrawals(deps: Pick<PaymentsDeps, 'db' | 'payoutKey'>, whose: { userId: string } | { status?: WithdrawalStatus }, query: { cursor?: string; limit?: number }): Promise<Page<PaymentsModel.Withdrawal>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'wdr')
  const rows = await deps.db
    .select()
    .from(withdrawals)
    .where(
      and(
        'userId' in whose ? eq(withdrawals.userId, whose.userId) : whose.status === undefined ? undefined : eq(withdrawals.status, whose.status),
        after === null ? undefined : or(lt(withdrawals.createdAt, after.time), and(eq(withdrawals.createdAt, after.time), lt(withdrawals.id, after.id))),
      ),
    )
    .orderBy(desc(withdrawals.createdAt), desc(withdrawals.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: await toWithdrawals(deps.db, page.items, 'userId' in whose ? null : { key: deps.payoutKey }), nextCursor: page.nextCursor }
}

/**
 * An admin's decision on a requested withdrawal: paid (with the bank transfer's reference; the
 * reserved amount is posted to payouts in transit) or rejected (with a reason; it is voided and
 * returns to the wallet). Once: a decided withdrawal is a 409.
 */
export async function decideWithdrawal(deps: PaymentsDeps, adminId: string, origin: Origin, id: string, decision: { approve: true; reference: string } | { approve: false; reason: string }): Promise<PaymentsModel.Withdrawal> {
  const now = deps.clock.now()
  const text = (decision.approve ? decision.reference : decision.reason).trim()
  if (text.length < 3) {
    const field = decision.approve ? 'body.reference' : 'body.reason'
    throw new AppError('invalid_data', decision.approve ? 'Give the bank transfer’s reference' : 'Say why: the user reads it', [{ field, message: 'must be at least 3 characters' }])
  }
  const committed = await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(withdrawals).where(eq(withdrawals.id, id)).for('update')
    if (row === undefined) throw new AppError('not_found', 'No such withdrawal')
    if (row.status !== 'requested') throw new AppError('conflict', `This withdrawal was ${row.status} already`, { status: row.status })
    if (row.userId === adminId) throw new AppError('forbidden', 'Another admin decides your own withdrawal')
    const moved = decision.approve
      ? await postPending(tx, { key: `withdrawal-paid:${id}`, pendingId: row.pendingTransferId, now })
      : await voidPending(tx, { key: `withdrawal-rejected:${id}`, pendingId: row.pendingTransferId, now })
    await tx
      .update(withdrawals)
      .set({ status: decision.approve ? 'paid' : 'rejected', reference: decision.approve ? text : null, reason: decision.approve ? null : text, decidedBy: adminId, decidedAt: now })
      .where(eq(withdrawals.id, id))
    await recordAudit(tx, {
      by: actorOf({ id: adminId }, origin),
      kind: decision.approve ? 'withdrawal.approved' : 'withdrawal.rejected',
      subject: { type: 'withdrawal', id },
      summary: { userId: row.userId, amountMinor: row.amountMinor, currency: row.currency, ...(decision.approve ? { reference: text } : { reason: text }) },
      at: now,
    })
    const done = { events: await balanceEvents(tx, moved.owners, row.currency, now), afterCommit: [() => announceQueuesChanged(deps.bus, now)] as (() => Promise<void>)[] }
    await notifyInto(deps, tx, done, {
      userId: row.userId,
      type: 'payment',
      subject: `withdrawal:${id}`,
      text: decision.approve
        ? `Your withdrawal of ${amountText(row.amountMinor, row.currency)} was paid (reference ${text})`
        : `Your withdrawal of ${amountText(row.amountMinor, row.currency)} was rejected: ${text}. The amount is back in your wallet`,
      link: '/wallet',
    })
    return done
  })
  await afterCommit(deps, committed)
  const [row] = await deps.db.select().from(withdrawals).where(eq(withdrawals.id, id))
  return (await toWithdrawals(deps.db, [row!], { key: deps.payoutKey }))[0]!
}
