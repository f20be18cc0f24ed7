import { asc, eq, inArray } from 'drizzle-orm'
import { lockName } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { actorOf, type Origin } from '../../../lib/request-origin'
import { recordAudit } from '../../audit'
import { findVendorBySlug, findVendorOfUser } from '../../vendors'
import type { OrdersModel } from '../model'
import { shippingOptions } from '../table'
import type { Conn, OrdersDeps } from './shared'

type OptionRow = typeof shippingOptions.$inferSelect

const toOption = (row: OptionRow): OrdersModel.ShippingOption => ({
  id: row.id,
  name: row.name,
  priceMinor: row.priceMinor,
  currency: row.currency,
  freeAboveMinor: row.freeAboveMinor,
  handlingDays: row.handlingDays,
  pickup: row.pickup,
})

/** The delivery options of shops, by shop id, in each shop's order. */
export async function optionsOfShops(db: Conn, vendorIds: string[]): Promise<Map<string, OrdersModel.ShippingOption[]>> {
  const out = new Map<string, OrdersModel.ShippingOption[]>(vendorIds.map((id) => [id, []]))
  if (vendorIds.length === 0) return out
  const rows = await db
    .select()
    .from(shippingOptions)
    .where(inArray(shippingOptions.vendorId, [...new Set(vendorIds)]))
    .orderBy(asc(shippingOptions.vendorId), asc(shippingOptions.position))
  for (const row of rows) out.get(row.vendorId)?.push(toOption(row))
  return out
}

/** A public storefront's delivery options (approved shops only, like the storefront). */
export async function listShopOptions(db: Conn, slug: string): Promise<{ items: OrdersModel.ShippingOption[] }> {
  const shop = await findVendorBySlug(db, slug)
  if (shop === null || shop.status !== 'approved') throw new AppError('not_found', 'No such shop')
  return { items: (await optionsOfShops(db, [shop.id])).get(shop.id)! }
}

/** My shop's delivery options. */
export async function listMyOptions(db: Conn, userId: string): Promise<{ items: OrdersModel.ShippingOption[] }> {
  const shop = await findVendorOfUser(db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  return { items: (await optionsOfShops(db, [shop.id])).get(shop.id)! }
}

/**
 * Replaces my shop's delivery options with `body.options`, in that order, in one transaction. Ids
 * change: a checkout quoted with an old option id is asked to choose again. Orders keep a copy of
 * the option they were placed with. The same options again are no change: nothing is written.
 */
export async function replaceMyOptions(deps: Pick<OrdersDeps, 'db' | 'clock'>, userId: string, origin: Origin, body: OrdersModel.ShippingOptionsBody): Promise<{ items: OrdersModel.ShippingOption[] }> {
  const shop = await findVendorOfUser(deps.db, userId)
  if (shop === null || shop.status !== 'approved') throw new AppError('forbidden', 'Only an approved shop sets delivery options')
  const names = body.options.map((option) => option.name.trim().toLowerCase())
  const repeated = names.findIndex((name, i) => names.indexOf(name) !== i)
  if (repeated !== -1) throw new AppError('invalid_data', 'Two options have the same name', [{ field: `body.options.${repeated}.name`, message: 'is used twice' }])
  const now = deps.clock.now()
  const wanted = body.options.map((option, position) => ({
    name: option.name.trim(),
    priceMinor: option.priceMinor,
    currency: body.currency,
    freeAboveMinor: option.freeAboveMinor ?? null,
    handlingDays: option.handlingDays,
    pickup: option.pickup ?? false,
    position,
  }))
  const rows = await deps.db.transaction(async (tx) => {
    // Two replacements of one shop's options run one after the other, not interleaved.
    await lockName(tx, `shipping-options:${shop.id}`)
    // The same options again change nothing: their ids stay, and the log keeps no entry of it.
    const current = await tx.select().from(shippingOptions).where(eq(shippingOptions.vendorId, shop.id)).orderBy(asc(shippingOptions.position))
    const unchanged = current.length === wanted.length && current.every((row, i) => Object.entries(wanted[i]!).every(([key, value]) => row[key as keyof OptionRow] === value))
    if (unchanged) return current
    await tx.delete(shippingOptions).where(eq(shippingOptions.vendorId, shop.id))
    // A shop setting: what buyers pay for delivery.
    await recordAudit(tx, { by: actorOf({ id: userId }, origin), kind: 'settings.changed', subject: { type: 'shop', id: shop.id }, summary: { setting: 'shipping_options', options: body.options.length, currency: body.currency }, at: now })
    if (wanted.length === 0) return []
    return tx
      .insert(shippingOptions)
      .values(wanted.map((option) => ({ ...option, id: newId('shp'), vendorId: shop.id, createdAt: now })))
      .returning()
  })
  return { items: rows.map(toOption) }
}
