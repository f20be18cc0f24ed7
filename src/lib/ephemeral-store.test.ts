import { afterAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { createMemoryEphemeralStore, createRedisEphemeralStore, type EphemeralStore } from './ephemeral-store'
import { createLogger } from './log'

const log = createLogger('silent')
const stores: [string, () => EphemeralStore][] = [['memory', createMemoryEphemeralStore]]
if (process.env.REDIS_URL) {
  stores.push(['redis', () => createRedisEphemeralStore(process.env.REDIS_URL!, log, `souk-test:${randomBytes(6).toString('hex')}:`)])
}
const opened: EphemeralStore[] = []
afterAll(() => Promise.all(opened.map((store) => store.close())))
const open = (make: () => EphemeralStore) => {
  const store = make()
  opened.push(store)
  return store
}

const T0 = 1_000_000

for (const [kind, make] of stores) {
  describe(`${kind} ephemeral store`, () => {
    it('keeps a JSON value until its time passes by the caller’s clock', async () => {
      const store = open(make)
      await store.set('a', { n: 1, list: ['x'] }, 60_000, T0)
      expect(await store.get('a', T0 + 59_999)).toEqual({ n: 1, list: ['x'] })
      expect(await store.get('a', T0 + 60_000)).toBeNull()
      expect(await store.get('missing', T0)).toBeNull()
    })

    it('slides when set again, and forgets on delete', async () => {
      const store = open(make)
      await store.set('s', 1, 10_000, T0)
      await store.set('s', 2, 10_000, T0 + 9_000)
      expect(await store.get('s', T0 + 15_000)).toBe(2)
      await store.delete('s')
      expect(await store.get('s', T0 + 15_000)).toBeNull()
    })

    it('hands a value taken by concurrent callers to one of them', async () => {
      const store = open(make)
      await store.set('t', { id: 'x' }, 60_000, T0)
      const taken = await Promise.all([store.take('t', T0), store.take('t', T0), store.take('t', T0)])
      expect(taken.filter((value) => value !== null)).toEqual([{ id: 'x' }])
      expect(await store.get('t', T0)).toBeNull()
      await store.set('old', 1, 1_000, T0)
      expect(await store.take('old', T0 + 1_000)).toBeNull()
    })

    it('sets if absent for one of concurrent callers; an expired value counts as absent', async () => {
      const store = open(make)
      const won = await Promise.all([1, 2, 3].map((n) => store.setIfAbsent('c', n, 60_000, T0)))
      expect(won.filter(Boolean)).toHaveLength(1)
      expect(await store.get('c', T0)).toBe(won.indexOf(true) + 1)
      expect(await store.setIfAbsent('c', 9, 60_000, T0 + 60_000)).toBe(true)
      expect(await store.get('c', T0 + 60_000)).toBe(9)
    })
  })
}
