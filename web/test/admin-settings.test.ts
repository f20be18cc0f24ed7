import { describe, expect, it } from 'bun:test'
import { signUpAndSignIn } from '../../src/testing'
import { hydrated, pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// Platform settings in the admin console: an admin changes the commission and the default return
// window, a value out of bounds is refused beside its field, and the saved values are there after
// a reload (and in force on the server). The settings owned by other screens link there.

const T = 90_000

const suite = useSouk()

describe('the Settings tab', () => {
  it('an admin changes settings, sees a bad value refused beside its field, and finds the saved ones after a reload', async () => {
    const t = suite.souk.testApp
    const admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Admin' })
    const staff = await pageAs(suite, admin, '/admin?tab=settings')
    const { page } = staff
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor(WAIT)
    const form = page.getByRole('form', { name: 'Platform settings' })
    const commission = form.getByLabel('Platform commission (%)')
    const returnWindow = form.getByLabel('Default return window (days)')
    // The form shows once the settings are read, with the values in force.
    await commission.waitFor(WAIT)
    expect(await commission.inputValue()).toBe('5')
    expect(await returnWindow.inputValue()).toBe('14')

    // Above the bounds (at most 50 %): refused beside the field, nothing saved.
    await commission.fill('60')
    await form.getByRole('button', { name: 'Save settings' }).click()
    await form.locator('.field', { has: page.getByLabel('Platform commission (%)') }).locator('.field__error').waitFor(WAIT)
    expect(await commission.getAttribute('aria-invalid')).toBe('true')
    expect((await t.services.settings.read()).commissionBp).toBe(500)

    await commission.fill('7.5')
    await returnWindow.fill('21')
    await form.getByRole('button', { name: 'Save settings' }).click()
    await toast(page, 'Settings saved: in force on every server now.')
    expect(await t.services.settings.read()).toMatchObject({ commissionBp: 750, returnWindowDays: 21 })
    await screenshots(page, 'admin-settings')

    await page.reload()
    await hydrated(page)
    await commission.waitFor(WAIT)
    expect(await commission.inputValue()).toBe('7.5')
    expect(await returnWindow.inputValue()).toBe('21')
    expect(await commission.getAttribute('aria-invalid')).toBe('false')

    // What other screens own is linked from here: TVA rates, the review rule, the plans.
    const elsewhere = page.getByRole('list', { name: 'Settings set on their own screens' })
    expect(await elsewhere.getByRole('link', { name: 'Edit TVA rates (Categories)' }).getAttribute('href')).toBe('/admin?tab=categories')
    expect(await elsewhere.getByRole('link', { name: 'Open the plans' }).getAttribute('href')).toBe('/admin/plans')
    await elsewhere.getByRole('link', { name: 'Edit the review rule (Listings to review)' }).click()
    await page.getByRole('tab', { name: 'Listings to review', selected: true }).waitFor(WAIT)

    // The refused save is the one 400 (the fetch, and Chromium's console line of it).
    expect(staff.problems).toEqual([expect.stringMatching(/^400 for fetch .*\/api\/v1\/admin\/settings$/), expect.stringMatching(/status of 400 .*\/api\/v1\/admin\/settings\)$/)])
    await staff.close()
  }, T)
})
