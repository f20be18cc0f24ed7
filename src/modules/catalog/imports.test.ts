import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq, isNull } from 'drizzle-orm'
import { parseCsv, toCsv } from '../../lib/csv'
import { pixelFlood } from '../../lib/image-fixtures'
import { createTestApp, errorOf, makeProduct, makeVendor, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import type { JobDetail } from '../jobs/snapshot'
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from './csv-format'
import type { CatalogModel } from './model'
import { products } from './table'

let t: TestApp
let admin: TestUser
let buyer: TestUser
let shop: { user: TestUser; vendor: { id: string; slug: string } }
let rival: { user: TestUser; vendor: { id: string; slug: string } }

beforeAll(async () => {
  t = await createTestApp({ queue: true })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  buyer = await signUpAndSignIn(t)
  shop = await makeVendor(t)
  rival = await makeVendor(t)
  await postJson(
    t,
    '/api/v1/admin/categories',
    {
      name: 'Lighting',
      slug: 'lighting',
      attributes: [
        { key: 'finish', label: 'Finish', type: 'select', options: ['brass', 'copper'] },
        { key: 'watts', label: 'Watts', type: 'number' },
        { key: 'dimmable', label: 'Dimmable', type: 'boolean' },
      ],
    },
    admin.auth,
  )
  await postJson(t, '/api/v1/admin/categories', { name: 'Textiles', slug: 'textiles' }, admin.auth)
}, 60_000)
afterAll(() => t.close())

const HEADER = 'sku,title,description,price,currency,stock,condition,location,category,status,attr.finish,attr.watts,attr.dimmable'

/** A CSV file of `rows` (already joined cells) under HEADER. */
const csvOf = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n'

let skuCounter = 0
/** A SKU no other test uses. */
const sku = (name: string) => `${name}-${++skuCounter}-${Math.random().toString(36).slice(2, 6)}`

function upload(user: TestUser, content: string | Uint8Array<ArrayBuffer>, options: { vendorId?: string; name?: string; type?: string } = {}) {
  const form = new FormData()
  form.append('file', new File([content], options.name ?? 'products.csv', { type: options.type ?? 'text/csv' }))
  if (options.vendorId !== undefined) form.append('vendorId', options.vendorId)
  return t.request('/api/v1/imports/products', { method: 'POST', headers: user.auth, body: form })
}

/** Waits for a job to finish and answers it with its log. */
async function finished(user: TestUser, jobId: string): Promise<JobDetail> {
  const seen: JobDetail[] = []
  await waitFor(
    async () => {
      const job = (await (await t.request(`/api/v1/jobs/${jobId}`, { headers: user.auth })).json()) as JobDetail
      seen.push(job)
      return job.status !== 'queued' && job.status !== 'running'
    },
    30_000,
    `job ${jobId} to finish`,
  )
  return seen.at(-1)!
}

/** Uploads `content` as `user`, expects 202, and answers the finished job. */
async function runImport(user: TestUser, content: string, options: { vendorId?: string } = {}): Promise<JobDetail> {
  const response = await upload(user, content, options)
  expect(response.status).toBe(202)
  const started = (await response.json()) as JobDetail
  expect(started).toMatchObject({ kind: 'imports.products', ownerId: user.id })
  const job = await finished(user, started.id)
  expect(job.status).toBe('succeeded')
  return job
}

/** A shop's live products with these SKUs (straight from the table: duplicates would show). */
const productsWith = (vendorId: string, skus: string[]) =>
  t.ctx.database.db
    .select()
    .from(products)
    .where(and(eq(products.vendorId, vendorId), isNull(products.deletedAt)))
    .then((rows) => rows.filter((r) => r.sku !== null && skus.includes(r.sku)))

describe('POST /imports/products', () => {
  it('creates good rows with every field, reporting progress in steps', async () => {
    const [lamp, rug] = [sku('LAMP'), sku('RUG')]
    const job = await runImport(
      shop.user,
      csvOf(
        `${lamp},Pierced brass lantern,"Throws stars, across the room.\nTwo bulbs.",1450.50,MAD,3,handmade,Fez,lighting,active,brass,40,true`,
        `${rug},Beni Ouarain rug,Hand-knotted wool.,999,MAD,1,good,Azrou,textiles,,,,`,
      ),
    )
    expect(job.result).toEqual({ counts: { rows: 2, created: 2, updated: 0, unchanged: 0, failed: 0 }, problems: { total: 0, items: [] } })
    expect(job.steps).toEqual(['Reading the file', 'Checking rows', 'Saving products'])
    expect(job.log.map((l) => l.line)).toContain('Created 2, updated 0, unchanged 0, failed 0')
    const [created] = await productsWith(shop.vendor.id, [lamp])
    const page = (await (await t.request(`/api/v1/products/${created!.slug}`, { headers: shop.user.auth })).json()) as CatalogModel.Product
    expect(page).toMatchObject({
      sku: lamp,
      title: 'Pierced brass lantern',
      description: 'Throws stars, across the room.\nTwo bulbs.',
      priceMinor: 145_050,
      currency: 'MAD',
      stock: 3,
      condition: 'handmade',
      location: 'Fez',
      status: 'active',
      category: { slug: 'lighting' },
      attributes: { finish: 'brass', watts: 40, dimmable: true },
    })
    const [draft] = await productsWith(shop.vendor.id, [rug])
    expect(draft).toMatchObject({ status: 'draft', priceMinor: 99_900, attributes: {} })
  })

  it('reports bad rows with their line numbers and field, and still lands the good ones', async () => {
    const [good, other, dup] = [sku('GOOD'), sku('OTHER'), sku('DUP')]
    const job = await runImport(
      shop.user,
      csvOf(
        // Lines 2-3: one record over two lines.
        `${good},Good lamp,"Two lines\nof description",100,MAD,1,new,Fez,lighting,active,copper,,`,
        `${sku('PRICE')},Bad price,Text,12.345,MAD,1,new,Fez,lighting,,,,`,
        `${sku('CAT')},Unknown category,Text,10,MAD,1,new,Fez,no-such-category,,,,`,
        `${sku('TITLE')},,Text,10,MAD,1,new,Fez,textiles,,,,`,
        `${dup},First of two,Text,10,MAD,1,new,Fez,textiles,,,,`,
        `${dup},Second of two,Text,10,MAD,1,new,Fez,textiles,,,,`,
        `${sku('ATTR')},Bad finish,Text,10,MAD,1,new,Fez,lighting,,gold,,`,
        `${sku('WATTS')},Bad watts,Text,10,MAD,1,new,Fez,lighting,,,many,`,
        `${sku('COND')},Bad condition,Text,10,MAD,1,broken,Fez,textiles,,,,`,
        `${sku('SOLD')},New and sold,Text,10,MAD,1,new,Fez,textiles,sold,,,`,
        `${sku('SHORT')},Too few cells`,
        `${other},Good rug,Text,10,MAD,1,new,Fez,textiles,,,,`,
      ),
    )
    expect(job.result?.counts).toEqual({ rows: 12, created: 3, updated: 0, unchanged: 0, failed: 9 })
    expect(job.result?.problems).toEqual({
      total: 9,
      items: [
        { line: 4, column: 'price', message: 'must be an amount with a dot and at most two decimals, e.g. 1450.50' },
        { line: 5, column: 'category', message: 'no category has this slug' },
        { line: 6, column: 'title', message: 'is required' },
        { line: 8, column: 'sku', message: 'appears again (first on line 7)' },
        { line: 9, column: 'attr.finish', message: 'must be one of: brass, copper' },
        { line: 10, column: 'attr.watts', message: 'must be a number' },
        { line: 11, column: 'condition', message: 'must be one of: new, like_new, good, fair, handmade' },
        { line: 12, column: 'status', message: 'must be draft or active for a new product' },
        { line: 13, column: null, message: 'has 2 cells; the header has 13' },
      ],
    })
    expect((await productsWith(shop.vendor.id, [good, other, dup])).map((p) => p.title).sort()).toEqual(['First of two', 'Good lamp', 'Good rug'])
  })

  it('reports every problem of a row, each with its column, from the format of a cell to the attributes of its category', async () => {
    const job = await runImport(shop.user, csvOf(`${sku('MANY')},Many problems,Text,12.345,MAD,lots,broken,Fez,lighting,,gold,many,`))
    expect(job.result?.counts).toMatchObject({ rows: 1, created: 0, failed: 1 })
    expect(job.result?.problems).toEqual({
      total: 5,
      items: [
        { line: 2, column: 'price', message: 'must be an amount with a dot and at most two decimals, e.g. 1450.50' },
        { line: 2, column: 'stock', message: 'must be a whole number' },
        { line: 2, column: 'condition', message: 'must be one of: new, like_new, good, fair, handmade' },
        { line: 2, column: 'attr.finish', message: 'must be one of: brass, copper' },
        { line: 2, column: 'attr.watts', message: 'must be a number' },
      ],
    })
  })

  it('is idempotent: the same file again duplicates nothing and reports it unchanged; an edit updates', async () => {
    const skus = [sku('A'), sku('B'), sku('C')]
    const file = csvOf(...skus.map((s, i) => `${s},Item ${s},Text,${10 + i},MAD,${i},new,Fez,textiles,active,,,`))
    expect((await runImport(shop.user, file)).result?.counts).toMatchObject({ created: 3, updated: 0, unchanged: 0 })
    expect((await runImport(shop.user, file)).result?.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 })
    expect(await productsWith(shop.vendor.id, skus)).toHaveLength(3)

    const edited = file.replace(`Item ${skus[1]},Text,11,MAD,1`, `Item ${skus[1]},Text,12.5,MAD,7`)
    expect((await runImport(shop.user, edited)).result?.counts).toMatchObject({ created: 0, updated: 1, unchanged: 2 })
    const rows = await productsWith(shop.vendor.id, skus)
    expect(rows).toHaveLength(3)
    expect(rows.find((r) => r.sku === skus[1])).toMatchObject({ priceMinor: 1250, stock: 7, version: 2 })
  })

  it("never touches another shop's products: the same SKU is a product of the importer's own shop", async () => {
    const shared = sku('SHARED')
    const theirs = await makeProduct(t, rival.user, { categoryId: await categoryId('textiles'), sku: shared, title: 'Rival rug' })
    const job = await runImport(shop.user, csvOf(`${shared},My own rug,Text,10,MAD,1,new,Fez,textiles,active,,,`))
    expect(job.result?.counts).toMatchObject({ created: 1, updated: 0 })
    const rivalRows = await productsWith(rival.vendor.id, [shared])
    expect(rivalRows).toEqual([expect.objectContaining({ id: theirs.id, title: 'Rival rug', priceMinor: 10_000, version: 1 })])
    expect((await productsWith(shop.vendor.id, [shared])).map((r) => r.title)).toEqual(['My own rug'])
  })

  it('refuses a vendor naming another shop (403) and a buyer (403), and answers 404 for an unknown shop to an admin', async () => {
    const file = csvOf(`${sku('X')},Thing,Text,10,MAD,1,new,Fez,textiles,,,,`)
    const other = await upload(shop.user, file, { vendorId: rival.vendor.id })
    expect(other.status).toBe(403)
    expect((await errorOf(other)).type).toBe('forbidden')
    expect((await upload(buyer, file)).status).toBe(403)
    expect((await upload(admin, file, { vendorId: `ven_${'0'.repeat(32)}` })).status).toBe(404)
    const noShop = await upload(admin, file)
    expect(noShop.status).toBe(400)
    expect((await errorOf(noShop)).details).toEqual([{ field: 'vendorId', message: 'is required for an admin without a shop' }])
  })

  it('lets an admin import into any shop', async () => {
    const mine = sku('ADMIN')
    const job = await runImport(admin, csvOf(`${mine},Placed by an admin,Text,10,MAD,1,new,Fez,textiles,active,,,`), { vendorId: rival.vendor.id })
    expect(job.result?.counts).toMatchObject({ created: 1 })
    expect(job.ownerId).toBe(admin.id)
    expect((await productsWith(rival.vendor.id, [mine])).map((r) => r.title)).toEqual(['Placed by an admin'])
  })

  it('refuses a file that is too large, not CSV text, too long or without the header, before any job starts', async () => {
    const jobCount = async () => ((await (await t.request('/api/v1/jobs?limit=100', { headers: shop.user.auth })).json()) as { items: unknown[] }).items.length
    const before = await jobCount()
    const big = await upload(shop.user, `${HEADER}\r\n${'x'.repeat(IMPORT_MAX_BYTES)}`)
    expect(big.status).toBe(413)
    expect((await errorOf(big)).type).toBe('payload_too_large')

    const image = await upload(shop.user, await pixelFlood(), { name: 'products.csv', type: 'text/csv' })
    expect(image.status).toBe(415)
    expect((await errorOf(image)).details).toEqual([{ field: 'body.file', message: 'must be UTF-8 CSV text' }])
    const latin1 = await upload(shop.user, new Uint8Array([...new TextEncoder().encode(`${HEADER}\r\nA,Caf`), 0xe9, 0x0d, 0x0a]))
    expect(latin1.status).toBe(415)

    const long = await upload(shop.user, csvOf(...Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `S${i},Thing,Text,1,MAD,1,new,Fez,textiles,,,,`)))
    expect(long.status).toBe(413)
    expect((await errorOf(long)).message).toBe(`The file has ${IMPORT_MAX_ROWS + 1} rows; at most ${IMPORT_MAX_ROWS} are imported at once`)

    const header = await upload(shop.user, 'sku,name,price\r\nA,Thing,10\r\n')
    expect(header.status).toBe(400)
    expect((await errorOf(header)).details).toEqual([
      { field: 'body.file', message: 'the header lacks title, description, currency, stock, condition, location, category' },
      { field: 'body.file', message: 'column "name" is not one of the documented columns' },
    ])
    expect((await upload(shop.user, `${HEADER}\r\n`)).status).toBe(400)
    expect((await upload(shop.user, `${HEADER}\r\n"unterminated,quote\r\n`)).status).toBe(400)
    expect(await jobCount()).toBe(before)
  })

  it('ends concurrent imports of one file with one product per SKU', async () => {
    const skus = Array.from({ length: 12 }, () => sku('RACE'))
    const file = csvOf(...skus.map((s) => `${s},Racing item,Text,10,MAD,1,new,Fez,textiles,active,,,`))
    const started = await Promise.all([upload(shop.user, file), upload(shop.user, file)])
    expect(started.map((r) => r.status)).toEqual([202, 202])
    const jobs = await Promise.all(started.map(async (r) => finished(shop.user, ((await r.json()) as JobDetail).id)))
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded'])
    const rows = await productsWith(shop.vendor.id, skus)
    expect(rows.map((r) => r.sku).sort()).toEqual([...skus].sort())
    const total = (name: string) => jobs.reduce((n, j) => n + (j.result?.counts?.[name] ?? 0), 0)
    expect(total('created')).toBe(skus.length)
    expect(total('created') + total('updated') + total('unchanged')).toBe(2 * skus.length)
  }, 60_000)
})

