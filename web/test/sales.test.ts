import { describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import type { AddressesModel } from '../../src/modules/addresses/model'
import type { OrdersModel } from '../../src/modules/orders/model'
import { makeProduct, makeVendor, postJson, sendJson, signUpAndSignIn } from '../../src/testing'
import { following, hydrated, json, pageAs, screenshot, screenshots, toast, useCategory, useSouk, VIEWPORTS, WAIT } from './browser'

// The shop and admin side of orders: delivery options, Sales (live), accepting, the admins'
// search and cancellation, TVA rates. Orders are placed through the API, as a buyer's checkout would.

const T = 120_000

const suite = useSouk()
const given = useCategory(suite, 'Ceramics')

const option = (page: Page, n: number) => page.getByRole('group', { name: `Option ${n}`, exact: true })
const status = (page: Page, text: string) => page.getByTestId('order-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** A shop with one product and a courier option set through the API (the editor has its own test). */
async function shopWithCourier(companyName: string) {
  const t = suite.souk.testApp
  const shop = await makeVendor(t, { companyName })
  const product = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: `${companyName} tagine`, priceMinor: 25_000, stock: 5 })
  const { items } = await json<{ items: OrdersModel.ShippingOption[] }>(
    sendJson(t, 'PUT', '/api/v1/me/shop/shipping-options', { currency: 'MAD', options: [{ name: 'Courier', priceMinor: 3_000, handlingDays: 2 }] }, shop.user.auth),
    200,
  )
  return { ...shop, product, optionId: items[0]!.id }
}

/** A new buyer orders `quantity` of the product with the chosen option: address, cart, checkout, as the checkout page does. */
async function placeOrder(shop: { vendor: { id: string }; product: { id: string } }, optionId: string, quantity = 2): Promise<OrdersModel.Summary> {
  const t = suite.souk.testApp
  const buyer = await signUpAndSignIn(t, { displayName: 'Omar Buyer' })
  const address = await json<AddressesModel.Address>(
    postJson(t, '/api/v1/me/addresses', { fullName: 'Omar Benali', phone: '+212 600 111222', line1: '5 Rue Talaa Kebira', city: 'Fez', region: 'Fès-Meknès', postalCode: '30000', country: 'MA' }, buyer.auth),
    201,
  )
  await json(sendJson(t, 'PUT', `/api/v1/cart/items/${shop.product.id}`, { quantity }, buyer.auth), 200)
  const placed = await json<OrdersModel.CheckoutResult>(
    postJson(
      t,
      '/api/v1/checkout',
      { shippingAddressId: address.id, shipping: [{ vendorId: shop.vendor.id, optionId }], paymentMethod: 'cash_on_delivery' },
      { ...buyer.auth, 'idempotency-key': randomUUID() },
    ),
    201,
  )
  return placed.orders[0]!
}

