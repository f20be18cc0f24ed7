// The ledger's part of the admin dashboard's figures (issue #20): Souk's revenue and the refunds.
import { and, gte, inArray, lt, ne, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../../db/client'
import { ledgerAccounts, ledgerTransfers } from '../table'

/** Money of `[from, to)` per currency, in minor units. */
export interface MoneyFigures {
  currency: string
  /** Commission kept (net of commission given back on refunds). */
  commissionMinor: number
  /** Shops' plan charges. */
  plansMinor: number
  /** Money given back to buyers (cancellations, returns, disputes). */
  refundsMinor: number
}

/**
 * Platform revenue is what entered Souk's revenue account less what left it, by kind (commission,
 * subscription); refunds are every `refund` transfer. Pending (escrow) transfers are not money yet.
 */
export async function moneyBetween(db: Db, from: Date, to: Date): Promise<MoneyFigures[]> {
  const debit = alias(ledgerAccounts, 'debit')
  const credit = alias(ledgerAccounts, 'credit')
  const signed = sql<number>`case when ${credit.kind} = 'platform_revenue' then ${ledgerTransfers.amountMinor} when ${debit.kind} = 'platform_revenue' then -${ledgerTransfers.amountMinor} else 0 end`
  const rows = await db
    .select({
      currency: ledgerTransfers.currency,
      commissionMinor: sql`coalesce(sum(${signed}) filter (where ${ledgerTransfers.kind} = 'commission'), 0)`.mapWith(Number),
      plansMinor: sql`coalesce(sum(${signed}) filter (where ${ledgerTransfers.kind} = 'subscription'), 0)`.mapWith(Number),
      refundsMinor: sql`coalesce(sum(${ledgerTransfers.amountMinor}) filter (where ${ledgerTransfers.kind} = 'refund'), 0)`.mapWith(Number),
    })
    .from(ledgerTransfers)
    .innerJoin(debit, sql`${debit.id} = ${ledgerTransfers.debitAccountId}`)
    .innerJoin(credit, sql`${credit.id} = ${ledgerTransfers.creditAccountId}`)
    .where(and(gte(ledgerTransfers.createdAt, from), lt(ledgerTransfers.createdAt, to), inArray(ledgerTransfers.kind, ['commission', 'subscription', 'refund']), ne(ledgerTransfers.phase, 'pending')))
    .groupBy(ledgerTransfers.currency)
  return rows
}
