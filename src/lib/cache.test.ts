import { describe, expect, it } from 'bun:test'
import { TtlCache } from './cache'

/** A computation the test settles by hand, counting how often it was started. */
function gate<V>() {
  let settle!: { resolve: (value: V) => void; reject: (error: Error) => void }
  let runs = 0
  const compute = () => {
    runs += 1
    return new Promise<V>((resolve, reject) => (settle = { resolve, reject }))
  }
  return { compute, settle: () => settle, runs: () => runs }
}

describe('TtlCache.load()', () => {
  it('runs one computation for concurrent misses of a key and keeps its value until it expires', async () => {
    let now = 0
    const cache = new TtlCache<string>(1000, 10, () => now)
    const g = gate<string>()
    const waiting = [cache.load('k', g.compute), cache.load('k', g.compute), cache.load('k', g.compute)]
    g.settle().resolve('v1')
    expect(await Promise.all(waiting)).toEqual(['v1', 'v1', 'v1'])
    expect(g.runs()).toBe(1)
    expect(await cache.load('k', g.compute)).toBe('v1')
    now = 1000
    const next = cache.load('k', g.compute)
    g.settle().resolve('v2')
    expect(await next).toBe('v2')
    expect(g.runs()).toBe(2)
  })

  it('keeps no error: every waiter gets it, and the next call computes again', async () => {
    const cache = new TtlCache<string>(1000, 10)
    const g = gate<string>()
    const waiting = [cache.load('k', g.compute), cache.load('k', g.compute)]
    g.settle().reject(new Error('bad query'))
    for (const result of await Promise.allSettled(waiting)) expect(result).toMatchObject({ status: 'rejected', reason: { message: 'bad query' } })
    const retried = cache.load('k', g.compute)
    g.settle().resolve('fine')
    expect(await retried).toBe('fine')
    expect(g.runs()).toBe(2)
  })

  it('does not keep a value computed across a clear(), and later callers do not wait for it', async () => {
    const cache = new TtlCache<string>(1000, 10)
    const before = gate<string>()
    const stale = cache.load('k', before.compute)
    cache.clear()
    const after = gate<string>()
    const fresh = cache.load('k', after.compute)
    expect(after.runs()).toBe(1)
    before.settle().resolve('old')
    expect(await stale).toBe('old')
    expect(cache.get('k')).toBeNull()
    after.settle().resolve('new')
    expect(await fresh).toBe('new')
    expect(cache.get('k')).toBe('new')
  })
})
