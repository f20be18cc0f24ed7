import { describe, expect, it } from 'bun:test'
import { createLogger } from './log'
import { waitFor } from '../testing'
import { type Bus, createLocalBus, createRedisBus } from './bus'

const log = createLogger('silent')
const topic = (name: string) => `test:${name}:${crypto.randomUUID()}`

describe('local bus', () => {
  it('delivers to every subscriber of a topic and to no other topic', async () => {
    const bus = createLocalBus(log)
    const a: unknown[] = []
    const b: unknown[] = []
    const other: unknown[] = []
    bus.subscribe('t1', (m) => a.push(m))
    bus.subscribe('t1', (m) => b.push(m))
    bus.subscribe('t2', (m) => other.push(m))
    await bus.publish('t1', { n: 1 })
    expect(a).toEqual([{ n: 1 }])
    expect(b).toEqual([{ n: 1 }])
    expect(other).toEqual([])
  })

  it('stops delivering after unsubscribe, and one failing handler does not starve the others', async () => {
    const bus = createLocalBus(log)
    const got: unknown[] = []
    bus.subscribe('t', () => {
      throw new Error('handler bug')
    })
    const off = bus.subscribe('t', (m) => got.push(m))
    await bus.publish('t', 1)
    off()
    await bus.publish('t', 2)
    expect(got).toEqual([1])
  })
})

const redisUrl = process.env.REDIS_URL
describe.skipIf(redisUrl === undefined)('redis bus', () => {
  const open = (): Bus => createRedisBus(redisUrl!, log)

  it('carries a publish on one instance to subscribers on another, exactly once each', async () => {
    const [a, b] = [open(), open()]
    const t = topic('fanout')
    const onA: unknown[] = []
    const onB: unknown[] = []
    try {
      a.subscribe(t, (m) => onA.push(m))
      b.subscribe(t, (m) => onB.push(m))
      // A subscription is live once a probe published from the other side arrives.
      await waitFor(async () => {
        await a.publish(t, 'probe')
        return onB.includes('probe')
      }, 5_000, 'redis subscription')
      // Late probes may still land; only the real messages are asserted.
      const real = (got: unknown[]) => got.filter((m) => m !== 'probe')
      await a.publish(t, { from: 'a', n: 1 })
      await b.publish(t, { from: 'b', n: 2 })
      await waitFor(() => real(onA).length === 2 && real(onB).length === 2, 5_000, 'both messages on both instances')
      expect(real(onA)).toEqual([{ from: 'a', n: 1 }, { from: 'b', n: 2 }])
      expect(real(onB)).toHaveLength(2)
      expect(new Set(real(onB).map((m) => JSON.stringify(m)))).toEqual(new Set(real(onA).map((m) => JSON.stringify(m))))
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('subscribes in Redis only while a topic has local subscribers', async () => {
    const bus = open()
    const probe = open()
    const t = topic('refcount')
    try {
      const numsub = async () => {
        const redis = new (await import('ioredis')).default(redisUrl!)
        const [, n] = (await redis.pubsub('NUMSUB', t)) as [string, number]
        await redis.quit()
        return Number(n)
      }
      const off1 = bus.subscribe(t, () => {})
      const off2 = bus.subscribe(t, () => {})
      await waitFor(async () => (await numsub()) === 1, 5_000, 'one redis subscription for two local handlers')
      off1()
      expect(await numsub()).toBe(1)
      off2()
      await waitFor(async () => (await numsub()) === 0, 5_000, 'redis unsubscribe after the last handler')
      await probe.ping()
    } finally {
      await Promise.all([bus.close(), probe.close()])
    }
  })

  it('keeps serving local subscribers when Redis is unreachable', async () => {
    const bus = createRedisBus('redis://127.0.0.1:1', log)
    const got: unknown[] = []
    try {
      bus.subscribe('t', (m) => got.push(m))
      await bus.publish('t', 'still here')
      expect(got).toEqual(['still here'])
      await expect(bus.ping()).rejects.toThrow()
    } finally {
      await bus.close()
    }
  })
})
