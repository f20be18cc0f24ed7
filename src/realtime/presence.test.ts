import { afterAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import { createMemoryPresenceStore, createRedisPresenceStore, PRESENCE_TTL_MS, type PresenceStore } from './presence'

const redisUrl = process.env.REDIS_URL
const redis = redisUrl === undefined ? null : new Redis(redisUrl)
afterAll(async () => {
  await redis?.quit()
})

const stores: [string, () => PresenceStore][] = [['memory', createMemoryPresenceStore]]
// Each test its own key prefix: test files share one Redis.
if (redis !== null) stores.push(['redis', () => createRedisPresenceStore(redis, `souk-test:presence:${randomBytes(6).toString('hex')}:`)])

describe.each(stores)('%s presence store', (_kind, create) => {
  const t0 = 1_800_000_000_000

  it('counts several tabs once: online from the first, offline after the last', async () => {
    const store = create()
    expect(await store.status('u1', t0)).toEqual({ online: false, lastSeenMs: null })
    expect(await store.connect('u1', 'tab-a', t0)).toBe(true)
    expect(await store.connect('u1', 'tab-b', t0 + 1)).toBe(false)
    expect(await store.status('u1', t0 + 2)).toEqual({ online: true, lastSeenMs: null })
    expect(await store.disconnect('u1', 'tab-a', t0 + 3)).toBe(false)
    expect((await store.status('u1', t0 + 4)).online).toBe(true)
    expect(await store.disconnect('u1', 'tab-b', t0 + 5)).toBe(true)
    expect(await store.status('u1', t0 + 6)).toEqual({ online: false, lastSeenMs: t0 + 5 })
    // A repeated close is not a second transition.
    expect(await store.disconnect('u1', 'tab-b', t0 + 7)).toBe(false)
  })

  it('takes a user offline once their connections stop being refreshed (their instance died)', async () => {
    const store = create()
    await store.connect('u2', 'c1', t0)
    await store.refresh([{ userId: 'u2', connId: 'c1' }], t0 + 10_000)
    expect(await store.expire(t0 + PRESENCE_TTL_MS)).toEqual([])
    expect((await store.status('u2', t0 + PRESENCE_TTL_MS)).online).toBe(true)
    const dead = t0 + 10_000 + PRESENCE_TTL_MS + 1
    expect((await store.status('u2', dead)).online).toBe(false)
    expect(await store.expire(dead)).toEqual([{ userId: 'u2', lastSeenMs: t0 + 10_000 }])
    expect(await store.expire(dead + 1)).toEqual([])
    expect(await store.status('u2', dead + 2)).toEqual({ online: false, lastSeenMs: t0 + 10_000 })
    // Coming back is a new transition.
    expect(await store.connect('u2', 'c2', dead + 3)).toBe(true)
  })
})
