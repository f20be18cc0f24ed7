import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { client, signUpAndSignIn } from '../../src/testing'
import { following, pageAs, useSouk, WAIT } from './browser'

// An admin's decision on a shop reaches its owner's open pages without a reload: /sell says where
// the shop stands, and the bell counts the notice that tells them.

const T = 90_000

const suite = useSouk()

const bellSays = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).and(page.locator('.bell')).waitFor(WAIT)

describe('an applicant with /sell open', () => {
  it('sees the approval, then a suspension, as the admin decides, with a notification', async () => {
    const t = suite.souk.testApp
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    const applicant = await signUpAndSignIn(t, { displayName: 'Salma' })
    const shop = (
      await client(t, applicant).api.v1.vendors.post({
        companyName: 'Salma Ceramics',
        slug: 'salma-ceramics',
        description: 'Hand-painted plates and bowls from a small workshop in Safi.',
        contactEmail: 'salma@ceramics.example',
        contactPhone: '+212 524 000000',
        address: '7 Rue des Potiers',
        city: 'Safi',
        country: 'MA',
        taxNumber: 'MA-SALMA-001',
      })
    ).data!
    const { page, problems, close } = await pageAs(suite, applicant, '/sell')
    await page.getByText('Your application for Salma Ceramics is waiting for review.').waitFor(WAIT)
    await following(page, `user:${applicant.id}`)
    await bellSays(page, 'Notifications')
    await page.evaluate(() => Object.assign(window, { sameDocument: true }))

    expect((await client(t, admin).api.v1.admin.vendors({ id: shop.id }).approve.post()).status).toBe(200)
    await page.getByText('Salma Ceramics is open.').waitFor(WAIT)
    await page.getByRole('link', { name: 'Go to my dashboard' }).waitFor(WAIT)
    await bellSays(page, 'Notifications, 1 unread')
    await page.locator('.bell').click()
    await page.getByRole('menu').getByRole('menuitem', { name: /Salma Ceramics is approved: you can list products now\./ }).waitFor(WAIT)
    await page.keyboard.press('Escape')

    expect((await client(t, admin).api.v1.admin.vendors({ id: shop.id }).suspend.post({ reason: 'Counterfeit goods' })).status).toBe(200)
    await page.getByText('Salma Ceramics is suspended.').waitFor(WAIT)
    await page.getByText('Counterfeit goods').first().waitFor(WAIT)

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true)).toBe(true)
    expect(problems).toEqual([])
    await close()
  }, T)
})
