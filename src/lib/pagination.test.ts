import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import { integer, pgTable, text } from 'drizzle-orm/pg-core'
import { Elysia, t } from 'elysia'
import { sql } from '../db/client'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { httpBasics } from './http'
import { createLogger } from './log'
import { cursorPart, DEFAULT_LIMIT, decodeCursor, encodeCursor, MAX_LIMIT, pageOf, pageQuery, toPage } from './pagination'

// A scratch table of this test file's own: rank ties make the id the tie-breaker of the keyset.
const items = pgTable('pagination_items', { id: text('id').primaryKey(), rank: integer('rank').notNull() })
type Item = typeof items.$inferSelect

let database: TestDatabase

/** The keyset of the scratch list: rank, then id (this table's ids are short text, not prefixed ids). */
const ITEM_CURSOR = [cursorPart.integer(), cursorPart.text(16)] as const

function listApp() {
  return new Elysia().use(httpBasics(createLogger('silent'))).get(
    '/api/v1/items',
    async ({ query }) => {
      const limit = query.limit ?? DEFAULT_LIMIT
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor, ITEM_CURSOR)
      const rows = await database.db
        .select()
        .from(items)
        .where(
          after === null
            ? undefined
            : or(lt(items.rank, after[0]), and(eq(items.rank, after[0]), lt(items.id, after[1]))),
        )
        .orderBy(desc(items.rank), desc(items.id))
        .limit(limit + 1)
      return toPage(rows, limit, (r: Item) => [r.rank, r.id])
    },
    { query: t.Object(pageQuery), response: pageOf(t.Object({ id: t.String(), rank: t.Integer() })) },
  )
}

async function getPage(app: ReturnType<typeof listApp>, qs: string) {
  const res = await app.handle(new Request(`http://localhost/api/v1/items${qs}`))
  return { status: res.status, body: await res.json() }
}

async function walk(app: ReturnType<typeof listApp>, limit: number, onPage?: (n: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | null = null
  for (let n = 0; n < 100; n++) {
    const { status, body } = await getPage(app, `?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`)
    expect(status).toBe(200)
    seen.push(...body.items.map((i: Item) => i.id))
    cursor = body.nextCursor
    if (cursor === null) return seen
    await onPage?.(n)
  }
  throw new Error('pagination did not end')
}

beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.execute(sql`create table pagination_items (id text primary key, rank integer not null)`)
  // 45 rows, ranks repeat so ties must be broken by id.
  await database.db.insert(items).values(Array.from({ length: 45 }, (_, i) => ({ id: `itm_${String(i).padStart(3, '0')}`, rank: i % 7 })))
})
afterAll(() => database.drop())

