import { and, asc, desc, eq, gt, gte, ilike, inArray, isNull, lt, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import { TtlCache } from '../../../lib/cache'
import { AppError } from '../../../lib/errors'
import { cursorPart, type CursorPart, DEFAULT_LIMIT, decodeCursor, encodeCursor, type Page } from '../../../lib/pagination'
import type { Bus } from '../../../lib/bus'
import { PAGE_INVALIDATION_TOPIC } from '../../../lib/page-invalidation'
import { findVendorBySlug } from '../../vendors'
import { type CatalogModel, SORTS, type Sort } from '../model'
import { categories, products } from '../table'
import { categoryWithDescendants } from './categories'
import { accessProduct, type CatalogDeps, isListed, type ProductRow, productColumns, toSummaries } from './shared'

const invalid = (field: string, message: string) => new AppError('invalid_data', `Invalid ${field}`, [{ field, message }])

/** `%` and `_` in what a person typed are literal characters, not wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Words of a query, letters and digits only, so they are safe inside a tsquery. */
const wordsOf = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8)

/**
 * Ranks as an integer (millionths of ts_rank): a float read back from a cursor would not compare
 * equal to the value Postgres computes, and a keyset needs exact ties.
 */
const rankOf = (query: SQL) => sql<number>`(ts_rank(${products.search}, ${query}) * 1000000)::int`.mapWith(Number)
/** Views, plus favorites as the stronger signal. */
const popularityOf = sql<number>`(${products.viewsCount} + 5 * ${products.favoritesCount})`
/**
 * 1 while the listing is boosted at `asOf` (a shop's paid placement), else 0: its boost started by
 * then (a null start, a boost older than the column, counts as started) and had not ended. A boost
 * starting after `asOf` leaves the listing unpromoted at `asOf`, where the pages before it put it.
 */
const promotedOf = (asOf: Date) => {
  const at = sql`${asOf.toISOString()}::timestamptz`
  return sql<number>`(case when ${products.boostedUntil} > ${at} and (${products.boostedSince} is null or ${products.boostedSince} <= ${at}) then 1 else 0 end)`.mapWith(Number)
}
/** The sorts boosted listings lead while boosted (labelled "Promoted" wherever they show). */
const BOOSTED_FIRST: readonly Sort[] = ['relevance', 'newest']

interface Order {
  /** The sort value in SQL; how a cursor's value is read back; the value of a fetched row. */
  key: SQL | typeof products.createdAt | typeof products.priceMinor
  direction: 'asc' | 'desc'
  cursor: CursorPart<Date | number>
  valueOf: (row: ProductRow & { rank: number }) => string | number
}

function orderFor(sort: Sort, tsquery: SQL | null): Order {
  const price = { key: products.priceMinor, cursor: cursorPart.integer(), valueOf: (r: ProductRow) => r.priceMinor }
  switch (sort) {
    case 'relevance':
      return { key: rankOf(tsquery!), direction: 'desc', cursor: cursorPart.integer(), valueOf: (r) => r.rank }
    case 'newest':
      return { key: products.createdAt, direction: 'desc', cursor: cursorPart.time, valueOf: (r) => r.createdAt.toISOString() }
    case 'price_asc':
      return { ...price, direction: 'asc' }
    case 'price_desc':
      return { ...price, direction: 'desc' }
    case 'popularity':
      return { key: popularityOf, direction: 'desc', cursor: cursorPart.integer(), valueOf: (r) => r.viewsCount + 5 * r.favoritesCount }
  }
}

/**
 * The catalog search: listed products (active, shop approved), filtered, sorted, in keyset pages.
 * Keysets (sort value, id) keep pages stable while products are added: a new product sorts before
 * or after the cursor, never shifting what comes next. The cursor names its sort, so a cursor of
 * one order cannot be replayed in another.
 */
