import { Value } from '@sinclair/typebox/value'
import type { ValueError } from '@sinclair/typebox/value'
import { and, eq, isNull } from 'drizzle-orm'
import { t } from 'elysia'
import { type CsvRecord, decodeCsvText, parseCsv, restoreCell } from '../../../lib/csv'
import { AppError, type FieldProblem } from '../../../lib/errors'
import { NO_ORIGIN } from '../../../lib/request-origin'
import type { CurrentUser } from '../../accounts'
import { type AnyTrackedJob, type JobProblem, type JobRow, type JobsDeps, readJobInputFile, startJob, trackedJob } from '../../jobs'
import { findVendorById, findVendorOfUser } from '../../vendors'
import { ATTRIBUTE_COLUMN_PREFIX, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_PROBLEM_LIMIT, PRODUCT_CSV_COLUMNS } from '../csv-format'
import { CatalogModel } from '../model'
import { type AttributeDefinition, type AttributeValue, categories, type ProductStatus, products } from '../table'
import { ancestry, validateAttributes } from './categories'
import { createProduct, updateProduct } from './products'
import { type CatalogDeps, type Conn, type ProductRow, productColumns } from './shared'

/**
 * The product CSV import: a vendor (or an admin, for any shop) uploads a file; a tracked job
 * checks every row with the rules of product create and update, then creates or updates each
 * good row by SKU through the same services. Bad rows are reported with their line numbers and
 * do not stop the good ones. Running the same file again changes nothing ("unchanged").
 */

const FIELD = 'body.file'
const ATTRIBUTE_KEY = new RegExp(CatalogModel.attributeKey.pattern!)
const KNOWN_COLUMNS = new Set<string>(PRODUCT_CSV_COLUMNS.map((c) => c.name))
const REQUIRED_COLUMNS = PRODUCT_CSV_COLUMNS.filter((c) => c.required).map((c) => c.name)
type VendorRow = NonNullable<Awaited<ReturnType<typeof findVendorById>>>

/**
 * The shop `user` acts for: their own, or with `vendorId` any shop for an admin. A non-admin
 * naming another shop gets 403, as does anyone without a shop.
 */
export async function resolveShop(db: Conn, user: CurrentUser, vendorId: string | undefined): Promise<VendorRow> {
  if (vendorId === undefined) {
    const own = await findVendorOfUser(db, user.id)
    if (own !== null) return own
    if (user.role === 'admin') throw new AppError('invalid_data', 'Name the shop (vendorId)', [{ field: 'vendorId', message: 'is required for an admin without a shop' }])
    throw new AppError('forbidden', 'You have no shop')
  }
  const shop = await findVendorById(db, vendorId)
  if (user.role !== 'admin' && shop?.userId !== user.id) throw new AppError('forbidden', 'You can only work on your own shop')
  if (shop === null) throw new AppError('not_found', 'No such shop')
  return shop
}

const tooLarge = (message: string) => new AppError('payload_too_large', message, [{ field: FIELD, message }])

function checkSize(bytes: number): void {
  if (bytes > IMPORT_MAX_BYTES) throw tooLarge(`The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB; split it in parts`)
}

/** A checked upload: its header (lower case) and product rows with their line numbers. */
interface ProductCsv {
  columns: string[]
  rows: CsvRecord[]
}

/**
 * Reads an upload, refusing the file as a whole when no row could be read from it: too large
 * (413), not UTF-8 text (415), broken CSV or a header without the required columns, with unknown
 * or repeated ones (400), or more than IMPORT_MAX_ROWS rows (413).
 */
export function readProductCsv(bytes: Uint8Array): ProductCsv {
  checkSize(bytes.length)
  const [header, ...rows] = parseCsv(decodeCsvText(bytes, FIELD), FIELD)
  const columns = header?.cells.map((name) => name.trim().toLowerCase()) ?? []
  const problems: FieldProblem[] = []
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name))
  if (missing.length > 0) problems.push({ field: FIELD, message: `the header lacks ${missing.join(', ')}` })
  for (const [i, name] of columns.entries()) {
    if (columns.indexOf(name) !== i) problems.push({ field: FIELD, message: `column ${name} appears twice` })
    else if (name.startsWith(ATTRIBUTE_COLUMN_PREFIX) ? !ATTRIBUTE_KEY.test(name.slice(ATTRIBUTE_COLUMN_PREFIX.length)) : !KNOWN_COLUMNS.has(name)) {
      problems.push({ field: FIELD, message: `column ${JSON.stringify(name)} is not one of the documented columns` })
    }
  }
  if (problems.length > 0) throw new AppError('invalid_data', 'The first line must be the header of the product CSV format', problems)
  if (rows.length === 0) throw new AppError('invalid_data', 'The file has no product rows', [{ field: FIELD, message: 'has a header only' }])
  if (rows.length > IMPORT_MAX_ROWS) throw tooLarge(`The file has ${rows.length} rows; at most ${IMPORT_MAX_ROWS} are imported at once`)
  return { columns, rows }
}