describe('delivery options', () => {
  it('a vendor adds two options, sees a problem beside the field it names, reorders and saves them', async () => {
    const t = suite.souk.testApp
    const shop = await makeVendor(t, { companyName: 'Nabeul Pottery' })
    const { page, problems, close } = await pageAs(suite, shop.user, '/dashboard')
    await page.getByRole('link', { name: 'Delivery', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Delivery options' }).waitFor(WAIT)
    await page.getByText('No delivery options').waitFor(WAIT)

    await page.getByRole('button', { name: 'Add an option' }).click()
    await page.getByRole('button', { name: 'Add an option' }).click()
    await option(page, 1).getByLabel('Name', { exact: true }).fill('Courier')
    await option(page, 1).getByLabel('Price (MAD)').fill('30')
    await option(page, 1).getByLabel('Free above (MAD)').fill('500')
    await option(page, 1).getByLabel('Handling days').fill('2')
    // The same name in other letters: the server names the second option's name.
    await option(page, 2).getByLabel('Name', { exact: true }).fill('courier')
    await option(page, 2).getByLabel('Price (MAD)').fill('0')
    await option(page, 2).getByRole('checkbox', { name: /Pickup/ }).check()
    await page.getByRole('button', { name: 'Save delivery options' }).click()
    await option(page, 2).getByText('is used twice').waitFor(WAIT)
    expect(await option(page, 1).locator('.field__error').count()).toBe(0)
    await screenshot(page, 'delivery-options-error-desktop')

    await option(page, 2).getByLabel('Name', { exact: true }).fill('Pickup in Fez')
    await page.getByRole('button', { name: 'Move Pickup in Fez up' }).click()
    await option(page, 1).getByRole('checkbox', { name: /Pickup/, checked: true }).waitFor(WAIT)
    expect(await option(page, 1).getByLabel('Name', { exact: true }).inputValue()).toBe('Pickup in Fez')
    await page.getByRole('button', { name: 'Save delivery options' }).click()
    await toast(page, 'Delivery options saved.')
    await screenshots(page, 'delivery-options')

    const saved = await json<{ items: OrdersModel.ShippingOption[] }>(t.request('/api/v1/me/shop/shipping-options', { headers: shop.user.auth }), 200)
    expect(saved.items.map(({ id: _id, ...o }) => o)).toEqual([
      { name: 'Pickup in Fez', priceMinor: 0, currency: 'MAD', freeAboveMinor: null, handlingDays: 1, pickup: true },
      { name: 'Courier', priceMinor: 3_000, currency: 'MAD', freeAboveMinor: 50_000, handlingDays: 2, pickup: false },
    ])
    // Read back as saved, after a reload.
    await page.reload()
    await hydrated(page)
    expect(await option(page, 2).getByLabel('Free above (MAD)').inputValue()).toBe('500')
    // Buyers read them on the shop's storefront.
    await page.goto(`${suite.souk.url}/vendors/${shop.vendor.slug}`)
    await hydrated(page)
    const delivery = page.getByRole('region', { name: 'Delivery' }).getByRole('listitem')
    await delivery.filter({ hasText: /^Pickup in Fez: free \(pick it up at the shop\)$/ }).waitFor(WAIT)
    await delivery.filter({ hasText: /^Courier: MAD\s30\.00, free from MAD\s500\.00, ships within 2 days$/ }).waitFor(WAIT)
    expect(problems.filter((p) => !/\b400\b.*\/api\/v1\/me\/shop\/shipping-options\)?$/.test(p))).toEqual([])
    await close()
  }, T)
})

describe('sales', () => {
  it('a new order appears live on the open Sales page; the vendor opens it and accepts it', async () => {
    const t = suite.souk.testApp
    const shop = await shopWithCourier('Atlas Ceramics')
    const { page, problems, close } = await pageAs(suite, shop.user, '/dashboard/sales')
    await page.getByText('No orders yet').waitFor(WAIT)
    await following(page, `user:${shop.user.id}`)

    const order = await placeOrder(shop, shop.optionId)
    const row = page.getByRole('list', { name: 'Sales' }).getByRole('link', { name: `Order ${order.invoiceNumber}, Placed` })
    await row.waitFor(WAIT)
    await screenshots(page, 'sales')
    // The status tabs filter: nothing accepted yet.
    await page.getByRole('button', { name: 'Accepted', exact: true }).click()
    await page.getByText('No accepted orders').waitFor(WAIT)
    await page.getByRole('button', { name: 'Placed', exact: true }).click()
    await row.click()

    await page.waitForURL(new RegExp(`/dashboard/sales/${order.id}$`), WAIT)
    await status(page, 'Placed')
    // What the shop needs to send it: the address, the option, the items with their TVA.
    await page.getByText('5 Rue Talaa Kebira').first().waitFor(WAIT)
    await page.getByText('Courier', { exact: true }).waitFor(WAIT)
    await page.getByRole('row', { name: /Atlas Ceramics tagine/ }).getByText('2', { exact: true }).waitFor(WAIT)
    await page.getByText('Placed by the buyer').waitFor(WAIT)
    await screenshots(page, 'sale')

    // The shop downloads the invoice.
    const invoice = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Invoice (PDF)' }).click()
    const pdf = await invoice
    expect(pdf.suggestedFilename()).toBe(`${order.invoiceNumber}.pdf`)
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-')

    await page.getByRole('button', { name: 'Accept' }).click()
    await status(page, 'Accepted')
    await page.getByText('Accepted by the shop').waitFor(WAIT)
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0)
    const seen = await json<OrdersModel.Order>(t.request(`/api/v1/orders/${order.id}`, { headers: shop.user.auth }), 200)
    expect(seen.status).toBe('accepted')
    await page.getByRole('link', { name: 'All sales' }).click()
    await page.getByRole('link', { name: `Order ${order.invoiceNumber}, Accepted` }).waitFor(WAIT)

    // The CSV export runs as a job shown on the page; its file holds the order.
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const card = page.getByRole('article', { name: 'Sales export' })
    const download = page.waitForEvent('download')
    await card.getByRole('button', { name: /^Download / }).click(WAIT)
    const csv = readFileSync((await (await download).path())!, 'utf8')
    expect(csv).toContain(order.invoiceNumber)
    expect(problems).toEqual([])
    await close()
  }, T)
})