/** A category's id by slug, from the public tree. */
async function categoryId(slug: string): Promise<string> {
  const tree = (await (await t.request('/api/v1/categories')).json()) as CatalogModel.CategoryTree
  return tree.items.find((c) => c.slug === slug)!.id
}

describe('GET /me/products/export.csv', () => {
  it('writes my products in the import format: exported, edited and imported again, only the edit changes', async () => {
    const vendor = await makeVendor(t)
    const skus = [sku('RT'), sku('RT'), sku('RT')]
    await runImport(
      vendor.user,
      csvOf(
        `${skus[0]},Lantern,"Multi-line\n""quoted"" text",1450.50,MAD,3,handmade,Fez,lighting,active,brass,40,false`,
        `${skus[1]},Rug,Plain,999,MAD,0,good,Azrou,textiles,draft,,,`,
        `${skus[2]},-50% sale,=cheap,5,MAD,1,new,Fez,textiles,active,,,`,
      ),
    )
    const response = await t.request('/api/v1/me/products/export.csv', { headers: vendor.user.auth })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${vendor.vendor.slug}-products-\\d{4}-\\d{2}-\\d{2}\\.csv"$`))
    const text = await response.text()
    const [header, ...rows] = parseCsv(text, 'file').map((r) => r.cells)
    expect(header).toEqual(['sku', 'title', 'description', 'price', 'currency', 'stock', 'condition', 'location', 'category', 'status', 'attr.dimmable', 'attr.finish', 'attr.watts'])
    const bySku = new Map(rows.map((r) => [r[0], r]))
    expect(bySku.get(skus[0])).toEqual([skus[0]!, 'Lantern', 'Multi-line\n"quoted" text', '1450.50', 'MAD', '3', 'handmade', 'Fez', 'lighting', 'active', 'false', 'brass', '40'])
    expect(bySku.get(skus[1])).toEqual([skus[1]!, 'Rug', 'Plain', '999.00', 'MAD', '0', 'good', 'Azrou', 'textiles', 'draft', '', '', ''])
    // Formula-looking cells are neutralised with a quote mark.
    expect(bySku.get(skus[2])?.slice(1, 3)).toEqual(["'-50% sale", "'=cheap"])

    // The file goes back in unchanged; an edited copy changes just the edited product.
    expect((await runImport(vendor.user, text)).result?.counts).toEqual({ rows: 3, created: 0, updated: 0, unchanged: 3, failed: 0 })
    const edited = toCsv([header!, ...rows.map((r) => (r[0] === skus[1] ? r.map((c, i) => (i === 5 ? '4' : c)) : r))])
    expect((await runImport(vendor.user, edited)).result?.counts).toEqual({ rows: 3, created: 0, updated: 1, unchanged: 2, failed: 0 })
    const after = await productsWith(vendor.vendor.id, skus)
    expect(after.find((r) => r.sku === skus[1])?.stock).toBe(4)
    expect(after.find((r) => r.sku === skus[2])).toMatchObject({ title: '-50% sale', description: '=cheap' })
  })

  it('exports any shop for an admin, and only my own for a vendor', async () => {
    const response = await t.request(`/api/v1/me/products/export.csv?vendorId=${rival.vendor.id}`, { headers: admin.auth })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Rival rug')
    expect((await t.request(`/api/v1/me/products/export.csv?vendorId=${rival.vendor.id}`, { headers: shop.user.auth })).status).toBe(403)
    expect((await t.request('/api/v1/me/products/export.csv', { headers: buyer.auth })).status).toBe(403)
    expect((await t.request('/api/v1/me/products/export.csv?vendor=x', { headers: shop.user.auth })).status).toBe(400)
  })

  it('serves a sample file that imports as it is', async () => {
    const vendor = await makeVendor(t)
    const sample = await t.request('/api/v1/imports/products/template.csv')
    expect(sample.status).toBe(200)
    const job = await runImport(vendor.user, await sample.text())
    expect(job.result?.counts).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0, failed: 0 })
  })
})
