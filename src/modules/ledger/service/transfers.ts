// Moving money: posted transfers, and two-phase ones (pending, then posted — possibly in part — or
// voided). Every call takes the caller's transaction, so a transfer commits with the change that
// causes it, and an idempotency key, so a retried step moves nothing twice. Accounts are locked in
// id order before anything is written: two transfers between the same accounts never deadlock.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { AccountKind, TransferKind } from '../kinds'
import { ledgerAccounts, ledgerTransfers } from '../table'

type Conn = Db | Tx
export type TransferRow = typeof ledgerTransfers.$inferSelect
export type AccountRow = typeof ledgerAccounts.$inferSelect

/** An account by what it is: a user's wallet or escrow, or one of Souk's own. */
export type AccountRef =
  | { kind: 'available' | 'held'; ownerId: string; currency: string }
  | { kind: 'platform_revenue' | 'payouts_in_transit'; currency: string }
  | { kind: 'provider_clearing'; provider: string; currency: string }

export function accountId(ref: AccountRef): string {
  const owner = 'ownerId' in ref ? ref.ownerId : 'provider' in ref ? ref.provider : '-'
  return `${ref.kind}:${owner}:${ref.currency}`
}

/**
 * The account rows of `refs`, made when missing and locked (in id order) until commit. A step that
 * makes several transfers locks every account it will touch first, at once: locks taken pair by
 * pair could cross another step's (A then B here, B then A there).
 */
