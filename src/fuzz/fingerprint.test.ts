import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { users } from '../modules/accounts/table'
import { createTestApp, signUpAndSignIn, type TestApp } from '../testing'
import { changedTables, createFingerprinter } from './fingerprint'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

describe('createFingerprinter()', () => {
  it('names the tables a write changed, and none when nothing did', async () => {
    const fingerprint = await createFingerprinter(t.ctx.database.db)
    const before = await fingerprint()
    expect(changedTables(before, await fingerprint())).toEqual([])

    const user = await signUpAndSignIn(t)
    const signedUp = await fingerprint()
    expect(changedTables(before, signedUp)).toContain('users')

    // An update of a column no timestamp follows is seen too: rows are hashed whole.
    await t.ctx.database.db.update(users).set({ bio: 'changed' }).where(eq(users.id, user.id))
    expect(changedTables(signedUp, await fingerprint())).toEqual(['users'])
  })
})
