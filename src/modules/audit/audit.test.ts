import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { ManualClock } from '../../lib/clock'
import { SYSTEM } from '../../lib/request-origin'
import { accountAudit } from '../../app'
import { bootstrapAdmin } from '../accounts'
import { CSRF_HEADER, REFRESH_PATH } from '../accounts/cookie-auth'
import { adminWithCategory, client, createTestApp, latestCode, makeProduct, makeVendor, postJson, refreshCookieOf, signUpAndSignIn, type TestApp, testIp, type TestUser } from '../../testing'
import { placeOrder, shop } from '../orders/testing'
import { deposit, paidOrder } from '../payments/testing'
import type { AuditKind } from './kinds'
import { recordAudit } from './service'
import { auditLog } from './table'

// The audit log: each sensitive step writes exactly one entry of its kind, naming who really acted
// (an admin's refund names the admin, not the buyer), from which request and address; a refused or
// rolled-back step writes none; nothing edits the log (no route, and the database refuses).

let t: TestApp
let admin: TestUser
let categoryId: string
const clock = new ManualClock()

beforeAll(async () => {
  // Listening: deposits reach the sandbox provider's page and its signed webhooks over real HTTP.
  t = await createTestApp({ listen: true, clock })
  ;({ admin, categoryId } = await adminWithCategory(t, { name: 'Lamps', slug: 'lamps' }))
}, 60_000)
afterAll(() => t.close())

const db = () => t.ctx.database.db

/** Every entry of `kind` about `subjectId`, oldest first. */
const entriesOf = (kind: AuditKind, subjectId: string) =>
  db().select().from(auditLog).where(and(eq(auditLog.kind, kind), eq(auditLog.subjectId, subjectId))).orderBy(auditLog.createdAt, auditLog.id)

/** The one entry of `kind` about `subjectId` (fails when there are none or several). */
async function theEntry(kind: AuditKind, subjectId: string) {
  const found = await entriesOf(kind, subjectId)
  expect({ kind, subjectId, entries: found.length }).toEqual({ kind, subjectId, entries: 1 })
  return found[0]!
}

