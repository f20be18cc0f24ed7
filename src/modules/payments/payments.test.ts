import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq, like } from 'drizzle-orm'
import { events } from '../../events/table'
import { ManualClock } from '../../lib/clock'
import { SYSTEM } from '../../lib/request-origin'
import { client, createTestApp, makeProduct, refreshSignIn, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { ledgerTransfers, pendingState, reconcile } from '../ledger'
import { holdExpiryJob } from '../orders'
import { addToCart, buyer, shop as newShop, type TestShop } from '../orders/testing'
import { escrowStep, releaseDueEscrows, setEscrowFrozen } from './service/escrow'
import { escrows, payoutMethods } from './table'
import { cardCheckout, checkoutUnpaid, deposit, paidOrder, pay, payOnSandbox, walletOf } from './testing'

let t: TestApp
let admin: TestUser
let categoryId: string
const clock = new ManualClock()
const DAY = 24 * 60 * 60_000

beforeAll(async () => {
  t = await createTestApp({ listen: true, clock })
  admin = await signUpAndSignIn(t, { role: 'admin' })
  categoryId = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!.id
}, 60_000)
afterAll(() => t.close())

describe('escrow', () => {
  it('holds a wallet payment for the shop, and releases it less commission when the buyer confirms receipt', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 20_000, stock: 5 })
    const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { funds: 50_000 })
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 50_000 - totalMinor, heldMinor: totalMinor })
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: 0, incomingMinor: totalMinor })
    const order = await client(t, s.owner).api.v1.orders({ id: orderId }).get()
    expect(order.data!.status).toBe('placed')

    for (const step of ['accept', 'ship'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    const confirmed = await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()
    expect(confirmed.status).toBe(200)
    expect(confirmed.data!.status).toBe('completed')
    const commission = Math.floor((totalMinor * 500 + 5_000) / 10_000)
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: totalMinor - commission, incomingMinor: 0 })
    expect(await walletOf(t, me.user)).toMatchObject({ heldMinor: 0 })
    const payment = await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()
    expect(payment.data!.escrow).toMatchObject({ state: 'released', amountMinor: totalMinor, commissionMinor: commission })
  })

  it('pays a group by card on the sandbox page: pending until the webhook, then held for the shop', async () => {
    const { s, me, group, payment } = await cardCheckout(t, categoryId, { priceMinor: 15_000, stock: 5 })
    expect(group.orders[0]!.status).toBe('pending_payment')
    expect(payment.status).toBe('pending')
    expect((await payOnSandbox(payment.redirectUrl!)).status).toBe(303)
    await waitFor(async () => (await client(t, me.user).api.v1.payments({ id: payment.id }).get()).data?.status === 'succeeded', 10_000, 'the card payment confirmed')
    const order = await client(t, me.user).api.v1.orders({ id: group.orders[0]!.id }).get()
    expect(order.data!.status).toBe('placed')
    expect(await walletOf(t, s.owner)).toMatchObject({ incomingMinor: group.totalMinor })
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 0, heldMinor: group.totalMinor })
  })

  it('refunds a cancelled card order to the card, and a cancelled wallet order to the wallet', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { funds: 20_000 })
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).cancel.post({})).status).toBe(200)
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 20_000, heldMinor: 0 })
    expect(await walletOf(t, s.owner)).toMatchObject({ incomingMinor: 0 })
    const payment = await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()
    expect(payment.data!.escrow).toMatchObject({ state: 'refunded', amountMinor: totalMinor })
  })

  it('expires a card order whose payment never confirms, giving its stock back; its late success is refunded', async () => {
    const { product, me, group, payment: started } = await cardCheckout(t, categoryId, { priceMinor: 6_000, stock: 2, quantity: 2 })
    expect((await client(t, me.user).api.v1.products({ slug: product.slug }).get()).data!.stock).toBe(0)
    clock.advance(16 * 60_000)
    await holdExpiryJob(t.services.orders).run({}, { id: 'test', attempt: 0, signal: new AbortController().signal })
    await refreshSignIn(t, me.user)
    expect((await client(t, me.user).api.v1.orders({ id: group.orders[0]!.id }).get()).data).toMatchObject({ status: 'cancelled', cancelReason: 'Not paid in time' })
    expect((await client(t, me.user).api.v1.products({ slug: product.slug }).get()).data!.stock).toBe(2)
    // The buyer pays on the page they left open: the money goes back to the card, the order stays cancelled.
    expect((await payOnSandbox(started.redirectUrl!)).status).toBe(303)
    await waitFor(async () => (await client(t, me.user).api.v1.payments({ id: started.id }).get()).data?.status === 'succeeded', 10_000)
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 0, heldMinor: 0 })
    expect((await client(t, me.user).api.v1.orders({ id: group.orders[0]!.id }).get()).data!.status).toBe('cancelled')
  })

  it('releases a delivered order automatically after ESCROW_AUTO_RELEASE_DAYS, once, with two instances running the schedule', async () => {
    const { s, me, orderId, totalMinor } = await shippedOrder()
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).deliver.post()).status).toBe(200)
    const view = await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()
    expect(view.data!.escrow!.releaseAfter!.getTime()).toBe(clock.now().getTime() + 7 * DAY)
    // Not yet due: nothing happens.
    expect(await releaseDueEscrows(t.services.payments)).toBe(0)
    clock.advance(7 * DAY + 60_000)
    const [a, b] = await Promise.all([releaseDueEscrows(t.services.payments), releaseDueEscrows(t.services.payments)])
    expect(a + b).toBeGreaterThanOrEqual(1)
    await Promise.all([refreshSignIn(t, me.user), refreshSignIn(t, s.owner)])
    const order = await client(t, me.user).api.v1.orders({ id: orderId }).get()
    expect(order.data!.status).toBe('completed')
    expect(order.data!.timeline.at(-1)).toMatchObject({ to: 'completed', by: 'system' })
    const moved = await t.ctx.database.db.select().from(ledgerTransfers).where(eq(ledgerTransfers.ref, `order:${orderId}`))
    expect(moved.filter((row) => row.phase === 'post_pending')).toHaveLength(1)
    expect(moved.filter((row) => row.kind === 'commission')).toHaveLength(1)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(totalMinor - commissionOf(totalMinor))
  })

  it('keeps a frozen escrow held: the buyer cannot release it, nor can the schedule, until it is unfrozen', async () => {
    const { s, me, orderId, totalMinor } = await shippedOrder()
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).deliver.post()).status).toBe(200)
    await t.ctx.database.db.transaction((tx) => setEscrowFrozen(tx, orderId, true, clock.now()))
    const refused = await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()
    expect(refused.status).toBe(409)
    expect(refused.error!.value).toMatchObject({ error: { details: { reason: 'dispute_open' } } })
    clock.advance(8 * DAY)
    await releaseDueEscrows(t.services.payments)
    await Promise.all([refreshSignIn(t, me.user), refreshSignIn(t, s.owner)])
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.status).toBe('delivered')
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!.state).toBe('frozen')
    await t.ctx.database.db.transaction((tx) => setEscrowFrozen(tx, orderId, false, clock.now()))
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(totalMinor - commissionOf(totalMinor))
  })

  it('leaves nothing half-done when a release dies before its commit', async () => {
    const { s, orderId } = await shippedOrder()
    const [escrow] = await t.ctx.database.db.select().from(escrows).where(eq(escrows.orderId, orderId))
    const died = await t.ctx.database.db
      .transaction(async (tx) => {
        await escrowStep(t.services.payments, tx, { orderId, name: 'complete', from: 'shipped', to: 'completed', by: 'system', actor: SYSTEM, buyerId: escrow!.buyerId, vendorId: s.vendor.id, now: clock.now() })
        throw new Error('the worker was killed')
      })
      .catch((error: Error) => error.message)
    expect(died).toBe('the worker was killed')
    expect((await pendingState(t.ctx.database.db, escrow!.pendingTransferId)).state).toBe('pending')
    expect(await walletOf(t, s.owner)).toMatchObject({ availableMinor: 0, incomingMinor: escrow!.amountMinor })
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
  })

  it('takes the chat’s confirm-receipt as the same step: the order completes and the escrow is released', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 8_000, stock: 5 })
    const me = await buyer(t)
    await deposit(t, me.user, 20_000)
    const conversation = await client(t, me.user).api.v1.conversations.post({ productId: product.id })
    const conversationId = conversation.data!.id
    await addToCart(t, me.user, product.id, 1)
    const group = await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet')
    expect((await pay(t, me.user, group.groupId, 'wallet')).status).toBe(201)
    const orderId = group.orders[0]!.id
    // Accepting the order confirms the sale in the chat; the buyer then confirms receipt there.
    for (const step of ['accept', 'ship'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.conversations({ id: conversationId })['confirm-receipt'].post()).status).toBe(200)
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.status).toBe('completed')
    expect((await walletOf(t, s.owner)).availableMinor).toBe(group.totalMinor - commissionOf(group.totalMinor))
  })
})

