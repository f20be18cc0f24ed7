import { beforeAll, describe, expect, it } from 'bun:test'
import { makeProduct, makeVendor, sendJson, type TestUser } from '../../src/testing'
import { hydrated, openPage, screenshot, signUpFromHere, toast, useCategory, useSouk, WAIT } from './browser'

const T = 120_000

const suite = useSouk()
const given = useCategory(suite, 'Lighting')
let seller: TestUser
let lantern: { id: string; slug: string }

beforeAll(async () => {
  seller = (await makeVendor(suite.souk.testApp, { companyName: 'Fez Brass' })).user
  lantern = await makeProduct(suite.souk.testApp, seller, { categoryId: given.categoryId, title: 'Brass lantern', priceMinor: 10_000, stock: 5 })
}, T)

describe('the cart', () => {
  it('a guest adds a product twice, signs up, finds it merged in the cart, changes the quantity and removes it', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    const badge = page.locator('.cart-link')
    await page.goto(`${suite.souk.url}/products/${lantern.slug}`)
    await hydrated(page)
    for (const _ of [1, 2]) {
      await page.getByRole('button', { name: 'Add to cart' }).click()
      await toast(page, 'Added to your cart. Sign in to check out.')
    }
    await badge.and(page.getByRole('link', { name: 'Cart, 2 items' })).waitFor(WAIT)

    // Signing up from the cart brings the visitor back to it, the guest cart merged in.
    await badge.click()
    await page.getByRole('heading', { name: '2 items saved in this browser' }).waitFor(WAIT)
    await signUpFromHere(page, suite.souk, 'Amal')

    const stepper = page.getByRole('group', { name: 'Quantity of Brass lantern' })
    await stepper.locator('output').and(page.getByText('2', { exact: true })).waitFor(WAIT)
    await badge.and(page.getByRole('link', { name: 'Cart, 2 items' })).waitFor(WAIT)
    expect(await page.evaluate(() => localStorage.getItem('souk:guest-cart'))).toBeNull()
    await page.getByTestId('cart-total').and(page.getByText('200.00', { exact: false })).waitFor(WAIT)

    // The price changes while the cart is open: the line and the total follow, and say so.
    expect((await sendJson(suite.souk.testApp, 'PATCH', `/api/v1/products/${lantern.slug}`, { priceMinor: 12_000 }, seller.auth)).status).toBe(200)
    await page.getByText(/^was MAD.100\.00$/).waitFor(WAIT)
    await page.getByText('Some prices changed since you added the items').waitFor(WAIT)
    await page.getByTestId('cart-total').and(page.getByText('240.00', { exact: false })).waitFor(WAIT)
    await screenshot(page, 'cart-desktop')

    await page.getByRole('button', { name: 'One more Brass lantern' }).click()
    await stepper.locator('output').and(page.getByText('3', { exact: true })).waitFor(WAIT)
    await badge.and(page.getByRole('link', { name: 'Cart, 3 items' })).waitFor(WAIT)
    await page.getByRole('button', { name: 'One fewer Brass lantern' }).click()
    await badge.and(page.getByRole('link', { name: 'Cart, 2 items' })).waitFor(WAIT)

    await page.getByRole('button', { name: 'Remove Brass lantern' }).click()
    await page.getByRole('heading', { name: 'Your cart is empty' }).waitFor(WAIT)
    await badge.and(page.getByRole('link', { name: 'Cart', exact: true })).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
