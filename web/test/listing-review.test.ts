import { describe, expect, it } from 'bun:test'
import { client, makeProduct, makeVendor, sendJson } from '../../src/testing'
import { pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Listing review: an admin turns it on from the admin console; a shop's new listing waits; the
// admin rejects it with a reason the shop reads on its editor; the shop changes it, which sends it
// back; the admin approves it and it is public.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Rugs')

describe('listing review', () => {
  it('an admin reviews a new listing from the queue; the shop reads the reason; the changed listing is approved and public', async () => {
    const t = suite.souk.testApp
    const adminPage = await pageAs(suite, given.admin, '/admin')
    const page = adminPage.page
    await page.getByRole('tab', { name: 'Listings to review' }).click()
    const form = page.getByRole('form', { name: 'Listing review rule' })
    await form.getByLabel('Which listings wait for review').selectOption('all')
    await form.getByRole('button', { name: 'Save rule' }).click()
    await toast(page, 'The review rule is saved')

    const { user: seller } = await makeVendor(t)
    const product = await makeProduct(t, seller, { categoryId: given.categoryId, title: 'Replica lamp', priceMinor: 9_000, stock: 2, status: 'active' })
    expect((await client(t).api.v1.products({ slug: product.slug }).get()).status).toBe(404)

    // The queue shows it (read again: the tab was loaded before it existed).
    await page.reload()
    await page.getByRole('tab', { name: 'Listings to review' }).click()
    const row = page.getByRole('listitem', { name: 'Listing Replica lamp' })
    await row.waitFor(WAIT)
    await screenshots(page, 'admin-listings-to-review')
    await row.getByRole('button', { name: 'Reject…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Reject Replica lamp' })
    await dialog.getByLabel('Reason').fill('Replicas are not allowed on Souk')
    await dialog.getByRole('button', { name: 'Reject listing' }).click()
    await toast(page, 'Rejected; the shop sees why.')
    await row.waitFor({ state: 'detached', ...WAIT })

    // The shop reads why on its editor, and changes the listing.
    const shop = await pageAs(suite, seller, `/dashboard/products/${product.slug}`)
    await shop.page.getByTestId('listing-review').filter({ hasText: 'Rejected: Replicas are not allowed on Souk' }).waitFor(WAIT)
    await screenshots(shop.page, 'dashboard-listing-rejected')
    expect((await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { title: 'Brass lamp, hand-hammered' }, seller.auth)).status).toBe(200)
    await shop.page.reload()
    await shop.page.getByTestId('listing-review').filter({ hasText: 'Waiting for review' }).waitFor(WAIT)
    expect(shop.problems).toEqual([])
    await shop.close()

    await page.reload()
    await page.getByRole('tab', { name: 'Listings to review' }).click()
    await page.getByRole('listitem', { name: 'Listing Brass lamp, hand-hammered' }).getByRole('button', { name: 'Approve' }).click()
    await toast(page, 'Brass lamp, hand-hammered is approved and public.')
    expect((await client(t).api.v1.products({ slug: product.slug }).get()).status).toBe(200)
    expect(adminPage.problems).toEqual([])
    await adminPage.close()
  }, T)
})
