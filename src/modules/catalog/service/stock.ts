// Selling products: what a checkout reads of them and how it takes their stock. Called by other
// modules (orders) inside their transaction, through the catalog's index: the stock rule lives
// here, once, in SQL.
import { asc, inArray, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../../db/client'
import type { Bus } from '../../../lib/bus'
import { invalidatePages } from '../../../lib/page-invalidation'
import type { ProductStatus } from '../live'
import { categories, products } from '../table'
import { primaryImagesOf } from './images'
import { type Conn, isListed, productColumns, publishProductUpdated } from './shared'

/** A product as a checkout sees it: for sale now or not, at which price and TVA category. */
export interface ProductForSale {
  id: string
  vendorId: string
  title: string
  slug: string
  sku: string | null
  priceMinor: number
  currency: string
  stock: number
  status: ProductStatus
  categoryId: string | null
  /** Listed (active, published, its shop approved): it may be bought. */
  forSale: boolean
  imageUrl: string | null
}

/** The products of `ids` that exist, each with whether it may be bought now. */
export async function productsForSale(db: Conn, ids: string[]): Promise<Map<string, ProductForSale>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select({ ...productColumns, forSale: sql<boolean>`${isListed(db)}` })
    .from(products)
    .where(inArray(products.id, [...new Set(ids)]))
  const images = await primaryImagesOf(db, rows.map((row) => row.id))
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        vendorId: row.vendorId,
        title: row.title,
        slug: row.slug,
        sku: row.sku,
        priceMinor: row.priceMinor,
        currency: row.currency,
        stock: row.stock,
        status: row.status,
        categoryId: row.categoryId,
        forSale: row.forSale,
        imageUrl: images.get(row.id)?.thumbnailUrl ?? null,
      },
    ]),
  )
}

/** Each category with its ancestors, nearest first (`[self, parent, …, root]`): what inherits a category's settings. */
export async function categoryAncestry(db: Conn, ids: string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map()
  const rows = await queryRows<{ start: string; chain: string[] }>(
    db,
    sql`with recursive up (start, id, parent_id, depth) as (
        select id, id, parent_id, 0 from ${categories} where id in ${[...new Set(ids)]}
        union all
        select up.start, c.id, c.parent_id, up.depth + 1 from up join ${categories} c on c.id = up.parent_id where up.depth < 32)
      select start, array_agg(id order by depth) as chain from up group by start`,
  )
  return new Map(rows.map((row) => [row.start, row.chain]))
}

export interface StockLine {
  productId: string
  quantity: number
}

/** A line that could not be taken: how many were asked for (summed per product) and how many are left. */
export interface Shortage {
  productId: string
  requested: number
  available: number
}

/** A product's stock after a change, for announceStock. */
export interface StockChange {
  productId: string
  stock: number
  version: number
}

/** Locks the products of `lines` in id order: two stock changes of the same products cannot deadlock. */
async function lockProducts(tx: Tx, lines: StockLine[]): Promise<void> {
  const ids = [...new Set(lines.map((line) => line.productId))].sort()
  await tx.select({ id: products.id }).from(products).where(inArray(products.id, ids)).orderBy(asc(products.id)).for('update')
}

const linesValues = (lines: StockLine[]) => sql.join(lines.map((line) => sql`(${line.productId}::text, ${line.quantity}::int)`), sql`, `)

/**
 * Takes the stock of `lines` inside the caller's transaction, all or nothing: lines of one product
 * are summed first, then one conditional update takes each product's sum only where that much is
 * left and the product is still for sale (never read-then-write: the rows are locked in id order,
 * and the condition is checked by the update itself, so stock never goes below zero). When anything is
 * short it answers the shortages and the caller must roll back; otherwise the changes to announce
 * after commit.
 */
export async function takeStock(tx: Tx, lines: StockLine[], now: Date): Promise<{ shortages: Shortage[]; changes: StockChange[] }> {
  if (lines.length === 0) return { shortages: [], changes: [] }
  await lockProducts(tx, lines)
  const changes = await queryRows<{ id: string; stock: number; version: number }>(
    tx,
    sql`with wanted (product_id, quantity) as (values ${linesValues(lines)}),
        summed as (select product_id, sum(quantity)::int as quantity from wanted group by product_id)
      update ${products} set stock = ${products.stock} - summed.quantity, version = ${products.version} + 1, updated_at = ${now.toISOString()}::timestamptz
      from summed
      where ${products.id} = summed.product_id and ${products.stock} >= summed.quantity and ${isListed(tx)}
      returning ${products.id} as id, ${products.stock} as stock, ${products.version} as version`,
  )
  const requested = new Map<string, number>()
  for (const line of lines) requested.set(line.productId, (requested.get(line.productId) ?? 0) + line.quantity)
  if (changes.length === requested.size) return { shortages: [], changes: changes.map((c) => ({ productId: c.id, stock: c.stock, version: c.version })) }
  const taken = new Set(changes.map((c) => c.id))
  const left = await productsForSale(tx, [...requested.keys()].filter((id) => !taken.has(id)))
  const shortages = [...requested]
    .filter(([id]) => !taken.has(id))
    .map(([productId, quantity]) => {
      const product = left.get(productId)
      return { productId, requested: quantity, available: product?.forSale === true ? product.stock : 0 }
    })
  return { shortages, changes: [] }
}

/** Gives stock back (a cancelled order) inside the caller's transaction; answers the changes to announce. */
export async function returnStock(tx: Tx, lines: StockLine[], now: Date): Promise<StockChange[]> {
  if (lines.length === 0) return []
  await lockProducts(tx, lines)
  const rows = await queryRows<{ id: string; stock: number; version: number }>(
    tx,
    sql`with given (product_id, quantity) as (values ${linesValues(lines)}),
        summed as (select product_id, sum(quantity)::int as quantity from given group by product_id)
      update ${products} set stock = ${products.stock} + summed.quantity, version = ${products.version} + 1, updated_at = ${now.toISOString()}::timestamptz
      from summed where ${products.id} = summed.product_id
      returning ${products.id} as id, ${products.stock} as stock, ${products.version} as version`,
  )
  return rows.map((row) => ({ productId: row.id, stock: row.stock, version: row.version }))
}

/** After the stock changes committed: open product pages and carts hear the new stock; cached pages are dropped. */
export async function announceStock(bus: Bus, changes: StockChange[], now: Date): Promise<void> {
  if (changes.length === 0) return
  await Promise.all(
    changes.map((change) => publishProductUpdated(bus, { productId: change.productId, version: change.version, changes: { stock: change.stock }, at: now.toISOString() })),
  )
  await invalidatePages(bus)
}
