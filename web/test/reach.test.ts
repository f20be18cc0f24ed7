import { describe, expect, it } from 'bun:test'
import type { CatalogModel } from '../../src/modules/catalog/model'
import { makeProduct, makeVendor, sendJson, signUpAndSignIn, type TestUser, waitFor } from '../../src/testing'
import { hydrated, openPage, pageAs, screenshot, toast, useCategory, useSouk, VIEWPORTS, WAIT } from './browser'

// The screens that reach the last REST routes no screen used: deleting a listing, an admin's
// placement control, reporting a shop, the shop directory, and settings reloading GET /me.

const T = 120_000

const suite = useSouk()
const given = useCategory(suite, 'Ceramics')

const productOf = async (slug: string, user: TestUser) => {
  const response = await suite.souk.testApp.request(`/api/v1/products/${slug}`, { headers: user.auth })
  return { status: response.status, body: (await response.json()) as CatalogModel.Product }
}

describe('deleting a listing', () => {
  it('a vendor deletes a product from its editor after confirming; it leaves the dashboard and its page is 404', async () => {
    const t = suite.souk.testApp
    const shop = await makeVendor(t, { companyName: 'Nabeul Pottery' })
    const kept = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Kept green bowl' })
    const doomed = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Chipped blue plate' })

    const { page, problems, close } = await pageAs(suite, shop.user, `/dashboard/products/${doomed.slug}`)
    await page.getByRole('heading', { name: 'Chipped blue plate', level: 1 }).waitFor(WAIT)
    await page.getByRole('button', { name: 'Delete listing…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this listing?' })
    // Backing out deletes nothing.
    await dialog.getByRole('button', { name: 'Keep it' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect((await productOf(doomed.slug, shop.user)).status).toBe(200)

    await page.getByRole('button', { name: 'Delete listing…' }).click()
    await dialog.getByText('“Chipped blue plate” leaves Souk for good.').waitFor()
    await screenshot(page, 'delete-listing-dialog-desktop')
    await dialog.getByRole('button', { name: 'Delete listing' }).click()
    await page.waitForURL(/\/dashboard$/, WAIT)
    await toast(page, '“Chipped blue plate” is deleted.')
    const list = page.getByRole('list', { name: 'My products' })
    await list.getByRole('link', { name: 'Kept green bowl' }).waitFor(WAIT)
    expect(await list.getByText('Chipped blue plate').count()).toBe(0)

    expect((await productOf(doomed.slug, shop.user)).status).toBe(404)
    expect((await productOf(kept.slug, shop.user)).status).toBe(200)
    expect(problems).toEqual([])
    await close()

    // Its link, as anyone follows it: the "not available" page.
    const visitor = await openPage(suite.browser)
    const gone = await visitor.page.goto(`${suite.souk.url}/products/${doomed.slug}`)
    expect(gone?.status()).toBe(404)
    await visitor.page.getByText('This listing isn’t available').waitFor()
    expect(visitor.problems).toEqual([])
    await visitor.close()
  }, T)
})

describe('placement', () => {
  it('an admin features a product until a day from its page; it joins the home page rail and ends when cleared', async () => {
    const t = suite.souk.testApp
    const shop = await makeVendor(t, { companyName: 'Safi Kilns' })
    const product = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Glazed Safi tagine' })

    const { page, problems, close } = await pageAs(suite, given.admin, `/products/${product.slug}`)
    const form = page.getByRole('form', { name: 'Placement' })
    await form.waitFor(WAIT)
    // The date inputs are in the browser's zone, which is this machine's: the day is picked here alike.
    const last = new Date()
    last.setDate(last.getDate() + 7)
    const day = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, '0')}-${String(last.getDate()).padStart(2, '0')}`
    await form.getByLabel('Featured until').fill(day)
    await screenshot(page, 'placement-control-desktop')
    await form.getByRole('button', { name: 'Save placement' }).click()
    await toast(page, 'Placement saved.')
    await page.locator('.product-info .badge').getByText('Featured', { exact: true }).waitFor(WAIT)

    // The placement runs through the picked day: it ends at the next midnight.
    const placed = (await productOf(product.slug, given.admin)).body
    expect(placed).toMatchObject({ featured: true, boosted: false, boostedUntil: null })
    expect(new Date(placed.featuredUntil!).getTime()).toBe(new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1).getTime())

    // Anyone sees it on the home page's rail, in a page of their own.
    const visitor = await openPage(suite.browser)
    await visitor.page.goto(`${suite.souk.url}/`)
    await visitor.page.getByRole('region', { name: 'Featured' }).getByText('Glazed Safi tagine').waitFor(WAIT)
    expect(visitor.problems).toEqual([])
    await visitor.close()

    await page.reload()
    await hydrated(page)
    await expect(form.getByLabel('Featured until').inputValue()).resolves.toBe(day)
    await form.getByLabel('Featured until').fill('')
    await form.getByRole('button', { name: 'Save placement' }).click()
    await toast(page, 'Placement saved.')
    await waitFor(async () => (await productOf(product.slug, given.admin)).body.featuredUntil === null, 10_000, 'the placement to end')
    expect((await productOf(product.slug, given.admin)).body).toMatchObject({ featured: false, featuredUntil: null })
    expect(problems).toEqual([])
    await close()
  }, T)
})

describe('reporting a shop', () => {
  it('a signed-in buyer reports a shop from its storefront through the report dialog; it reaches the moderation queue', async () => {
    const t = suite.souk.testApp
    const shop = await makeVendor(t, { companyName: 'Djerba Weavers' })
    const buyer = await signUpAndSignIn(t, { displayName: 'Amira' })

    const { page, problems, close } = await pageAs(suite, buyer, `/vendors/${shop.vendor.slug}`)
    await page.locator('.account-button').getByText('Amira').waitFor(WAIT)
    await page.getByRole('button', { name: 'Report this shop' }).click()
    const dialog = page.getByRole('dialog', { name: 'Report this shop' })
    await dialog.getByLabel('What is wrong?').selectOption({ label: 'Fraud or a scam' })
    await dialog.getByLabel('Details (optional)').fill('Takes payment and never ships.')
    await screenshot(page, 'report-shop-dialog-desktop')
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await toast(page, 'Thanks — the moderators will look at your report.')
    await dialog.waitFor({ state: 'hidden' })

    const queue = (await (await t.request('/api/v1/admin/reports', { headers: given.admin.auth })).json()) as CatalogModel.ReportPage
    expect(queue.items.filter((r) => r.vendor.slug === shop.vendor.slug)).toMatchObject([
      { target: 'vendor', product: null, reason: 'fraud', details: 'Takes payment and never ships.', reporterId: buyer.id, status: 'open' },
    ])

    // A second report of the same shop is refused; the dialog says why and stays open.
    await page.getByRole('button', { name: 'Report this shop' }).click()
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await dialog.getByText('You have already reported this').waitFor(WAIT)
    expect(problems.filter((p) => !p.includes(`/api/v1/vendors/${shop.vendor.slug}/report`))).toEqual([])
    expect(problems).toHaveLength(2) // the 409 itself, as the harness and Chromium's console see it
    await close()

    // The owner is not offered to report their own shop.
    const owner = await pageAs(suite, shop.user, `/vendors/${shop.vendor.slug}`)
    await owner.page.locator('.account-button').waitFor(WAIT)
    await owner.page.getByRole('button', { name: 'Report this shop' }).waitFor({ state: 'detached', ...WAIT })
    await owner.page.getByRole('heading', { name: 'Djerba Weavers', level: 1 }).waitFor()
    expect(owner.problems).toEqual([])
    await owner.close()
  }, T)
})

describe('reporting a listing', () => {
  it('goes through the same dialog, titled for a listing', async () => {
    const t = suite.souk.testApp
    const shop = await makeVendor(t, { companyName: 'Tozeur Dates' })
    const product = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Deglet nour box' })
    const buyer = await signUpAndSignIn(t, { displayName: 'Salma' })

    const { page, problems, close } = await pageAs(suite, buyer, `/products/${product.slug}`)
    await page.locator('.account-button').getByText('Salma').waitFor(WAIT)
    await page.getByRole('button', { name: 'Report', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Report this listing' })
    await dialog.getByLabel('What is wrong?').selectOption({ label: 'Counterfeit' })
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await toast(page, 'Thanks — the moderators will look at your report.')
    const queue = (await (await t.request('/api/v1/admin/reports', { headers: given.admin.auth })).json()) as CatalogModel.ReportPage
    expect(queue.items.filter((r) => r.product?.slug === product.slug)).toMatchObject([{ target: 'product', reason: 'counterfeit', reporterId: buyer.id }])
    expect(problems).toEqual([])
    await close()
  }, T)
})

describe('the shop directory', () => {
  it('lists approved shops A to Z, server-rendered, with more as the list is scrolled; reached from the home page', async () => {
    const t = suite.souk.testApp
    // 26 shops named to sort first: a page (24) and then some. Each signs up through the real
    // routes (argon2 included), all at once.
    const names = Array.from({ length: 26 }, (_, i) => `Atlas Dir ${String(i + 1).padStart(2, '0')}`)
    await Promise.all([...names.map((companyName) => makeVendor(t, { companyName })), makeVendor(t, { companyName: 'Atlas Dir 00 pending', status: 'pending' })])

    // The first page is in the HTML itself.
    const html = await (await fetch(`${suite.souk.url}/vendors`)).text()
    expect(html).toContain('Atlas Dir 01')
    expect(html).toContain('Atlas Dir 24')
    expect(html).not.toContain('Atlas Dir 25')
    expect(html).not.toContain('pending')

    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/`)
    await hydrated(page)
    await page.getByRole('link', { name: 'Meet the shops' }).click()
    await page.waitForURL(/\/vendors$/)
    const list = page.getByRole('list', { name: 'Shops' })
    await list.getByRole('link', { name: /Atlas Dir 01/ }).waitFor(WAIT)
    await screenshot(page, 'shop-directory-desktop')
    await page.setViewportSize(VIEWPORTS.mobile)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(VIEWPORTS.mobile.width)
    await screenshot(page, 'shop-directory-mobile')
    await page.setViewportSize(VIEWPORTS.desktop)
    await list.getByRole('listitem').last().scrollIntoViewIfNeeded()
    await list.getByRole('link', { name: /Atlas Dir 26/ }).waitFor(WAIT)
    const shown = await list.getByRole('link').allInnerTexts()
    const ours = shown.map((text) => text.match(/Atlas Dir \d\d/)?.[0]).filter((name) => name !== undefined)
    expect(ours).toEqual(names)

    await list.getByRole('link', { name: /Atlas Dir 26/ }).click()
    await page.waitForURL(/\/vendors\/shop-/)
    await page.getByRole('heading', { name: 'Atlas Dir 26', level: 1 }).waitFor(WAIT)
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Shops' }).waitFor()
    expect(problems).toEqual([])
    await close()
  }, 2 * T)
})

describe('account settings', () => {
  it('shows the account as the server has it now (GET /me), not as it was when the tab signed in', async () => {
    const t = suite.souk.testApp
    const buyer = await signUpAndSignIn(t, { displayName: 'Youssef' })
    const { page, problems, close } = await pageAs(suite, buyer, '/')
    await page.locator('.account-button').getByText('Youssef').waitFor(WAIT)

    // Another device renames the account while this tab is open.
    expect((await sendJson(t, 'PATCH', '/api/v1/me', { displayName: 'Youssef B.' }, buyer.auth)).status).toBe(200)
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'Account settings' }).click()
    await page.waitForURL(/\/account$/)
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[name=displayName]')?.value === 'Youssef B.', undefined, WAIT)
    await page.locator('.account-button').getByText('Youssef B.').waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