const countAll = async () => (await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from audit_log`))[0]!.n

/** A request as `user` from `ip`, with a request id of ours. */
const as = (user: TestUser, requestId = `audit-${randomUUID()}`, ip = testIp()) => ({
  requestId,
  ip,
  api: client(t, { auth: { ...user.auth, 'x-request-id': requestId }, ip }).api.v1,
})

describe('accounts', () => {
  it('records a sign-in with the method, the address and the request id; a wrong password records nothing', async () => {
    const user = await signUpAndSignIn(t)
    const signUp = await theEntry('auth.sign_in', user.id)
    expect(signUp).toMatchObject({ actorKind: 'user', actorId: user.id, subjectType: 'user', ip: user.ip, summary: { method: 'sign_up' } })

    const ip = testIp()
    expect((await postJson(t, '/api/v1/auth/login', { email: user.email, password: 'not the password at all' }, { 'x-forwarded-for': ip })).status).toBe(401)
    expect(await entriesOf('auth.sign_in', user.id)).toHaveLength(1)
    const login = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': ip, 'x-request-id': 'sign-in-request-0001', 'user-agent': 'AuditTest/1.0' })
    expect(login.status).toBe(200)
    const entries = await entriesOf('auth.sign_in', user.id)
    expect(entries).toHaveLength(2)
    expect(entries[1]).toMatchObject({ actorId: user.id, ip, requestId: 'sign-in-request-0001', summary: { method: 'password', userAgent: 'AuditTest/1.0' } })
    // Never a secret: the password, the tokens and the cookie appear nowhere in the log.
    const body = (await login.json()) as { accessToken: string }
    const everything = JSON.stringify(await db().select().from(auditLog))
    for (const secret of [user.password, body.accessToken, refreshCookieOf(login)!.split('=')[1]!]) expect(everything).not.toContain(secret)
  })

  it('records sign-outs: this device, one other device, every other device, and Souk ending a session whose refresh token came back', async () => {
    const user = await signUpAndSignIn(t)
    const me = as(user)
    expect((await me.api.me.sessions.delete()).data).toEqual({ revoked: 0 })
    expect(await entriesOf('auth.sign_out', user.id)).toHaveLength(0)

    const other = await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })
    const otherId = ((await me.api.me.sessions.get()).data!.items.find((s) => !s.current))!.id
    expect((await me.api.me.sessions({ id: otherId }).delete()).status).toBe(204)
    expect(await entriesOf('auth.sign_out', user.id)).toMatchObject([{ actorId: user.id, requestId: me.requestId, ip: me.ip, summary: { reason: 'revoked', sessions: 1, sessionId: otherId } }])
    // Gone already: nothing more to record.
    expect((await me.api.me.sessions({ id: otherId }).delete()).status).toBe(404)
    expect(await entriesOf('auth.sign_out', user.id)).toHaveLength(1)

    // A refresh token used again after its rotation: Souk ends the session, on seeing that request.
    const cookie = refreshCookieOf(other)!
    const refresh = (ip: string) => t.request(REFRESH_PATH, { method: 'POST', headers: { cookie, [CSRF_HEADER]: '1', 'x-forwarded-for': ip } })
    await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })
    const third = refreshCookieOf(await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() }))!
    const rotate = await t.request(REFRESH_PATH, { method: 'POST', headers: { cookie: third, [CSRF_HEADER]: '1', 'x-forwarded-for': testIp() } })
    expect(rotate.status).toBe(200)
    clock.advance(11_000)
    const thief = testIp()
    expect((await t.request(REFRESH_PATH, { method: 'POST', headers: { cookie: third, [CSRF_HEADER]: '1', 'x-forwarded-for': thief } })).status).toBe(401)
    const [, reused] = await entriesOf('auth.sign_out', user.id)
    expect(reused).toMatchObject({ actorKind: 'system', actorId: null, ip: thief, summary: { reason: 'refresh_reuse', sessions: 1 } })

    // Every other device (the one left), then this one through its cookie; a dead session's cookie records nothing.
    const all = await me.api.me.sessions.delete()
    expect(all.data!.revoked).toBe(1)
    const logout = await t.request('/api/v1/auth/logout', { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1', 'x-forwarded-for': user.ip } })
    expect(logout.status).toBe(204)
    expect((await refresh(testIp())).status).toBe(401)
    const outs = await entriesOf('auth.sign_out', user.id)
    expect(outs.map((e) => [e.actorId, e.summary.reason, e.summary.sessions])).toEqual([
      [user.id, 'revoked', 1],
      [null, 'refresh_reuse', 1],
      [user.id, 'revoked', 1],
      [user.id, 'logout', 1],
    ])
  })

  it('records a password change once; a wrong current password records nothing, and no password is in it', async () => {
    const user = await signUpAndSignIn(t)
    const me = as(user)
    expect((await me.api.me.password.post({ currentPassword: 'wrong wrong wrong', newPassword: 'a brand new passphrase' })).status).toBe(400)
    expect(await entriesOf('account.password_changed', user.id)).toHaveLength(0)
    expect((await me.api.me.password.post({ currentPassword: user.password, newPassword: 'a brand new passphrase' })).status).toBe(204)
    const entry = await theEntry('account.password_changed', user.id)
    expect(entry).toMatchObject({ actorId: user.id, requestId: me.requestId, ip: me.ip, summary: { via: 'change', sessionsEnded: 0 } })
    expect(JSON.stringify(entry)).not.toContain('brand new passphrase')
  })

  it('records an email change with both addresses masked; a wrong code records nothing', async () => {
    const user = await signUpAndSignIn(t)
    const me = as(user)
    const newEmail = `moved-${randomUUID().slice(0, 8)}@example.test`
    expect((await me.api.me.email.post({ newEmail, password: user.password })).status).toBe(202)
    expect((await me.api.me.email.confirm.post({ code: '000000' })).status).toBe(400)
    expect(await entriesOf('account.email_changed', user.id)).toHaveLength(0)
    expect((await me.api.me.email.confirm.post({ code: await latestCode(t, newEmail) })).status).toBe(200)
    const entry = await theEntry('account.email_changed', user.id)
    expect(entry.actorId).toBe(user.id)
    expect(entry.summary).toEqual({ from: `${user.email[0]}***@example.test`, to: `m***@example.test` })
  })

  it('records the role Souk gives the configured admin at start-up as the system’s, once', async () => {
    const user = await signUpAndSignIn(t)
    const deps = { db: db(), clock, log: t.ctx.log, audit: accountAudit }
    for (let start = 0; start < 2; start++) await bootstrapAdmin(deps, { email: user.email, password: 'the configured admin passphrase' })
    expect(await theEntry('account.role_changed', user.id)).toMatchObject({ actorKind: 'system', actorId: null, requestId: null, ip: null, summary: { from: 'buyer', to: 'admin' } })
  })

  it('records the configured admin password replacing an account’s at start-up as a password change by the system, only when it changed', async () => {
    const user = await signUpAndSignIn(t)
    const deps = { db: db(), clock, log: t.ctx.log, audit: accountAudit }
    const admin = { email: user.email, password: 'the configured admin passphrase' }
    for (let start = 0; start < 2; start++) await bootstrapAdmin(deps, admin)
    expect(await theEntry('account.password_changed', user.id)).toMatchObject({ actorKind: 'system', actorId: null, requestId: null, ip: null, summary: { via: 'start_up' } })
    // ADMIN_PASSWORD changed between two starts: one more.
    await bootstrapAdmin(deps, { ...admin, password: 'another configured passphrase' })
    expect((await entriesOf('account.password_changed', user.id)).map((e) => e.summary)).toEqual([{ via: 'start_up' }, { via: 'start_up' }])
    // An account the start-up creates has its first password, not a changed one.
    const fresh = `admin-${randomUUID().slice(0, 8)}@example.test`
    await bootstrapAdmin(deps, { email: fresh, password: 'the configured admin passphrase' })
    const [created] = await queryRows<{ id: string }>(db(), sql`select id from users where email = ${fresh}`)
    expect(await entriesOf('account.password_changed', created!.id)).toHaveLength(0)
    expect(await theEntry('account.role_changed', created!.id)).toMatchObject({ actorKind: 'system', summary: { from: null, to: 'admin' } })
  })

  it('keeps the entries of a deleted account (append-only) and records the deletion itself', async () => {
    const user = await signUpAndSignIn(t)
    const me = as(user)
    expect((await me.api.me.delete({ password: 'not my password here' })).status).toBe(400)
    expect(await entriesOf('account.deleted', user.id)).toHaveLength(0)
    expect((await me.api.me.delete({ password: user.password })).status).toBe(204)
    expect(await theEntry('account.deleted', user.id)).toMatchObject({ actorId: user.id, summary: { sessionsEnded: 1 } })
    expect(await entriesOf('auth.sign_in', user.id)).toHaveLength(1)
  })
})

describe('shops, listings and settings', () => {
  it('records an approval as the admin’s, with the role it gave; a second decision is refused and records nothing', async () => {
    const { user, vendor } = await makeVendor(t, { status: 'pending' })
    const staff = as(admin)
    expect((await staff.api.admin.vendors({ id: vendor.id }).approve.post()).status).toBe(200)
    expect(await theEntry('shop.approved', vendor.id)).toMatchObject({ actorId: admin.id, subjectType: 'shop', requestId: staff.requestId, summary: { from: 'pending', to: 'approved', ownerId: user.id } })
    expect(await theEntry('account.role_changed', user.id)).toMatchObject({ actorId: admin.id, summary: { from: 'buyer', to: 'vendor', shopId: vendor.id } })
    expect((await staff.api.admin.vendors({ id: vendor.id }).approve.post()).status).toBe(409)
    expect((await staff.api.admin.vendors({ id: vendor.id }).reject.post({ reason: 'Too late for that' })).status).toBe(409)
    expect(await entriesOf('shop.approved', vendor.id)).toHaveLength(1)
    expect(await entriesOf('shop.rejected', vendor.id)).toHaveLength(0)
    expect((await staff.api.admin.vendors({ id: vendor.id }).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(200)
    expect(await theEntry('shop.suspended', vendor.id)).toMatchObject({ actorId: admin.id, summary: { reason: 'Counterfeit goods' } })
  })

  it('cuts a long reason by whole characters: an emoji across the cut neither breaks the entry nor the step', async () => {
    const { vendor } = await makeVendor(t)
    const reason = `${'x'.repeat(298)}😀 more text…`
    const suspended = await as(admin).api.admin.vendors({ id: vendor.id }).suspend.post({ reason })
    expect(suspended.status).toBe(200)
    expect((await theEntry('shop.suspended', vendor.id)).summary.reason).toBe(`${'x'.repeat(298)}😀…`)
    // Half an emoji in what a module hands over (a lone surrogate) is no valid jsonb either: replaced.
    const subject = { type: 'user' as const, id: `usr_${randomUUID().replaceAll('-', '')}` }
    await db().transaction((tx) => recordAudit(tx, { by: SYSTEM, kind: 'account.role_changed', subject, summary: { note: 'half \ud83d' }, at: clock.now() }))
    expect((await theEntry('account.role_changed', subject.id)).summary.note).toBe('half \ufffd')
  })

  it('records moderation as the admin’s: a report resolved, another shop’s listing edited; a vendor editing their own records nothing', async () => {
    const { user: owner } = await makeVendor(t)
    const product = await makeProduct(t, owner, { categoryId })
    expect((await client(t, owner).api.v1.products({ slug: product.slug }).patch({ title: 'A better title' })).status).toBe(200)
    expect(await entriesOf('listing.moderated', product.id)).toHaveLength(0)

    const staff = as(admin)
    expect((await staff.api.products({ slug: product.slug }).patch({ priceMinor: 12_345 })).status).toBe(200)
    expect(await theEntry('listing.moderated', product.id)).toMatchObject({ actorId: admin.id, requestId: staff.requestId, summary: { action: 'edit', fields: 'priceMinor' } })

    const reporter = await signUpAndSignIn(t)
    const report = await client(t, reporter).api.v1.products({ slug: product.slug }).report.post({ reason: 'counterfeit' })
    expect(report.status).toBe(201)
    expect((await staff.api.admin.reports({ id: report.data!.id }).resolve.post({ action: 'unpublish', note: 'Fake brand' })).status).toBe(200)
    expect((await staff.api.admin.reports({ id: report.data!.id }).resolve.post({ action: 'dismiss' })).status).toBe(409)
    const entries = await entriesOf('listing.moderated', product.id)
    expect(entries).toHaveLength(2)
    expect(entries[1]).toMatchObject({ actorId: admin.id, summary: { action: 'unpublish', reportId: report.data!.id, reason: 'counterfeit', note: 'Fake brand' } })
  })

  it('records platform and shop settings: a TVA rate with its old and new value, a category, a shop’s delivery options', async () => {
    const staff = as(admin)
    expect((await staff.api.admin['tax-rates'].default.put({ rateBp: 1_000 })).status).toBe(200)
    expect((await staff.api.admin['tax-rates'].default.put({ rateBp: 2_000 })).status).toBe(200)
    expect((await entriesOf('settings.changed', 'tax_rate.default')).map((e) => [e.actorId, e.summary.fromBp, e.summary.toBp])).toEqual([
      [admin.id, 2_000, 1_000],
      [admin.id, 1_000, 2_000],
    ])
    const category = await staff.api.admin.categories.post({ name: 'Rugs', slug: 'rugs' })
    expect((await staff.api.admin.categories.post({ name: 'Rugs again', slug: 'rugs' })).status).toBe(409)
    expect(await theEntry('settings.changed', category.data!.id)).toMatchObject({ actorId: admin.id, subjectType: 'category', summary: { setting: 'category', action: 'create', slug: 'rugs' } })

    const s = await shop(t)
    expect(await theEntry('settings.changed', s.vendor.id)).toMatchObject({ actorId: s.owner.id, subjectType: 'shop', summary: { setting: 'shipping_options', options: 1 } })
  })

  it('records a setting only when it changed: the same TVA rate, return policy or delivery options again write nothing', async () => {
    const staff = as(admin)
    const { defaultRateBp } = (await staff.api.admin['tax-rates'].get()).data!
    const defaults = () => entriesOf('settings.changed', 'tax_rate.default')
    const before = (await defaults()).length
    expect((await staff.api.admin['tax-rates'].default.put({ rateBp: defaultRateBp })).status).toBe(200)
    expect(await defaults()).toHaveLength(before)
    const category = (await staff.api.admin.categories.post({ name: 'Kilims', slug: 'kilims' })).data!.id
    const rate = (rateBp: number | null) => staff.api.admin.categories({ id: category })['tax-rate'].put({ rateBp })
    const rates = async () => (await entriesOf('settings.changed', category)).filter((e) => e.summary.setting === 'tax_rate').map((e) => [e.summary.fromBp, e.summary.toBp])
    for (const rateBp of [null, 700, 700, null, null]) expect((await rate(rateBp)).status).toBe(200)
    expect(await rates()).toEqual([
      [null, 700],
      [700, null],
    ])

    const s = await shop(t)
    const owner = client(t, s.owner).api.v1.me.shop
    const shopEntries = async (setting: string) => (await entriesOf('settings.changed', s.vendor.id)).filter((e) => e.summary.setting === setting)
    // The policy a shop has by default, then the same one set twice: one entry, for the one change.
    expect((await owner['return-policy'].put({ windowDays: 14, refundsShipping: false })).status).toBe(200)
    for (let i = 0; i < 2; i++) expect((await owner['return-policy'].put({ windowDays: 30, refundsShipping: false })).status).toBe(200)
    expect((await shopEntries('return_policy')).map((e) => e.summary.windowDays)).toEqual([30])
    // The same delivery options: no entry, and their ids stay (a checkout quoted with them stays valid).
    const same = { currency: 'MAD' as const, options: [{ name: ' Courier ', priceMinor: 3_000, freeAboveMinor: 50_000, handlingDays: 2 }] }
    const again = await owner['shipping-options'].put(same)
    expect(again.data!.items.map((o) => o.id)).toEqual([s.optionId])
    expect(await shopEntries('shipping_options')).toHaveLength(1)
    expect((await owner['shipping-options'].put({ ...same, options: [{ ...same.options[0]!, handlingDays: 3 }] })).status).toBe(200)
    expect(await shopEntries('shipping_options')).toHaveLength(2)
  })
})

describe('orders and money', () => {
  /** A wallet-paid order of a new shop, accepted. */
  async function acceptedOrder() {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 5 })
    const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { funds: 50_000 })
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    return { s, buyer: me.user, orderId, totalMinor }
  }

  it('records an admin cancelling a paid order and the refund it makes as the admin’s, not the buyer’s; the shop’s own steps are not staff steps', async () => {
    const { buyer, orderId, totalMinor } = await acceptedOrder()
    expect(await entriesOf('order.staff_changed', orderId)).toHaveLength(0)
    const staff = as(admin)
    expect((await staff.api.sales({ id: orderId }).cancel.post({ reason: 'Fraudulent shop' })).status).toBe(200)
    expect(await theEntry('order.staff_changed', orderId)).toMatchObject({ actorId: admin.id, requestId: staff.requestId, ip: staff.ip, summary: { transition: 'cancelBySeller', from: 'accepted', to: 'cancelled', note: 'Fraudulent shop', buyerId: buyer.id } })
    const refund = await theEntry('payment.refunded', orderId)
    expect(refund).toMatchObject({ actorKind: 'user', actorId: admin.id, requestId: staff.requestId, summary: { why: 'order_cancelled', amountMinor: totalMinor, currency: 'MAD', from: 'held_payment', to: 'wallet' } })
    expect(refund.actorId).not.toBe(buyer.id)
  })

  /** One item of a delivered order returned: asked by the buyer, approved, sent back and received (which refunds it) by the shop. */
  async function returnOne(s: { owner: TestUser }, buyer: TestUser, orderId: string) {
    const asked = await client(t, buyer).api.v1.orders({ id: orderId }).returns.post({ items: [{ position: 0, quantity: 1 }], reason: 'defective', description: 'The switch does not work' })
    expect(asked.status).toBe(201)
    const id = asked.data!.id
    expect((await client(t, s.owner).api.v1.returns({ id }).approve.post({ instructions: 'Send it to 12 Rue Souk, Fes' })).status).toBe(200)
    expect((await client(t, buyer).api.v1.returns({ id }).sent.post({ note: 'Amana 123' })).status).toBe(200)
    expect((await client(t, s.owner).api.v1.returns({ id }).received.post()).status).toBe(200)
    return id
  }
  const deliver = async (s: { owner: TestUser }, orderId: string) => {
    for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
  }

  it('records where a refund’s money came from and went: the shop’s wallet to the buyer’s for an order paid on delivery, or once the payment was released', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 10 })
    // Cash on delivery: Souk never held it; the shop pays it back from its wallet.
    const cod = await placeOrder(t, s, product.id, 2)
    await deliver(s, cod.orderId)
    await deposit(t, s.owner, 50_000)
    const codReturn = await returnOne(s, cod.me.user, cod.orderId)
    expect(await theEntry('payment.refunded', cod.orderId)).toMatchObject({ actorId: s.owner.id, summary: { why: 'returned', amountMinor: 20_000, from: 'shop_wallet', to: 'wallet', paymentId: null, part: codReturn } })
    // Paid from the wallet and released to the shop on receipt: from the shop's wallet, back to the buyer's.
    const paid = await paidOrder(t, s, product.id, { quantity: 2, funds: 50_000 })
    await deliver(s, paid.orderId)
    expect((await client(t, paid.me.user).api.v1.orders({ id: paid.orderId })['confirm-receipt'].post()).status).toBe(200)
    await returnOne(s, paid.me.user, paid.orderId)
    expect(await theEntry('payment.refunded', paid.orderId)).toMatchObject({ actorId: s.owner.id, summary: { why: 'returned', amountMinor: 20_000, from: 'shop_wallet', to: 'wallet' } })
  })

  it('records a buyer cancelling their paid order as the buyer’s refund', async () => {
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 5_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, s, product.id, { funds: 50_000 })
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(200)
    expect(await theEntry('payment.refunded', orderId)).toMatchObject({ actorId: me.user.id, summary: { why: 'order_cancelled' } })
    expect(await entriesOf('order.staff_changed', orderId)).toHaveLength(0)
  })

  it('records a dispute decision and its refund as the deciding admin’s; a refused step writes nothing, though it had recorded before failing', async () => {
    const { s, buyer, orderId } = await acceptedOrder()
    const opened = await client(t, buyer).api.v1.orders({ id: orderId }).disputes.post({ reason: 'not_as_described', description: 'Not the lamp in the photos' })
    expect(opened.status).toBe(201)
    const staff = as(admin)
    // The admin cancelling around the open dispute: the staff step is recorded, then the frozen
    // payment refuses the refund; the whole step rolls back, its entry with it.
    const before = await countAll()
    const refused = await staff.api.sales({ id: orderId }).cancel.post({ reason: 'Cancelling it anyway' })
    expect(refused.status).toBe(409)
    expect(await countAll()).toBe(before)
    expect(await entriesOf('order.staff_changed', orderId)).toHaveLength(0)
    // A decision the ledger refuses (more than was held) writes nothing either.
    expect((await staff.api.admin.disputes({ id: opened.data!.id }).resolve.post({ outcome: 'split', toShopMinor: 999_999, decision: 'Too generous' })).status).toBe(400)
    expect(await countAll()).toBe(before)

    expect((await staff.api.admin.disputes({ id: opened.data!.id }).resolve.post({ outcome: 'refund', decision: 'Refund the buyer' })).status).toBe(200)
    expect(await theEntry('dispute.decided', opened.data!.id)).toMatchObject({ actorId: admin.id, requestId: staff.requestId, summary: { orderId, outcome: 'refund', toShopMinor: 0, decision: 'Refund the buyer' } })
    // Never shipped: the decision cancels the order (a staff step) and refunds it, both the admin's.
    expect(await theEntry('order.staff_changed', orderId)).toMatchObject({ actorId: admin.id, requestId: staff.requestId })
    expect(await theEntry('payment.refunded', orderId)).toMatchObject({ actorId: admin.id, requestId: staff.requestId })
    expect(s.owner.id).not.toBe(admin.id)
  })

  it('records a withdrawal paid or rejected as the admin’s, and payout methods as their owner’s security events', async () => {
    const me = await signUpAndSignIn(t)
    await deposit(t, me, 100_000)
    const mine = as(me)
    const method = (await mine.api.me['payout-methods'].post({ label: 'CIH', holderName: 'Me', iban: 'MA64011519000001205000534921' })).data!
    expect(await theEntry('account.payout_method_added', me.id)).toMatchObject({ actorId: me.id, summary: { payoutMethodId: method.id, last4: '4921' } })
    expect(JSON.stringify(await entriesOf('account.payout_method_added', me.id))).not.toContain('MA64011519000001205000534921')
    const withdraw = async (amountMinor: number) =>
      (await client(t, me).api.v1.wallet.withdrawals.post({ payoutMethodId: method.id, amountMinor, currency: 'MAD' }, { headers: { ...me.auth, 'idempotency-key': randomUUID() } })).data!
    const [paid, rejected] = [await withdraw(20_000), await withdraw(10_000)]
    const staff = as(admin)
    expect((await staff.api.admin.withdrawals({ id: paid.id }).approve.post({ reference: 'VIR-2026-7' })).status).toBe(200)
    expect((await staff.api.admin.withdrawals({ id: paid.id }).reject.post({ reason: 'Changed my mind' })).status).toBe(409)
    expect((await staff.api.admin.withdrawals({ id: rejected.id }).reject.post({ reason: 'Account closed' })).status).toBe(200)
    expect(await theEntry('withdrawal.approved', paid.id)).toMatchObject({ actorId: admin.id, requestId: staff.requestId, summary: { userId: me.id, amountMinor: 20_000, reference: 'VIR-2026-7' } })
    expect(await entriesOf('withdrawal.rejected', paid.id)).toHaveLength(0)
    expect(await theEntry('withdrawal.rejected', rejected.id)).toMatchObject({ actorId: admin.id, summary: { reason: 'Account closed' } })
    expect((await mine.api.me['payout-methods']({ id: method.id }).delete()).status).toBe(204)
    expect(await theEntry('account.payout_method_removed', me.id)).toMatchObject({ actorId: me.id })
  })
})

describe('the log itself', () => {
  it('commits an entry with its step or not at all, and refuses a summary that names a secret', async () => {
    const subject = { type: 'user' as const, id: `usr_${randomUUID().replaceAll('-', '')}` }
    const failed = await db()
      .transaction(async (tx) => {
        await recordAudit(tx, { by: SYSTEM, kind: 'account.role_changed', subject, summary: { to: 'admin' }, at: clock.now() })
        throw new Error('the step failed after recording')
      })
      .catch((error: Error) => error.message)
    expect(failed).toBe('the step failed after recording')
    expect(await entriesOf('account.role_changed', subject.id)).toHaveLength(0)
    const secret = db().transaction((tx) => recordAudit(tx, { by: SYSTEM, kind: 'account.password_changed', subject, summary: { newPassword: 'hunter2' }, at: clock.now() }))
    expect(secret).rejects.toThrow('names a secret')
  })

  it('cannot be edited: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [some] = await db().select().from(auditLog).limit(1)
    expect(some).toBeDefined()
    // The driver's error, under drizzle's "Failed query" wrapper.
    const refusal = (run: Promise<unknown>) => run.then(() => 'allowed', (error: Error) => `${pgErrorOf(error)?.code} ${String((error.cause as Error | undefined)?.message ?? error.message)}`)
    expect(await refusal(db().update(auditLog).set({ actorId: 'usr_someone_else' }).where(eq(auditLog.id, some!.id)))).toBe('42501 audit_log is append-only: UPDATE refused')
    expect(await refusal(db().delete(auditLog).where(eq(auditLog.id, some!.id)))).toBe('42501 audit_log is append-only: DELETE refused')
    expect(await refusal(db().execute(sql`truncate audit_log`))).toBe('42501 audit_log is append-only: TRUNCATE refused')
    expect((await db().select().from(auditLog).where(eq(auditLog.id, some!.id)))[0]).toEqual(some!)
  })

  it('has no route that changes an entry: only reads', () => {
    const touching = t.app.routes.filter((route) => /audit|security-events/.test(route.path))
    expect(touching.map((route) => `${route.method} ${route.path}`).sort()).toEqual(['GET /api/v1/admin/audit', 'GET /api/v1/me/security-events', 'POST /api/v1/admin/audit/export'])
  })
})

describe('GET /admin/audit and POST /admin/audit/export', () => {
  it('are for admins only', async () => {
    const someone = await signUpAndSignIn(t)
    const { user: vendor } = await makeVendor(t)
    for (const who of [someone, vendor]) {
      expect((await client(t, who).api.v1.admin.audit.get({ query: {} })).status).toBe(403)
      expect((await client(t, who).api.v1.admin.audit.export.post({})).status).toBe(403)
    }
    expect((await client(t).api.v1.admin.audit.get({ query: {} })).status).toBe(401)
    expect((await client(t).api.v1.admin.audit.export.post({})).status).toBe(401)
  })

  it('finds entries by actor, subject, kind and time, newest first, in cursor pages', async () => {
    const user = await signUpAndSignIn(t)
    clock.advance(1_000)
    const since = clock.now()
    for (let i = 0; i < 3; i++) expect((await postJson(t, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })).status).toBe(200)
    const search = (query: Record<string, string | number | Date>) => client(t, admin).api.v1.admin.audit.get({ query })
    const first = await search({ actorId: user.id, kind: 'auth.sign_in', limit: 2 })
    expect(first.status).toBe(200)
    expect(first.data!.items).toHaveLength(2)
    expect(first.data!.items.every((e) => e.actorId === user.id && e.kind === 'auth.sign_in' && e.actorName !== null)).toBe(true)
    const second = await search({ actorId: user.id, kind: 'auth.sign_in', limit: 2, cursor: first.data!.nextCursor! })
    expect(second.data!.items).toHaveLength(2)
    expect(second.data!.nextCursor).toBeNull()
    const all = [...first.data!.items, ...second.data!.items]
    expect(new Set(all.map((e) => e.id)).size).toBe(4)
    // Newest first.
    expect(all.map((e) => e.at.getTime())).toEqual(all.map((e) => e.at.getTime()).sort((a, b) => b - a))
    // Time: the three sign-ins after `since`, not the sign-up before it.
    expect((await search({ subjectId: user.id, from: since })).data!.items).toHaveLength(3)
    expect((await search({ subjectId: user.id, to: since })).data!.items.map((e) => e.summary.method)).toEqual(['sign_up'])
    expect((await search({ subjectId: user.id, kind: 'auth.sign_out' })).data!.items).toEqual([])
    expect((await search({ kind: 'no.such_kind' })).status).toBe(400)
    expect((await search({ cursor: 'not-a-cursor' })).status).toBe(400)

  })
})

describe('GET /me/security-events', () => {
  it('shows me my own account’s security events with address and time, and nobody else’s', async () => {
    const alice = await signUpAndSignIn(t)
    const bob = await signUpAndSignIn(t)
    const ip = testIp()
    expect((await postJson(t, '/api/v1/auth/login', { email: alice.email, password: alice.password }, { 'x-forwarded-for': ip })).status).toBe(200)
    expect((await client(t, alice).api.v1.me.password.post({ currentPassword: alice.password, newPassword: 'alice changed her passphrase' })).status).toBe(204)
    // Bob's sign-in and a role change about Alice's account (not a security event of hers) stay out.
    await db().transaction((tx) => recordAudit(tx, { by: SYSTEM, kind: 'account.role_changed', subject: { type: 'user', id: alice.id }, summary: { to: 'vendor' }, at: clock.now() }))

    const page = await client(t, alice).api.v1.me['security-events'].get({ query: { limit: 2 } })
    expect(page.status).toBe(200)
    expect(page.data!.items.map((e) => e.kind)).toEqual(['account.password_changed', 'auth.sign_in'])
    expect(page.data!.items[1]).toMatchObject({ ip, bySystem: false, summary: { method: 'password' } })
    const rest = await client(t, alice).api.v1.me['security-events'].get({ query: { cursor: page.data!.nextCursor! } })
    expect(rest.data!.items.map((e) => [e.kind, e.ip])).toEqual([['auth.sign_in', alice.ip]])
    expect(rest.data!.nextCursor).toBeNull()
    const bobs = await client(t, bob).api.v1.me['security-events'].get({ query: {} })
    expect(bobs.data!.items.map((e) => e.kind)).toEqual(['auth.sign_in'])
    expect((await client(t).api.v1.me['security-events'].get({ query: {} })).status).toBe(401)
  })
})
