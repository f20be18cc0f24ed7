import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestApp, signUpAndSignIn, type TestApp, type TestUser, testIp } from '../testing'
import { TICKET_LIMITS } from './tickets'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const ticket = (user: Pick<TestUser, 'auth'>, ip: string) => t.request('/api/v1/realtime/ticket', { method: 'POST', headers: { ...user.auth, 'x-forwarded-for': ip } })

/** Asks `count` tickets one after the other; answers their statuses. */
async function ask(user: TestUser, ip: string, count: number): Promise<number[]> {
  const statuses: number[] = []
  for (let n = 0; n < count; n++) statuses.push((await ticket(user, ip)).status)
  return statuses
}

describe('POST /api/v1/realtime/ticket limits', () => {
  it('counts per user: people behind one address (a NAT, a proxy) do not use up each other\'s tickets', async () => {
    const office = testIp()
    const people = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    // Together well past one user's allowance, each within it.
    for (const person of people) expect(await ask(person, office, TICKET_LIMITS.perUser.limit)).toEqual(Array(TICKET_LIMITS.perUser.limit).fill(200))
  })

  it('refuses one user past the allowance with 429 and when to come back, from any address', async () => {
    const user = await signUpAndSignIn(t)
    expect(await ask(user, testIp(), TICKET_LIMITS.perUser.limit)).toEqual(Array(TICKET_LIMITS.perUser.limit).fill(200))
    const refused = await ticket(user, testIp())
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    const { error } = (await refused.json()) as { error: { type: string; details: { retryAfter: number } } }
    expect(error.type).toBe('rate_limited')
    expect(error.details.retryAfter).toBeGreaterThan(0)
  })

  it('keeps a looser ceiling per address', async () => {
    const address = testIp()
    const perUser = TICKET_LIMITS.perUser.limit
    const users = await Promise.all(Array.from({ length: Math.ceil(TICKET_LIMITS.perAddress.limit / perUser) }, () => signUpAndSignIn(t)))
    let granted = 0
    for (const user of users) granted += (await ask(user, address, perUser)).filter((status) => status === 200).length
    expect(granted).toBe(TICKET_LIMITS.perAddress.limit)
    const other = await signUpAndSignIn(t)
    expect((await ticket(other, address)).status).toBe(429)
    expect((await ticket(other, testIp())).status).toBe(200)
  }, 60_000)
})