/** 5 % commission, rounded half up. */
const commissionOf = (amount: number) => Math.floor((amount * 500 + 5_000) / 10_000)

/** A wallet-paid order, accepted and shipped by its shop. */
async function shippedOrder(): Promise<{ s: TestShop; me: Awaited<ReturnType<typeof buyer>>; orderId: string; totalMinor: number }> {
  const s = await newShop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 12_000, stock: 5 })
  const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { funds: 20_000 })
  for (const step of ['accept', 'ship'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
  return { s, me, orderId, totalMinor }
}

describe('wallet payments under concurrency and retries', () => {
  it('lets exactly one of two concurrent payments through when together they exceed the balance', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 30_000, stock: 10 })
    const me = await buyer(t)
    await deposit(t, me.user, 40_000)
    const groups = []
    for (let i = 0; i < 2; i++) {
      await addToCart(t, me.user, product.id, 1)
      groups.push(await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet'))
    }
    const answers = await Promise.all(groups.map((group) => pay(t, me.user, group.groupId, 'wallet')))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409])
    expect(answers.find((a) => a.status === 409)!.error!.value).toMatchObject({ error: { details: { reason: 'insufficient_funds' } } })
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 40_000 - groups[0]!.totalMinor, heldMinor: groups[0]!.totalMinor })
  })

  it('answers a retried payment with its first result and pays a group once, however many keys race', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 10 })
    const me = await buyer(t)
    await deposit(t, me.user, 50_000)
    await addToCart(t, me.user, product.id, 1)
    const group = await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet')
    const key = randomUUID()
    const same = await Promise.all([pay(t, me.user, group.groupId, 'wallet', key), pay(t, me.user, group.groupId, 'wallet', key)])
    expect(same.map((a) => a.status).sort()).toEqual([200, 201])
    expect(same[0]!.data!.id).toBe(same[1]!.data!.id)
    const other = await pay(t, me.user, group.groupId, 'wallet')
    expect(other.status).toBe(409)
    expect(other.error!.value).toMatchObject({ error: { details: { reason: 'already_paid' } } })
    const reused = await pay(t, me.user, group.groupId, 'card', key)
    expect(reused.status).toBe(422)
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 50_000 - group.totalMinor, heldMinor: group.totalMinor })
  })
})

