import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createLogger } from '../../lib/log'
import { createRedisBus } from '../../lib/bus'
import { createTestApp, type TestApp } from '../../testing'

let souk: TestApp
beforeAll(async () => {
  souk = await createTestApp({ queue: true })
})
afterAll(() => souk.close())

describe('GET /healthz', () => {
  it('answers while the process is up', async () => {
    const res = await souk.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })
})

describe('GET /readyz', () => {
  it('is ready when the database, migrations, queue (and Redis when configured) answer', async () => {
    const res = await souk.request('/readyz')
    const body = await res.json()
    expect(res.status).toBe(200)
    expect(body.status).toBe('ready')
    expect(body.failing).toEqual([])
    const expected = ['database', 'migrations', 'queue', ...(process.env.REDIS_URL ? ['redis'] : [])]
    expect(Object.keys(body.checks).sort()).toEqual(expected.sort())
  })

  it('answers 503 naming the queue when it is not started', async () => {
    const other = await createTestApp({ queue: false })
    try {
      const res = await other.request('/readyz')
      expect(res.status).toBe(503)
      const body = await res.json()
      expect(body.failing).toEqual(['queue'])
      expect(body.checks.queue).toEqual({ ok: false, error: 'job queue not started' })
    } finally {
      await other.close()
    }
  })

  it('answers 503 naming redis when Redis does not answer', async () => {
    const deadRedis = createRedisBus('redis://127.0.0.1:1', createLogger('silent'))
    const other = await createTestApp({ queue: true, bus: deadRedis })
    try {
      const res = await other.request('/readyz')
      expect(res.status).toBe(503)
      const body = await res.json()
      expect(body.failing).toEqual(['redis'])
      expect(body.checks.database.ok).toBe(true)
    } finally {
      await other.close()
    }
  })

  it('answers 503 naming the database when it is gone', async () => {
    const other = await createTestApp({ queue: false })
    await other.ctx.database.close()
    const res = await other.request('/readyz')
    const body = await res.json()
    expect(res.status).toBe(503)
    expect(body.failing).toContain('database')
    expect(body.checks.database.ok).toBe(false)
    await other.close().catch(() => {})
  })
})

describe('GET /api/docs/json', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await souk.request('/api/docs/json')
    expect(res.status).toBe(200)
    const doc = await res.json()
    expect(doc.openapi).toStartWith('3.1')
    expect(doc.paths['/readyz'].get.responses['503']).toBeDefined()
  })
})
