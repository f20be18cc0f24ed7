// Plan payments: from the shop owner's wallet to platform revenue through the ledger, in the
// subscription step's transaction, each with an invoice (a row of plan_charges, numbered without
// gaps). Keyed `plan:<vendorId>:<periodStart>:<kind>` in the ledger and by the unique index on
// plan_charges, so a period is paid once whatever retries.
import { like, sql } from 'drizzle-orm'
import { lockName, type Tx } from '../../../db/client'
import type { StoredEvent } from '../../../events/log'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { balanceEvents, balancesOf, transfer } from '../../ledger'
import { defaultTvaRateBp, includedTva } from '../../orders'
import type { ChargeKind, PlanInterval } from '../status'
import { planCharges } from '../table'
import { amountText, type PlanTerms } from './shared'

export type ChargeRow = typeof planCharges.$inferSelect

/** True when `error` is the wallet falling short (the renewal then goes past due instead of failing). */
export const isInsufficientFunds = (error: unknown) => error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === 'insufficient_funds'

/** The invoice number of the next plan payment of `year`: SOUK-PLAN-2026-000042, one series for the platform, no gaps (the lock is held until commit). */
async function nextInvoiceNumber(tx: Tx, year: number): Promise<string> {
  await lockName(tx, 'plan-invoices')
  const prefix = `SOUK-PLAN-${year}-`
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(planCharges)
    .where(like(planCharges.invoiceNumber, `${prefix}%`))
  return `${prefix}${String((row?.n ?? 0) + 1).padStart(6, '0')}`
}

export interface ChargeInput {
  vendorId: string
  /** The shop owner, whose wallet pays. */
  ownerId: string
  planId: string
  terms: PlanTerms
  interval: PlanInterval
  kind: ChargeKind
  /** Taken off the price (an upgrade's unused part of the old plan); at most the price. */
  creditMinor: number
  periodStart: Date
  periodEnd: Date
  now: Date
}

/**
 * Pays a period of a plan from the owner's wallet (`available`) to platform revenue, in the
 * caller's transaction, and records its invoice. Nothing moves for a period that costs nothing
 * after the credit, but the invoice is kept. A wallet short of the amount is a 409
 * `insufficient_funds` that names both, and nothing is written.
 */
export async function chargePlan(tx: Tx, input: ChargeInput): Promise<{ charge: ChargeRow; events: StoredEvent[] }> {
  const { terms, now } = input
  const creditMinor = Math.min(input.creditMinor, terms.priceMinor)
  const amountMinor = terms.priceMinor - creditMinor
  const id = newId('plc')
  // Plans are a service Souk sells: charged at the platform's default TVA rate, included in the price.
  const tvaRateBp = await defaultTvaRateBp(tx)
  const events: StoredEvent[] = []
  if (amountMinor > 0) {
    const wallet = { kind: 'available' as const, ownerId: input.ownerId, currency: terms.currency }
    try {
      await transfer(tx, {
        key: `plan:${input.vendorId}:${input.periodStart.toISOString()}:${input.kind}`,
        debit: wallet,
        credit: { kind: 'platform_revenue', currency: terms.currency },
        amountMinor,
        kind: 'subscription',
        ref: `plan_charge:${id}`,
        now,
      })
    } catch (error) {
      if (!isInsufficientFunds(error)) throw error
      const available = (await balancesOf(tx, input.ownerId, terms.currency)).availableMinor
      throw new AppError(
        'conflict',
        `Your wallet has ${amountText(available, terms.currency)} available and this payment is ${amountText(amountMinor, terms.currency)}: add money to your wallet, then try again`,
        { reason: 'insufficient_funds' },
      )
    }
    events.push(...(await balanceEvents(tx, [input.ownerId], terms.currency, now)))
  }
  const [charge] = await tx
    .insert(planCharges)
    .values({
      id,
      vendorId: input.vendorId,
      planId: input.planId,
      kind: input.kind,
      invoiceNumber: await nextInvoiceNumber(tx, now.getUTCFullYear()),
      planName: terms.name,
      interval: input.interval,
      priceMinor: terms.priceMinor,
      creditMinor,
      amountMinor,
      tvaRateBp,
      tvaMinor: includedTva(amountMinor, tvaRateBp),
      currency: terms.currency,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      createdAt: now,
    })
    .returning()
  return { charge: charge!, events }
}