describe('wallet payments racing refunds', () => {
  it('cancels a wallet-paid order while its buyer pays another from the wallet, both at once, without a deadlock', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 5_000, stock: 20 })
    const me = await buyer(t)
    await deposit(t, me.user, 100_000)
    for (let round = 0; round < 4; round++) {
      await addToCart(t, me.user, product.id, 1)
      const paid = await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet')
      expect((await pay(t, me.user, paid.groupId, 'wallet')).status).toBe(201)
      await addToCart(t, me.user, product.id, 1)
      const next = await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet')
      const [cancelled, payment] = await Promise.all([
        client(t, s.owner).api.v1.sales({ id: paid.orders[0]!.id }).cancel.post({ reason: 'Cannot ship it' }),
        pay(t, me.user, next.groupId, 'wallet'),
      ])
      expect([cancelled.status, payment.status]).toEqual([200, 201])
    }
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
  })

  it('answers two requests racing with one key and different bodies with one payment and a 422, not an error', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 5_000, stock: 20 })
    const me = await buyer(t)
    await deposit(t, me.user, 100_000)
    const groups = []
    for (let i = 0; i < 2; i++) {
      await addToCart(t, me.user, product.id, 1)
      groups.push(await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet'))
    }
    const key = randomUUID()
    const answers = await Promise.all(groups.map((group) => pay(t, me.user, group.groupId, 'wallet', key)))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422])
    expect(await walletOf(t, me.user)).toMatchObject({ heldMinor: groups[0]!.totalMinor })
  })
})

