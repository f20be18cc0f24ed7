import { describe, expect, it } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import type { OrdersModel } from '../../src/modules/orders/model'
import { placeOrder, shop } from '../../src/modules/orders/testing'
import type { PaymentsModel } from '../../src/modules/payments/model'
import { paidOrder } from '../../src/modules/payments/testing'
import type { ShipmentsModel } from '../../src/modules/shipments/model'
import { CARRIERS } from '../../src/modules/shipments/status'
import { client, makeProduct, postJson } from '../../src/testing'
import { following, json, pageAs, screenshot, screenshots, useCategory, useSouk, WAIT } from './browser'

// After the sale: the shop sends an accepted order in parcels from its sale page (carrier,
// tracking, estimated delivery) and moves each along; the buyer's open order page follows each
// parcel live, with the carrier's tracking link, until the order is delivered. Orders are placed,
// paid and accepted through the API.

const T = 180_000

const suite = useSouk()
const given = useCategory(suite, 'Lanterns')

/** Waits until the page's order status reads `text`. */
const orderStatus = (page: Page, text: string) => page.getByTestId('order-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until a parcel (an article of the page) reads `text` as its status. */
const parcelStatus = (parcel: Locator, text: string) => parcel.getByTestId('parcel-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Non-problems: the refused tracking number's 400, on purpose. */
const besidesRefusal = (problems: string[]) => problems.filter((p) => !/\b400\b.*\/api\/v1\/sales\/ord_\w+\/shipments\)?$/.test(p))

/** A new shop's paid order of `quantity` of one lantern, accepted by the shop; `api` is the shop owner's. */
const acceptedSale = async (title: string, quantity: number) => {
  const t = suite.souk.testApp
  const s = await shop(t)
  const lantern = await makeProduct(t, s.owner, { categoryId: given.categoryId, title, priceMinor: 9_000, stock: 5 })
  const { orderId } = await paidOrder(t, s, lantern.id, { quantity })
  await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)
  return { s, orderId, api: client(t, s.owner).api.v1 }
}

