import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Elysia, t } from 'elysia'
import { sql } from '../db/client'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { httpBasics } from './http'
import { findRefusedValue } from './input'
import { createLogger } from './log'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

/** An app behind httpBasics whose routes hand what they get to Postgres, as real routes do. */
function appWithLog() {
  const lines: Record<string, unknown>[] = []
  const log = createLogger('debug', {}, (line) => void lines.push(JSON.parse(line)))
  const echo = async (text: string) => (await database.db.execute(sql`select ${text}::text as text`))
  const app = new Elysia()
    .use(httpBasics(log))
    .post('/api/v1/notes', async ({ body }) => ({ ok: (await echo(body.title)) !== null }), {
      body: t.Object({ title: t.String(), tags: t.Optional(t.Array(t.String())), meta: t.Optional(t.Record(t.String(), t.String())) }),
    })
    .post('/api/v1/forms', async ({ body }) => ({ ok: (await echo(body.name)) !== null }), { body: t.Object({ name: t.String() }) })
    .get('/api/v1/notes/:slug', async ({ params }) => ({ ok: (await echo(params.slug)) !== null }))
    .post('/api/v1/session', ({ cookie }) => ({ ok: cookie.token?.value !== undefined }), { cookie: t.Cookie({ token: t.Optional(t.String()) }) })
    .get('/api/v1/search', async ({ request }) => ({ ok: (await echo(new URL(request.url).searchParams.get('q') ?? '')) !== null }))
    // What a route that forgot a check would send Postgres: each raises a data exception (class 22).
    .get('/api/v1/bad/:kind', async ({ params }) => {
      const bad = {
        int: sql`select ${'12x'}::int`,
        range: sql`select ${'99999999999'}::int`,
        date: sql`select ${'not a date'}::timestamptz`,
        nul: sql`select ${'a\u0000b'}::text`,
      }[params.kind]
      await database.db.execute(bad ?? sql`select * from no_such_table_here`)
      return 'unreachable'
    })
  const call = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init))
  return { call, lines }
}

const json = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body })

async function fieldsOf(response: Response): Promise<{ status: number; type: string; fields: string[] }> {
  const { error } = (await response.json()) as { error: { type: string; details?: { field: string }[]; requestId: string } }
  return { status: response.status, type: error.type, fields: error.details?.map((d) => d.field) ?? [] }
}

describe('findRefusedValue()', () => {
  it('finds NUL and lone surrogates anywhere in a value, with their path', () => {
    expect(findRefusedValue({ a: 'fine', b: ['ok', 'x\u0000'] }, 'body')?.field).toBe('body.b.1')
    expect(findRefusedValue({ bio: 'half \ud83d' }, 'body')?.field).toBe('body.bio')
    expect(findRefusedValue({ bio: '\ude00 tail' }, 'body')?.field).toBe('body.bio')
    expect(findRefusedValue({ ['k\u0000']: 'v' }, 'body')?.field).toBe('body')
    expect(findRefusedValue('x\u0000', 'params.slug')?.field).toBe('params.slug')
  })

  it('accepts well-formed text, emoji included, and non-text values', () => {
    expect(findRefusedValue({ a: 'Fès 😀 ✓', n: 3, b: true, c: null, d: [1, { e: 'ok' }] }, 'body')).toBeNull()
    expect(findRefusedValue(new File(['\u0000'], 'a.bin'), 'body.file')).toBeNull()
  })
})

describe('the unstorable-text guard of httpBasics', () => {
  it('refuses NUL in a JSON field with 400 naming the field, before Postgres sees it', async () => {
    const { call } = appWithLog()
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":"a\\u0000b"}')))).toEqual({ status: 400, type: 'invalid_data', fields: ['body.title'] })
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":"ok","tags":["x","\\u0000"]}')))).toMatchObject({ status: 400, fields: ['body.tags.1'] })
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":"ok","meta":{"k":"\\ud800"}}')))).toMatchObject({ status: 400, fields: ['body.meta.k'] })
  })

  it('refuses a lone surrogate in JSON, and lets a whole emoji through', async () => {
    const { call } = appWithLog()
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":"\\ud83d"}')))).toMatchObject({ status: 400, fields: ['body.title'] })
    expect((await call('/api/v1/notes', json('{"title":"\\ud83d\\ude00"}'))).status).toBe(200)
  })

  it('refuses NUL in form fields, path params and any query parameter', async () => {
    const { call } = appWithLog()
    const form = new FormData()
    form.append('name', 'x\u0000')
    expect(await fieldsOf(await call('/api/v1/forms', { method: 'POST', body: form }))).toMatchObject({ status: 400, fields: ['body.name'] })
    expect(await fieldsOf(await call('/api/v1/notes/a%00b'))).toMatchObject({ status: 400, fields: ['params.slug'] })
    expect(await fieldsOf(await call('/api/v1/search?q=%00'))).toMatchObject({ status: 400, fields: ['query.q'] })
    expect(await fieldsOf(await call('/api/v1/search?q=ok&undeclared=%00'))).toMatchObject({ status: 400, fields: ['query.undeclared'] })
  })

  it('refuses a path param that is not valid percent-encoded UTF-8', async () => {
    const { call } = appWithLog()
    expect(await fieldsOf(await call('/api/v1/notes/%ED%A0%80'))).toMatchObject({ status: 400, fields: ['params.slug'] })
  })

  it('refuses an object with its own toString or valueOf, in a body or a JSON-looking cookie, with 400 not 500', async () => {
    const { call } = appWithLog()
    // Elysia's validation message prints the value: an own toString that is not a function throws there.
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":{"toString":1}}')))).toEqual({ status: 400, type: 'invalid_data', fields: ['body.title'] })
    expect(await fieldsOf(await call('/api/v1/notes', json('{"title":"ok","tags":[{"valueOf":{}}]}')))).toMatchObject({ status: 400, fields: ['body.tags.0'] })
    const cookie = { method: 'POST', headers: { cookie: 'token={"toString":1}' } }
    expect(await fieldsOf(await call('/api/v1/session', cookie))).toEqual({ status: 400, type: 'invalid_data', fields: ['cookie.token'] })
    expect((await call('/api/v1/session', { method: 'POST', headers: { cookie: 'token=abc' } })).status).toBe(200)
  })

  it('lets ordinary text through', async () => {
    const { call } = appWithLog()
    expect((await call('/api/v1/notes/caf%C3%A9')).status).toBe(200)
    expect((await call('/api/v1/search?q=tagine%20%26%20bowl')).status).toBe(200)
  })
})

describe('the data-exception safety net of httpBasics', () => {
  it('answers a Postgres data exception (class 22) 400 and logs its code at warn, without values', async () => {
    for (const [kind, code] of [['int', '22P02'], ['range', '22003'], ['date', '22007'], ['nul', '22021']] as const) {
      const { call, lines } = appWithLog()
      const response = await call(`/api/v1/bad/${kind}`)
      expect(await fieldsOf(response)).toEqual({ status: 400, type: 'invalid_data', fields: [] })
      const warned = lines.find((l) => l.msg === 'database refused a value')
      expect(warned).toMatchObject({ level: 'warn', code })
      expect(JSON.stringify(lines)).not.toContain('12x')
      expect(JSON.stringify(lines)).not.toContain('not a date')
      expect(lines.some((l) => l.level === 'error')).toBe(false)
    }
  })

  it('keeps 500 for other database errors', async () => {
    const { call, lines } = appWithLog()
    const response = await call('/api/v1/bad/other')
    expect(response.status).toBe(500)
    expect(lines.some((l) => l.level === 'error' && l.msg === 'unhandled error')).toBe(true)
  })
})
