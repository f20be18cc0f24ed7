import { beforeAll, describe, expect, it } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { makeSellerWithProducts, openConversation, sendOk } from '../../src/modules/chat/testing'
import { signUpAndSignIn, type TestUser } from '../../src/testing'
import { pageAs, screenshot, useSouk, WAIT } from './browser'

// The main screens at a phone's and a laptop's width, light and dark, written for a reviewer to
// open under test-artifacts/screenshots/review/. One browser; each page is loaded once and then
// resized and recoloured in place.

const suite = useSouk()
const VIEWPORTS = [
  { width: 360, height: 780 },
  { width: 1366, height: 900 },
] as const

let buyer: TestUser
let seller: TestUser
/** Each screen's path and what shows once its content (read after the first paint on some) is in. */
type Screens = Record<string, { path: string; ready: (page: Page) => Locator }>
let screens: { buyer: Screens; seller: Screens }

beforeAll(async () => {
  const t = suite.souk.testApp
  const shop = await makeSellerWithProducts(t)
  seller = shop.seller
  buyer = await signUpAndSignIn(t, { displayName: 'Nadia Buyer' })
  const conversation = await openConversation(t, buyer, shop.product.id)
  await sendOk(t, buyer, conversation.id, 'Is the bowl still available?')
  await sendOk(t, seller, conversation.id, 'It is. I can wrap it for travel and ship it tomorrow morning from Fez, tracked all the way to your door.')
  const card = (page: Page) => page.getByRole('link', { name: /^Blue Fez bowl/ }).first()
  screens = {
    buyer: {
      home: { path: '/', ready: card },
      catalog: { path: '/catalog', ready: card },
      product: { path: `/products/${shop.product.slug}`, ready: (page) => page.getByRole('heading', { level: 1, name: 'Blue Fez bowl' }) },
      inbox: { path: '/inbox', ready: (page) => page.locator('.chat-row').getByText(/^It is\. I can wrap it/) },
    },
    seller: { dashboard: { path: '/dashboard', ready: (page) => page.getByRole('heading', { name: /^Last 14 days/ }) } },
  }
}, 60_000)

/** What sticks out sideways on the page as it is: the page's own scroll, and elements of main wider than the viewport. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const root = document.documentElement
    const wide = [...document.querySelectorAll('main *')]
      .filter((element) => element.getBoundingClientRect().width > root.clientWidth + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`)
    return { scrolls: root.scrollWidth > root.clientWidth, wide }
  })

describe('screenshots for review', () => {
  it('home, catalog, product, inbox and dashboard at 360 and 1366 px, light and dark, with nothing overflowing', async () => {
    for (const [user, pages] of [
      [buyer, screens.buyer],
      [seller, screens.seller],
    ] as const) {
      const opened = await pageAs(suite, user, '/')
      const { page } = opened
      for (const [name, { path, ready }] of Object.entries(pages)) {
        await page.goto(`${suite.souk.url}${path}`)
        await ready(page).waitFor(WAIT)
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme })
          for (const viewport of VIEWPORTS) {
            await page.setViewportSize(viewport)
            expect({ name, colorScheme, width: viewport.width, ...(await overflow(page)) }).toEqual({ name, colorScheme, width: viewport.width, scrolls: false, wide: [] })
            await screenshot(page, `review/${name}-${viewport.width}-${colorScheme}`)
          }
        }
      }
      expect(opened.problems).toEqual([])
      await opened.close()
    }
  }, 60_000)
})
