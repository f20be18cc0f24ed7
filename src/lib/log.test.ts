import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDatabase, type TestDatabase } from '../db/test-database'
import { publicMessageOf } from '../db/errors'
import { users } from '../modules/accounts/table'
import { createLogger } from './log'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
}, 60_000)
afterAll(() => database.drop())

/** A logger writing to an array, and what it wrote. */
function capture() {
  const lines: string[] = []
  return { lines, log: createLogger('info', {}, (line) => void lines.push(line)) }
}

/** The error a query throws, as the app sees it (Drizzle's wrapper around the driver's error). */
async function failing(query: Promise<unknown>): Promise<unknown> {
  try {
    await query
  } catch (error) {
    return error
  }
  throw new Error('the query did not fail')
}

const account = (id: string, email: string) => ({ id, email, displayName: 'Secret Name', createdAt: new Date(), updatedAt: new Date() })

describe('createLogger() with database errors', () => {
  it('logs the Postgres code, constraint, table and SQL text of a failed query, never its parameter values', async () => {
    const email = `secret-${crypto.randomUUID()}@example.test`
    await database.db.insert(users).values(account(`usr_${crypto.randomUUID().replaceAll('-', '')}`, email))
    const error = await failing(database.db.insert(users).values(account(`usr_${crypto.randomUUID().replaceAll('-', '')}`, email)))
    const { lines, log } = capture()
    log.error('unhandled error', { error })
    // Wrapped by something else (a job runner, a handler), it stays as careful.
    log.error('job failed', { error: new Error('import failed', { cause: error }) })
    log.error('driver error', { error: (error as { cause: unknown }).cause })
    for (const line of lines) {
      expect(line).not.toContain(email)
      expect(line).not.toContain('Secret Name')
    }
    const logged = JSON.parse(lines[0]!).error
    expect(logged).toMatchObject({ code: '23505', constraint: 'users_email_unique', table: 'users' })
    expect(logged.sql).toStartWith('insert into "users"')
    expect(logged.sql).toContain('$1')
    expect(JSON.parse(lines[1]!).error).toMatchObject({ message: 'import failed', cause: { code: '23505', table: 'users' } })
    expect(JSON.parse(lines[2]!).error).toMatchObject({ code: '23505', constraint: 'users_email_unique' })
  })

  it('keeps other errors as they are: name, message and stack', () => {
    const { lines, log } = capture()
    log.error('boom', { error: new TypeError('not a function') })
    expect(JSON.parse(lines[0]!).error).toMatchObject({ name: 'TypeError', message: 'not a function', stack: expect.stringContaining('log.test.ts') })
  })
})

describe('publicMessageOf()', () => {
  it('names a failed query by its SQLSTATE only, never its values, and keeps other messages', async () => {
    const email = `secret-${crypto.randomUUID()}@example.test`
    await database.db.insert(users).values(account(`usr_${crypto.randomUUID().replaceAll('-', '')}`, email))
    const error = await failing(database.db.insert(users).values(account(`usr_${crypto.randomUUID().replaceAll('-', '')}`, email)))
    expect(String((error as Error).message)).toContain(email)
    expect(publicMessageOf(error)).toBe('A database query failed (SQLSTATE 23505)')
    expect(publicMessageOf(new Error('The file has no header row'))).toBe('The file has no header row')
  })
})
