// Fixtures for tests that move money: deposits through the sandbox provider's hosted page (real
// HTTP, real signatures: the app must listen, see createTestApp's `listen`), wallet and card
// payments of order groups, all through the real routes.
import { expect } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { client, makeProduct, type TestApp, type TestUser, waitFor } from '../../testing'
import { addToCart, buyer, shop, type TestShop } from '../orders/testing'

export const CARDS = { success: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', confirm: '4000 0000 0000 3220' } as const

/** Fills the sandbox's card form at `redirectUrl` as a browser would; answers its response (303 to the return URL on success). */
export const payOnSandbox = (redirectUrl: string, number: string = CARDS.success) =>
  fetch(redirectUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ number, expiry: '12/40', cvc: '123', name: 'Amina B.' }),
  })

export async function walletOf(t: TestApp, user: TestUser, currency = 'MAD') {
  const wallet = await client(t, user).api.v1.wallet.get()
  expect(wallet.status).toBe(200)
  return wallet.data!.balances.find((b) => b.currency === currency) ?? { currency, availableMinor: 0, heldMinor: 0, incomingMinor: 0, outgoingMinor: 0 }
}

/** Deposits `amountMinor` into the user's wallet by card on the sandbox page, and waits for the webhook to credit it. */
export async function deposit(t: TestApp, user: TestUser, amountMinor: number): Promise<void> {
  const before = (await walletOf(t, user)).availableMinor
  const started = await client(t, user).api.v1.wallet.deposits.post({ amountMinor, currency: 'MAD' }, { headers: { ...user.auth, 'idempotency-key': randomUUID() } })
  expect(started.status).toBe(201)
  expect((await payOnSandbox(started.data!.redirectUrl!)).status).toBe(303)
  await waitFor(async () => (await walletOf(t, user)).availableMinor === before + amountMinor, 10_000, 'the deposit credited')
}

/** POST /checkout paying by `method` (the orders wait in pending_payment), then answers the group. */
export async function checkoutUnpaid(t: TestApp, user: TestUser, s: TestShop, addressId: string, method: 'card' | 'wallet') {
  const placed = await client(t, user).api.v1.checkout.post(
    { shippingAddressId: addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }], paymentMethod: method },
    { headers: { ...user.auth, 'idempotency-key': randomUUID() } },
  )
  expect(placed.status).toBe(201)
  return placed.data!
}

/** POST /payments for a group, with a fresh Idempotency-Key unless one is given. */
export const pay = (t: TestApp, user: TestUser, groupId: string, method: 'card' | 'wallet', key: string = randomUUID()) =>
  client(t, user).api.v1.payments.post({ groupId, method }, { headers: { ...user.auth, 'idempotency-key': key } })

/** A buyer with `funds` in their wallet who bought `quantity` of a product of `s` and paid from the wallet. */
export async function paidOrder(t: TestApp, s: TestShop, productId: string, options: { quantity?: number; funds?: number } = {}) {
  const me = await buyer(t)
  await deposit(t, me.user, options.funds ?? 100_000)
  await addToCart(t, me.user, productId, options.quantity ?? 1)
  const group = await checkoutUnpaid(t, me.user, s, me.addressId, 'wallet')
  const paid = await pay(t, me.user, group.groupId, 'wallet')
  expect(paid.status).toBe(201)
  return { me, group, orderId: group.orders[0]!.id, totalMinor: group.totalMinor }
}

/**
 * A new shop's product (`priceMinor`, `stock`) bought by a new buyer (`quantity`) by card: the
 * orders wait in pending_payment and the card payment is started (not yet paid on the sandbox page).
 */
export async function cardCheckout(t: TestApp, categoryId: string, options: { priceMinor: number; stock: number; quantity?: number }) {
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId, priceMinor: options.priceMinor, stock: options.stock })
  const me = await buyer(t)
  await addToCart(t, me.user, product.id, options.quantity ?? 1)
  const group = await checkoutUnpaid(t, me.user, s, me.addressId, 'card')
  const started = await pay(t, me.user, group.groupId, 'card')
  expect(started.status).toBe(201)
  return { s, product, me, group, payment: started.data! }
}