describe('authorization', () => {
  it('shows nobody else a payment, an order’s payment, a wallet, payout methods or withdrawals; only admins decide withdrawals', async () => {
    const s = await newShop(t)
    const product = await makeProduct(t, s.owner, { categoryId, priceMinor: 10_000, stock: 5 })
    const { me, group, orderId } = await paidOrder(t, s, product.id, { funds: 60_000 })
    const stranger = await signUpAndSignIn(t)
    const payment = (await client(t, me.user).api.v1.orders({ id: orderId }).payment.get()).data!.payment!
    expect((await client(t, me.user).api.v1.payments({ id: payment.id }).get()).data).toMatchObject({ status: 'succeeded', method: 'wallet' })
    expect((await client(t, stranger).api.v1.payments({ id: payment.id }).get()).status).toBe(404)
    expect((await client(t, stranger).api.v1.orders({ id: orderId }).payment.get()).status).toBe(404)
    expect((await pay(t, stranger, group.groupId, 'wallet')).status).toBe(404)
    // The shop sees the escrow of its order, not the buyer's payment.
    const shopView = await client(t, s.owner).api.v1.orders({ id: orderId }).payment.get()
    expect(shopView.status).toBe(200)
    expect(shopView.data!.payment).toBeNull()
    expect(shopView.data!.escrow!.state).toBe('held')
    expect((await walletOf(t, stranger)).availableMinor).toBe(0)
    expect((await client(t, stranger).api.v1.wallet.transactions.get({ query: {} })).data!.items).toEqual([])
    const method = await client(t, me.user).api.v1.me['payout-methods'].post({ label: 'Main', holderName: 'Amina B.', iban: 'MA64 0115 1900 0001 2050 0053 4921' })
    expect(method.status).toBe(201)
    expect((await client(t, stranger).api.v1.me['payout-methods']({ id: method.data!.id }).delete()).status).toBe(404)
    expect((await client(t, stranger).api.v1.me['payout-methods'].get()).data!.items).toEqual([])
    const withdrawal = await client(t, me.user).api.v1.wallet.withdrawals.post({ payoutMethodId: method.data!.id, amountMinor: 10_000, currency: 'MAD' }, { headers: { ...me.user.auth, 'idempotency-key': randomUUID() } })
    expect(withdrawal.status).toBe(201)
    expect((await client(t, stranger).api.v1.wallet.withdrawals.post({ payoutMethodId: method.data!.id, amountMinor: 10_000, currency: 'MAD' }, { headers: { ...stranger.auth, 'idempotency-key': randomUUID() } })).status).toBe(404)
    expect((await client(t, stranger).api.v1.wallet.withdrawals.get({ query: {} })).data!.items).toEqual([])
    for (const who of [stranger, me.user, s.owner]) {
      expect((await client(t, who).api.v1.admin.withdrawals({ id: withdrawal.data!.id }).approve.post({ reference: 'BANK-1' })).status).toBe(403)
      expect((await client(t, who).api.v1.admin.withdrawals.get({ query: {} })).status).toBe(403)
      expect((await client(t, who).api.v1.admin.ledger.get({ query: {} })).status).toBe(403)
    }
  })
})