export interface ImportInput {
  vendorId: string
  fileName: string
}

/**
 * Starts an import of `file` into the shop `user` acts for (see resolveShop), which must be
 * approved to sell. The file is checked before a job is made (see readProductCsv), then stored
 * with the job, so every try (a retry too) reads the same bytes.
 */
export async function requestProductImport(deps: JobsDeps, user: CurrentUser, file: Blob & { name?: string }, vendorId: string | undefined): Promise<JobRow> {
  const shop = await resolveShop(deps.db, user, vendorId)
  if (shop.status !== 'approved') throw new AppError('forbidden', 'This shop is not approved to sell right now')
  // Refused before it is read whole.
  checkSize(file.size)
  const content = new Uint8Array(await file.arrayBuffer())
  readProductCsv(content)
  const fileName = (file.name ?? '').slice(0, 200) || 'products.csv'
  const job = await deps.db.transaction((tx) =>
    startJob(deps, tx, importProducts, {
      ownerId: user.id,
      input: { vendorId: shop.id, fileName },
      file: { fileName, contentType: 'text/csv; charset=utf-8', content },
    }),
  )
  // Not a singleton kind: startJob answers null only for those.
  return job!
}

type CategoryInfo = { id: string; attributes: Map<string, AttributeDefinition> }

/**
 * Categories by slug, each read once per import: its id, and the attribute definitions it and its
 * ancestors give its products (to read attribute cells as numbers or booleans). Null: no such slug.
 */
function categoryLookup(db: Conn): (slug: string) => Promise<CategoryInfo | null> {
  const cache = new Map<string, Promise<CategoryInfo | null>>()
  const find = async (slug: string) => {
    const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.slug, slug))
    if (row === undefined) return null
    // Merged as validateAttributes merges them.
    const chain = await ancestry(db, row.id)
    return { id: row.id, attributes: new Map(chain.flatMap((c) => c.attributes.map((d) => [d.key, d] as const))) }
  }
  return (slug) => {
    if (!cache.has(slug)) cache.set(slug, find(slug))
    return cache.get(slug)!
  }
}

