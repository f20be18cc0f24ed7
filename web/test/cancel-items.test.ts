import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { placeOrder, shop } from '../../src/modules/orders/testing'
import { paidOrder, walletOf } from '../../src/modules/payments/testing'
import { client, makeProduct } from '../../src/testing'
import { following, madText, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Cancelling some items of an order before it ships: the shop cancels one of an accepted order's
// lamps with a reason, and the buyer's open page shows it live while the wallet gets its price
// back; the buyer cancels one of a placed order's, and choosing every item left offers the whole
// order's cancellation instead. Orders are placed, paid and accepted through the API.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

/** Waits until the page's order status reads `text`. */
const orderStatus = (page: Page, text: string) => page.getByTestId('order-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the figure with test id `id` reads `text` (an amount: `madText`). */
const figure = (page: Page, id: string, text: RegExp) => page.getByTestId(id).filter({ hasText: text }).waitFor(WAIT)

/** "−MAD 100.00": an amount taken off. */
const minusMad = (minor: number) => new RegExp(`^−${madText(minor).source.slice(1)}`)

describe('cancelling items', () => {
  it('a shop cancels one lamp of an accepted order with a reason; the buyer’s open page shows it live and the wallet gets its price back', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lamp', priceMinor: 10_000, stock: 10 })
    // Three at 100.00 and 30.00 of delivery, from the wallet.
    const { me, orderId, totalMinor } = await paidOrder(t, s, product.id, { quantity: 3 })
    expect(totalMinor).toBe(33_000)
    expect((await client(t, s.owner).api.v1.sales({ id: orderId }).accept.post()).status).toBe(200)
    const walletBefore = (await walletOf(t, me.user)).availableMinor

    const { page, problems, close } = await pageAs(suite, me.user, `/orders/${orderId}`)
    await orderStatus(page, 'Accepted')
    await following(page, `order:${orderId}`)
    // Accepted: the buyer no longer cancels anything.
    expect(await page.getByRole('button', { name: 'Cancel items…' }).count()).toBe(0)

    const shopPage = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await orderStatus(shopPage.page, 'Accepted')
    await shopPage.page.getByRole('button', { name: 'Cancel items…' }).click()
    const dialog = shopPage.page.getByRole('dialog', { name: 'Cancel items' })
    await dialog.getByText(/up to 3$/).waitFor(WAIT)
    const submit = dialog.getByRole('button', { name: 'Cancel these items' })
    expect(await submit.isDisabled()).toBe(true)
    await dialog.getByRole('button', { name: 'One more Brass lamp' }).click()
    await figure(shopPage.page, 'cancel-items-worth', /^MAD\s100\.00 is refunded to the buyer’s Souk wallet\.$/)
    // The reason is required of the shop: without one nothing is sent.
    await submit.click()
    expect(await dialog.getByLabel('Reason').evaluate((field: HTMLTextAreaElement) => field.validity.valueMissing)).toBe(true)
    await dialog.getByLabel('Reason').fill('One came out of the kiln cracked')
    await screenshots(shopPage.page, 'cancel-items-shop')
    await submit.click()
    await toast(shopPage.page, 'Items cancelled. The buyer is told.')
    await figure(shopPage.page, 'item-cancelled', /1 cancelled$/)
    await figure(shopPage.page, 'order-cancelled', minusMad(10_000))
    // Two lamps are left: cancelling one of them is still offered.
    await shopPage.page.getByRole('button', { name: 'Cancel items…' }).waitFor(WAIT)

    // The buyer's page follows: the cancelled lamp, the shop's words in the timeline, the new amounts.
    await figure(page, 'item-cancelled', /^\s*— 1 cancelled$/)
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await timeline.getByText('Items cancelled by the shop').waitFor(WAIT)
    await timeline.getByText('Cancelled 1 × Brass lamp: One came out of the kiln cracked').waitFor(WAIT)
    await figure(page, 'order-total', madText(33_000))
    await figure(page, 'order-cancelled', minusMad(10_000))
    await page.getByText('After cancellations').waitFor(WAIT)
    await figure(page, 'order-due', madText(23_000))
    await orderStatus(page, 'Accepted')
    await screenshots(page, 'cancel-items-buyer-live')
    expect((await walletOf(t, me.user)).availableMinor).toBe(walletBefore + 10_000)

    await shopPage.close()
    await close()
    expect(problems).toEqual([])
    expect(shopPage.problems).toEqual([])
  }, T)

  it('a buyer cancels a lamp of a placed order, then is offered to cancel the whole order when choosing every lamp left', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Copper lantern', priceMinor: 10_000, stock: 10 })
    // Three at 100.00 and 30.00 of delivery, paid on delivery.
    const { me, orderId } = await placeOrder(t, s, product.id, 3)

    const { page, problems, close } = await pageAs(suite, me.user, `/orders/${orderId}`)
    await orderStatus(page, 'Placed')
    await page.getByRole('button', { name: 'Cancel items…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Cancel items' })
    await dialog.getByRole('button', { name: 'One more Copper lantern' }).click()
    await figure(page, 'cancel-items-worth', /^You pay MAD\s100\.00 less on delivery\.$/)
    // The buyer's reason is optional.
    await dialog.getByRole('button', { name: 'Cancel these items' }).click()
    await toast(page, 'Items cancelled. The shop is told.')
    await figure(page, 'item-cancelled', /^\s*— 1 cancelled$/)
    await figure(page, 'order-cancelled', minusMad(10_000))
    await page.getByText('Due on delivery').waitFor(WAIT)
    await figure(page, 'order-due', madText(23_000))
    await page.getByRole('region', { name: 'Payment' }).getByText(/^MAD\s230\.00, in cash to the courier$/).waitFor(WAIT)
    await page.getByRole('region', { name: 'Timeline' }).getByText('Items cancelled by the buyer').waitFor(WAIT)

    // Every lamp left is the whole order: not sent, the order's cancellation offered instead.
    await page.getByRole('button', { name: 'Cancel items…' }).click()
    await dialog.getByText(/up to 2$/).waitFor(WAIT)
    const more = dialog.getByRole('button', { name: 'One more Copper lantern' })
    await more.click()
    await figure(page, 'cancel-items-worth', /^You pay MAD\s100\.00 less on delivery\.$/)
    await more.click()
    expect(await more.isDisabled()).toBe(true)
    await dialog.getByText('These are all the items left: cancel the whole order instead.').waitFor(WAIT)
    expect(await dialog.getByRole('button', { name: 'Cancel these items' }).isDisabled()).toBe(true)
    await screenshots(page, 'cancel-items-all-left')
    await dialog.getByRole('button', { name: 'Cancel the whole order…' }).click()
    const whole = page.getByRole('dialog', { name: 'Cancel this order?' })
    await whole.getByRole('button', { name: 'Cancel order' }).click()
    await toast(page, 'Your order is cancelled. The shop is told.')
    await orderStatus(page, 'Cancelled')
    expect(await page.getByRole('button', { name: 'Cancel items…' }).count()).toBe(0)

    await close()
    expect(problems).toEqual([])
  }, T)
})
