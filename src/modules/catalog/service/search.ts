import { and, asc, desc, eq, gt, gte, ilike, inArray, isNull, lt, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { TtlCache } from '../../../lib/cache'
import { CachedBody } from '../../../lib/compression'
import { AppError } from '../../../lib/errors'
import { cursorPart, type CursorPart, DEFAULT_LIMIT, decodeCursor, encodeCursor } from '../../../lib/pagination'
import type { Bus } from '../../../lib/bus'
import { PAGE_INVALIDATION_TOPIC } from '../../../lib/page-invalidation'
import { findVendorBySlug, vendors, vendorSummaryColumns } from '../../vendors'
import { type CatalogModel, SORTS, type Sort } from '../model'
import { categories, productImages, products } from '../table'
import { categoryWithDescendants, descendantIdsOf } from './categories'
import { photoColumns, toImage } from './images'
import { accessProduct, type CatalogDeps, isListed, productColumns, summaryColumns, type SummaryRow, toSummaries, toSummary } from './shared'

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
const promotedOf = (asOf: SQL) =>
  sql<number>`(case when ${products.boostedUntil} > ${asOf} and (${products.boostedSince} is null or ${products.boostedSince} <= ${asOf}) then 1 else 0 end)`.mapWith(Number)
/** The sorts boosted listings lead while boosted (labelled "Promoted" wherever they show). */
const BOOSTED_FIRST: readonly Sort[] = ['relevance', 'newest']

interface Order {
  /** The sort value in SQL (relevance ranks by the search's query); how a cursor's value is read back and bound; the value of a fetched row. */
  key: (tsquery: SQL | null) => SQL | typeof products.createdAt | typeof products.priceMinor
  direction: 'asc' | 'desc'
  cursor: CursorPart<Date | number>
  type: 'timestamptz' | 'int'
  valueOf: (row: SummaryRow & { rank: number }) => string | number
}

function orderFor(sort: Sort): Order {
  const price = { key: () => products.priceMinor, cursor: cursorPart.integer(), type: 'int', valueOf: (r: SummaryRow) => r.priceMinor } as const
  switch (sort) {
    case 'relevance':
      // Relevance needs q (searchProducts refuses it without), so the statement has its tsquery.
      return { key: (tsquery) => rankOf(tsquery!), direction: 'desc', cursor: cursorPart.integer(), type: 'int', valueOf: (r) => r.rank }
    case 'newest':
      return { key: () => products.createdAt, direction: 'desc', cursor: cursorPart.time, type: 'timestamptz', valueOf: (r) => r.createdAt.toISOString() }
    case 'price_asc':
      return { ...price, direction: 'asc' }
    case 'price_desc':
      return { ...price, direction: 'desc' }
    case 'popularity':
      return { key: () => popularityOf, direction: 'desc', cursor: cursorPart.integer(), type: 'int', valueOf: (r) => r.viewsCount + 5 * r.favoritesCount }
  }
}

/**
 * Which filters a search uses and how it is ordered, not their values: searches of one shape run
 * one prepared statement (see searchStatement), built once and planned by Postgres as one.
 */
interface Shape {
  q: boolean
  category: boolean
  vendor: boolean
  minPrice: boolean
  maxPrice: boolean
  currency: boolean
  condition: boolean
  location: boolean
  inStock: boolean | null
  featured: boolean | null
  boosted: boolean | null
  attributes: number
  sort: Sort
  cursor: boolean
}

/** A value bound when the statement runs (named as in the values searchProducts passes). */
const bound = (name: string, type?: string) => (type === undefined ? sql`${sql.placeholder(name)}` : sql`${sql.placeholder(name)}::${sql.raw(type)}`)

/**
 * The search statement of a shape, with its values as placeholders: listed products filtered and
 * in keyset order, with their cards' categories, shops and primary photos joined, and the category
 * (with its descendants) and the shop looked up inside it.
 */
function searchStatement(db: Db, shape: Shape) {
  const now = bound('now', 'timestamptz')
  const tsquery = shape.q ? sql`websearch_to_tsquery('english', ${bound('q')})` : null
  const where: (SQL | undefined)[] = [isListed(db)]
  if (tsquery !== null) where.push(sql`${products.search} @@ ${tsquery}`)
  if (shape.category) where.push(inArray(products.categoryId, descendantIdsOf(bound('category', 'text'))))
  if (shape.vendor) where.push(eq(vendors.slug, bound('vendor', 'text')))
  if (shape.minPrice) where.push(gte(products.priceMinor, bound('minPrice', 'int')))
  if (shape.maxPrice) where.push(lte(products.priceMinor, bound('maxPrice', 'int')))
  if (shape.currency) where.push(eq(products.currency, bound('currency', 'text')))
  if (shape.condition) where.push(sql`${products.condition} = ${bound('condition', 'text')}`)
  if (shape.location) where.push(ilike(products.location, bound('location', 'text')))
  if (shape.inStock !== null) where.push(shape.inStock ? gt(products.stock, 0) : eq(products.stock, 0))
  if (shape.featured !== null) where.push(shape.featured ? gt(products.featuredUntil, now) : or(isNull(products.featuredUntil), lte(products.featuredUntil, now)))
  if (shape.boosted !== null) where.push(shape.boosted ? gt(products.boostedUntil, now) : or(isNull(products.boostedUntil), lte(products.boostedUntil, now)))
  // Attribute values compare as text: 3 matches "3", true matches "true".
  for (let i = 0; i < shape.attributes; i++) where.push(sql`${products.attributes} ->> ${bound(`key${i}`, 'text')} = ${bound(`value${i}`, 'text')}`)

  const order = orderFor(shape.sort)
  const key = order.key(tsquery)
  const boostedFirst = BOOSTED_FIRST.includes(shape.sort)
  const promoted = promotedOf(bound('asOf', 'timestamptz'))
  if (shape.cursor) {
    const [position, lastId] = [bound('position', order.type), bound('lastId', 'text')]
    const beyond = order.direction === 'desc' ? lt : gt
    const after = or(beyond(key as never, position), and(eq(key as never, position), beyond(products.id, lastId)))
    const promotedAfter = bound('promotedAfter', 'int')
    where.push(boostedFirst ? or(lt(promoted, promotedAfter), and(eq(promoted, promotedAfter), after)) : after)
  }
  const by = order.direction === 'desc' ? desc : asc
  const photo = db
    .select(photoColumns)
    .from(productImages)
    .where(and(eq(productImages.productId, products.id), eq(productImages.position, 0)))
    .limit(1)
    .as('photo')
  return db
    .select({
      ...summaryColumns,
      rank: tsquery === null ? sql<number>`0` : rankOf(tsquery),
      promoted,
      category: { id: categories.id, slug: categories.slug, name: categories.name },
      vendor: vendorSummaryColumns,
      photo: { id: photo.id, version: photo.version, width: photo.width, height: photo.height },
      // On the first page, how many rows match (counted before the limit), in the same statement.
      ...(shape.cursor ? {} : { total: sql<number>`count(*) over ()`.mapWith(Number) }),
    })
    .from(products)
    .innerJoin(vendors, eq(vendors.id, products.vendorId))
    .leftJoin(categories, eq(categories.id, products.categoryId))
    .leftJoinLateral(photo, sql`true`)
    .where(and(...where))
    .orderBy(...(boostedFirst ? [desc(promoted)] : []), by(key), by(products.id))
    .limit(sql.placeholder('limit'))
    .prepare('catalog_search')
}

type SearchStatement = ReturnType<typeof searchStatement>

/** Shapes prepared per database, at most this many (people use a handful; attributes add more). */
const STATEMENTS = 200
const statements = new WeakMap<Db, Map<string, SearchStatement>>()

function preparedSearch(db: Db, shape: Shape): SearchStatement {
  let byShape = statements.get(db)
  if (byShape === undefined) statements.set(db, (byShape = new Map()))
  const key = JSON.stringify(shape)
  let statement = byShape.get(key)
  if (statement === undefined) {
    if (byShape.size >= STATEMENTS) byShape.delete(byShape.keys().next().value!)
    byShape.set(key, (statement = searchStatement(db, shape)))
  }
  return statement
}

/**
 * The catalog search: listed products (active, shop approved), filtered, sorted, in keyset pages.
 * Keysets (sort value, id) keep pages stable while products are added: a new product sorts before
 * or after the cursor, never shifting what comes next. The cursor names its sort, so a cursor of
 * one order cannot be replayed in another. One prepared statement per page (searchStatement); only
 * a page that comes back empty asks whether its category and shop exist (400 when not). The first
 * page also says how many listings match (`total`, a window count in that same statement).
 */
export async function searchProducts(
  deps: CatalogDeps,
  query: CatalogModel.SearchQuery,
  attrs: Record<string, string>,
): Promise<CatalogModel.SearchPage> {
  const now = deps.clock.now()
  const q = query.q?.trim() ?? ''
  const sort: Sort = query.sort ?? (q === '' ? 'newest' : 'relevance')
  if (sort === 'relevance' && q === '') throw invalid('query.sort', 'relevance needs q')
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    throw invalid('query.minPrice', 'must not be above maxPrice')
  }
  const attributes = Object.entries(attrs)
  const values: Record<string, unknown> = {
    now: now.toISOString(),
    q,
    category: query.category,
    vendor: query.vendor,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    currency: query.currency,
    condition: query.condition,
    location: query.location === undefined ? undefined : `%${escapeLike(query.location.trim())}%`,
    ...Object.fromEntries(attributes.flatMap(([key, value], i) => [[`key${i}`, key], [`value${i}`, value]])),
  }
  const order = orderFor(sort)
  const boostedFirst = BOOSTED_FIRST.includes(sort)
  // Boosted or not is judged at the first page's time, carried by its cursors: a boost ending or
  // starting between two pages does not move its listing across the cut.
  let asOf = now
  if (query.cursor !== undefined) {
    // The value is read as this sort's kind, so a cursor of a sort with values of another kind is
    // refused as not valid before the sort names are compared.
    let tag: Sort
    let position: Date | number
    let lastId: string
    let promotedAfter = 0
    if (boostedFirst) {
      ;[tag, asOf, promotedAfter, position, lastId] = decodeCursor(query.cursor, [cursorPart.oneOf(SORTS), cursorPart.time, cursorPart.integer(0, 1), order.cursor, cursorPart.id('prd')])
    } else {
      ;[tag, position, lastId] = decodeCursor(query.cursor, [cursorPart.oneOf(SORTS), order.cursor, cursorPart.id('prd')])
    }
    if (tag !== sort) throw invalid('query.cursor', `is a cursor of another sort (${tag})`)
    Object.assign(values, { position: position instanceof Date ? position.toISOString() : position, lastId, promotedAfter })
  }
  const limit = query.limit ?? DEFAULT_LIMIT
  Object.assign(values, { asOf: asOf.toISOString(), limit: limit + 1 })
  const shape: Shape = {
    q: q !== '',
    category: query.category !== undefined,
    vendor: query.vendor !== undefined,
    minPrice: query.minPrice !== undefined,
    maxPrice: query.maxPrice !== undefined,
    currency: query.currency !== undefined,
    condition: query.condition !== undefined,
    location: query.location !== undefined,
    inStock: query.inStock ?? null,
    featured: query.featured ?? null,
    boosted: query.boosted ?? null,
    attributes: attributes.length,
    sort,
    cursor: query.cursor !== undefined,
  }
  const rows = await preparedSearch(deps.db, shape).execute(values)
  if (rows.length === 0) await assertFiltersExist(deps, query)
  const kept = rows.slice(0, limit)
  const last = kept.at(-1)
  const positionOf = (row: (typeof rows)[number]) =>
    boostedFirst ? [sort, asOf.toISOString(), row.promoted, order.valueOf(row), row.id] : [sort, order.valueOf(row), row.id]
  return {
    items: kept.map((row) => toSummary(row, { category: row.category, vendor: row.vendor, image: row.photo === null ? null : toImage(row.photo) }, now)),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
    total: shape.cursor ? null : (rows[0]?.total ?? 0),
  }
}

/** An empty page of a search naming a category or a shop: 400 when either does not exist. */
async function assertFiltersExist(deps: CatalogDeps, query: CatalogModel.SearchQuery): Promise<void> {
  if (query.category !== undefined && (await categoryWithDescendants(deps.db, query.category)).length === 0) throw invalid('query.category', 'is not a category')
  if (query.vendor !== undefined && (await findVendorBySlug(deps.db, query.vendor)) === null) throw invalid('query.vendor', 'is not a shop')
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
  private readonly cache: TtlCache<CachedBody>

  constructor(bus: Bus, ttlMs = LIST_CACHE_MS) {
    this.cache = new TtlCache(ttlMs, LIST_CACHE_ENTRIES)
    bus.subscribe(PAGE_INVALIDATION_TOPIC, () => this.cache.clear())
  }

  /** searchProducts() as JSON (gzipped once for all who accept it), from a recent identical search when there is one. Errors are never kept. */
  searchJson(deps: CatalogDeps, query: CatalogModel.SearchQuery, attrs: Record<string, string>): Promise<CachedBody> {
    return this.cache.load(listKey(query, attrs), async () => new CachedBody(JSON.stringify(await searchProducts(deps, query, attrs))))
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