describe('withdrawals', () => {
  it('reserves the amount, and an admin pays it (with a reference) or rejects it (the funds return); never both, never twice', async () => {
    // Signed in now: other tests move the clock past older tokens.
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const me = await signUpAndSignIn(t)
    await deposit(t, me, 100_000)
    const method = (await client(t, me).api.v1.me['payout-methods'].post({ label: 'CIH', holderName: 'Me', iban: 'MA64011519000001205000534921' })).data!
    const withdraw = (amountMinor: number, key = randomUUID()) => client(t, me).api.v1.wallet.withdrawals.post({ payoutMethodId: method.id, amountMinor, currency: 'MAD' }, { headers: { ...me.auth, 'idempotency-key': key } })
    // Too small, more than the wallet holds.
    expect((await withdraw(9_999)).status).toBe(400)
    const tooMuch = await withdraw(100_001)
    expect(tooMuch.status).toBe(409)
    const key = randomUUID()
    const [first, retry] = await Promise.all([withdraw(30_000, key), withdraw(30_000, key)])
    expect([first.status, retry.status].sort()).toEqual([200, 201])
    expect(first.data!.id).toBe(retry.data!.id)
    const second = (await withdraw(20_000)).data!
    expect(await walletOf(t, me)).toMatchObject({ availableMinor: 50_000, outgoingMinor: 50_000 })

    const approve = client(t, admin).api.v1.admin.withdrawals({ id: first.data!.id }).approve.post({ reference: 'VIR-2026-001' })
    const reject = client(t, admin).api.v1.admin.withdrawals({ id: first.data!.id }).reject.post({ reason: 'Wrong account' })
    const raced = await Promise.all([approve, reject])
    expect(raced.map((r) => r.status).sort()).toEqual([200, 409])
    const won = raced.find((r) => r.status === 200)!.data!
    expect(won.iban).toBe('MA64011519000001205000534921')
    const rejected = await client(t, admin).api.v1.admin.withdrawals({ id: second.id }).reject.post({ reason: 'Account closed' })
    expect(rejected.data!.status).toBe('rejected')
    const paidBack = won.status === 'paid' ? 0 : 30_000
    expect(await walletOf(t, me)).toMatchObject({ availableMinor: 50_000 + 20_000 + paidBack, outgoingMinor: 0 })
    expect((await client(t, admin).api.v1.admin.withdrawals({ id: second.id }).approve.post({ reference: 'VIR-2' })).status).toBe(409)
    // A reference of blanks is none; an admin never decides their own withdrawal.
    const third = (await withdraw(10_000)).data!
    expect((await client(t, admin).api.v1.admin.withdrawals({ id: third.id }).approve.post({ reference: '     ' })).status).toBe(400)
    await deposit(t, admin, 20_000)
    const adminMethod = (await client(t, admin).api.v1.me['payout-methods'].post({ label: 'Mine', holderName: 'Admin', iban: 'MA64011519000001205000534921' })).data!
    const own = await client(t, admin).api.v1.wallet.withdrawals.post({ payoutMethodId: adminMethod.id, amountMinor: 10_000, currency: 'MAD' }, { headers: { ...admin.auth, 'idempotency-key': randomUUID() } })
    expect((await client(t, admin).api.v1.admin.withdrawals({ id: own.data!.id }).approve.post({ reference: 'SELF-1' })).status).toBe(403)
    const mine = await client(t, me).api.v1.wallet.withdrawals.get({ query: {} })
    expect(mine.data!.items.map((w) => w.iban)).toEqual([null, null, null])
    expect((await reconcile(t.ctx.database.db, clock.now())).ok).toBe(true)
  })

  it('holds a day’s withdrawals to the daily maximum', async () => {
    const me = await signUpAndSignIn(t)
    await deposit(t, me, 6_000_000)
    const method = (await client(t, me).api.v1.me['payout-methods'].post({ label: 'CIH', holderName: 'Me', iban: 'MA64011519000001205000534921' })).data!
    const withdraw = (amountMinor: number) => client(t, me).api.v1.wallet.withdrawals.post({ payoutMethodId: method.id, amountMinor, currency: 'MAD' }, { headers: { ...me.auth, 'idempotency-key': randomUUID() } })
    expect((await withdraw(4_000_000)).status).toBe(201)
    const over = await withdraw(1_000_001)
    expect(over.status).toBe(400)
    expect((await withdraw(1_000_000)).status).toBe(201)
  })

  it('stores bank details encrypted and shows them masked; refuses an IBAN whose check digits are wrong', async () => {
    const me = await signUpAndSignIn(t)
    const bad = await client(t, me).api.v1.me['payout-methods'].post({ label: 'Typo', holderName: 'Me', iban: 'MA64011519000001205000534922' })
    expect(bad.status).toBe(400)
    const added = await client(t, me).api.v1.me['payout-methods'].post({ label: 'CIH', holderName: 'Me', iban: 'ma64 0115 1900 0001 2050 0053 4921' })
    expect(added.data!.masked).toBe('•••• 4921')
    const [row] = await t.ctx.database.db.select().from(payoutMethods).where(eq(payoutMethods.id, added.data!.id))
    expect(row!.detailsEncrypted).not.toContain('0115')
    expect(await t.ctx.database.db.select().from(payoutMethods).where(like(payoutMethods.detailsEncrypted, '%MA64%'))).toEqual([])
  })
})

