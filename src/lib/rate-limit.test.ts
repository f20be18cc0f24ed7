import { afterAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { Elysia } from 'elysia'
import { ManualClock } from './clock'
import { httpBasics } from './http'
import { createLogger } from './log'
import { clientIpOf, createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter, rateLimitPlugin } from './rate-limit'

const log = createLogger('silent')
const limiters: [string, () => RateLimiter][] = [['memory', createMemoryRateLimiter]]
if (process.env.REDIS_URL) {
  limiters.push(['redis', () => createRedisRateLimiter(process.env.REDIS_URL!, log, `souk-test:${randomBytes(6).toString('hex')}:`)])
}
const opened: RateLimiter[] = []
afterAll(() => Promise.all(opened.map((l) => l.close())))
const open = (make: () => RateLimiter) => {
  const limiter = make()
  opened.push(limiter)
  return limiter
}

for (const [kind, make] of limiters) {
  describe(`${kind} rate limiter`, () => {
    it('allows `limit` per sliding window and says when the next slot frees', async () => {
      const limiter = open(make)
      const t0 = 1_000_000
      for (let i = 0; i < 3; i++) expect((await limiter.consume('k', 3, 60_000, t0 + i * 1_000)).allowed).toBe(true)
      expect(await limiter.consume('k', 3, 60_000, t0 + 10_000)).toEqual({ allowed: false, retryAfterMs: 50_000 })
      expect((await limiter.consume('k', 3, 60_000, t0 + 60_000)).allowed).toBe(true)
      expect((await limiter.consume('k', 3, 60_000, t0 + 60_500)).allowed).toBe(false)
      expect((await limiter.consume('other', 3, 60_000, t0 + 60_500)).allowed).toBe(true)
    })

    it('counts hits within the window', async () => {
      const limiter = open(make)
      expect(await limiter.hit('h', 10_000, 0 + 5_000_000)).toBe(1)
      expect(await limiter.hit('h', 10_000, 5_005_000)).toBe(2)
      expect(await limiter.hit('h', 10_000, 5_012_000)).toBe(2)
    })

    it('locks until a time, and reset forgets both lock and events', async () => {
      const limiter = open(make)
      await limiter.lock('l', 9_000_000, 8_000_000)
      expect(await limiter.lockedUntil('l', 8_500_000)).toBe(9_000_000)
      expect(await limiter.lockedUntil('l', 9_000_000)).toBeNull()
      await limiter.hit('l', 60_000, 8_500_000)
      await limiter.reset('l')
      expect(await limiter.lockedUntil('l', 8_500_000)).toBeNull()
      expect(await limiter.hit('l', 60_000, 8_500_000)).toBe(1)
    })
  })
}

describe('clientIpOf()', () => {
  const request = (xff?: string) => new Request('http://localhost/', { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } })
  const server = { requestIP: () => ({ address: '192.0.2.1' }) }

  it('uses the socket address unless told to trust a proxy', () => {
    expect(clientIpOf(request('203.0.113.9'), server, false)).toBe('192.0.2.1')
    expect(clientIpOf(request(), null, false)).toBe('unknown')
  })

  it('behind a proxy takes the last X-Forwarded-For entry (the one the proxy added)', () => {
    expect(clientIpOf(request('1.1.1.1, 203.0.113.9'), server, true)).toBe('203.0.113.9')
    expect(clientIpOf(request(), server, true)).toBe('192.0.2.1')
  })
})

describe('the rateLimit macro', () => {
  it('answers 429 with the seconds to wait past the limit, per client address', async () => {
    const clock = new ManualClock()
    const app = new Elysia()
      .use(httpBasics(log))
      .use(
        new Elysia()
          .use(rateLimitPlugin({ limiter: open(createMemoryRateLimiter), clock, trustProxy: true }))
          .get('/hit', ({ clientIp }) => clientIp, { rateLimit: { scope: 'hit', limit: 2, windowMs: 60_000 } }),
      )
    const call = (ip: string) => app.handle(new Request('http://localhost/hit', { headers: { 'x-forwarded-for': ip } }))
    expect(await (await call('10.9.9.1')).text()).toBe('10.9.9.1')
    expect((await call('10.9.9.1')).status).toBe(200)
    const limited = await call('10.9.9.1')
    expect(limited.status).toBe(429)
    expect((await limited.json()).error).toMatchObject({ type: 'rate_limited', details: { retryAfter: 60 } })
    expect((await call('10.9.9.2')).status).toBe(200)
    clock.advance(60_000)
    expect((await call('10.9.9.1')).status).toBe(200)
  })

  it('with per: user counts per signed-in user whatever the address, and per address for anonymous callers', async () => {
    const app = new Elysia()
      .use(httpBasics(log))
      .use(
        new Elysia()
          .use(rateLimitPlugin({ limiter: open(createMemoryRateLimiter), clock: new ManualClock(), trustProxy: true }))
          // Stands in for the auth macro: the caller named by a header, or anonymous.
          .resolve(({ headers }) => ({ viewer: headers['x-user'] === undefined ? null : { id: headers['x-user'] } }))
          .get('/hit', () => 'ok', { rateLimit: { scope: 'hit', limit: 1, windowMs: 60_000, per: 'user' } }),
      )
    const call = (ip: string, user?: string) => app.handle(new Request('http://localhost/hit', { headers: { 'x-forwarded-for': ip, ...(user === undefined ? {} : { 'x-user': user }) } }))
    expect((await call('10.9.9.1', 'ana')).status).toBe(200)
    const limited = await call('10.9.9.2', 'ana')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect((await call('10.9.9.1', 'bo')).status).toBe(200)
    expect((await call('10.9.9.1')).status).toBe(200)
    expect((await call('10.9.9.1')).status).toBe(429)
    expect((await call('10.9.9.3')).status).toBe(200)
  })
})
