import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { sql } from 'drizzle-orm'
import { client, createTestApp, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { addressForCheckout, defaultAddresses, MAX_ADDRESSES } from '.'
import type { AddressesModel } from './model'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const address = (overrides: Partial<AddressesModel.CreateBody> = {}): AddressesModel.CreateBody => ({
  fullName: 'Amira Ben Salah',
  phone: '+216 71 234 567',
  line1: '12 Rue de Marseille',
  city: 'Tunis',
  region: 'Tunis',
  postalCode: '1000',
  country: 'TN',
  ...overrides,
})
const book = (user: TestUser) => client(t, user).api.v1.me.addresses
const add = async (user: TestUser, overrides: Partial<AddressesModel.CreateBody> = {}) => {
  const res = await book(user).post(address(overrides))
  if (res.status !== 201) throw new Error(`add answered ${res.status}: ${JSON.stringify(res.error?.value)}`)
  return res.data!
}
const list = async (user: TestUser) => (await book(user).get()).data!.items
const defaultsOf = async (user: TestUser) => {
  const items = await list(user)
  return { shipping: items.filter((a) => a.defaultShipping).map((a) => a.id), billing: items.filter((a) => a.defaultBilling).map((a) => a.id) }
}
/**
 * Opens `n` connections of the app's pool (each held by a transaction at the same time), so racing
 * requests run side by side instead of queueing behind the set-up of new connections.
 */
const openConnections = (n: number) =>
  Promise.all(Array.from({ length: n }, () => t.ctx.database.db.transaction((tx) => tx.execute(sql`select pg_sleep(0.05)`))))
const problemsOf = (answer: { error: { value: unknown } | null }) =>
  Object.fromEntries((answer.error?.value as { error: { details: { field: string; message: string }[] } }).error.details.map((d) => [d.field, d.message]))

describe('the address book', () => {
  it('adds, lists, changes and deletes my addresses; text is trimmed', async () => {
    const user = await signUpAndSignIn(t)
    const first = await add(user, { fullName: '  Amira Ben Salah ', line2: '   ', postalCode: ' 1000 ' })
    expect(first).toMatchObject({ fullName: 'Amira Ben Salah', line2: null, postalCode: '1000', country: 'TN', defaultShipping: true, defaultBilling: true })
    expect(first.id).toMatch(/^adr_[0-9a-f]{32}$/)
    const second = await add(user, { fullName: 'Youssef Alaoui', city: 'Fez', region: 'Fès-Meknès', postalCode: '30000', country: 'MA', line2: 'Apt 4' })
    expect(second).toMatchObject({ defaultShipping: false, defaultBilling: false, line2: 'Apt 4' })
    expect((await list(user)).map((a) => a.id)).toEqual([first.id, second.id])

    const changed = await book(user)({ id: second.id }).patch({ line1: ' 3 Derb Sidi ', line2: null })
    expect(changed.status).toBe(200)
    expect(changed.data).toMatchObject({ line1: '3 Derb Sidi', line2: null, city: 'Fez', country: 'MA' })

    expect((await book(user)({ id: second.id }).delete()).status).toBe(204)
    expect((await list(user)).map((a) => a.id)).toEqual([first.id])
    expect((await book(user)({ id: second.id }).delete()).status).toBe(404)
  })

  it('needs a signed-in user', async () => {
    expect((await client(t).api.v1.me.addresses.get()).status).toBe(401)
    expect((await client(t).api.v1.me.addresses.post(address())).status).toBe(401)
  })

  it('keeps at most 20 addresses (409 beyond), also when the last ones are added at once', async () => {
    const user = await signUpAndSignIn(t)
    for (let i = 0; i < MAX_ADDRESSES - 1; i++) await add(user, { line1: `${i} Avenue Habib Bourguiba` })
    await openConnections(6)
    const racing = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => book(user).post(address({ line1: `Racing ${i}` }))))
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409])
    expect(racing.find((r) => r.status === 409)?.error?.value).toMatchObject({ error: { type: 'conflict' } })
    expect(await list(user)).toHaveLength(MAX_ADDRESSES)
  })
})