describe('shipments', () => {
  it('a shop ships a paid order in two DHL parcels; the buyer’s open page follows them to delivered', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const lantern = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lantern', priceMinor: 20_000, stock: 10 })
    const { me, orderId } = await paidOrder(t, s, lantern.id, { quantity: 3 })
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)

    const buyerPage = await pageAs(suite, me.user, `/orders/${orderId}`)
    const tracking = buyerPage.page.getByRole('region', { name: 'Tracking' })
    await tracking.getByText('The shop has not sent it yet.').waitFor(WAIT)
    await following(buyerPage.page, `order:${orderId}`)

    const { page, problems, close } = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    const form = page.getByRole('form', { name: 'Ship items' })
    await form.waitFor(WAIT)
    // The panel ships and delivers the order: no one-click step beside it.
    expect(await page.getByRole('button', { name: 'Mark shipped' }).count()).toBe(0)
    expect(await form.getByLabel('Quantity of Brass lantern').inputValue()).toBe('3')

    // One of the three first. A tracking number the server refuses is named beside its field.
    await form.getByLabel('Quantity of Brass lantern').fill('1')
    await form.getByLabel('Carrier', { exact: true }).selectOption('dhl')
    await form.getByLabel('Tracking number').fill('JD#0146')
    await form.getByRole('button', { name: 'Ship parcel' }).click()
    await form.locator('.field', { has: page.getByLabel('Tracking number') }).locator('.field__error').waitFor(WAIT)
    expect(await page.getByRole('article', { name: 'Parcel 1' }).count()).toBe(0)
    await form.getByLabel('Tracking number').fill('JD0146000061')
    await form.getByLabel('Estimated delivery').fill('2030-05-20')
    await form.getByRole('button', { name: 'Ship parcel' }).click()
    const first = page.getByRole('article', { name: 'Parcel 1' })
    await parcelStatus(first, 'Being prepared')
    await orderStatus(page, 'Shipped')
    await first.getByText('1 × Brass lantern').waitFor(WAIT)
    // A fresh form for the rest: all that is left, by default.
    await page.getByText('Not sent yet: 2 × Brass lantern').waitFor(WAIT)
    expect(await form.getByLabel('Quantity of Brass lantern').inputValue()).toBe('2')
    expect(await form.getByLabel('Tracking number').inputValue()).toBe('')

    // Another carrier is named, with its own tracking page.
    await form.getByLabel('Carrier', { exact: true }).selectOption('other')
    await form.getByLabel('Carrier name').waitFor(WAIT)
    await form.getByLabel('Tracking page').waitFor(WAIT)
    await screenshots(page, 'sale-ship-form')

    await first.getByRole('button', { name: 'Mark in transit' }).click()
    await parcelStatus(first, 'On its way')

    // The buyer's open page follows, with the carrier's tracking link.
    const firstSeen = tracking.getByRole('article', { name: 'Parcel 1' })
    await parcelStatus(firstSeen, 'On its way')
    const link = firstSeen.getByRole('link', { name: /JD0146000061/ })
    expect(await link.getAttribute('href')).toBe(CARRIERS.dhl.trackingUrl.replace('{tracking}', 'JD0146000061'))
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')
    await firstSeen.getByText('DHL Express').waitFor(WAIT)
    await firstSeen.getByText('May 20, 2030').waitFor(WAIT)
    await tracking.getByText('Still to come: 2 × Brass lantern').waitFor(WAIT)
    await orderStatus(buyerPage.page, 'Shipped')
    // The buyer sees the parcel, not the shop's buttons.
    expect(await tracking.getByRole('button').count()).toBe(0)

    // The rest, in a second parcel.
    await form.getByLabel('Carrier', { exact: true }).selectOption('dhl')
    expect(await form.getByLabel('Carrier name').count()).toBe(0)
    await form.getByLabel('Tracking number').fill('JD0146000062')
    await form.getByRole('button', { name: 'Ship parcel' }).click()
    const second = page.getByRole('article', { name: 'Parcel 2' })
    await parcelStatus(second, 'Being prepared')
    await second.getByText('2 × Brass lantern').waitFor(WAIT)
    await page.getByText('Everything in this order is in a parcel.').waitFor(WAIT)
    expect(await form.count()).toBe(0)
    await second.getByRole('button', { name: 'Mark in transit' }).click()
    await parcelStatus(second, 'On its way')

    // One parcel delivered: the order is not yet.
    await first.getByRole('button', { name: 'Mark delivered' }).click()
    await parcelStatus(first, 'Delivered')
    await parcelStatus(firstSeen, 'Delivered')
    expect((await json<OrdersModel.Order>(t.request(`/api/v1/orders/${orderId}`, { headers: me.user.auth }), 200)).status).toBe('shipped')

    // The last one, with a note for the buyer: the order is delivered and the release clock starts.
    await second.getByLabel('Note to the buyer (optional)').fill('Left with the neighbour at no. 6')
    await second.getByRole('button', { name: 'Mark delivered' }).click()
    await parcelStatus(second, 'Delivered')
    await orderStatus(page, 'Delivered')
    await page.getByTestId('escrow-state').filter({ hasText: /^Released to the shop on .+ unless the buyer reports a problem$/ }).waitFor(WAIT)
    expect(await second.getByRole('button').count()).toBe(0)
    await screenshots(page, 'sale-shipments')

    const secondSeen = tracking.getByRole('article', { name: 'Parcel 2' })
    await parcelStatus(secondSeen, 'Delivered')
    // Failed once in CI (not reproduced since, also with the buyer's reads delayed at random): if it
    // does again, say what the buyer's panel held (the timeout tells the page's calls and problems).
    await secondSeen
      .getByText('Left with the neighbour at no. 6')
      .waitFor(WAIT)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\ntracking: ${await tracking.innerText()}`)
      })
    await orderStatus(buyerPage.page, 'Delivered')
    await buyerPage.page.getByTestId('escrow-state').filter({ hasText: /^Released on .+ unless you report a problem$/ }).waitFor(WAIT)
    await screenshots(buyerPage.page, 'order-tracking')
    await buyerPage.page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(buyerPage.page, 'order-tracking-dark-desktop')

    const { items, unshipped } = await json<typeof ShipmentsModel.shipmentList.static>(t.request(`/api/v1/orders/${orderId}/shipments`, { headers: me.user.auth }), 200)
    expect(items.map((p) => [p.carrier, p.trackingNumber, p.status, p.items.map((i) => i.quantity)])).toEqual([
      ['dhl', 'JD0146000061', 'delivered', [1]],
      ['dhl', 'JD0146000062', 'delivered', [2]],
    ])
    expect(unshipped).toEqual([])
    const { escrow } = await json<PaymentsModel.OrderPayment>(t.request(`/api/v1/orders/${orderId}/payment`, { headers: me.user.auth }), 200)
    expect(escrow).toMatchObject({ state: 'held', releaseAfter: expect.any(String) })
    expect(besidesRefusal(problems)).toEqual([])
    expect(buyerPage.problems).toEqual([])
    await Promise.all([close(), buyerPage.close()])
  }, T)

  it('a note the shop is writing on a parcel survives the panel reading the parcels again', async () => {
    const { s, orderId, api } = await acceptedSale('Tin lantern', 2)
    const parcels: ShipmentsModel.Shipment[] = []
    for (const trackingNumber of ['JD0146000081', 'JD0146000082']) {
      const made = await api.sales({ id: orderId }).shipments.post({ items: [{ position: 0, quantity: 1 }], carrier: 'dhl', trackingNumber })
      expect(made.status).toBe(201)
      parcels.push(made.data!)
    }

    const { page, problems, close } = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await following(page, `order:${orderId}`)
    const second = page.getByRole('article', { name: 'Parcel 2' })
    const note = second.getByLabel('Note to the buyer (optional)')
    await note.fill('Fragile: glass panes')
    // Meanwhile the first parcel moves (another tab, the carrier): the panel reads the parcels again.
    expect((await api.shipments({ id: parcels[0]!.id }).patch({ status: 'in_transit' })).status).toBe(200)
    await parcelStatus(page.getByRole('article', { name: 'Parcel 1' }), 'On its way')
    expect(await note.inputValue()).toBe('Fragile: glass panes')
    await second.getByRole('button', { name: 'Mark in transit' }).click()
    await parcelStatus(second, 'On its way')
    await second.getByRole('list', { name: 'History of parcel 2' }).getByText('Fragile: glass panes').waitFor(WAIT)
    expect(await note.inputValue()).toBe('')
    expect(problems).toEqual([])
    await close()
  }, T)
  it('a quantity the shop is typing for the next parcel keeps its value and focus while the panel reads the parcels again', async () => {
    const { s, orderId, api } = await acceptedSale('Brass lantern', 3)
    const first = await api.sales({ id: orderId }).shipments.post({ items: [{ position: 0, quantity: 1 }], carrier: 'dhl', trackingNumber: 'JD0146000091' })
    expect(first.status).toBe(201)

    const { page, problems, close } = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await following(page, `order:${orderId}`)
    const quantity = page.getByRole('form', { name: 'Ship items' }).getByLabel('Quantity of Brass lantern')
    await quantity.fill('1')
    await quantity.focus()
    // Meanwhile the first parcel moves (another tab, the carrier): the panel reads the parcels again.
    expect((await api.shipments({ id: first.data!.id }).patch({ status: 'in_transit' })).status).toBe(200)
    await parcelStatus(page.getByRole('article', { name: 'Parcel 1' }), 'On its way')
    expect(await quantity.inputValue()).toBe('1')
    expect(await quantity.evaluate((field) => field === document.activeElement)).toBe(true)
    expect(problems).toEqual([])
    await close()
  }, T)
  it('a pickup order: the shop says it is ready to collect, then that it was picked up', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const set = await client(t, s.owner).api.v1.me.shop['shipping-options'].put({ currency: 'MAD', options: [{ name: 'Pickup in Rabat', priceMinor: 0, handlingDays: 1, pickup: true }] })
    expect(set.status).toBe(200)
    const lantern = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Copper lantern', priceMinor: 15_000, stock: 5 })
    const { me, orderId } = await placeOrder(t, { ...s, optionId: set.data!.items[0]!.id }, lantern.id, 2)
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)

    const { page, problems, close } = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    const panel = page.getByRole('region', { name: 'Shipments' })
    const ready = panel.getByRole('button', { name: 'Ready for pickup' })
    await ready.waitFor(WAIT)
    // No carrier, no tracking: only the button.
    expect(await panel.getByRole('form', { name: 'Ship items' }).count()).toBe(0)
    await ready.click()
    const pickup = panel.getByRole('article', { name: 'To collect at the shop' })
    await parcelStatus(pickup, 'Ready for pickup')
    await pickup.getByText('2 × Copper lantern').waitFor(WAIT)
    await orderStatus(page, 'Shipped')
    expect(await pickup.getByText('Carrier').count()).toBe(0)

    await pickup.getByRole('button', { name: 'Mark picked up' }).click()
    await parcelStatus(pickup, 'Picked up')
    await orderStatus(page, 'Delivered')
    await screenshots(page, 'sale-pickup')

    // The buyer reads the same, with no tracking link.
    const buyerPage = await pageAs(suite, me.user, `/orders/${orderId}`)
    const seen = buyerPage.page.getByRole('region', { name: 'Tracking' }).getByRole('article', { name: 'To collect at the shop' })
    await parcelStatus(seen, 'Picked up')
    await seen.getByText('Ready for pickup').waitFor(WAIT)
    expect(await seen.getByRole('link').count()).toBe(0)
    await orderStatus(buyerPage.page, 'Delivered')
    expect(problems).toEqual([])
    expect(buyerPage.problems).toEqual([])
    await Promise.all([close(), buyerPage.close()])
  }, T)
})