/** A cell's text as the definition's type wants it; a value of the wrong type stays text, for validateAttributes to name. */
function attributeValue(text: string, definition: AttributeDefinition | undefined): AttributeValue {
  if (definition?.type === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (definition?.type === 'boolean' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true'
  return text
}

/** A row that passed every check, ready to be written. */
interface CheckedRow {
  line: number
  sku: string
  body: CatalogModel.CreateProductBody & { sku: string; attributes: Record<string, AttributeValue> }
  /** Empty in the file: draft for a new product, unchanged for an existing one. */
  status: ProductStatus | null
}

const COLUMN_OF: Record<string, string> = { priceMinor: 'price', categoryId: 'category' }

/** `body.attributes.size` -> `attr.size`, `body.priceMinor` -> `price`: problems named as the file's columns. */
function columnOf(field: string): string | null {
  const name = field.replace(/^body\./, '')
  if (name.startsWith('attributes.')) return ATTRIBUTE_COLUMN_PREFIX + name.slice('attributes.'.length)
  if (name === '' || name === 'request') return null
  return COLUMN_OF[name] ?? name
}

/** TypeBox's complaint in words: a union names its failing branch, an enum its values. */
function messageOf(error: ValueError): string {
  const values = (error.schema as { enum?: unknown }).enum
  if (Array.isArray(values)) return `must be one of: ${values.join(', ')}`
  const inner = error.errors.flatMap((branch) => [...branch].map((e) => e.message)).find((m) => !/^Expected (string|null|number|integer|boolean)$/.test(m))
  return inner ?? error.message
}

/** An import row: a create body whose status may be any (saveRow checks it against the product, new or not). */
const rowBody = t.Composite([t.Omit(CatalogModel.createProductBody, ['status']), t.Object({ status: t.Optional(CatalogModel.status) })])

/**
 * Checks one row with the rules of product create: the schema of the create body, the category
 * and its attribute definitions (validateAttributes). Answers the row to write, or its problems.
 */
async function checkRow(
  db: Conn,
  columns: string[],
  record: CsvRecord,
  categoryOf: (slug: string) => Promise<CategoryInfo | null>,
  seen: Map<string, number>,
): Promise<CheckedRow | JobProblem[]> {
  const line = record.line
  if (record.cells.length !== columns.length) return [{ line, column: null, message: `has ${record.cells.length} cells; the header has ${columns.length}` }]
  const cells = new Map(columns.map((name, i) => [name, restoreCell(record.cells[i]!.trim())]))
  const get = (name: string) => cells.get(name) ?? ''
  // Every problem of the row, each column once: the first check to find a column's problem names it.
  const problems: JobProblem[] = []
  const problem = (column: string | null, message: string) => {
    if (!problems.some((p) => p.column === column)) problems.push({ line, column, message })
  }
  for (const name of REQUIRED_COLUMNS) if (get(name) === '') problem(name, 'is required')

  const sku = get('sku')
  const first = seen.get(sku)
  if (sku !== '' && first !== undefined) problem('sku', `appears again (first on line ${first})`)
  if (sku !== '' && first === undefined) seen.set(sku, line)
  const price = get('price')
  if (price !== '' && !/^\d+(\.\d{1,2})?$/.test(price)) problem('price', 'must be an amount with a dot and at most two decimals, e.g. 1450.50')
  const stock = get('stock')
  if (stock !== '' && !/^\d+$/.test(stock)) problem('stock', 'must be a whole number')
  const category = get('category') === '' ? null : await categoryOf(get('category'))
  if (get('category') !== '' && category === null) problem('category', 'no category has this slug')

  const attributes: Record<string, AttributeValue> = {}
  for (const name of columns) {
    if (!name.startsWith(ATTRIBUTE_COLUMN_PREFIX) || get(name) === '') continue
    const key = name.slice(ATTRIBUTE_COLUMN_PREFIX.length)
    attributes[key] = attributeValue(get(name), category?.attributes.get(key))
  }
  const status = get('status') === '' ? null : get('status')
  const body = {
    title: get('title'),
    description: get('description'),
    // Digits with at most two decimals, so this is exact: "1450.5" -> 145050.
    priceMinor: Math.round(Number(price) * 100),
    currency: get('currency'),
    stock: Number(stock),
    sku,
    condition: get('condition'),
    location: get('location'),
    categoryId: category?.id ?? '',
    attributes,
    ...(status === null ? {} : { status }),
  }
  for (const error of Value.Errors(rowBody, body)) problem(columnOf(error.path.slice(1).replaceAll('/', '.')), messageOf(error))
  if (category !== null) {
    try {
      await validateAttributes(db, category.id, attributes)
    } catch (error) {
      for (const p of problemsOf(line, error)) problem(p.column, p.message)
    }
  }
  if (problems.length > 0) return problems
  return { line, sku, body: body as CheckedRow['body'], status: (status as ProductStatus | null) ?? null }
}

/** A service's refusal as row problems; anything else (the database went away) is the job's failure. */
function problemsOf(line: number, error: unknown): JobProblem[] {
  if (!(error instanceof AppError)) throw error
  const details = Array.isArray(error.details) ? (error.details as FieldProblem[]) : []
  return details.length > 0 ? details.map((d) => ({ line, column: columnOf(d.field), message: d.message })) : [{ line, column: null, message: error.message }]
}

async function findBySku(db: Conn, vendorId: string, sku: string): Promise<ProductRow | null> {
  const [row] = await db
    .select(productColumns)
    .from(products)
    .where(and(eq(products.vendorId, vendorId), eq(products.sku, sku), isNull(products.deletedAt)))
  return row ?? null
}

const sameAttributes = (a: Record<string, AttributeValue>, b: Record<string, AttributeValue>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value)

/** The fields of `row` that differ from the product as stored (empty: nothing to do). */
function changesOf(existing: ProductRow, row: CheckedRow): CatalogModel.UpdateProductBody {
  const b = row.body
  const patch: CatalogModel.UpdateProductBody = {}
  // Cells are trimmed when read, as the services trim what they store.
  if (existing.title !== b.title) patch.title = b.title
  if (existing.description !== b.description) patch.description = b.description
  if (existing.priceMinor !== b.priceMinor) patch.priceMinor = b.priceMinor
  if (existing.currency !== b.currency) patch.currency = b.currency
  if (existing.stock !== b.stock) patch.stock = b.stock
  if (existing.condition !== b.condition) patch.condition = b.condition
  if (existing.location !== b.location) patch.location = b.location
  if (existing.categoryId !== b.categoryId) patch.categoryId = b.categoryId
  if (!sameAttributes(existing.attributes, b.attributes)) patch.attributes = b.attributes
  if (row.status !== null && row.status !== existing.status) {
    if (row.status === 'sold') throw new AppError('invalid_data', 'A product becomes sold when you mark it sold', [{ field: 'body.status', message: 'cannot be set to sold by an import' }])
    patch.status = row.status
  }
  return patch
}

type Outcome = 'created' | 'updated' | 'unchanged'

/**
 * Writes one checked row as the shop's owner, through the product services. A SKU that another
 * import creates meanwhile makes the create a 409 (the SKU is unique per shop): the row then
 * updates that product instead, so concurrent imports of one file never duplicate a SKU.
 */
async function saveRow(deps: CatalogDeps, owner: CurrentUser, vendorId: string, row: CheckedRow): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    const existing = await findBySku(deps.db, vendorId, row.sku)
    if (existing === null) {
      if (row.status !== null && row.status !== 'draft' && row.status !== 'active') {
        throw new AppError('invalid_data', 'A new product is draft or active', [{ field: 'body.status', message: 'must be draft or active for a new product' }])
      }
      try {
        await createProduct(deps, owner, { ...row.body, status: row.status ?? 'draft' })
        return 'created'
      } catch (error) {
        if (attempt === 0 && error instanceof AppError && error.type === 'conflict') continue
        throw error
      }
    }
    const patch = changesOf(existing, row)
    if (Object.keys(patch).length === 0) return 'unchanged'
    // A job, as the shop's owner: no request to name (the owner editing their own listing is not an audited step).
    await updateProduct(deps, owner, NO_ORIGIN, existing.slug, patch)
    return 'updated'
  }
}

