import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import { ACCOUNT_KINDS, TRANSFER_KINDS, TRANSFER_PHASES } from './kinds'
import { at } from '../../db/columns'

const amount = (name: string) => bigint(name, { mode: 'number' })

/**
 * One account per (kind, owner or provider, currency): a user's wallet (`available`), a user's
 * escrow (`held`), and Souk's own (platform revenue, a provider's clearing, payouts in transit).
 * The id is that triple (`available:usr_…:MAD`), so an account is found or made without a lookup.
 * Balances are kept here, TigerBeetle's way: posted and pending debits and credits, moved in the
 * transaction of the transfer that moves them. A user's account may never go below zero, pending
 * debits included: the database refuses it (`ledger_accounts_user_balance_check`).
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ACCOUNT_KINDS }).notNull(),
    ownerId: text('owner_id').references(() => users.id),
    provider: text('provider'),
    currency: text('currency').notNull(),
    debitsPosted: amount('debits_posted').notNull().default(0),
    creditsPosted: amount('credits_posted').notNull().default(0),
    debitsPending: amount('debits_pending').notNull().default(0),
    creditsPending: amount('credits_pending').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('ledger_accounts_owner_idx').on(table.ownerId),
    check('ledger_accounts_amounts_check', sql`${table.debitsPosted} >= 0 and ${table.creditsPosted} >= 0 and ${table.debitsPending} >= 0 and ${table.creditsPending} >= 0`),
    check('ledger_accounts_user_balance_check', sql`${table.ownerId} is null or ${table.debitsPosted} + ${table.debitsPending} <= ${table.creditsPosted}`),
    check('ledger_accounts_owner_check', sql`(${table.ownerId} is not null) = (${table.kind} in ('available', 'held'))`),
  ],
)

/**
 * Immutable transfers. `posted` moves money at once; `pending` reserves it (two-phase, as
 * TigerBeetle models it) until a `post_pending` (all or part of it reaches the credit account)
 * or a `void_pending` (it goes back) names it in `pending_id` — at most one of them, ever: the
 * unique index on `pending_id` makes "never both, never twice" the database's rule. `key` is the
 * caller's idempotency id: the same transfer asked twice is made once.
 */
export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull().unique(),
    debitAccountId: text('debit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: text('credit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amountMinor: amount('amount_minor').notNull(),
    currency: text('currency').notNull(),
    kind: text('kind', { enum: TRANSFER_KINDS }).notNull(),
    phase: text('phase', { enum: TRANSFER_PHASES }).notNull(),
    pendingId: text('pending_id'),
    /** What caused it: `order:ord_…`, `payment:pay_…`, `withdrawal:wdr_…`. */
    ref: text('ref').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('ledger_transfers_pending_key').on(table.pendingId),
    index('ledger_transfers_debit_idx').on(table.debitAccountId, table.createdAt, table.id),
    index('ledger_transfers_credit_idx').on(table.creditAccountId, table.createdAt, table.id),
    index('ledger_transfers_ref_idx').on(table.ref),
    index('ledger_transfers_created_brin').using('brin', table.createdAt).with({ autosummarize: true }),
    check('ledger_transfers_accounts_check', sql`${table.debitAccountId} <> ${table.creditAccountId}`),
    check('ledger_transfers_amount_check', sql`${table.amountMinor} >= 0 and (${table.amountMinor} > 0 or ${table.phase} in ('post_pending', 'void_pending'))`),
    check('ledger_transfers_pending_check', sql`(${table.pendingId} is not null) = (${table.phase} in ('post_pending', 'void_pending'))`),
  ],
)

/** Each run of the reconciliation: every balance recomputed from its transfers, and what differed. */
export const ledgerReconciliations = pgTable('ledger_reconciliations', {
  id: text('id').primaryKey(),
  ok: boolean('ok').notNull(),
  accounts: integer('accounts').notNull(),
  transfers: integer('transfers').notNull(),
  debitsPosted: amount('debits_posted').notNull(),
  creditsPosted: amount('credits_posted').notNull(),
  mismatches: jsonb('mismatches').$type<{ accountId: string; field: string; stored: number; computed: number }[]>().notNull(),
  at: at('at').notNull(),
})
