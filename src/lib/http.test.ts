import { describe, expect, it } from 'bun:test'
import { Elysia, t } from 'elysia'
import { AppError } from './errors'
import { httpBasics } from './http'
import { createLogger } from './log'
import { waitFor } from '../testing'

function appWithLog() {
  const lines: Record<string, unknown>[] = []
  const log = createLogger('debug', {}, (line) => void lines.push(JSON.parse(line)))
  const app = new Elysia()
    .use(httpBasics(log))
    .post('/api/v1/things', ({ body }) => ({ name: body.name }), {
      body: t.Object({ name: t.String({ minLength: 2 }), count: t.Integer({ minimum: 1 }) }),
    })
    .get('/api/v1/things/:id', ({ params }) => {
      throw new AppError('conflict', `Thing ${params.id} is busy`, { status: 'busy' })
    })
    .get('/api/v1/boom', () => {
      throw new Error('relation "secret_table" does not exist')
    })
  const call = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init))
  return { app, call, lines }
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('httpBasics()', () => {
  it('answers validation failures 400 with every offending field listed', async () => {
    const { call } = appWithLog()
    const res = await call('/api/v1/things', postJson({ name: 'x', count: 0 }))
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.type).toBe('invalid_data')
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
    const fields = body.error.details.map((d: { field: string }) => d.field).sort()
    expect(fields).toEqual(['body.count', 'body.name'])
  })

  it('answers a body that is not JSON 400, not 500', async () => {
    const { call } = appWithLog()
    const res = await call('/api/v1/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' })
    expect(res.status).toBe(400)
    expect((await res.json()).error.type).toBe('invalid_data')
  })

  it('maps an AppError to its status with its details', async () => {
    const { call } = appWithLog()
    const res = await call('/api/v1/things/42')
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      error: { type: 'conflict', message: 'Thing 42 is busy', details: { status: 'busy' }, requestId: res.headers.get('x-request-id')! },
    })
  })

  it('answers unknown /api paths 404 in the error shape', async () => {
    const { call } = appWithLog()
    const res = await call('/api/v1/nowhere')
    expect(res.status).toBe(404)
    expect((await res.json()).error.type).toBe('not_found')
  })

  it('hides internals of an unexpected error and logs them', async () => {
    const { call, lines } = appWithLog()
    const res = await call('/api/v1/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('secret_table')
    expect(JSON.parse(text).error.type).toBe('unknown_error')
    const logged = lines.find((l) => l.msg === 'unhandled error')
    expect(JSON.stringify(logged)).toContain('secret_table')
  })

  it('keeps a sane X-Request-Id and replaces an unsafe one', async () => {
    const { call } = appWithLog()
    const kept = await call('/api/v1/nowhere', { headers: { 'x-request-id': 'req-12345678' } })
    expect(kept.headers.get('x-request-id')).toBe('req-12345678')
    expect((await kept.json()).error.requestId).toBe('req-12345678')
    const replaced = await call('/api/v1/nowhere', { headers: { 'x-request-id': 'bad id <script>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('writes one access log line per request with status and duration', async () => {
    const { call, lines } = appWithLog()
    const res = await call('/api/v1/things/7', { headers: { 'x-request-id': 'trace-abcdefgh' } })
    await res.text()
    await waitFor(() => lines.some((l) => l.msg === 'request'), 2_000, 'the access log line')
    const access = lines.filter((l) => l.msg === 'request')
    expect(access).toHaveLength(1)
    expect(access[0]).toMatchObject({ requestId: 'trace-abcdefgh', method: 'GET', path: '/api/v1/things/7', status: 409, level: 'info' })
    expect(typeof access[0]!.ms).toBe('number')
  })
})