export async function lockAccounts(tx: Tx, refs: AccountRef[], now: Date): Promise<Map<string, AccountRow>> {
  const rows = [...new Map(refs.map((ref) => [accountId(ref), ref])).entries()].sort(([a], [b]) => (a < b ? -1 : 1))
  await tx
    .insert(ledgerAccounts)
    .values(
      rows.map(([id, ref]) => ({
        id,
        kind: ref.kind as AccountKind,
        ownerId: 'ownerId' in ref ? ref.ownerId : null,
        provider: 'provider' in ref ? ref.provider : null,
        currency: ref.currency,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing()
  const locked = await tx
    .select()
    .from(ledgerAccounts)
    .where(inArray(ledgerAccounts.id, rows.map(([id]) => id)))
    .orderBy(ledgerAccounts.id)
    .for('update')
  return new Map(locked.map((row) => [row.id, row]))
}

/** What a user account may still spend: posted credits less posted and pending debits. */
export const spendable = (row: Pick<AccountRow, 'creditsPosted' | 'debitsPosted' | 'debitsPending'>) => row.creditsPosted - row.debitsPosted - row.debitsPending

export const insufficientFunds = () => new AppError('conflict', 'Not enough funds in the wallet for this', { reason: 'insufficient_funds' })

export interface TransferInput {
  /** The idempotency id: the same key asked again answers the first transfer and moves nothing. */
  key: string
  debit: AccountRef
  credit: AccountRef
  amountMinor: number
  kind: TransferKind
  /** What caused it: `order:ord_…`, `payment:pay_…`, `withdrawal:wdr_…`. */
  ref: string
  now: Date
}

export interface Transferred {
  transfer: TransferRow
  /** False when the key had been used: this is the first transfer, and nothing moved now. */
  created: boolean
  /** The owners whose balances changed (their screens are told). */
  owners: string[]
}

/**
 * The transfer already made under `key`, when it is the same one; a key reused for another transfer
 * is refused (422), since answering the first would hide a bug in the caller.
 */
async function replayOf(tx: Tx, key: string, same: Partial<TransferRow>): Promise<TransferRow | null> {
  const [row] = await tx.select().from(ledgerTransfers).where(eq(ledgerTransfers.key, key))
  if (row === undefined) return null
  for (const [field, value] of Object.entries(same)) {
    if (value !== undefined && row[field as keyof TransferRow] !== value) {
      throw new AppError('unprocessable', 'This idempotency key was used for another transfer', { reason: 'idempotency_key_reused' })
    }
  }
  return row
}

const owners = (...rows: (AccountRow | undefined)[]) => [...new Set(rows.flatMap((row) => (row?.ownerId ? [row.ownerId] : [])))]

function checkAmount(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new AppError('invalid_data', 'An amount is a positive whole number of minor units', [{ field: 'amountMinor', message: 'must be a positive integer' }])
}

/** Moves `amountMinor` now (phase `posted`), or reserves it (`pending`) until posted or voided. */
async function create(tx: Tx, input: TransferInput, phase: 'posted' | 'pending'): Promise<Transferred> {
  checkAmount(input.amountMinor)
  if (input.debit.currency !== input.credit.currency) throw new Error('ledger: a transfer is in one currency')
  const debitId = accountId(input.debit)
  const creditId = accountId(input.credit)
  const accounts = await lockAccounts(tx, [input.debit, input.credit], input.now)
  const same = { debitAccountId: debitId, creditAccountId: creditId, amountMinor: input.amountMinor, phase, kind: input.kind, ref: input.ref }
  const replay = await replayOf(tx, input.key, same)
  if (replay !== null) return { transfer: replay, created: false, owners: [] }
  const debit = accounts.get(debitId)!
  const credit = accounts.get(creditId)!
  // The check constraint would refuse it too; this says it in the error shape, with what is there.
  if (debit.ownerId !== null && spendable(debit) < input.amountMinor) throw insufficientFunds()
  const [transfer] = await tx
    .insert(ledgerTransfers)
    .values({ id: newId('ltr'), key: input.key, ...same, currency: input.debit.currency, pendingId: null, createdAt: input.now })
    .returning()
  const column = phase === 'posted' ? { debit: ledgerAccounts.debitsPosted, credit: ledgerAccounts.creditsPosted } : { debit: ledgerAccounts.debitsPending, credit: ledgerAccounts.creditsPending }
  await tx
    .update(ledgerAccounts)
    .set({ [phase === 'posted' ? 'debitsPosted' : 'debitsPending']: sql`${column.debit} + ${input.amountMinor}`, updatedAt: input.now })
    .where(eq(ledgerAccounts.id, debitId))
  await tx
    .update(ledgerAccounts)
    .set({ [phase === 'posted' ? 'creditsPosted' : 'creditsPending']: sql`${column.credit} + ${input.amountMinor}`, updatedAt: input.now })
    .where(eq(ledgerAccounts.id, creditId))
  return { transfer: transfer!, created: true, owners: owners(debit, credit) }
}

/** A posted transfer: the money moves now. */
export const transfer = (tx: Tx, input: TransferInput) => create(tx, input, 'posted')

/** A pending transfer: the money is reserved on the debit account until `postPending` or `voidPending`. */
export const holdPending = (tx: Tx, input: TransferInput) => create(tx, input, 'pending')

/** How a pending transfer stands: still pending, posted (and how much), or voided. */
export type PendingState = { state: 'pending' } | { state: 'posted'; amountMinor: number; at: Date } | { state: 'voided'; at: Date }

export async function pendingState(db: Conn, pendingId: string): Promise<PendingState> {
  const [resolution] = await db.select().from(ledgerTransfers).where(eq(ledgerTransfers.pendingId, pendingId))
  if (resolution === undefined) return { state: 'pending' }
  return resolution.phase === 'post_pending' ? { state: 'posted', amountMinor: resolution.amountMinor, at: resolution.createdAt } : { state: 'voided', at: resolution.createdAt }
}

/** The refusal of resolving a pending transfer that is resolved already (the other way, or under another key). */
const alreadyResolved = (state: PendingState) =>
  new AppError('conflict', state.state === 'posted' ? 'These funds were released already' : 'These funds were returned already', { reason: state.state === 'posted' ? 'already_posted' : 'already_voided' })

/**
 * Resolves a pending transfer: `post_pending` moves `amountMinor` of it (all by default) to its
 * credit account and gives the rest back; `void_pending` gives it all back. Once: a second
 * resolution under the same key answers the first, under another key it is refused (409).
 */
async function resolve(tx: Tx, input: { key: string; pendingId: string; amountMinor?: number; now: Date }, phase: 'post_pending' | 'void_pending'): Promise<Transferred> {
  const [pending] = await tx.select().from(ledgerTransfers).where(and(eq(ledgerTransfers.id, input.pendingId), eq(ledgerTransfers.phase, 'pending')))
  if (pending === undefined) throw new AppError('not_found', 'No such pending transfer')
  const posted = phase === 'void_pending' ? 0 : (input.amountMinor ?? pending.amountMinor)
  if (phase === 'post_pending' && (!Number.isSafeInteger(posted) || posted < 0 || posted > pending.amountMinor)) {
    throw new AppError('invalid_data', 'A pending transfer posts at most its amount', [{ field: 'amountMinor', message: `must be between 0 and ${pending.amountMinor}` }])
  }
  const accounts = await lockAccounts(tx, [refOf(pending.debitAccountId), refOf(pending.creditAccountId)], input.now)
  const replay = await replayOf(tx, input.key, { pendingId: pending.id, phase, amountMinor: posted })
  if (replay !== null) return { transfer: replay, created: false, owners: [] }
  const state = await pendingState(tx, pending.id)
  if (state.state !== 'pending') throw alreadyResolved(state)
  const [row] = await tx
    .insert(ledgerTransfers)
    .values({
      id: newId('ltr'),
      key: input.key,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amountMinor: posted,
      currency: pending.currency,
      kind: pending.kind,
      phase,
      pendingId: pending.id,
      ref: pending.ref,
      createdAt: input.now,
    })
    .returning()
  await tx
    .update(ledgerAccounts)
    .set({ debitsPending: sql`${ledgerAccounts.debitsPending} - ${pending.amountMinor}`, debitsPosted: sql`${ledgerAccounts.debitsPosted} + ${posted}`, updatedAt: input.now })
    .where(eq(ledgerAccounts.id, pending.debitAccountId))
  await tx
    .update(ledgerAccounts)
    .set({ creditsPending: sql`${ledgerAccounts.creditsPending} - ${pending.amountMinor}`, creditsPosted: sql`${ledgerAccounts.creditsPosted} + ${posted}`, updatedAt: input.now })
    .where(eq(ledgerAccounts.id, pending.creditAccountId))
  return { transfer: row!, created: true, owners: owners(accounts.get(pending.debitAccountId), accounts.get(pending.creditAccountId)) }
}

/** Posts a pending transfer: `amountMinor` of it (all when omitted) reaches the credit account, the rest goes back. */
export const postPending = (tx: Tx, input: { key: string; pendingId: string; amountMinor?: number; now: Date }) => resolve(tx, input, 'post_pending')

/** Voids a pending transfer: all of it goes back to the debit account. */
export const voidPending = (tx: Tx, input: { key: string; pendingId: string; now: Date }) => resolve(tx, input, 'void_pending')

/** The reference of an account from its id (the id is the triple). */
function refOf(id: string): AccountRef {
  const [kind, owner, currency] = id.split(':') as [AccountKind, string, string]
  if (kind === 'available' || kind === 'held') return { kind, ownerId: owner, currency }
  if (kind === 'provider_clearing') return { kind, provider: owner, currency }
  return { kind, currency }
}
