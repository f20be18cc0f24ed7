import { afterAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { createMemoryEphemeralStore, createRedisEphemeralStore, type EphemeralStore } from './ephemeral-store'
import { AppError } from './errors'
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

    it('hands out copies: changing what was read changes nothing stored', async () => {
      const store = open(make)
      const value = { list: ['x'] }
      await store.set('k', value, 60_000, T0)
      value.list.push('set')
      const read = await store.get<{ list: string[] }>('k', T0)
      read!.list.push('got')
      const updated = await store.update<{ list: string[] }>('k', (v) => v, 60_000, T0)
      updated!.list.push('updated')
      expect(await store.get('k', T0)).toEqual({ list: ['x'] })
      const taken = await store.take<{ list: string[] }>('k', T0)
      expect(taken).toEqual({ list: ['x'] })
    })

    it('updates a live value from what it holds, losing none of concurrent changes, and slides it', async () => {
      const store = open(make)
      await store.set('u', { items: [] as number[], note: 'kept' }, 10_000, T0)
      const add = (n: number) => store.update<{ items: number[]; note: string }>('u', (v) => ({ ...v, items: [...v.items, n] }), 10_000, T0 + 5_000)
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(add))
      const value = await store.get<{ items: number[]; note: string }>('u', T0 + 14_999)
      expect(value!.items.toSorted()).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(value!.note).toBe('kept')
      expect(await store.get('u', T0 + 15_000)).toBeNull()
    })

    it('updates nothing that is absent or expired: it is not created', async () => {
      const store = open(make)
      expect(await store.update('none', () => 1, 60_000, T0)).toBeNull()
      expect(await store.get('none', T0)).toBeNull()
      await store.set('old', 1, 1_000, T0)
      expect(await store.update('old', () => 2, 60_000, T0 + 1_000)).toBeNull()
      expect(await store.get('old', T0 + 1_000)).toBeNull()
      await store.set('taken', 1, 60_000, T0)
      const [, updated] = await Promise.all([store.take('taken', T0), store.update('taken', () => 2, 60_000, T0)])
      // Whichever ran first, the value does not come back after the take.
      expect(updated === null || updated === 2).toBe(true)
      expect(await store.get('taken', T0)).toBeNull()
    })
  })
}

describe('redis ephemeral store out of reach', () => {
  it('answers 503 (not_ready), not 500', async () => {
    // Nothing listens on port 1 of the loopback address.
    const store = open(() => createRedisEphemeralStore('redis://127.0.0.1:1', log, 'souk-test:down:'))
    for (const call of [() => store.get('k', T0), () => store.set('k', 1, 1_000, T0), () => store.update('k', (v) => v, 1_000, T0)]) {
      const error = await call().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).status).toBe(503)
    }
  })

  it('answers 503 while Redis says it cannot serve yet (LOADING after a restart), not 500', async () => {
    // A Redis that is loading its data: it answers the connection's handshake, and -LOADING to commands.
    const server = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      socket: {
        data(socket, bytes) {
          // One reply per command (RESP arrays: a client may send several in one packet).
          for (const command of bytes.toString().toUpperCase().split(/(?=\*\d+\r\n)/)) {
            if (command.includes('INFO')) socket.write('$11\r\nloading:0\r\n\r\n')
            else if (command.includes('CLIENT')) socket.write('+OK\r\n')
            else socket.write('-LOADING Redis is loading the dataset in memory\r\n')
          }
        },
      },
    })
    try {
      const store = open(() => createRedisEphemeralStore(`redis://127.0.0.1:${server.port}`, log, 'souk-test:loading:'))
      const error = await store.get('k', T0).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).status).toBe(503)
    } finally {
      server.stop(true)
    }
  })
})
