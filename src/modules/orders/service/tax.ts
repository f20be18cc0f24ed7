import { eq, isNull, sql } from 'drizzle-orm'
import { FOREIGN_KEY_VIOLATION, pgErrorOf } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
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

export async function setDefaultRate(deps: Pick<OrdersDeps, 'db' | 'clock'>, rateBp: number): Promise<OrdersModel.TaxRates> {
  await deps.db.update(taxRates).set({ rateBp, updatedAt: deps.clock.now() }).where(isNull(taxRates.categoryId))
  return listTaxRates(deps.db)
}

/** Sets a category's own rate, or (null) removes it so the category inherits. */
export async function setCategoryRate(deps: Pick<OrdersDeps, 'db' | 'clock'>, categoryId: string, rateBp: number | null): Promise<OrdersModel.TaxRates> {
  if ((await categoryAncestry(deps.db, [categoryId])).size === 0) throw new AppError('not_found', 'No such category')
  if (rateBp === null) {
    await deps.db.delete(taxRates).where(eq(taxRates.categoryId, categoryId))
  } else {
    await deps.db
      .insert(taxRates)
      .values({ id: newId('txr'), categoryId, rateBp, updatedAt: deps.clock.now() })
      .onConflictDoUpdate({ target: taxRates.categoryId, set: { rateBp, updatedAt: sql`excluded.updated_at` } })
      .catch((error: unknown) => {
        // Deleted since the check above.
        if (pgErrorOf(error)?.code === FOREIGN_KEY_VIOLATION) throw new AppError('not_found', 'No such category')
        throw error
      })
  }
  return listTaxRates(deps.db)
}