export async function searchProducts(
  deps: CatalogDeps,
  query: CatalogModel.SearchQuery,
  attrs: Record<string, string>,
): Promise<Page<CatalogModel.ProductSummary>> {
  const now = deps.clock.now()
  const q = query.q?.trim() ?? ''
  const sort: Sort = query.sort ?? (q === '' ? 'newest' : 'relevance')
  if (sort === 'relevance' && q === '') throw invalid('query.sort', 'relevance needs q')
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    throw invalid('query.minPrice', 'must not be above maxPrice')
  }
  const tsquery = q === '' ? null : sql`websearch_to_tsquery('english', ${q})`
  const where: (SQL | undefined)[] = [isListed(deps.db)]
  if (tsquery !== null) where.push(sql`${products.search} @@ ${tsquery}`)
  if (query.category !== undefined) {
    const ids = await categoryWithDescendants(deps.db, query.category)
    if (ids.length === 0) throw invalid('query.category', 'is not a category')
    where.push(inArray(products.categoryId, ids))
  }
  if (query.vendor !== undefined) {
    const vendor = await findVendorBySlug(deps.db, query.vendor)
    if (vendor === null) throw invalid('query.vendor', 'is not a shop')
    where.push(eq(products.vendorId, vendor.id))
  }
  if (query.minPrice !== undefined) where.push(gte(products.priceMinor, query.minPrice))
  if (query.maxPrice !== undefined) where.push(lte(products.priceMinor, query.maxPrice))
  if (query.currency !== undefined) where.push(eq(products.currency, query.currency))
  if (query.condition !== undefined) where.push(eq(products.condition, query.condition))
  if (query.location !== undefined) where.push(ilike(products.location, `%${escapeLike(query.location.trim())}%`))
  if (query.inStock !== undefined) where.push(query.inStock ? gt(products.stock, 0) : eq(products.stock, 0))
  if (query.featured !== undefined) where.push(query.featured ? gt(products.featuredUntil, now) : or(isNull(products.featuredUntil), lte(products.featuredUntil, now)))
  if (query.boosted !== undefined) where.push(query.boosted ? gt(products.boostedUntil, now) : or(isNull(products.boostedUntil), lte(products.boostedUntil, now)))
  // Attribute values compare as text: 3 matches "3", true matches "true".
  for (const [key, value] of Object.entries(attrs)) where.push(sql`${products.attributes} ->> ${key} = ${value}`)

  const order = orderFor(sort, tsquery)
  const boostedFirst = BOOSTED_FIRST.includes(sort)
  // Boosted or not is judged at the first page's time, carried by its cursors: a boost ending or
  // starting between two pages does not move its listing across the cut.
  let asOf = now
  let promotedAfter: number | null = null
  let after: SQL | undefined
  if (query.cursor !== undefined) {
    // The value is read as this sort's kind, so a cursor of a sort with values of another kind is
    // refused as not valid before the sort names are compared.
    let tag: Sort
    let position: Date | number
    let lastId: string
    if (boostedFirst) {
      ;[tag, asOf, promotedAfter, position, lastId] = decodeCursor(query.cursor, [cursorPart.oneOf(SORTS), cursorPart.time, cursorPart.integer(0, 1), order.cursor, cursorPart.id('prd')])
    } else {
      ;[tag, position, lastId] = decodeCursor(query.cursor, [cursorPart.oneOf(SORTS), order.cursor, cursorPart.id('prd')])
    }
    if (tag !== sort) throw invalid('query.cursor', `is a cursor of another sort (${tag})`)
    const beyond = order.direction === 'desc' ? lt : gt
    after = or(beyond(order.key as never, position), and(eq(order.key as never, position), beyond(products.id, lastId)))
  }
  const promoted = promotedOf(asOf)
  where.push(promotedAfter === null ? after : or(lt(promoted, promotedAfter), and(eq(promoted, promotedAfter), after)))
  const by = order.direction === 'desc' ? desc : asc
  const limit = query.limit ?? DEFAULT_LIMIT
  const rows = await deps.db
    .select({ ...productColumns, rank: tsquery === null ? sql<number>`0` : rankOf(tsquery), promoted })
    .from(products)
    .where(and(...where))
    .orderBy(...(boostedFirst ? [desc(promoted)] : []), by(order.key), by(products.id))
    .limit(limit + 1)
  const kept = rows.slice(0, limit)
  const last = kept.at(-1)
  const positionOf = (row: (typeof rows)[number]) =>
    boostedFirst ? [sort, asOf.toISOString(), row.promoted, order.valueOf(row), row.id] : [sort, order.valueOf(row), row.id]
  return {
    items: await toSummaries(deps.db, kept, now),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  }
}

