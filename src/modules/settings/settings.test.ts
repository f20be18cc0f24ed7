import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import { client, createTestApp, errorOf, makeVendor, sendJson, signUpAndSignIn, type TestApp, type TestUser, twoInstances, waitFor } from '../../testing'
import { auditLog } from '../audit/table'
import { SETTINGS_CACHE_MS } from './service'

// Platform settings: defaults from the configuration, an admin's value over them, each change
// audited old → new; in force on every instance at once (the bus drops each instance's cache).

let t: TestApp
let admin: TestUser

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
}, 60_000)
afterAll(() => t.close())

const settings = (as: TestUser) => client(t, as).api.v1.admin.settings
const patch = (body: unknown, as: TestUser = admin) => sendJson(t, 'PATCH', '/api/v1/admin/settings', body, as.auth)
/** The `settings.changed` entries of one setting, oldest first. */
const entriesOf = (db: TestApp['ctx']['database']['db'], subjectId: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.kind, 'settings.changed'), eq(auditLog.subjectType, 'setting'), eq(auditLog.subjectId, subjectId)))
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id))

describe('GET and PATCH /admin/settings', () => {
  it('answers the configuration’s values until an admin sets one, to admins only', async () => {
    const { money } = t.ctx.config
    const defaults = { commissionBp: money.commissionBp, escrowAutoReleaseDays: money.autoReleaseDays, returnWindowDays: 14, withdrawalMinMinor: money.withdrawalMinMinor }
    expect((await settings(admin).get()).data).toEqual({ values: defaults, defaults, overridden: [], updatedAt: null, updatedBy: null })
    expect(await t.services.settings.read()).toEqual(defaults)

    const buyer = await signUpAndSignIn(t)
    const { user: seller } = await makeVendor(t)
    for (const user of [buyer, seller]) {
      expect((await settings(user).get()).status).toBe(403)
      const refused = await patch({ commissionBp: 100 }, user)
      expect(refused.status).toBe(403)
      expect((await errorOf(refused)).type).toBe('forbidden')
    }
    expect((await t.request('/api/v1/admin/settings')).status).toBe(401)
    expect((await sendJson(t, 'PATCH', '/api/v1/admin/settings', { commissionBp: 100 })).status).toBe(401)
    expect((await settings(admin).get()).data!.overridden).toEqual([])
  })

  it('refuses values out of bounds, unknown or no settings, and a minimum above the daily maximum, in the standard error shape', async () => {
    const bad: [unknown, string][] = [
      [{ commissionBp: 5_001 }, 'body.commissionBp'],
      [{ commissionBp: -1 }, 'body.commissionBp'],
      [{ commissionBp: 2.5 }, 'body.commissionBp'],
      [{ escrowAutoReleaseDays: 0 }, 'body.escrowAutoReleaseDays'],
      [{ escrowAutoReleaseDays: 91 }, 'body.escrowAutoReleaseDays'],
      [{ returnWindowDays: 91 }, 'body.returnWindowDays'],
      [{ withdrawalMinMinor: 0 }, 'body.withdrawalMinMinor'],
      [{ withdrawalMinMinor: 'lots' }, 'body.withdrawalMinMinor'],
      [{ returnWindowDays: null, escrowAutoReleaseDays: 'soon' }, 'body.escrowAutoReleaseDays'],
    ]
    for (const [body, field] of bad) {
      const response = await patch(body)
      expect({ body, status: response.status }).toEqual({ body, status: 400 })
      const error = await errorOf(response)
      expect(error.type).toBe('invalid_data')
      expect(error.details!.map((d) => d.field)).toContain(field)
    }
    for (const body of [{}, { platformName: 'Souk' }]) expect((await patch(body)).status).toBe(400)

    const max = t.ctx.config.money.withdrawalDailyMaxMinor
    const above = await patch({ withdrawalMinMinor: max + 1 })
    expect(above.status).toBe(400)
    expect(await errorOf(above)).toMatchObject({ type: 'invalid_data', details: [{ field: 'body.withdrawalMinMinor', message: `must be at most ${max} (WITHDRAWAL_DAILY_MAX_MINOR)` }] })
    // Nothing refused was stored, nor audited.
    expect((await settings(admin).get()).data!.overridden).toEqual([])
    expect(await entriesOf(t.ctx.database.db, 'commission_bp')).toEqual([])
  })

  it('changes only what it is given, audits each change with the admin and the old and new values, and null puts a setting back to its default', async () => {
    const { db } = t.ctx.database
    const changed = await settings(admin).patch({ commissionBp: 750, returnWindowDays: 30 })
    expect(changed.status).toBe(200)
    expect(changed.data).toMatchObject({
      values: { commissionBp: 750, returnWindowDays: 30, escrowAutoReleaseDays: t.ctx.config.money.autoReleaseDays },
      overridden: ['commissionBp', 'returnWindowDays'],
      updatedBy: admin.id,
    })
    // This instance applies it at once.
    expect(await t.services.settings.read()).toMatchObject({ commissionBp: 750, returnWindowDays: 30 })

    const [commission] = await entriesOf(db, 'commission_bp')
    expect(commission).toMatchObject({ actorKind: 'user', actorId: admin.id, subjectType: 'setting', summary: { setting: 'commissionBp', from: 500, to: 750 } })
    expect(commission!.requestId).not.toBeNull()
    expect(await entriesOf(db, 'return_window_days')).toMatchObject([{ actorId: admin.id, summary: { setting: 'returnWindowDays', from: 14, to: 30 } }])
    expect(await entriesOf(db, 'escrow_auto_release_days')).toEqual([])

    // The same value again changes nothing, and the log keeps no entry of it.
    expect((await settings(admin).patch({ commissionBp: 750 })).status).toBe(200)
    expect(await entriesOf(db, 'commission_bp')).toHaveLength(1)

    // Back to the default: the configuration's value again, audited as such.
    const reset = await settings(admin).patch({ commissionBp: null, returnWindowDays: null })
    expect(reset.data).toMatchObject({ values: { commissionBp: 500, returnWindowDays: 14 }, overridden: [] })
    expect((await entriesOf(db, 'commission_bp')).map((e) => e.summary)).toEqual([
      { setting: 'commissionBp', from: 500, to: 750 },
      { setting: 'commissionBp', from: 750, to: 500, default: true },
    ])
    // The admins' audit search finds them by setting.
    const search = await client(t, admin).api.v1.admin.audit.get({ query: { kind: 'settings.changed', subjectId: 'commission_bp' } })
    expect(search.data!.items.map((e) => [e.summary.from, e.summary.to])).toEqual([
      [750, 500],
      [500, 750],
    ])
  })

  it('is what the modules apply: the default return window of a shop without a policy, the commission plans show', async () => {
    const { user: seller } = await makeVendor(t)
    const policy = () => client(t, seller).api.v1.me.shop['return-policy'].get()
    const freePlan = async () => (await client(t).api.v1.plans.get()).data!.items.find((plan) => plan.isFree)!
    expect((await policy()).data).toEqual({ windowDays: 14, refundsShipping: false })
    expect((await freePlan()).effectiveCommissionBp).toBe(500)

    expect((await settings(admin).patch({ returnWindowDays: 21, commissionBp: 300 })).status).toBe(200)
    expect((await policy()).data).toEqual({ windowDays: 21, refundsShipping: false })
    expect((await freePlan()).effectiveCommissionBp).toBe(300)

    // A shop that set its policy keeps it, even set to the default of the day.
    expect((await client(t, seller).api.v1.me.shop['return-policy'].put({ windowDays: 21, refundsShipping: false })).status).toBe(200)
    expect((await settings(admin).patch({ returnWindowDays: null, commissionBp: null })).status).toBe(200)
    expect((await policy()).data).toEqual({ windowDays: 21, refundsShipping: false })
  })
})

