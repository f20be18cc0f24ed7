import { beforeAll, describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { type ChatFixture, makeSellerWithProducts } from '../../src/modules/chat/testing'
import { makeProduct, postJson, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, screenshot, signInContext, useSouk } from './browser'

// Chromium on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()
let shop: ChatFixture

beforeAll(async () => {
  shop = await makeSellerWithProducts(suite.souk.testApp)
}, T)

/** Opens a product page and waits until the server has counted the view (it feeds "recently viewed"). */
async function viewProduct(page: Page, slug: string): Promise<void> {
  const counted = page.waitForResponse((res) => res.url().endsWith(`/api/v1/products/${slug}/view`) && res.ok(), WAIT)
  await page.goto(`${suite.souk.url}/products/${slug}`)
  await hydrated(page)
  await counted
}

const rail = (page: Page, name: string) => page.getByRole('list', { name })

describe('favorites and recently viewed', () => {
  it('a buyer saves a product, finds it in Favorites, sees what they viewed, and removes it', async () => {
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Amira' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, buyer)
    await viewProduct(page, shop.product.slug)
    await page.locator('.account-button').getByText('Amira').waitFor(WAIT)
    await page.getByRole('button', { name: /^Save/ }).click()
    await page.locator('.toast').getByText('Saved to your favorites.').waitFor(WAIT)

    // Favorites is in the account menu.
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'Favorites' }).click()
    await page.waitForURL(/\/favorites$/)
    const favorites = page.getByRole('list', { name: 'Your favorites' })
    await favorites.getByRole('link', { name: /Blue Fez bowl/ }).waitFor(WAIT)

    // Another product viewed shows first in "Recently viewed", here and on the home page.
    await viewProduct(page, shop.other.slug)
    await page.goto(`${suite.souk.url}/favorites`)
    await hydrated(page)
    await favorites.getByRole('link', { name: /Blue Fez bowl/ }).waitFor(WAIT)
    await rail(page, 'Recently viewed').getByRole('link').first().and(page.getByRole('link', { name: /Safi tagine/ })).waitFor(WAIT)
    expect(await rail(page, 'Recently viewed').getByRole('link').count()).toBe(2)
    expect(await favorites.getByRole('link', { name: /Safi tagine/ }).count()).toBe(0)
    await screenshot(page, 'favorites-desktop')

    await page.goto(`${suite.souk.url}/`)
    await hydrated(page)
    await rail(page, 'Recently viewed').getByRole('link', { name: /Safi tagine/ }).waitFor(WAIT)

    // Removing from the card updates the list without a reload.
    await page.goto(`${suite.souk.url}/favorites`)
    await hydrated(page)
    await page.getByRole('button', { name: 'Remove Blue Fez bowl from favorites' }).click()
    await page.getByRole('heading', { name: 'No favorites yet' }).waitFor(WAIT)
    await page.reload()
    await hydrated(page)
    await page.getByRole('heading', { name: 'No favorites yet' }).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)

  it('pages through many favorites with "Load more"', async () => {
    const t = suite.souk.testApp
    const buyer = await signUpAndSignIn(t, { displayName: 'Youssef' })
    const category = (await (await t.request(`/api/v1/products/${shop.product.slug}`)).json()) as { category: { id: string } }
    for (let i = 1; i <= 26; i++) {
      const product = await makeProduct(t, shop.seller, { categoryId: category.category.id, title: `Zellige tile no. ${i}` })
      expect((await postJson(t, `/api/v1/products/${product.slug}/favorite`, {}, buyer.auth)).status).toBe(200)
    }
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, buyer)
    await page.goto(`${suite.souk.url}/favorites`)
    await hydrated(page)
    const favorites = page.getByRole('list', { name: 'Your favorites' })

    // Scrolling to the end of the list asks for the next page by itself.
    // Latest first: the last one saved leads, the first one saved is on the next page.
    await favorites.getByRole('link', { name: /Zellige tile no\. 26,/ }).waitFor(WAIT)
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
    await favorites.getByRole('link', { name: /Zellige tile no\. 1,/ }).waitFor(WAIT)
    expect(await favorites.getByRole('listitem').count()).toBe(26)

    // Without IntersectionObserver (and for keyboard users) the "Load more" button does it. The
    // observer is taken away here so it cannot load the page before the click (the button would go).
    await page.addInitScript(() => Reflect.deleteProperty(window, 'IntersectionObserver'))
    await page.reload()
    await hydrated(page)
    await favorites.getByRole('link', { name: /Zellige tile no\. 26,/ }).waitFor(WAIT)
    expect(await favorites.getByRole('listitem').count()).toBe(24)
    await page.getByRole('button', { name: 'Load more' }).click()
    await favorites.getByRole('link', { name: /Zellige tile no\. 1,/ }).waitFor(WAIT)
    expect(await favorites.getByRole('listitem').count()).toBe(26)
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached', timeout: 20_000 })
    expect(problems).toEqual([])
    await close()
  }, T)

  it('sends a signed-out visitor to sign in first', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/favorites`)
    await page.waitForURL(/\/signin\?next=%2Ffavorites$/)
    expect(problems).toEqual([])
    await close()
  }, T)
})
