import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { queryRows, sql } from '../db/client'
import { defineJob } from '../jobs/queue'
import { createRedisBus } from './bus'
import { connectAs } from '../realtime/test-client'
import { createTestApp, listen, signUpAndSignIn, type TestApp, waitFor } from '../testing'
import { createLogger } from './log'

/** One sample of a Prometheus text exposition: the line named `name` carrying every label given, or null. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3])
  }
  return null
}

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await t.request('/metrics', { headers })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
  return response.text()
}

/** Waits until the scraped sample satisfies `holds` (metrics of a response land after it is sent). */
async function scrapeUntil(t: TestApp, what: string, name: string, labels: Record<string, string>, holds: (value: number | null) => boolean): Promise<number | null> {
  let value: number | null = null
  await waitFor(async () => holds((value = sample(await scrape(t), name, labels))), 5_000, what)
  return value
}

describe('GET /metrics', () => {
  let t: TestApp
  let wsUrl: string
  beforeAll(async () => {
    t = await createTestApp({ queue: true })
    ;({ wsUrl } = listen(t))
  })
  afterAll(() => t.close())

  it('counts HTTP requests by route pattern and status, never by raw path', async () => {
    const user = await signUpAndSignIn(t)
    const route = { method: 'GET', route: '/api/v1/users/:id', status: '200' }
    const before = sample(await scrape(t), 'souk_http_request_duration_seconds_count', route) ?? 0
    for (let n = 0; n < 3; n++) expect((await t.request(`/api/v1/users/${user.id}`)).status).toBe(200)
    expect((await t.request('/api/v1/users/usr_00000000000000000000000000000000')).status).toBe(404)
    await scrapeUntil(t, 'three more 200s', 'souk_http_request_duration_seconds_count', route, (v) => v === before + 3)
    const text = await scrape(t)
    expect(sample(text, 'souk_http_request_duration_seconds_count', { ...route, status: '404' })).toBe(1)
    expect(sample(text, 'souk_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(before + 3)
    expect(sample(text, 'souk_http_request_duration_seconds_sum', route)).toBeGreaterThan(0)
    expect(text).not.toContain(`/api/v1/users/${user.id}`)
  })

  it('follows sockets: connections open, messages in and out by type, publish-to-delivery time', async () => {
    const [alice, bob] = [await signUpAndSignIn(t), await signUpAndSignIn(t)]
    const watcher = await connectAs(t, wsUrl, bob)
    await scrapeUntil(t, 'one socket', 'souk_ws_connections', {}, (v) => v === 1)
    expect(await watcher.ask({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect(await watcher.ask({ type: 'subscribe', topic: `presence:${alice.id}` })).toMatchObject({ type: 'subscribed' })
    watcher.send('{not json')
    await watcher.next('error')

    // Alice coming online is published on the bus and delivered to the watcher.
    const socket = await connectAs(t, wsUrl, alice)
    await watcher.next('event', (m) => m.kind === 'presence' && m.data.online === true)
    const text = await scrape(t)
    expect(sample(text, 'souk_ws_connections')).toBe(2)
    expect(sample(text, 'souk_ws_messages_received_total', { type: 'ping' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_received_total', { type: 'subscribe' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_received_total', { type: 'invalid' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_sent_total', { type: 'pong' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_sent_total', { type: 'subscribed' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_sent_total', { type: 'error' })).toBe(1)
    expect(sample(text, 'souk_ws_messages_sent_total', { type: 'event' })).toBeGreaterThanOrEqual(1)
    const delivered = sample(text, 'souk_bus_delivery_seconds_count', { family: 'presence' })
    expect(delivered).toBeGreaterThanOrEqual(1)
    const seconds = sample(text, 'souk_bus_delivery_seconds_sum', { family: 'presence' })!
    expect(seconds).toBeGreaterThan(0)
    expect(seconds / delivered!).toBeLessThan(1)

    socket.close()
    watcher.close()
    await scrapeUntil(t, 'no socket', 'souk_ws_connections', {}, (v) => v === 0)
  })

  it('times job runs by kind and reports queue depth', async () => {
    const kind = defineJob('metrics.probe', async () => {}, { retryLimit: 0 })
    await t.ctx.queue!.register(kind)
    const id = await t.ctx.queue!.enqueue(kind, {})
    await t.ctx.queue!.whenFinished(kind.name, [id!], 20_000)
    await scrapeUntil(t, 'the job timed', 'souk_job_duration_seconds_count', { kind: kind.name, outcome: 'done' }, (v) => v === 1)
    const text = await scrape(t)
    expect(sample(text, 'souk_job_duration_seconds_sum', { kind: kind.name, outcome: 'done' })).toBeGreaterThan(0)
    for (const state of ['ready', 'deferred', 'active', 'failed', 'dead']) {
      expect(sample(text, 'souk_job_queue_depth', { kind: kind.name, state })).toBeGreaterThanOrEqual(0)
    }
  })

  it('times queries and shows the pool in use while a query runs', async () => {
    const { db, queries } = t.ctx.database
    const before = sample(await scrape(t), 'souk_db_query_duration_seconds_count')!
    // Calling then() sends the query at once, and the watch counts it from then until it settles.
    const running = db.execute(sql`select pg_sleep(0.2)`).then(() => 'done')
    expect(queries.inFlight).toBeGreaterThanOrEqual(1)
    // PGlite runs a query on the event loop itself: only a real pool can be scraped meanwhile.
    if (t.ctx.database.kind === 'postgres') expect(sample(await scrape(t), 'souk_db_queries_in_flight')).toBeGreaterThanOrEqual(1)
    expect(await running).toBe('done')
    await waitFor(() => queries.inFlight === 0, 5_000, 'the query to settle')
    expect(await queryRows(db, sql`select 1 as one`)).toEqual([{ one: 1 }])
    const text = await scrape(t)
    expect(sample(text, 'souk_db_query_duration_seconds_count')).toBeGreaterThanOrEqual(before + 2)
    expect(sample(text, 'souk_db_query_duration_seconds_sum')).toBeGreaterThan(0.2)
    expect(sample(text, 'souk_db_pool_size')).toBe(t.ctx.database.kind === 'pglite' ? 1 : 5)
    expect(sample(text, 'souk_db_queries_in_flight')).toBe(0)
  })

  it('measures the bus round trip and carries event-loop lag and process memory', async () => {
    const text = await scrape(t)
    const roundTrip = sample(text, 'souk_bus_round_trip_seconds')!
    expect(roundTrip).toBeGreaterThanOrEqual(0)
    expect(roundTrip).toBeLessThan(1)
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0)
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000)
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
  })

  it('is marked API-only in the OpenAPI document', async () => {
    const spec = (await (await t.request('/api/docs/json')).json()) as { paths: Record<string, { get?: { tags?: string[]; 'x-api-only'?: string } }> }
    expect(spec.paths['/metrics']?.get?.tags).toEqual(['Operations'])
    expect(spec.paths['/metrics']?.get?.['x-api-only']).toBe('for a Prometheus scraper')
  })
})

describe('GET /metrics in production', () => {
  const token = 'metrics-token-0123456789abcdef'
  let guarded: TestApp
  let closed: TestApp
  beforeAll(async () => {
    guarded = await createTestApp({ env: { NODE_ENV: 'production', METRICS_TOKEN: token } })
    closed = await createTestApp({ env: { NODE_ENV: 'production' } })
  })
  afterAll(async () => {
    await guarded.close()
    await closed.close()
  })

  it('requires the bearer token', async () => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: token }]
    for (const headers of refused) {
      const response = await guarded.request('/metrics', { headers })
      expect(response.status).toBe(401)
      expect((await response.json()).error.type).toBe('unauthorized')
    }
    const text = await scrape(guarded, { authorization: `Bearer ${token}` })
    expect(sample(text, 'souk_ws_connections')).toBe(0)
  })

  it('answers 404 when no token is configured', async () => {
    const response = await closed.request('/metrics', { headers: { authorization: `Bearer ${token}` } })
    expect(response.status).toBe(404)
    expect((await response.json()).error.type).toBe('not_found')
  })
})

describe('GET /metrics with the bus down', () => {
  it('reports the bus round trip as NaN and still answers', async () => {
    const t = await createTestApp({ bus: createRedisBus('redis://127.0.0.1:1', createLogger('silent')) })
    try {
      expect(sample(await scrape(t), 'souk_bus_round_trip_seconds')).toBeNaN()
    } finally {
      await t.close()
    }
  })
})