describe('deposits', () => {
  it('credits the wallet once the sandbox confirms', async () => {
    const me = await signUpAndSignIn(t)
    await deposit(t, me, 12_345)
    expect(await walletOf(t, me)).toMatchObject({ availableMinor: 12_345 })
  })

  it('refuses a currency wallets do not take, and amounts outside the limits, beside the field', async () => {
    const me = await signUpAndSignIn(t)
    const start = (amountMinor: number, currency: string) => client(t, me).api.v1.wallet.deposits.post({ amountMinor, currency }, { headers: { ...me.auth, 'idempotency-key': randomUUID() } })
    for (const [amount, currency, field] of [[5_000, 'XXX', 'body.currency'], [999, 'MAD', 'body.amountMinor'], [10_000_001, 'MAD', 'body.amountMinor']] as const) {
      const refused = await start(amount, currency)
      expect(refused.status).toBe(400)
      expect(refused.error!.value).toMatchObject({ error: { details: [{ field }] } })
    }
  })
})

describe('history, ledger and live balances', () => {
  it('lists my transactions with filters and as CSV, lets admins find an order’s transfers, and announces every balance change on user:<id>', async () => {
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const { s, me, orderId, totalMinor } = await shippedOrder()
    expect((await client(t, me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)

    const all = await client(t, me.user).api.v1.wallet.transactions.get({ query: {} })
    // Newest first: the hold released to the shop, the hold, the payment into escrow, the deposit.
    expect(all.data!.items.map((e) => [e.kind, e.phase, e.accountKind, e.signedMinor])).toEqual([
      ['escrow_hold', 'post_pending', 'held', -totalMinor],
      ['escrow_hold', 'pending', 'held', -totalMinor],
      ['payment', 'posted', 'available', -totalMinor],
      ['payment', 'posted', 'held', totalMinor],
      ['deposit', 'posted', 'available', 20_000],
    ])
    const deposits = await client(t, me.user).api.v1.wallet.transactions.get({ query: { kind: 'deposit' } })
    expect(deposits.data!.items.map((e) => e.signedMinor)).toEqual([20_000])
    const csv = await fetch(`${t.ctx.config.publicUrl}/api/v1/wallet/transactions.csv?kind=deposit`, { headers: me.user.auth })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe('id,date,kind,phase,account,amount_minor,currency,reference')
    expect(lines.slice(1).map((line) => line.split(',')[5])).toEqual(['20000'])

    const shopEntries = await client(t, s.owner).api.v1.wallet.transactions.get({ query: { ref: `order:${orderId}` } })
    expect(shopEntries.data!.items.map((e) => [e.kind, e.phase, e.signedMinor])).toEqual([
      ['commission', 'posted', -commissionOf(totalMinor)],
      ['escrow_hold', 'post_pending', totalMinor],
      ['escrow_hold', 'pending', totalMinor],
    ])
    const found = await client(t, admin).api.v1.admin.ledger.get({ query: { ref: `order:${orderId}` } })
    expect(found.data!.items.map((row) => row.kind).sort()).toEqual(['commission', 'escrow_hold', 'escrow_hold'])
    const run = await client(t, admin).api.v1.admin.reconciliation.post()
    expect(run.data!.latest).toMatchObject({ ok: true, mismatches: [] })

    const balanceEvents = await t.ctx.database.db.select().from(events).where(and(eq(events.topic, `user:${s.owner.id}`), eq(events.kind, 'wallet.balance'))).orderBy(events.id)
    expect(balanceEvents.at(-1)!.data).toMatchObject({ currency: 'MAD', availableMinor: totalMinor - commissionOf(totalMinor), incomingMinor: 0 })
  })
})
