import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { countSessionsOpened, countSignUps, listSignIns } from './service/activity'
import { purgeEndedSessions, purgeExpiredCodes } from './service/housekeeping'
import { DAY } from './service/shared'
import { emailCodes, passwordResetTokens, refreshTokens, sessions } from './table'

let t: TestApp
let user: TestUser

beforeAll(async () => {
  t = await createTestApp()
  user = await signUpAndSignIn(t)
}, 30_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db

describe('purgeExpiredCodes()', () => {
  it('deletes email codes and reset tokens past their expiry, and keeps live ones', async () => {
    const now = new Date()
    const code = { userId: user.id, purpose: 'verify_email' as const, codeHash: 'h', email: user.email, createdAt: now }
    await db().insert(emailCodes).values([{ ...code, expiresAt: new Date(now.getTime() + DAY) }, { ...code, expiresAt: new Date(now.getTime() - 1) }])
    await db().insert(passwordResetTokens).values([
      { tokenHash: 'expired', userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() - 1) },
      { tokenHash: 'live', userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + DAY) },
    ])
    // The sign-up code (10 minutes) and one expired row of each kind.
    const before = (await db().select().from(emailCodes).where(eq(emailCodes.userId, user.id))).length
    expect(await purgeExpiredCodes(db(), now)).toBe(2)
    expect((await db().select().from(emailCodes).where(eq(emailCodes.userId, user.id))).length).toBe(before - 1)
    expect((await db().select().from(passwordResetTokens)).map((r) => r.tokenHash)).toEqual(['live'])
  })
})

describe('purgeEndedSessions()', () => {
  it('deletes sessions past their lifetime with their refresh tokens, and keeps the others', async () => {
    const other = await signUpAndSignIn(t)
    const [session] = await db().select().from(sessions).where(eq(sessions.userId, other.id))
    const later = new Date(session!.expiresAt.getTime() + 1)
    const others = (await db().select({ id: sessions.id }).from(sessions)).filter((s) => s.id !== session!.id)
    // Move every other session's end past `later`, so only this one has ended by then.
    for (const s of others) await db().update(sessions).set({ expiresAt: new Date(later.getTime() + DAY) }).where(eq(sessions.id, s.id))
    expect(await purgeEndedSessions(db(), later)).toBe(1)
    expect(await db().select().from(sessions).where(eq(sessions.id, session!.id))).toEqual([])
    expect(await db().select().from(refreshTokens).where(eq(refreshTokens.sessionId, session!.id))).toEqual([])
  })
})

describe('account activity', () => {
  it('lists every sign-in of a user, oldest first, in pages', async () => {
    await t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': user.ip },
      body: JSON.stringify({ email: user.email, password: user.password }),
    })
    const first = await listSignIns(db(), user.id, null, 1)
    const rest = await listSignIns(db(), user.id, first[0]!.id, 10)
    expect(first).toHaveLength(1)
    expect(rest).toHaveLength(1)
    expect(first[0]!.id < rest[0]!.id).toBe(true)
  })

  it('counts sign-ups and sessions opened in a time range', async () => {
    const from = new Date(Date.now() - DAY)
    const to = new Date(Date.now() + DAY)
    expect(await countSignUps(db(), from, to)).toBeGreaterThanOrEqual(2)
    expect(await countSessionsOpened(db(), from, to)).toBeGreaterThanOrEqual(2)
    expect(await countSignUps(db(), to, new Date(to.getTime() + DAY))).toBe(0)
  })
})
