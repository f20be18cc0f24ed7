import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { queryRows, sql } from '../db/client'
import { createTestApp, postJson, signUpAndSignIn, type TestApp, testIp, waitFor } from '../testing'
import { httpBasics } from './http'
import { createLogger } from './log'

type Line = Record<string, unknown>

function capture() {
  const lines: Line[] = []
  return { lines, log: createLogger('info', {}, (line) => void lines.push(JSON.parse(line))) }
}

/** Waits for the one log line matching `match`. */
async function lineWhere(lines: Line[], match: (line: Line) => boolean, what: string): Promise<Line> {
  await waitFor(() => lines.some(match), 5_000, what)
  return lines.find(match)!
}

describe('operations log of the app', () => {
  const { lines, log } = capture()
  let t: TestApp
  beforeAll(async () => {
    // Every request is slow past 1 ms here; queries keep the default threshold (200 ms).
    t = await createTestApp({ log, env: { SLOW_REQUEST_MS: '1' } })
  })
  afterAll(() => t.close())

  it('access lines carry the request id, the signed-in user and the route pattern', async () => {
    const user = await signUpAndSignIn(t)
    const requestId = `ops-${crypto.randomUUID()}`
    expect((await t.request('/api/v1/me', { headers: { ...user.auth, 'x-request-id': requestId } })).status).toBe(200)
    expect(await lineWhere(lines, (l) => l.msg === 'request' && l.requestId === requestId, 'the access line')).toMatchObject({
      userId: user.id,
      method: 'GET',
      path: '/api/v1/me',
      route: '/api/v1/me',
      status: 200,
    })

    const anonymousId = `ops-${crypto.randomUUID()}`
    expect((await t.request(`/api/v1/users/${user.id}`, { headers: { 'x-request-id': anonymousId } })).status).toBe(200)
    const anonymous = await lineWhere(lines, (l) => l.msg === 'request' && l.requestId === anonymousId, 'the anonymous access line')
    expect(anonymous).toMatchObject({ path: `/api/v1/users/${user.id}`, route: '/api/v1/users/:id', status: 200 })
    expect(anonymous.userId).toBeUndefined()
  })

  it('logs a request slower than SLOW_REQUEST_MS on its access line at warn, with its timing', async () => {
    const requestId = `ops-${crypto.randomUUID()}`
    // Sign-in hashes a password: well past 1 ms.
    await postJson(t, '/api/v1/auth/login', { email: 'nobody@example.test', password: 'not the password' }, { 'x-request-id': requestId, 'x-forwarded-for': testIp() })
    const line = await lineWhere(lines, (l) => l.msg === 'request' && l.requestId === requestId, 'the slow access line')
    expect(line).toMatchObject({ level: 'warn', slow: true, route: '/api/v1/auth/login' })
    expect(line.ms).toBeGreaterThan(1)
    expect(lines.filter((l) => l.requestId === requestId && l.msg === 'request')).toHaveLength(1)
  })

  it('logs a query slower than SLOW_QUERY_MS at warn with its duration and SQL text, never its parameter values', async () => {
    const seconds = 0.25
    await queryRows(t.ctx.database.db, sql`select pg_sleep(${seconds}) as slept`)
    await queryRows(t.ctx.database.db, sql`select 1 as quick`)
    const line = await lineWhere(lines, (l) => l.msg === 'slow query' && String(l.sql).includes('pg_sleep'), 'the slow query line')
    expect(line).toMatchObject({ level: 'warn', sql: 'select pg_sleep($1) as slept' })
    expect(line.ms).toBeGreaterThanOrEqual(250)
    expect(lines.some((l) => l.msg === 'slow query' && String(l.sql).includes('quick'))).toBe(false)
  })
})

describe('httpBasics() slow requests', () => {
  it('logs past the threshold at warn and below it at info', async () => {
    const { lines, log } = capture()
    const app = new Elysia()
      .use(httpBasics(log, { slowRequestMs: 100 }))
      .get('/quick', () => 'ok')
      // Stands in for slow work: the wait is the behaviour under test, not a wait for a condition.
      .get('/slow', async () => {
        await Bun.sleep(150)
        return 'ok'
      })
    await app.handle(new Request('http://localhost/quick'))
    await app.handle(new Request('http://localhost/slow'))
    const slow = await lineWhere(lines, (l) => l.msg === 'request' && l.path === '/slow', 'the slow line')
    const quick = await lineWhere(lines, (l) => l.msg === 'request' && l.path === '/quick', 'the quick line')
    expect(slow).toMatchObject({ level: 'warn', slow: true, route: '/slow', status: 200 })
    expect(slow.ms).toBeGreaterThan(100)
    expect(quick).toMatchObject({ level: 'info', route: '/quick', status: 200 })
    expect(quick.slow).toBeUndefined()
  })
})
