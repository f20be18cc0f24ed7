// Boosts: a shop spends its plan's boost credits (one a day) to promote one of its listings: the
// listing leads the promoted rail and the relevance and newest sorts of search, labelled
// "Promoted", until its boost ends. Spending and extending are one transaction, and credits move
// by a conditional update, so concurrent boosts never spend more than the shop has.
import type { Db, Tx } from '../../db/client'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { invalidatePages } from '../../lib/page-invalidation'
import type { CurrentUser } from '../accounts'
import { type CatalogDeps, extendBoost } from '../catalog'
import { findVendorOfUser } from '../vendors'
import type { PlacementsModel } from './placements-model'
import { liveSubscription, spendBoostCredits } from './service/shared'
import { boosts } from './table'

/** The boost credits a shop has left (none without a subscription in force). */
export const boostCreditsOf = async (db: Db | Tx, vendorId: string): Promise<number> => (await liveSubscription(db, vendorId))?.boostCredits ?? 0

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * The owner of a listed product boosts it for `days`, one credit a day: 404 for anyone else (as
 * if it did not exist), 409 when it is not on sale or the shop has fewer credits (saying how many
 * it has). The spend takes the shop's subscription row, then the product is locked, so boosts of
 * one shop run one after the other, each extending from where the last one ends.
 */
export async function boostListing(deps: CatalogDeps, user: CurrentUser, slug: string, input: PlacementsModel.BoostBody): Promise<PlacementsModel.Boost> {
  const vendor = await findVendorOfUser(deps.db, user.id)
  if (vendor === null) throw new AppError('not_found', 'No such product')
  const now = deps.clock.now()
  const boost = await deps.db.transaction(async (tx) => {
    // The subscription row first, as every plan step takes it before the shop's products.
    const spent = await spendBoostCredits(tx, vendor.id, input.days)
    // 404 or 409 about the listing before one about credits; nothing is kept when either is thrown.
    const placed = await extendBoost(tx, slug, vendor.id, input.days, now)
    if (!spent) {
      const left = await boostCreditsOf(tx, vendor.id)
      throw new AppError('conflict', `This boost takes ${plural(input.days, 'credit')}; your shop has ${plural(left, 'boost credit')} left`, { creditsLeft: left })
    }
    const row = { id: newId('bst'), vendorId: vendor.id, productId: placed.productId, days: input.days, startsAt: placed.from, endsAt: placed.until, createdAt: now }
    await tx.insert(boosts).values(row)
    return { id: row.id, productId: row.productId, days: row.days, startsAt: row.startsAt, endsAt: row.endsAt, creditsLeft: await boostCreditsOf(tx, vendor.id) }
  })
  // Rails and search pages cached before the boost show it on their next read.
  await invalidatePages(deps.bus)
  return boost
}