/** Rows between progress reports (each is a write and a message on job:<id>), and between log lines. */
const REPORT_EVERY = 25
const LOG_EVERY = 500

declare module '../../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'imports.products': true
  }
}

/**
 * `imports.products`: one step to read the file, one to check every row, one to save the good
 * ones. Rows are written one by one (partial success), so a retried try finds the rows an earlier
 * try wrote and counts them unchanged; nothing is duplicated.
 */
export const importProducts = trackedJob<ImportInput>(
  'imports.products',
  async (deps, input, progress, job) => {
    await progress.step('Reading the file')
    const file = await readJobInputFile(deps, job.id)
    if (file === null) throw new Error('The uploaded file is no longer kept; upload it again')
    const { columns, rows } = readProductCsv(file.content)
    const shop = await findVendorById(deps.db, input.vendorId)
    if (shop === null || shop.status !== 'approved') throw new Error('This shop is not approved to sell right now')
    await progress.log(`${input.fileName}: ${rows.length} rows`)

    await progress.step('Checking rows')
    const categoryOf = categoryLookup(deps.db)
    const seen = new Map<string, number>()
    const problems: JobProblem[] = []
    const failed = new Set<number>()
    const checked: CheckedRow[] = []
    for (const [i, record] of rows.entries()) {
      const result = await checkRow(deps.db, columns, record, categoryOf, seen)
      if (Array.isArray(result)) {
        problems.push(...result)
        failed.add(record.line)
      } else checked.push(result)
      if ((i + 1) % REPORT_EVERY === 0) await progress.percent(((i + 1) / rows.length) * 20)
    }
    await progress.log(`${checked.length} rows ready, ${failed.size} with problems`)

    await progress.step('Saving products')
    // The import writes as the shop's owner: the same rules as their own edits, and no more.
    const owner: CurrentUser = { id: shop.userId, role: 'vendor', sessionId: job.id }
    // Imports share nothing, so no link base is needed.
    const catalog: CatalogDeps = { db: deps.db, clock: deps.clock, bus: deps.bus, publicUrl: '' }
    const counts = { rows: rows.length, created: 0, updated: 0, unchanged: 0, failed: 0 }
    for (const [i, row] of checked.entries()) {
      try {
        counts[await saveRow(catalog, owner, shop.id, row)] += 1
      } catch (error) {
        problems.push(...problemsOf(row.line, error))
        failed.add(row.line)
      }
      if ((i + 1) % REPORT_EVERY === 0) {
        if (await progress.cancelled()) return { result: null }
        await progress.percent(20 + ((i + 1) / checked.length) * 80)
        if ((i + 1) % LOG_EVERY === 0) await progress.log(`Saved ${i + 1} of ${checked.length}`)
      }
    }
    counts.failed = failed.size
    await progress.log(`Created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, failed ${counts.failed}`)
    problems.sort((a, b) => a.line - b.line)
    return { result: { counts, problems: { total: problems.length, items: problems.slice(0, IMPORT_PROBLEM_LIMIT) } } }
  },
  // Heartbeats find a killed worker within seconds; a full file of 5,000 rows takes minutes.
  { retryLimit: 2, retryDelaySeconds: 2, heartbeatSeconds: 10, expireInSeconds: 30 * 60, concurrency: 2 },
)

/** Catalog's tracked job kinds, for the jobs module's registry (see createJobKinds). */
export const CATALOG_JOB_KINDS: AnyTrackedJob[] = [importProducts]