describe('validation', () => {
  it('checks postal codes by country', async () => {
    const user = await signUpAndSignIn(t)
    const cases: [Partial<AddressesModel.CreateBody>, number][] = [
      [{ country: 'TN', postalCode: '1000' }, 201],
      [{ country: 'TN', postalCode: '10000' }, 400],
      [{ country: 'TN', postalCode: null }, 400],
      [{ country: 'MA', postalCode: '20250' }, 201],
      [{ country: 'MA', postalCode: '2025' }, 400],
      [{ country: 'DZ', postalCode: '16000' }, 201],
      [{ country: 'DZ', postalCode: 'ALGER' }, 400],
      [{ country: 'FR', postalCode: '75001' }, 201],
      [{ country: 'ES', postalCode: '28013' }, 201],
      [{ country: 'IT', postalCode: '0018' }, 400],
      [{ country: 'DE', postalCode: '10115' }, 201],
      [{ country: 'DE', postalCode: undefined }, 400],
      [{ country: 'GB', postalCode: 'sw1a 1aa' }, 201],
      [{ country: 'US', postalCode: '94103-1234' }, 201],
      [{ country: 'CA', postalCode: null }, 201],
      [{ country: 'BE', postalCode: '   ' }, 201],
      [{ country: 'US', postalCode: '#94103' }, 400],
    ]
    for (const [overrides, expected] of cases) {
      const res = await book(user).post(address(overrides))
      expect({ ...overrides, status: res.status }).toEqual({ ...overrides, status: expected })
      if (expected === 400) expect(Object.keys(problemsOf(res))).toEqual(['body.postalCode'])
    }
    // Stored as a courier reads it: upper-case, trimmed; blank is none.
    const gb = (await list(user)).find((a) => a.country === 'GB')
    expect(gb?.postalCode).toBe('SW1A 1AA')
    expect((await list(user)).find((a) => a.country === 'BE')?.postalCode).toBeNull()
  })

  it('names every field that is blank, badly formed or too long', async () => {
    const user = await signUpAndSignIn(t)
    const blank = await book(user).post(address({ fullName: '   ', line1: '', city: ' ', region: '', phone: '  ' }))
    expect(blank.status).toBe(400)
    expect(problemsOf(blank)).toEqual({ 'body.fullName': 'is required', 'body.phone': 'is required', 'body.line1': 'is required', 'body.city': 'is required', 'body.region': 'is required' })

    for (const phone of ['12345', '+216 71 234 567 890 123 456 7', 'call me', '071.234.567']) {
      const res = await book(user).post(address({ phone }))
      expect({ phone, status: res.status }).toEqual({ phone, status: 400 })
      expect(Object.keys(problemsOf(res))).toEqual(['body.phone'])
    }
    for (const phone of ['123456', '+216 (71) 234-567', '00 33 1 23 45 67 89']) expect((await book(user).post(address({ phone }))).status).toBe(201)

    const long = await book(user).post(address({ fullName: 'x'.repeat(101), line1: 'y'.repeat(201) }))
    expect(long.status).toBe(400)
    expect(Object.keys(problemsOf(long)).sort()).toEqual(['body.fullName', 'body.line1'])
  })

  it('refuses a country outside the list, a missing field and a malformed id', async () => {
    const user = await signUpAndSignIn(t)
    const country = await sendJson(t, 'POST', '/api/v1/me/addresses', { ...address(), country: 'XX' }, user.auth)
    expect(country.status).toBe(400)
    expect((await country.json()).error.details.map((d: { field: string }) => d.field)).toContain('body.country')
    const { phone: _, ...noPhone } = address()
    const missing = await sendJson(t, 'POST', '/api/v1/me/addresses', noPhone, user.auth)
    expect(missing.status).toBe(400)
    expect((await missing.json()).error.details.map((d: { field: string }) => d.field)).toContain('body.phone')
    expect((await sendJson(t, 'PATCH', '/api/v1/me/addresses/not-an-id', { city: 'Sfax' }, user.auth)).status).toBe(400)
    expect((await sendJson(t, 'PATCH', '/api/v1/me/addresses/adr_0', { city: 'Sfax' }, user.auth)).status).toBe(400)
    expect(await list(user)).toEqual([])
  })

  it('checks a change against the country the address ends up in', async () => {
    const user = await signUpAndSignIn(t)
    const home = await add(user)
    const moved = await book(user)({ id: home.id }).patch({ country: 'FR' })
    expect(moved.status).toBe(400)
    expect(problemsOf(moved)).toEqual({ 'body.postalCode': 'must be 5 digits' })
    expect((await book(user)({ id: home.id }).patch({ country: 'FR', postalCode: '75011', city: 'Paris', region: 'Île-de-France' })).data).toMatchObject({
      country: 'FR',
      postalCode: '75011',
    })
    expect((await book(user)({ id: home.id }).patch({ fullName: '  ' })).status).toBe(400)
    expect((await list(user))[0]).toMatchObject({ fullName: 'Amira Ben Salah', city: 'Paris' })
  })
})

