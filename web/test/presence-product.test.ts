import { beforeAll, describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { type ChatFixture, makeSellerWithProducts } from '../../src/modules/chat/testing'
import { signUpAndSignIn, type TestUser } from '../../src/testing'
import { hydrated, type OpenedPage, openPage, screenshot, signInContext, useSouk } from './browser'

// Two or three browser contexts on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()
let shop: ChatFixture

beforeAll(async () => {
  shop = await makeSellerWithProducts(suite.souk.testApp)
}, T)

/** `user`'s browser on `path` (anonymous without one), hydrated; signed in, with its socket open. */
async function visit(user: TestUser | null, path: string): Promise<OpenedPage> {
  const opened = await openPage(suite.browser)
  if (user !== null) await signInContext(opened.page, suite.souk, user)
  await opened.page.goto(`${suite.souk.url}${path}`)
  await hydrated(opened.page)
  if (user !== null) await opened.page.locator('.live-status[data-state="open"]').waitFor(WAIT)
  return opened
}

/** The seller's presence as the vendor card on the product page words it. */
const sellerPresence = (page: Page) => page.locator('.vendor-card .presence__label')

describe('the seller’s presence on a product page', () => {
  it('goes online and offline live for a signed-in buyer, and shows the last known state to visitors', async () => {
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Amira' })
    const productPath = `/products/${shop.product.slug}`
    const b = await visit(buyer, productPath)
    await sellerPresence(b.page).getByText('Offline').waitFor(WAIT)

    // The seller signs in somewhere else: the buyer's open page turns the dot on, no reload.
    const seller = await visit(shop.seller, '/dashboard')
    await sellerPresence(b.page).getByText('Online').waitFor(WAIT)
    expect(await b.page.locator('.vendor-card .presence').getAttribute('data-online')).toBe('true')
    await screenshot(b.page, 'product-seller-online')

    // A signed-out visitor has no socket: the page asks once over REST.
    const visitor = await visit(null, productPath)
    await sellerPresence(visitor.page).getByText('Online').waitFor(WAIT)

    // The seller's last socket closes: offline at once, with when they were last seen.
    await seller.close()
    await sellerPresence(b.page).getByText(/^Last seen/).waitFor(WAIT)
    expect(await b.page.locator('.vendor-card .presence').getAttribute('data-online')).toBe('false')
    await visitor.page.reload()
    await hydrated(visitor.page)
    await sellerPresence(visitor.page).getByText(/^Last seen/).waitFor(WAIT)

    expect([...b.problems, ...seller.problems, ...visitor.problems]).toEqual([])
    await Promise.all([b.close(), visitor.close()])
  }, T)
})
