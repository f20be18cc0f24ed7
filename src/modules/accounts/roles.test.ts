import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Elysia } from 'elysia'
import { createTestApp, signUpAndSignIn, type TestApp } from '../../testing'
import { authPlugin, setRole } from './index'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const roleOf = async (auth: Record<string, string>) => ((await (await t.request('/api/v1/me', { headers: auth })).json()) as { role: string }).role

describe('setRole()', () => {
  it('changes the role only from the roles given, and the next request sees it', async () => {
    const user = await signUpAndSignIn(t)
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    expect(await setRole(t.ctx.database.db, user.id, 'vendor', ['buyer'], new Date())).toBe(true)
    expect(await roleOf(user.auth)).toBe('vendor')
    expect(await setRole(t.ctx.database.db, admin.id, 'vendor', ['buyer'], new Date())).toBe(false)
    expect(await roleOf(admin.auth)).toBe('admin')
  })
})

describe('the viewer macro', () => {
  it('resolves the signed-in caller, or null for anonymous and invalid tokens (never 401)', async () => {
    const user = await signUpAndSignIn(t)
    const app = new Elysia().use(authPlugin(t.ctx)).get('/who', ({ viewer }) => ({ id: viewer?.id ?? null }), { viewer: true })
    const who = async (headers: Record<string, string>) => (await app.handle(new Request('http://localhost/who', { headers }))).json()
    expect(await who(user.auth)).toEqual({ id: user.id })
    expect(await who({})).toEqual({ id: null })
    expect(await who({ authorization: 'Bearer not.a.token' })).toEqual({ id: null })
  })
})