/**
 * How long a list read may be reused: what changes without an announcement (view and favorite
 * counts, a placement that expires) shows within this. Announced changes drop lists at once.
 */
const LIST_CACHE_MS = 1_000
const LIST_CACHE_ENTRIES = 500

/** One key per distinct search: every parameter given (attributes too), in a fixed order. */
function listKey(query: CatalogModel.SearchQuery, attrs: Record<string, string>): string {
  const sorted = (record: object) => Object.entries(record).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([sorted(query), sorted(attrs)])
}

/**
 * Recent catalog searches as the JSON they answer. A search reads public data only and answers
 * every caller alike, so one serialized page serves all of them; concurrent misses of one search
 * run it once. Every page invalidation (a product, its photos, a shop or a category changed,
 * published on any instance) drops them all, so a change shows on the next read.
 */
export class ProductListCache {
  private readonly cache: TtlCache<string>

  constructor(bus: Bus, ttlMs = LIST_CACHE_MS) {
    this.cache = new TtlCache(ttlMs, LIST_CACHE_ENTRIES)
    bus.subscribe(PAGE_INVALIDATION_TOPIC, () => this.cache.clear())
  }

  /** searchProducts() as JSON, from a recent identical search when there is one. Errors are never kept. */
  searchJson(deps: CatalogDeps, query: CatalogModel.SearchQuery, attrs: Record<string, string>): Promise<string> {
    return this.cache.load(listKey(query, attrs), async () => JSON.stringify(await searchProducts(deps, query, attrs)))
  }
}

/**
 * Suggestions while typing: listed products whose words start with what was typed (prefix
 * match on the search vector, best ranked first) and categories whose name contains it.
 */
export async function suggest(deps: CatalogDeps, text: string, limit: number): Promise<CatalogModel.Suggestions> {
  const words = wordsOf(text)
  if (words.length === 0) return { products: [], categories: [] }
  const prefix = sql`to_tsquery('english', ${words.map((w) => `${w}:*`).join(' & ')})`
  const [found, cats] = await Promise.all([
    deps.db
      .select({ slug: products.slug, title: products.title })
      .from(products)
      .where(and(isListed(deps.db), sql`${products.search} @@ ${prefix}`))
      .orderBy(desc(rankOf(prefix)), desc(popularityOf), desc(products.id))
      .limit(limit),
    deps.db
      .select({ id: categories.id, slug: categories.slug, name: categories.name })
      .from(categories)
      .where(ilike(categories.name, `%${escapeLike(text.trim())}%`))
      .orderBy(asc(categories.name))
      .limit(5),
  ])
  return { products: found, categories: cats }
}

/**
 * Products like this one: listed, same category first, then by how well they match the words of
 * its title; popularity breaks ties.
 */
export async function similarProducts(deps: CatalogDeps, slug: string, limit: number): Promise<CatalogModel.ProductSummary[]> {
  const { product } = await accessProduct(deps.db, slug, null)
  const words = wordsOf(product.title).filter((w) => w.length > 2)
  const related = words.length === 0 ? null : sql`websearch_to_tsquery('english', ${words.join(' or ')})`
  const sameCategory = product.categoryId === null ? sql`false` : sql`${products.categoryId} = ${product.categoryId}`
  const rows = await deps.db
    .select(productColumns)
    .from(products)
    .where(and(isListed(deps.db), ne(products.id, product.id), related === null ? sameCategory : or(sameCategory, sql`${products.search} @@ ${related}`)))
    .orderBy(desc(sameCategory), ...(related === null ? [] : [desc(rankOf(related))]), desc(popularityOf), desc(products.id))
    .limit(limit)
  return toSummaries(deps.db, rows, deps.clock.now())
}
