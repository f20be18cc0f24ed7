// Fixtures for tests that need orders: shops with a delivery option, buyers with an address, carts
// and checkouts, all through the real routes.
import { expect } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { client, makeVendor, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'

export interface TestShop {
  owner: TestUser
  vendor: { id: string; slug: string }
  optionId: string
}

/** An approved shop with one delivery option: 30.00 MAD, free from 500.00. */
export async function shop(t: TestApp): Promise<TestShop> {
  const { user: owner, vendor } = await makeVendor(t)
  const set = await client(t, owner).api.v1.me.shop['shipping-options'].put({
    currency: 'MAD',
    options: [{ name: 'Courier', priceMinor: 3_000, freeAboveMinor: 50_000, handlingDays: 2 }],
  })
  expect(set.status).toBe(200)
  return { owner, vendor, optionId: set.data!.items[0]!.id }
}

/** A signed-in buyer with a delivery address. */
export async function buyer(t: TestApp): Promise<{ user: TestUser; addressId: string }> {
  const user = await signUpAndSignIn(t)
  const created = await client(t, user).api.v1.me.addresses.post({ fullName: 'Amina B.', phone: '+212 600 123456', line1: '4 Rue des Oudayas', city: 'Rabat', region: 'Rabat-Salé-Kénitra', postalCode: '10030', country: 'MA' })
  expect(created.status).toBe(201)
  return { user, addressId: created.data!.id }
}

export async function addToCart(t: TestApp, user: TestUser, productId: string, quantity: number): Promise<void> {
  const put = await client(t, user).api.v1.cart.items({ productId }).put({ quantity })
  expect(put.status).toBe(200)
}

/** POST /checkout (cash on delivery) with a fresh Idempotency-Key unless one is given. */
export const checkout = (t: TestApp, user: TestUser, body: { shippingAddressId: string; shipping: { vendorId: string; optionId: string }[] }, key: string = randomUUID()) =>
  // Eden's per-call headers replace the client's: the token goes with the key.
  client(t, user).api.v1.checkout.post({ ...body, paymentMethod: 'cash_on_delivery' }, { headers: { ...user.auth, 'idempotency-key': key } })

/** A buyer's order of `quantity` of a product of `s` (of each, given several), placed. */
export async function placeOrder(t: TestApp, s: TestShop, productId: string | readonly string[], quantity = 1) {
  const me = await buyer(t)
  for (const id of typeof productId === 'string' ? [productId] : productId) await addToCart(t, me.user, id, quantity)
  const placed = await checkout(t, me.user, { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }] })
  expect(placed.status).toBe(201)
  return { me, orderId: placed.data!.orders[0]!.id, invoiceNumber: placed.data!.orders[0]!.invoiceNumber }
}