describe('cursor pagination', () => {
  it('round-trips a keyset through an opaque cursor', () => {
    const cursor = encodeCursor([3, 'itm_010'])
    expect(cursor).not.toContain('itm_010')
    expect(decodeCursor(cursor, ITEM_CURSOR)).toEqual([3, 'itm_010'])
  })

  it('reads each part back as its kind: a Date, an id, a number, a name', () => {
    const at = new Date('2026-03-04T05:06:07.089Z')
    const id = `prd_${'a1'.repeat(16)}`
    const [time, productId, rank, sort] = decodeCursor(encodeCursor([at.toISOString(), id, 42, 'newest']), [
      cursorPart.time,
      cursorPart.id('prd'),
      cursorPart.integer(),
      cursorPart.oneOf(['newest', 'price_asc']),
    ])
    expect(time).toEqual(at)
    expect([productId, rank, sort]).toEqual([id, 42, 'newest'])
  })

  it('refuses a well-formed cursor whose part is not of its kind', () => {
    // Raw JSON, as a client can send it: base64 of valid JSON holding crafted values.
    const raw = (json: string) => Buffer.from(json).toString('base64url')
    const refused = (json: string, parts: Parameters<typeof decodeCursor>[1]) => () => decodeCursor(raw(json), parts)
    const time = [cursorPart.time] as const
    for (const bad of ['"not-a-date"', '"+300000-01-01T00:00:00.000Z"', '"+200000-01-01T00:00:00.000Z"', '"1969-12-31T23:59:59.999Z"', '"2026-02-30T00:00:00.000Z"', '"2026-01-01"', '1e300', '"NaN"', '0']) {
      expect(refused(`[${bad}]`, time)).toThrow('The cursor is not valid')
    }
    for (const bad of ['1e300', '"12"', '1.5', '-1', '2147483648', 'null', '"NaN"']) {
      expect(refused(`[${bad}]`, [cursorPart.integer()])).toThrow('The cursor is not valid')
    }
    for (const bad of ['"prd_x"', '"usr_' + '0'.repeat(32) + '"', '"\\u0000"', '5', `"prd_${'0'.repeat(32)}\\u0000"`]) {
      expect(refused(`[${bad}]`, [cursorPart.id('prd')])).toThrow('The cursor is not valid')
    }
    for (const bad of ['"a\\u0000"', '"\\ud800"', `"${'x'.repeat(17)}"`, '5']) {
      expect(refused(`[${bad}]`, [cursorPart.text(16)])).toThrow('The cursor is not valid')
    }
    expect(refused('["oldest"]', [cursorPart.oneOf(['newest'])])).toThrow('The cursor is not valid')
  })

  it('rejects a forged, truncated or wrong-shaped cursor with a 400 naming the cursor', async () => {
    const app = listApp()
    for (const bad of ['%%%', 'bm90IGpzb24', encodeCursor([1]), encodeCursor([1, { x: 1 } as never]), encodeCursor([1, 'a', 'b']), encodeCursor([1e300, 'a']), encodeCursor(['1', 'a']), encodeCursor([1, 'a\u0000'])]) {
      const { status, body } = await getPage(app, `?cursor=${encodeURIComponent(bad)}`)
      expect(status).toBe(400)
      expect(body.error.type).toBe('invalid_data')
      expect(body.error.details[0].field).toBe('query.cursor')
    }
  })

  it(`defaults to ${DEFAULT_LIMIT} items and refuses limits outside 1..${MAX_LIMIT}`, async () => {
    const app = listApp()
    const first = await getPage(app, '')
    expect(first.body.items).toHaveLength(DEFAULT_LIMIT)
    expect(first.body.nextCursor).not.toBeNull()
    for (const limit of ['0', String(MAX_LIMIT + 1), 'ten', '-3']) {
      const { status, body } = await getPage(app, `?limit=${limit}`)
      expect(status).toBe(400)
      expect(body.error.details[0].field).toBe('query.limit')
    }
    expect((await getPage(app, `?limit=${MAX_LIMIT}`)).body.items).toHaveLength(45)
  })

  it('walks every row exactly once, in order, ending with a null cursor', async () => {
    const all = await walk(listApp(), 10)
    const expected = (await database.db.select().from(items).orderBy(desc(items.rank), desc(items.id))).map((r) => r.id)
    expect(all).toEqual(expected)
  })

  it('stays stable when rows are inserted ahead of the cursor while paging', async () => {
    const app = listApp()
    const before = (await database.db.select().from(items).orderBy(desc(items.rank), desc(items.id))).map((r) => r.id)
    const seen = await walk(app, 10, async (n) => {
      // New rows rank highest, so they sort before every page already served.
      await database.db.insert(items).values({ id: `new_${n}`, rank: 100 + n })
    })
    expect(seen).toEqual(before)
    await database.db.delete(items).where(sql`rank >= 100`)
  })

  it('returns an empty last page without a cursor when exactly a page remains', () => {
    const rows = [{ k: 1 }, { k: 2 }]
    expect(toPage(rows, 2, (r) => [r.k])).toEqual({ items: rows, nextCursor: null })
    expect(toPage([], 2, (r: { k: number }) => [r.k])).toEqual({ items: [], nextCursor: null })
    expect(toPage([...rows, { k: 3 }], 2, (r) => [r.k]).nextCursor).toBe(encodeCursor([2]))
  })
})
