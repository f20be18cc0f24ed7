import { describe, expect, it } from 'bun:test'
import { choosePlan, fundWallet, makePlan } from '../../src/modules/plans/testing'
import { makeProduct, makeVendor, type TestApp, type TestUser } from '../../src/testing'
import { hydrated, openPage, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Placement a shop buys or is granted: a shop on a paid plan boosts a listing from its dashboard,
// which then shows in the home page's promoted rail, labelled; a shop with a featured slot applies
// to feature a listing, and an admin grants it on the Placement screen until a date, after which
// the listing is featured on its page and in the Featured rail. Shops subscribe through the API.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Ceramics')

/** An approved shop subscribed to a plan with these perks, paid from its wallet. */
async function paidShop(t: TestApp, admin: TestUser, perks: { credits: number; slots: number }) {
  const plan = await makePlan(t, admin, { boostCreditsPerMonth: perks.credits, featuredSlots: perks.slots, maxActiveListings: null })
  const shop = await makeVendor(t)
  await fundWallet(t, shop.user.id, plan.monthlyPriceMinor)
  expect((await choosePlan(t, shop.user, plan.id)).status).toBe(200)
  return shop
}

/** "2026-03-12", `days` from today in the browser's (and this process's) time zone. */
function dayIn(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000)
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
}

describe('placements', () => {
  it(
    'a shop on a paid plan boosts a listing from its dashboard; it shows in the home page’s promoted rail, labelled Promoted',
    async () => {
      const t = suite.souk.testApp
      const shop = await paidShop(t, given.admin, { credits: 5, slots: 0 })
      const product = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Glazed tagine from Safi' })

      const { page, problems, close } = await pageAs(suite, shop.user, '/dashboard')
      await page.getByRole('button', { name: 'Boost Glazed tagine from Safi' }).click()
      const dialog = page.getByRole('dialog', { name: 'Boost Glazed tagine from Safi' })
      await dialog.getByTestId('boost-credits').filter({ hasText: /^5 boost credits left this period\.$/ }).waitFor(WAIT)
      // A plan without featured slots offers no application.
      expect(await page.getByRole('button', { name: 'Apply to feature Glazed tagine from Safi' }).count()).toBe(0)
      await dialog.getByLabel('Days').fill('3')
      await screenshots(page, 'placements-boost')
      await dialog.getByRole('button', { name: 'Boost for 3 days' }).click()
      await toast(page, 'Glazed tagine from Safi is promoted until')
      await page.locator('.dashboard-product', { hasText: 'Glazed tagine from Safi' }).getByText('Promoted', { exact: true }).waitFor(WAIT)
      // The credits left, read again.
      await page.getByRole('button', { name: 'Boost Glazed tagine from Safi' }).click()
      await dialog.getByTestId('boost-credits').filter({ hasText: /^2 boost credits left this period\.$/ }).waitFor(WAIT)
      expect(problems).toEqual([])
      await close()

      // A visitor's home page: the listing in the promoted rail, labelled as advertising.
      const visitor = await openPage(suite.browser)
      await visitor.page.goto(`${suite.souk.url}/`)
      await hydrated(visitor.page)
      const rail = visitor.page.getByRole('region', { name: 'Promoted by vendors' })
      const card = rail.getByRole('link', { name: /^Glazed tagine from Safi, / })
      await card.waitFor(WAIT)
      await card.getByText('Promoted', { exact: true }).waitFor(WAIT)
      await screenshots(visitor.page, 'placements-promoted-rail')
      // And on its page.
      await card.click()
      await visitor.page.waitForURL(`**/products/${product.slug}`)
      await visitor.page.locator('.product-info').getByText('Promoted', { exact: true }).waitFor(WAIT)
      expect(visitor.problems).toEqual([])
      await visitor.close()
    },
    T,
  )

  it(
    'a shop applies to feature a listing; an admin grants it on the Placement screen until a date; it is featured',
    async () => {
      const t = suite.souk.testApp
      const shop = await paidShop(t, given.admin, { credits: 0, slots: 1 })
      const product = await makeProduct(t, shop.user, { categoryId: given.categoryId, title: 'Fez blue bowl' })

      const { page, problems, close } = await pageAs(suite, shop.user, '/dashboard')
      await page.getByRole('button', { name: 'Apply to feature Fez blue bowl' }).click()
      const dialog = page.getByRole('dialog', { name: 'Feature Fez blue bowl' })
      await dialog.getByText('Your plan has 1 featured slot; 0 in use.').waitFor(WAIT)
      await dialog.getByLabel('A word for the admins (optional)').fill('Hand-painted, our best seller.')
      await dialog.getByRole('button', { name: 'Apply' }).click()
      await toast(page, 'Asked to feature Fez blue bowl. An admin decides.')
      const row = page.locator('.dashboard-product', { hasText: 'Fez blue bowl' })
      await row.getByText('Feature requested').waitFor(WAIT)
      expect(await page.getByRole('button', { name: 'Apply to feature Fez blue bowl' }).count()).toBe(0)
      expect(problems).toEqual([])
      await close()

      // The admin finds it on the Placement screen (from the admin page) and grants it for ten days.
      const staff = await pageAs(suite, given.admin, '/admin')
      await staff.page.getByRole('link', { name: 'Placement', exact: true }).click()
      await staff.page.waitForURL('**/admin/placements')
      const application = staff.page.getByRole('listitem', { name: 'Application for Fez blue bowl' })
      await application.getByText('“Hand-painted, our best seller.”').waitFor(WAIT)
      await application.getByTestId('placement-slots').filter({ hasText: /^0 of 1 featured slots in use/ }).waitFor(WAIT)
      const through = dayIn(10)
      await application.getByLabel('Featured through').fill(through)
      await screenshots(staff.page, 'placements-admin')
      await application.getByRole('button', { name: 'Grant' }).click()
      await toast(staff.page, 'Fez blue bowl is featured through')
      await application.waitFor({ state: 'detached', ...WAIT })
      const featured = staff.page.getByRole('region', { name: 'Featured now' })
      const line = featured.getByRole('row', { name: /Fez blue bowl/ })
      const [y, m, d] = through.split('-').map(Number) as [number, number, number]
      const words = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)))
      await line.getByTestId('featured-through').filter({ hasText: words }).waitFor(WAIT)
      expect(staff.problems).toEqual([])

      // Visitors see it featured: on its page and in the home page's Featured rail.
      const visitor = await openPage(suite.browser)
      await visitor.page.goto(`${suite.souk.url}/products/${product.slug}`)
      await hydrated(visitor.page)
      await visitor.page.locator('.product-info').getByText('Featured', { exact: true }).waitFor(WAIT)
      await visitor.page.goto(`${suite.souk.url}/`)
      await hydrated(visitor.page)
      await visitor.page.getByRole('region', { name: 'Featured', exact: true }).getByRole('link', { name: /^Fez blue bowl, / }).waitFor(WAIT)
      expect(visitor.problems).toEqual([])
      await visitor.close()

      // The admin ends it early: it leaves the list.
      await line.getByRole('button', { name: 'End the feature of Fez blue bowl' }).click()
      await staff.page.getByRole('dialog', { name: 'End the feature of Fez blue bowl?' }).getByRole('button', { name: 'End it now' }).click()
      await toast(staff.page, 'Fez blue bowl is no longer featured.')
      await line.waitFor({ state: 'detached', ...WAIT })
      expect(staff.problems).toEqual([])
      await staff.close()
    },
    T,
  )
})
