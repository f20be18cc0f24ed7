import { describe, expect, it } from 'bun:test'
import { addToCart, buyer, shop } from '../../src/modules/orders/testing'
import { makeProduct } from '../../src/testing'
import { following, pageAs, screenshots, useCategory, useSouk, WAIT } from './browser'

// The admin dashboard: figures with charts for a range, and a live strip; when a buyer places an
// order in another browser, the strip and today's figures move without a reload.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Ceramics')

describe('the admin dashboard', () => {
  it('shows the figures with their charts, and moves live when a buyer places an order elsewhere', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Green Tamegroute bowl', priceMinor: 12_000, stock: 4 })
    const me = await buyer(t)
    await addToCart(t, me.user, product.id, 2)

    const staff = await pageAs(suite, given.admin, '/admin')
    await staff.page.getByRole('link', { name: 'Dashboard', exact: true }).click()
    await staff.page.waitForURL(/\/admin\/dashboard$/, WAIT)
    const figures = staff.page.getByRole('list', { name: 'Figures' })
    const orders = figures.locator('[data-figure="orders"] .figure__value')
    await orders.filter({ hasText: /^0$/ }).waitFor(WAIT)
    // A chart per figure, one point per day of the 30-day range.
    expect(await figures.getByRole('img', { name: /over time$/ }).count()).toBe(12)
    expect(await figures.getByRole('img', { name: 'GMV over time' }).getAttribute('data-points')).toBe('30')
    await staff.page.getByTestId('live-orders').filter({ hasText: /^0$/ }).waitFor(WAIT)
    await following(staff.page, 'admin:stats')

    // The buyer, in another browser, places the order (cash on delivery).
    const shopper = await pageAs(suite, me.user, '/checkout')
    await shopper.page.getByRole('radio', { name: /^Cash on delivery/ }).check()
    await shopper.page.getByRole('button', { name: /Place order/, disabled: false }).click()
    await shopper.page.waitForURL(/\/orders\/placed\//, WAIT)

    // No reload: the strip and today's figures follow. 2 × 120.00 + 30.00 delivery.
    await staff.page.getByTestId('live-orders').filter({ hasText: /^1$/ }).waitFor(WAIT)
    await orders.filter({ hasText: /^1$/ }).waitFor(WAIT)
    await figures.locator('[data-figure="gmv"] .figure__value').filter({ hasText: /270\.00/ }).waitFor(WAIT)
    await figures.locator('[data-figure="gmv"] .figure__change').filter({ hasText: /^new/ }).waitFor(WAIT)
    await staff.page.getByRole('region', { name: 'Top shops' }).getByRole('link', { name: /^Shop / }).waitFor(WAIT)
    await staff.page.getByRole('region', { name: 'Top categories' }).getByText('Ceramics').waitFor(WAIT)

    // Another range: seven days, by week.
    await staff.page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '7 days' }).click()
    await staff.page.getByLabel('Each point').selectOption('week')
    await figures.getByRole('img', { name: 'GMV over time' }).and(staff.page.locator('[data-points="1"], [data-points="2"]')).waitFor(WAIT)
    await screenshots(staff.page, 'admin-dashboard')

    expect(staff.problems).toEqual([])
    expect(shopper.problems).toEqual([])
    await shopper.close()
    await staff.close()
  }, T)
})