describe('admin orders', () => {
  it('an admin finds an order by its invoice number and cancels it with a reason', async () => {
    const t = suite.souk.testApp
    const shop = await shopWithCourier('Sahara Weaves')
    const order = await placeOrder(shop, shop.optionId)
    await placeOrder(shop, shop.optionId, 1)

    const { page, problems, close } = await pageAs(suite, given.admin, '/admin')
    await page.getByRole('link', { name: 'Orders', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor(WAIT)
    await page.getByLabel('Order id or invoice number').fill(order.invoiceNumber)
    await page.getByRole('button', { name: 'Search' }).click()
    const list = page.getByRole('list', { name: 'Orders' })
    await list.getByRole('link', { name: `Order ${order.invoiceNumber}, Placed` }).waitFor(WAIT)
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Orders"] > li').length === 1, undefined, WAIT)
    await screenshots(page, 'admin-orders')

    await list.getByRole('link', { name: `Order ${order.invoiceNumber}, Placed` }).click()
    await page.waitForURL(new RegExp(`/admin/orders/${order.id}$`), WAIT)
    await status(page, 'Placed')
    // Admins cancel; only the shop accepts.
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Cancel order…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Cancel this order?' })
    await dialog.getByLabel('Reason').fill('Listing broke the rules')
    await dialog.getByRole('button', { name: 'Cancel order' }).click()
    await status(page, 'Cancelled')
    await page.getByText('Cancelled by an admin').waitFor(WAIT)
    const seen = await json<OrdersModel.Order>(t.request(`/api/v1/orders/${order.id}`, { headers: shop.user.auth }), 200)
    expect(seen).toMatchObject({ status: 'cancelled', cancelReason: 'Listing broke the rules' })
    expect(problems).toEqual([])
    await close()
  }, T)

  it('an admin sets the default TVA rate and a category’s own rate in percent', async () => {
    const t = suite.souk.testApp
    const { page, problems, close } = await pageAs(suite, given.admin, '/admin')
    await page.getByRole('tab', { name: 'Categories' }).click()
    const fallback = page.getByRole('textbox', { name: 'Default TVA rate' })
    await fallback.waitFor(WAIT)

    await fallback.fill('19.5')
    await page.getByRole('button', { name: 'Save Default TVA rate' }).click()
    await toast(page, 'The default TVA rate is 19.5 %.')
    await page.getByRole('list', { name: 'TVA rate per category' }).getByText('inherits 19.5 %').waitFor(WAIT)

    const own = page.getByRole('textbox', { name: 'TVA rate of Ceramics' })
    await own.fill('7,25')
    await page.getByRole('button', { name: 'Save TVA rate of Ceramics' }).click()
    await toast(page, 'Ceramics is taxed at 7.25 %.')
    let rates = await json<OrdersModel.TaxRates>(t.request('/api/v1/admin/tax-rates', { headers: given.admin.auth }), 200)
    expect(rates).toEqual({ defaultRateBp: 1950, categories: [{ categoryId: given.categoryId, rateBp: 725 }] })

    // Not a percentage: the problem shows beside the field, and nothing changes.
    await own.fill('seven')
    await page.getByRole('button', { name: 'Save TVA rate of Ceramics' }).click()
    await page.getByText('must be a percentage from 0 to 100, with up to 2 decimals').waitFor(WAIT)
    await screenshots(page, 'admin-tva')

    // Blank: the category inherits again.
    await own.fill('')
    await page.getByRole('button', { name: 'Save TVA rate of Ceramics' }).click()
    await toast(page, 'Ceramics inherits its TVA rate.')
    rates = await json<OrdersModel.TaxRates>(t.request('/api/v1/admin/tax-rates', { headers: given.admin.auth }), 200)
    expect(rates).toEqual({ defaultRateBp: 1950, categories: [] })
    expect(problems.filter((p) => !/\b400\b.*\/api\/v1\/admin\/categories\/cat_\w+\/tax-rate\)?$/.test(p))).toEqual([])
    await close()
  }, T)
})
