import { eq, isNull, sql } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { FOREIGN_KEY_VIOLATION, pgErrorOf } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { Actor } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { categoryAncestry } from '../../catalog'
import type { OrdersModel } from '../model'
import { taxRates } from '../table'
import type { Conn, OrdersDeps } from './shared'

/** The platform default and every category's own rate. */
export async function listTaxRates(db: Conn): Promise<OrdersModel.TaxRates> {
  const rows = await db.select().from(taxRates)
  const fallback = rows.find((row) => row.categoryId === null)
  return {
    defaultRateBp: fallback?.rateBp ?? 0,
    categories: rows.flatMap((row) => (row.categoryId === null ? [] : [{ categoryId: row.categoryId, rateBp: row.rateBp }])),
  }
}

/** The platform's default TVA rate (basis points): what services the platform sells itself are charged at. */
export async function defaultTvaRateBp(db: Conn): Promise<number> {
  const [row] = await db.select({ rateBp: taxRates.rateBp }).from(taxRates).where(isNull(taxRates.categoryId))
  return row?.rateBp ?? 0
}

/**
 * The TVA rate of each category: its own, else its nearest ancestor's, else the platform default
 * (`null` key: a product without a category).
 */
export async function ratesFor(db: Conn, categoryIds: (string | null)[]): Promise<(categoryId: string | null) => number> {
  const wanted = [...new Set(categoryIds.filter((id): id is string => id !== null))]
  const [{ defaultRateBp, categories }, ancestry] = await Promise.all([listTaxRates(db), categoryAncestry(db, wanted)])
  const own = new Map(categories.map((c) => [c.categoryId, c.rateBp]))
  return (categoryId) => {
    for (const id of categoryId === null ? [] : (ancestry.get(categoryId) ?? [])) {
      const rate = own.get(id)
      if (rate !== undefined) return rate
    }
    return defaultRateBp
  }
}

/** A TVA rate's old value (locked for the change), for the audit log's entry; null when there was none. */
async function rateBefore(tx: Tx, categoryId: string | null): Promise<number | null> {
  const [row] = await tx.select({ rateBp: taxRates.rateBp }).from(taxRates).where(categoryId === null ? isNull(taxRates.categoryId) : eq(taxRates.categoryId, categoryId)).for('update')
  return row?.rateBp ?? null
}

/** Sets the platform's default TVA rate (an admin, `by`): a `settings.changed` entry with the old and new rates, when it changed. */
export async function setDefaultRate(deps: Pick<OrdersDeps, 'db' | 'clock'>, by: Actor, rateBp: number): Promise<OrdersModel.TaxRates> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const before = await rateBefore(tx, null)
    // The same rate again changes nothing, and the log keeps no entry of it.
    if (before === rateBp) return
    await tx.update(taxRates).set({ rateBp, updatedAt: now }).where(isNull(taxRates.categoryId))
    await recordAudit(tx, { by, kind: 'settings.changed', subject: { type: 'setting', id: 'tax_rate.default' }, summary: { setting: 'tax_rate', fromBp: before, toBp: rateBp }, at: now })
  })
  return listTaxRates(deps.db)
}

/** Sets a category's own rate, or (null) removes it so the category inherits; in the audit log as `by`'s, when it changed. */
export async function setCategoryRate(deps: Pick<OrdersDeps, 'db' | 'clock'>, by: Actor, categoryId: string, rateBp: number | null): Promise<OrdersModel.TaxRates> {
  if ((await categoryAncestry(deps.db, [categoryId])).size === 0) throw new AppError('not_found', 'No such category')
  const now = deps.clock.now()
  await deps.db
    .transaction(async (tx) => {
      const before = await rateBefore(tx, categoryId)
      if (before === rateBp) return
      if (rateBp === null) {
        await tx.delete(taxRates).where(eq(taxRates.categoryId, categoryId))
      } else {
        await tx
          .insert(taxRates)
          .values({ id: newId('txr'), categoryId, rateBp, updatedAt: now })
          .onConflictDoUpdate({ target: taxRates.categoryId, set: { rateBp, updatedAt: sql`excluded.updated_at` } })
      }
      await recordAudit(tx, { by, kind: 'settings.changed', subject: { type: 'category', id: categoryId }, summary: { setting: 'tax_rate', fromBp: before, toBp: rateBp }, at: now })
    })
    .catch((error: unknown) => {
      // Deleted since the check above.
      if (pgErrorOf(error)?.code === FOREIGN_KEY_VIOLATION) throw new AppError('not_found', 'No such category')
      throw error
    })
  return listTaxRates(deps.db)
}