// Instances hear of a change only through Redis pub/sub; without REDIS_URL there is one instance.
describe.skipIf(process.env.REDIS_URL === undefined)('a change on one instance', () => {
  it('is in force on another instance on the same database and bus before its cache would expire: a withdrawal under the new minimum is refused there', async () => {
    const { a, b } = await twoInstances()
    try {
      await Promise.all([a.services.settings.ready, b.services.settings.ready])
      const staff = await signUpAndSignIn(a, { role: 'admin' })
      const user = await signUpAndSignIn(b)
      const method = (await client(b, user).api.v1.me['payout-methods'].post({ label: 'Main', holderName: 'Amina B.', iban: 'MA64011519000001205000534921' })).data!
      const withdraw = (amountMinor: number) =>
        client(b, user).api.v1.wallet.withdrawals.post({ payoutMethodId: method.id, amountMinor, currency: 'MAD' }, { headers: { ...user.auth, 'idempotency-key': randomUUID() } })

      // B has read the settings (cached now): 200.00 MAD is above the configured minimum, refused only for want of funds.
      expect((await b.services.settings.read()).withdrawalMinMinor).toBe(b.ctx.config.money.withdrawalMinMinor)
      const before = await withdraw(20_000)
      expect(before.status).toBe(409)

      const started = performance.now()
      expect((await client(a, staff).api.v1.admin.settings.patch({ withdrawalMinMinor: 50_000 })).status).toBe(200)
      // Well within the cache's life: the bus, not the expiry, brought it.
      await waitFor(async () => (await b.services.settings.read()).withdrawalMinMinor === 50_000, SETTINGS_CACHE_MS / 2, 'the new minimum on instance B')
      expect(performance.now() - started).toBeLessThan(SETTINGS_CACHE_MS)

      const after = await withdraw(20_000)
      expect(after.status).toBe(400)
      expect(after.error!.value).toMatchObject({ error: { type: 'invalid_data', message: 'The smallest withdrawal is 500.00 MAD', details: [{ field: 'body.amountMinor', message: 'must be at least 50000' }] } })
      // Both instances answer the same settings, and the one audit entry names the admin.
      expect((await client(b, await signUpAndSignIn(b, { role: 'admin' })).api.v1.admin.settings.get()).data!.values.withdrawalMinMinor).toBe(50_000)
      expect(await entriesOf(a.ctx.database.db, 'withdrawal_min_minor')).toMatchObject([{ actorId: staff.id, summary: { from: 10_000, to: 50_000 } }])
    } finally {
      await b.close()
      await a.close()
    }
  }, 60_000)
})
