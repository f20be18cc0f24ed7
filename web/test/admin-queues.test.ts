import { describe, expect, it } from 'bun:test'
import { makeProduct, makeVendor, signUpAndSignIn } from '../../src/testing'
import { following, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// The admins' queues in one place: the admin console's sidebar shows a count per queue, and it
// moves live, without a reload, when a buyer in another browser reports a product; each queue
// links to the screen it is worked from.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Lighting')

describe('the queues sidebar', () => {
  it('an admin sees the reported products’ count grow when a buyer reports a listing in another browser', async () => {
    const t = suite.souk.testApp
    const { user: seller } = await makeVendor(t, { companyName: 'Fez Brass' })
    const product = await makeProduct(t, seller, { categoryId: given.categoryId, title: 'Hammered brass lantern', priceMinor: 45_000, stock: 3 })
    const buyer = await signUpAndSignIn(t, { displayName: 'Amira' })

    const staff = await pageAs(suite, given.admin, '/admin')
    const queues = staff.page.getByRole('navigation', { name: 'Queues' })
    const reported = staff.page.getByTestId('queue-count-product_reports')
    await reported.filter({ hasText: /^0$/ }).waitFor(WAIT)
    await queues.getByRole('link', { name: /^Shop applications/ }).waitFor(WAIT)
    await following(staff.page, 'admin:queues')

    const shopper = await pageAs(suite, buyer, `/products/${product.slug}`)
    await shopper.page.getByRole('button', { name: 'Report', exact: true }).click()
    const dialog = shopper.page.getByRole('dialog', { name: 'Report this listing' })
    await dialog.getByLabel('What is wrong?').selectOption({ label: 'Counterfeit' })
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await toast(shopper.page, 'Thanks — the moderators will look at your report.')

    // No reload: the count follows the queue.
    await reported.filter({ hasText: /^1$/ }).waitFor(WAIT)
    await queues.getByRole('link', { name: /^Reported products/ }).getByText('oldest just now').waitFor(WAIT)
    await screenshots(staff.page, 'admin-queues')

    // The queue's link opens its screen: the moderation queue's tab, with the report.
    await queues.getByRole('link', { name: /^Reported products/ }).click()
    await staff.page.waitForURL(/\/admin\?tab=reports$/, WAIT)
    await staff.page.getByRole('tab', { name: 'Moderation queue', selected: true }).waitFor(WAIT)
    await staff.page.getByText('Hammered brass lantern').first().waitFor(WAIT)

    expect(staff.problems).toEqual([])
    expect(shopper.problems).toEqual([])
    await shopper.close()
    await staff.close()
  }, T)
})
