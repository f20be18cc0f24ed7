// Reading the ledger: a user's balances, the transfers of their accounts (or any, for admins),
// and the reconciliation that proves the stored balances from the transfers.
import { and, desc, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm'
import { queryRows, type Db, type Tx } from '../../../db/client'
import { appendEvents, type StoredEvent } from '../../../events/log'
import { toCsv } from '../../../lib/csv'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { ID_PREFIXES, newId } from '../../../lib/ids'
import type { NewLedgerEvent } from '../events'
import type { AccountKind, TransferKind } from '../kinds'
import { ledgerAccounts, ledgerReconciliations, ledgerTransfers } from '../table'
import { accountId, type AccountRow, spendable, type TransferRow } from './transfers'

type Conn = Db | Tx

export interface Balances {
  currency: string
  /** What the user may spend or withdraw now. */
  availableMinor: number
  /** Money of theirs waiting in escrow for orders they paid (until released to the shop or refunded). */
  heldMinor: number
  /** Money coming to them, held in escrow until their buyers confirm receipt. */
  incomingMinor: number
  /** Money on its way out of their wallet (withdrawals awaiting an admin). */
  outgoingMinor: number
}

/** A user's balances in `currency`, read from their account rows (zero when they have none yet). */
export async function balancesOf(db: Conn, ownerId: string, currency: string): Promise<Balances> {
  const rows = await db
    .select()
    .from(ledgerAccounts)
    .where(inArray(ledgerAccounts.id, [accountId({ kind: 'available', ownerId, currency }), accountId({ kind: 'held', ownerId, currency })]))
  const available = rows.find((row) => row.kind === 'available')
  const held = rows.find((row) => row.kind === 'held')
  return {
    currency,
    availableMinor: available === undefined ? 0 : spendable(available),
    heldMinor: held === undefined ? 0 : held.creditsPosted - held.debitsPosted,
    incomingMinor: available?.creditsPending ?? 0,
    outgoingMinor: available?.debitsPending ?? 0,
  }
}

/** The currencies a user has accounts in, with their balances (none: an empty list). */
export async function allBalancesOf(db: Conn, ownerId: string): Promise<Balances[]> {
  const currencies = await db.selectDistinct({ currency: ledgerAccounts.currency }).from(ledgerAccounts).where(eq(ledgerAccounts.ownerId, ownerId)).orderBy(ledgerAccounts.currency)
  return Promise.all(currencies.map(({ currency }) => balancesOf(db, ownerId, currency)))
}

export interface TransferFilter {
  kind?: TransferKind
  /** Only transfers of this reference (`order:ord_…`). */
  ref?: string
  from?: Date
  to?: Date
  cursor?: string
  limit?: number
}

/** A transfer as seen from one account: money in (+) or out (−). */
export interface Entry {
  id: string
  kind: TransferKind
  phase: TransferRow['phase']
  ref: string
  currency: string
  amountMinor: number
  /** The other account's kind (the wallet, escrow, platform revenue…). */
  counterparty: AccountKind
  /** +amount into the account, −amount out of it. */
  signedMinor: number
  accountKind: AccountKind
  pendingId: string | null
  at: Date
}

function whereOf(filter: TransferFilter, accounts: SQL | undefined): SQL | undefined {
  const after = decodeTimeCursor(filter.cursor, 'ltr')
  return and(
    accounts,
    filter.kind === undefined ? undefined : eq(ledgerTransfers.kind, filter.kind),
    filter.ref === undefined ? undefined : eq(ledgerTransfers.ref, filter.ref),
    filter.from === undefined ? undefined : gte(ledgerTransfers.createdAt, filter.from),
    filter.to === undefined ? undefined : lt(ledgerTransfers.createdAt, filter.to),
    after === null ? undefined : or(lt(ledgerTransfers.createdAt, after.time), and(eq(ledgerTransfers.createdAt, after.time), lt(ledgerTransfers.id, after.id))),
  )
}

const kindOfAccount = (id: string) => id.split(':')[0] as AccountKind

/** The entries of `row` on the accounts in `mine` (a transfer between two of them is two entries). */
function entriesOf(row: TransferRow, mine: Set<string> | null): Entry[] {
  const base = { id: row.id, kind: row.kind, phase: row.phase, ref: row.ref, currency: row.currency, amountMinor: row.amountMinor, pendingId: row.pendingId, at: row.createdAt }
  const entries: Entry[] = []
  if (mine === null || mine.has(row.debitAccountId)) entries.push({ ...base, accountKind: kindOfAccount(row.debitAccountId), counterparty: kindOfAccount(row.creditAccountId), signedMinor: -row.amountMinor })
  if (mine !== null && mine.has(row.creditAccountId)) entries.push({ ...base, accountKind: kindOfAccount(row.creditAccountId), counterparty: kindOfAccount(row.debitAccountId), signedMinor: row.amountMinor })
  return entries
}

/** The transfers of a user's accounts, newest first, filtered. */
export async function transfersOf(db: Conn, ownerId: string, filter: TransferFilter): Promise<Page<Entry>> {
  const accounts = await db.select({ id: ledgerAccounts.id }).from(ledgerAccounts).where(eq(ledgerAccounts.ownerId, ownerId))
  if (accounts.length === 0) return { items: [], nextCursor: null }
  const ids = accounts.map((row) => row.id)
  const limit = filter.limit ?? DEFAULT_LIMIT
  const rows = await db
    .select()
    .from(ledgerTransfers)
    .where(whereOf(filter, or(inArray(ledgerTransfers.debitAccountId, ids), inArray(ledgerTransfers.creditAccountId, ids))))
    .orderBy(desc(ledgerTransfers.createdAt), desc(ledgerTransfers.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  const mine = new Set(ids)
  return { items: page.items.flatMap((row) => entriesOf(row, mine)), nextCursor: page.nextCursor }
}

/**
 * A reference as admins may type it: `order:ord_…`, or the id alone (`ord_…`), read as the
 * reference of its kind (the id's prefix names it: see ID_PREFIXES).
 */
function referenceOf(text: string): string {
  const id = text.trim()
  const kind = Object.entries(ID_PREFIXES).find(([, prefix]) => id.startsWith(`${prefix}_`))?.[0]
  return kind === undefined ? id : `${kind}:${id}`
}

/** Any transfers (admins): by account id (either side), reference (or the id it names) or kind, newest first. */
export async function searchTransfers(db: Conn, filter: TransferFilter & { accountId?: string }): Promise<Page<TransferRow>> {
  if (filter.ref !== undefined) filter = { ...filter, ref: referenceOf(filter.ref) }
  const limit = filter.limit ?? DEFAULT_LIMIT
  const account = filter.accountId === undefined ? undefined : or(eq(ledgerTransfers.debitAccountId, filter.accountId), eq(ledgerTransfers.creditAccountId, filter.accountId))
  const rows = await db
    .select()
    .from(ledgerTransfers)
    .where(whereOf(filter, account))
    .orderBy(desc(ledgerTransfers.createdAt), desc(ledgerTransfers.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
}

export type Reconciliation = typeof ledgerReconciliations.$inferSelect

/**
 * Recomputes every account's four balances from its transfers and compares them with the stored
 * ones, and checks that all posted debits equal all posted credits. Stored as a run (the admin
 * screen and /metrics read the latest); answers it.
 */
export async function reconcile(db: Db, now: Date): Promise<Reconciliation> {
  // One snapshot (repeatable read): transfers committing meanwhile are in both sides or neither.
  const result = await db.transaction(
    async (tx) => {
      const rows = await queryRows<{ id: string; field: string; stored: string; computed: string }>(
        tx,
        sql`with moves as (
            select debit_account_id as account, 'debits' as side, t.phase, t.amount_minor, t.id, t.pending_id from ${ledgerTransfers} t
            union all
            select credit_account_id, 'credits', t.phase, t.amount_minor, t.id, t.pending_id from ${ledgerTransfers} t
          ),
          computed as (
            select account,
              coalesce(sum(amount_minor) filter (where side = 'debits' and phase in ('posted', 'post_pending')), 0) as debits_posted,
              coalesce(sum(amount_minor) filter (where side = 'credits' and phase in ('posted', 'post_pending')), 0) as credits_posted,
              coalesce(sum(amount_minor) filter (where side = 'debits' and phase = 'pending' and not exists (select 1 from ${ledgerTransfers} r where r.pending_id = moves.id)), 0) as debits_pending,
              coalesce(sum(amount_minor) filter (where side = 'credits' and phase = 'pending' and not exists (select 1 from ${ledgerTransfers} r where r.pending_id = moves.id)), 0) as credits_pending
            from moves group by account
          ),
          compared as (
            select a.id, f.field, f.stored, f.computed
            from ${ledgerAccounts} a
            left join computed c on c.account = a.id
            cross join lateral (values
              ('debits_posted', a.debits_posted, coalesce(c.debits_posted, 0)),
              ('credits_posted', a.credits_posted, coalesce(c.credits_posted, 0)),
              ('debits_pending', a.debits_pending, coalesce(c.debits_pending, 0)),
              ('credits_pending', a.credits_pending, coalesce(c.credits_pending, 0))
            ) as f(field, stored, computed)
          )
          select id, field, stored::text, computed::text from compared where stored <> computed order by id, field`,
      )
      const [totals] = await queryRows<{ accounts: string; transfers: string; debits: string; credits: string }>(
        tx,
        sql`select (select count(*) from ${ledgerAccounts})::text as accounts, (select count(*) from ${ledgerTransfers})::text as transfers,
          coalesce(sum(debits_posted), 0)::text as debits, coalesce(sum(credits_posted), 0)::text as credits from ${ledgerAccounts}`,
      )
      return { rows, totals: totals! }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
  const mismatches = result.rows.map((row) => ({ accountId: row.id, field: row.field, stored: Number(row.stored), computed: Number(row.computed) }))
  const debitsPosted = Number(result.totals.debits)
  const creditsPosted = Number(result.totals.credits)
  if (debitsPosted !== creditsPosted) mismatches.push({ accountId: '*', field: 'debits = credits', stored: debitsPosted, computed: creditsPosted })
  const [run] = await db
    .insert(ledgerReconciliations)
    .values({ id: newId('rec'), ok: mismatches.length === 0, accounts: Number(result.totals.accounts), transfers: Number(result.totals.transfers), debitsPosted, creditsPosted, mismatches, at: now })
    .returning()
  return run!
}

/** The latest reconciliation, or null before the first. */
export async function latestReconciliation(db: Conn): Promise<Reconciliation | null> {
  const [row] = await db.select().from(ledgerReconciliations).orderBy(desc(ledgerReconciliations.at)).limit(1)
  return row ?? null
}

export type { AccountRow }

/**
 * Appends a `wallet.balance` event with the new balances of each owner in `owners`, inside the
 * transaction that moved their money (after the transfers: accounts are locked before topics).
 */
export async function balanceEvents(tx: Tx, owners: string[], currency: string, now: Date): Promise<StoredEvent[]> {
  const events: NewLedgerEvent[] = []
  for (const ownerId of [...new Set(owners)].sort()) events.push({ topic: `user:${ownerId}`, kind: 'wallet.balance', data: await balancesOf(tx, ownerId, currency) })
  return appendEvents(tx, now, events)
}

/** A user's transfers as CSV (newest first, at most EXPORT_ROWS), for the wallet's export. */
export async function transfersCsv(db: Conn, ownerId: string, filter: Omit<TransferFilter, 'cursor' | 'limit'>): Promise<string> {
  const rows: (string | null)[][] = [['id', 'date', 'kind', 'phase', 'account', 'amount_minor', 'currency', 'reference']]
  let cursor: string | undefined
  do {
    const page = await transfersOf(db, ownerId, { ...filter, cursor, limit: 100 })
    for (const entry of page.items) rows.push([entry.id, entry.at.toISOString(), entry.kind, entry.phase, entry.accountKind, String(entry.signedMinor), entry.currency, entry.ref])
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined && rows.length <= EXPORT_ROWS)
  return toCsv(rows.slice(0, EXPORT_ROWS + 1))
}

/** The most rows one CSV export holds. */
export const EXPORT_ROWS = 10_000
