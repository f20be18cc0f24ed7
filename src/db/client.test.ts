import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { compiled, queryRows, sql } from './client'
import { createTestDatabase, type TestDatabase } from './test-database'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

describe('compiled()', () => {
  it('builds a statement once and runs it with each call’s own values, constants kept', async () => {
    let builds = 0
    const statement = compiled<'a' | 'b'>(() => {
      builds += 1
      return sql`select ${sql.placeholder('a')}::int + ${sql.placeholder('b')}::int as sum, ${'kept'}::text as constant, ${sql.placeholder('a')}::int * 10 as tens`
    })
    // Not built before its first call.
    expect(builds).toBe(0)
    const sum = async (a: number, b: number) => (await queryRows<{ sum: number; constant: string; tens: number }>(database.db, statement({ a, b })))[0]
    expect(await sum(2, 3)).toEqual({ sum: 5, constant: 'kept', tens: 20 })
    expect(await sum(40, 2)).toEqual({ sum: 42, constant: 'kept', tens: 400 })
    expect(builds).toBe(1)
  })

  it('refuses a call that leaves a placeholder without a value', () => {
    const statement = compiled<'a'>(() => sql`select ${sql.placeholder('a')}::int as a`)
    expect(() => statement({} as { a: number })).toThrow('No value for placeholder "a"')
  })
})