describe('default addresses', () => {
  it('makes the first address both defaults, whatever its flags say', async () => {
    const user = await signUpAndSignIn(t)
    const first = await add(user, { defaultShipping: false, defaultBilling: false })
    expect(first).toMatchObject({ defaultShipping: true, defaultBilling: true })
  })

  it('moves a default to the address that takes it, and lets it go on false', async () => {
    const user = await signUpAndSignIn(t)
    const a = await add(user)
    const b = await add(user, { defaultBilling: true })
    expect(await defaultsOf(user)).toEqual({ shipping: [a.id], billing: [b.id] })
    const c = await add(user)
    expect((await book(user)({ id: c.id }).patch({ defaultShipping: true })).data).toMatchObject({ defaultShipping: true, defaultBilling: false })
    expect(await defaultsOf(user)).toEqual({ shipping: [c.id], billing: [b.id] })
    // Making the default the default again changes nothing.
    expect((await book(user)({ id: c.id }).patch({ defaultShipping: true })).status).toBe(200)
    expect(await defaultsOf(user)).toEqual({ shipping: [c.id], billing: [b.id] })
    expect((await book(user)({ id: b.id }).patch({ defaultBilling: false })).status).toBe(200)
    expect(await defaultsOf(user)).toEqual({ shipping: [c.id], billing: [] })
  })

  it('hands a deleted default to the newest other address, or to none', async () => {
    const user = await signUpAndSignIn(t)
    const a = await add(user)
    const b = await add(user)
    const c = await add(user)
    await book(user)({ id: b.id }).patch({ defaultBilling: true })
    // c is the newest other address: it takes shipping from a; billing stays on b.
    await book(user)({ id: a.id }).delete()
    expect(await defaultsOf(user)).toEqual({ shipping: [c.id], billing: [b.id] })
    await book(user)({ id: b.id }).delete()
    expect(await defaultsOf(user)).toEqual({ shipping: [c.id], billing: [c.id] })
    await book(user)({ id: c.id }).delete()
    expect(await list(user)).toEqual([])
    // A non-default leaves the defaults where they are.
    const d = await add(user)
    const e = await add(user)
    await book(user)({ id: e.id }).delete()
    expect(await defaultsOf(user)).toEqual({ shipping: [d.id], billing: [d.id] })
  })

  it('ends with exactly one default when two addresses are made the default at once', async () => {
    const user = await signUpAndSignIn(t)
    await add(user)
    const rivals = [await add(user), await add(user), await add(user)]
    for (let round = 0; round < 5; round++) {
      await openConnections(rivals.length)
      const answers = await Promise.all(rivals.map((r) => book(user)({ id: r.id }).patch({ defaultShipping: true, defaultBilling: true })))
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200])
      const { shipping, billing } = await defaultsOf(user)
      expect(shipping).toHaveLength(1)
      expect(billing).toHaveLength(1)
      expect(rivals.map((r) => r.id)).toContain(shipping[0]!)
    }
  })

  it('gives exactly one default to first addresses added at once', async () => {
    const user = await signUpAndSignIn(t)
    await openConnections(3)
    const answers = await Promise.all([1, 2, 3].map((i) => book(user).post(address({ line1: `${i} Rue Ibn Khaldoun` }))))
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201])
    const { shipping, billing } = await defaultsOf(user)
    expect(shipping).toHaveLength(1)
    expect(billing).toEqual(shipping)
  })
})

describe("another user's address", () => {
  it('is 404 on every route and stays as it was', async () => {
    const owner = await signUpAndSignIn(t)
    const other = await signUpAndSignIn(t)
    const mine = await add(owner)
    await add(other)
    expect((await book(other)({ id: mine.id }).patch({ city: 'Sousse' })).status).toBe(404)
    expect((await book(other)({ id: mine.id }).patch({ defaultShipping: true })).status).toBe(404)
    expect((await book(other)({ id: mine.id }).delete()).status).toBe(404)
    expect((await list(other)).map((a) => a.id)).not.toContain(mine.id)
    expect(await list(owner)).toEqual([mine])
    // An unknown id answers the same.
    expect((await book(other)({ id: 'adr_00000000000000000000000000000000' }).delete()).status).toBe(404)
  })
})

describe('for the checkout', () => {
  it("answers my address's snapshot and my defaults; another user's id is a 404", async () => {
    const db = t.ctx.database.db
    const user = await signUpAndSignIn(t)
    const other = await signUpAndSignIn(t)
    expect(await defaultAddresses(db, user.id)).toEqual({ shipping: null, billing: null })
    const home = await add(user, { line2: 'Étage 2' })
    const office = await add(user, { fullName: 'Amira B. S.', country: 'FR', postalCode: '69002', city: 'Lyon', region: 'Auvergne-Rhône-Alpes', defaultBilling: true })
    const snapshot = { fullName: 'Amira Ben Salah', phone: '+216 71 234 567', line1: '12 Rue de Marseille', line2: 'Étage 2', city: 'Tunis', region: 'Tunis', postalCode: '1000', country: 'TN' }
    expect(await addressForCheckout(db, user.id, home.id)).toEqual(snapshot)
    expect(await defaultAddresses(db, user.id)).toEqual({
      shipping: { id: home.id, snapshot },
      billing: { id: office.id, snapshot: expect.objectContaining({ fullName: 'Amira B. S.', country: 'FR', postalCode: '69002' }) },
    })
    await expect(addressForCheckout(db, other.id, home.id)).rejects.toMatchObject({ type: 'not_found' })
    await book(user)({ id: home.id }).delete()
    await expect(addressForCheckout(db, user.id, home.id)).rejects.toMatchObject({ type: 'not_found' })
  })
})
