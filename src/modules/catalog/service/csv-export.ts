import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import { toCsv } from '../../../lib/csv'
import type { CurrentUser } from '../../accounts'
import { ATTRIBUTE_COLUMN_PREFIX, PRODUCT_CSV_COLUMNS } from '../csv-format'
import type { CatalogModel } from '../model'
import { type AttributeValue, categories, products } from '../table'
import { resolveShop } from './imports'
import { type CatalogDeps, productColumns } from './shared'

/** Products read per query while the file streams out. */
const PAGE = 500

/** Minor units as the import reads them: 145050 -> "1450.50". */
const priceText = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
const attributeText = (value: AttributeValue | undefined) => (value === undefined ? null : String(value))

/**
 * A shop's live products (deleted ones aside) as CSV in the import's format, so the file can be
 * edited and imported again. Its own shop for a vendor, any shop with `vendorId` for an admin
 * (see resolveShop). Rows are read a page at a time, every cell through the shared cell() (no
 * formula runs in a spreadsheet). The file is answered whole, with its length: a chunked text
 * answer is taken for an event stream by the typed client (Eden).
 */
export async function exportProductsCsv(deps: CatalogDeps, user: CurrentUser, vendorId: string | undefined): Promise<{ fileName: string; body: string }> {
  const shop = await resolveShop(deps.db, user, vendorId)
  const live = and(eq(products.vendorId, shop.id), isNull(products.deletedAt))
  const keys = (
    await queryRows<{ key: string }>(
      deps.db,
      sql`select distinct jsonb_object_keys(${products.attributes}) as key from ${products} where ${products.vendorId} = ${shop.id} and ${products.deletedAt} is null order by 1`,
    )
  ).map((r) => r.key)
  const header = [...PRODUCT_CSV_COLUMNS.map((c) => c.name), ...keys.map((key) => ATTRIBUTE_COLUMN_PREFIX + key)]
  const parts = [toCsv([header])]
  for (let after: string | null = null; ; ) {
    const rows = await deps.db
      .select({ ...productColumns, categorySlug: categories.slug })
      .from(products)
      .leftJoin(categories, eq(categories.id, products.categoryId))
      .where(after === null ? live : and(live, gt(products.id, after)))
      .orderBy(asc(products.id))
      .limit(PAGE)
    if (rows.length === 0) break
    after = rows.at(-1)!.id
    const lines = rows.map((p) => [
      p.sku,
      p.title,
      p.description,
      priceText(p.priceMinor),
      p.currency,
      String(p.stock),
      p.condition,
      p.location,
      p.categorySlug,
      p.status,
      ...keys.map((key) => attributeText(p.attributes[key])),
    ])
    parts.push(toCsv(lines))
  }
  const body = parts.join('')
  return { fileName: `${shop.slug}-products-${deps.clock.now().toISOString().slice(0, 10)}.csv`, body }
}

/**
 * A sample file to start from: the header and two rows. Its category is a top-level one that
 * requires no attribute, when there is one, so the sample imports as it is.
 */
export function sampleProductsCsv(tree: CatalogModel.CategoryNode[]): string {
  const category = tree.find((c) => c.depth === 0 && c.attributes.every((a) => a.required !== true))?.slug ?? 'your-category-slug'
  return toCsv([
    PRODUCT_CSV_COLUMNS.map((c) => c.name),
    ['RUG-001', 'Beni Ouarain rug, 2 x 3 m', 'Hand-knotted wool from the Middle Atlas.\nNatural dyes.', '1450.00', 'MAD', '3', 'handmade', 'Fez', category, 'active'],
    ['LAMP-002', 'Pierced brass lantern', 'Throws stars across the room.', '399.50', 'MAD', '10', 'new', 'Marrakesh', category, 'draft'],
  ])
}
