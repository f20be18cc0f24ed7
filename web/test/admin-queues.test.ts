import { describe, expect, it } from 'bun:test'
import { makeProduct, makeVendor, postJson, signUpAndSignIn } from '../../src/testing'
import { following, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// The admins' queues in one place: the admin console's sidebar shows a count per queue, and it
// moves live, without a reload, when a buyer in another browser reports a product; each queue
// links to the screen it is worked from, where the admin filters and acts on several items at once.

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
    await staff.page.waitForURL(/\/admin\?tab=reports&subject=product$/, WAIT)
    await staff.page.getByRole('tab', { name: 'Moderation queue', selected: true }).waitFor(WAIT)
    await staff.page.getByText('Hammered brass lantern').first().waitFor(WAIT)

    // A second listing reported (through the API) shows in the open list without a reload; the
    // admin filters, ticks both and dismisses them at once.
    const other = await makeProduct(t, seller, { categoryId: given.categoryId, title: 'Copper tea tray', priceMinor: 30_000, stock: 2 })
    expect((await postJson(t, `/api/v1/products/${other.slug}/report`, { reason: 'spam' }, buyer.auth)).status).toBe(201)
    await reported.filter({ hasText: /^2$/ }).waitFor(WAIT)
    const tab = staff.page.getByRole('tabpanel')
    await tab.getByText('Copper tea tray').waitFor(WAIT)
    // The queue's link chose the subject.
    await tab.getByRole('group', { name: 'Reports of' }).getByRole('button', { name: 'Products', pressed: true }).waitFor(WAIT)
    await tab.getByRole('group', { name: 'Reported' }).getByRole('button', { name: '1 day or more' }).click()
    await tab.getByText('The queue is empty').waitFor(WAIT)
    await tab.getByRole('group', { name: 'Reported' }).getByRole('button', { name: 'Any time' }).click()
    const bulk = tab.getByRole('group', { name: 'Bulk actions' })
    expect(await bulk.getByRole('button', { name: 'Dismiss selected' }).isDisabled()).toBe(true)
    await tab.getByRole('checkbox', { name: 'Select the report of Hammered brass lantern' }).check()
    await tab.getByRole('checkbox', { name: 'Select the report of Copper tea tray' }).check()
    await bulk.getByText('2 selected').waitFor(WAIT)
    await bulk.getByRole('button', { name: 'Dismiss selected' }).click()
    await toast(staff.page, '2 reports dismissed.')
    await tab.getByText('The queue is empty').waitFor(WAIT)
    await reported.filter({ hasText: /^0$/ }).waitFor(WAIT)

    expect(staff.problems).toEqual([])
    expect(shopper.problems).toEqual([])
    await shopper.close()
    await staff.close()
  }, T)
})
