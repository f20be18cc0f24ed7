// Fixtures for tests of reviews: orders carried to `completed` through the real routes.
import { expect } from 'bun:test'
import { client, type TestApp } from '../../testing'
import { placeOrder, type TestShop } from '../orders/testing'

/** A new buyer's cash-on-delivery order of `productId` (one of each, given several) from `s`, accepted, shipped, delivered and received. */
export async function completedOrder(t: TestApp, s: TestShop, productId: string | readonly string[]) {
  const placed = await placeOrder(t, s, productId)
  for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: placed.orderId })[step].post()).status).toBe(200)
  expect((await client(t, placed.me.user).api.v1.orders({ id: placed.orderId })['confirm-receipt'].post()).status).toBe(200)
  return placed
}
