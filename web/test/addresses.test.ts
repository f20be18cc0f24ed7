import { describe, expect, it } from 'bun:test'
import type { Locator } from 'playwright-core'
import type { AddressesModel } from '../../src/modules/addresses/model'
import { signUpAndSignIn, type TestUser } from '../../src/testing'
import { hydrated, openPage, screenshot, signInContext, toast, useSouk } from './browser'

// Chromium on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()


/** My addresses as the server has them. */
async function addressesOf(user: TestUser): Promise<AddressesModel.Address[]> {
  const response = await suite.souk.testApp.request('/api/v1/me/addresses', { headers: user.auth })
  return ((await response.json()) as AddressesModel.AddressList).items
}

async function fill(form: Locator, fields: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(fields)) {
    if (label === 'Country') await form.getByLabel(label, { exact: true }).selectOption(value)
    else await form.getByLabel(label, { exact: true }).fill(value)
  }
}

describe('the address book', () => {
  it('a buyer adds two addresses, makes the second the delivery default, edits one and deletes one', async () => {
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Amira' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, buyer)

    // Reached from the account settings.
    await page.goto(`${suite.souk.url}/account`)
    await hydrated(page)
    await page.getByRole('link', { name: 'Addresses' }).click()
    await page.waitForURL(/\/account\/addresses$/)
    await page.getByRole('heading', { name: 'No addresses yet' }).waitFor(WAIT)

    // The first one: a wrong postal code is named beside its field, then fixed.
    await page.getByRole('button', { name: 'Add an address' }).first().click()
    const form = page.getByRole('form', { name: 'New address' })
    await fill(form, { 'Full name': 'Amira Ben Salah', Phone: '+216 71 234 567', Address: '12 Rue de Marseille', City: 'Tunis', Governorate: 'Tunis', 'Postal code': '10000' })
    await form.getByRole('button', { name: 'Add address' }).click()
    const postalCode = form.getByLabel('Postal code', { exact: true })
    await form.getByText('must be 4 digits').waitFor(WAIT)
    expect(await postalCode.getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, 'address-form-error-desktop')
    await postalCode.fill('1000')
    await form.getByRole('button', { name: 'Add address' }).click()
    await toast(page, 'The address is added.')
    const list = page.getByRole('list', { name: 'Your addresses' })
    const home = list.getByRole('listitem').filter({ hasText: '12 Rue de Marseille' })
    await home.getByText('Default delivery').waitFor(WAIT)
    await home.getByText('Default billing').waitFor(WAIT)

    // The second, in Morocco: the region field takes that country's name for it.
    await page.getByRole('button', { name: 'Add an address' }).click()
    await form.getByLabel('Governorate', { exact: true }).waitFor(WAIT)
    await fill(form, { Country: 'MA' })
    await fill(form, { 'Full name': 'Amira Ben Salah', Phone: '+212 600 000 000', Address: '3 Derb Sidi Ahmed', City: 'Fez', Region: 'Fès-Meknès', 'Postal code': '30000' })
    await form.getByRole('button', { name: 'Add address' }).click()
    await toast(page, 'The address is added.')
    const fez = list.getByRole('listitem').filter({ hasText: '3 Derb Sidi Ahmed' })
    await fez.getByText('30000 Fez, Fès-Meknès, Morocco').waitFor(WAIT)
    expect(await fez.getByText('Default delivery').count()).toBe(0)

    // The second becomes the delivery default; billing stays with the first.
    await page.getByRole('button', { name: 'Make 3 Derb Sidi Ahmed my default delivery address' }).click()
    await toast(page, 'Orders go to this address unless you choose another.')
    await fez.getByText('Default delivery').waitFor(WAIT)
    await home.getByText('Default delivery').waitFor({ state: 'detached', timeout: 20_000 })
    await home.getByText('Default billing').waitFor(WAIT)
    await screenshot(page, 'addresses-desktop')

    // Editing the first keeps what is not changed.
    await page.getByRole('button', { name: 'Edit 12 Rue de Marseille' }).click()
    const edit = page.getByRole('form', { name: 'Edit address' })
    expect(await edit.getByLabel('Full name', { exact: true }).inputValue()).toBe('Amira Ben Salah')
    await fill(edit, { 'Address line 2 (optional)': 'Étage 3', City: 'La Marsa' })
    await edit.getByRole('button', { name: 'Save address' }).click()
    await toast(page, 'Your changes are saved.')
    await home.getByText('12 Rue de Marseille, Étage 3').waitFor(WAIT)
    await home.getByText('1000 La Marsa, Tunis, Tunisia').waitFor(WAIT)

    // Deleting it asks first; its billing default passes to the address that is left.
    await page.getByRole('button', { name: 'Delete 12 Rue de Marseille' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this address?' })
    await dialog.getByRole('button', { name: 'Keep it' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await addressesOf(buyer)).toHaveLength(2)
    await page.getByRole('button', { name: 'Delete 12 Rue de Marseille' }).click()
    await dialog.getByRole('button', { name: 'Delete address' }).click()
    await toast(page, 'The address is deleted.')
    await home.waitFor({ state: 'detached', timeout: 20_000 })
    await fez.getByText('Default billing').waitFor(WAIT)

    const [left, ...others] = await addressesOf(buyer)
    expect(others).toEqual([])
    expect(left).toMatchObject({ line1: '3 Derb Sidi Ahmed', country: 'MA', postalCode: '30000', defaultShipping: true, defaultBilling: true })
    await page.reload()
    await hydrated(page)
    await fez.getByText('Default delivery').waitFor(WAIT)
    expect(await list.getByRole('listitem').count()).toBe(1)

    // The refused submit is the only failed request (as the harness and Chromium's console see it).
    expect(problems).toEqual([expect.stringMatching(/^400 for fetch .*\/api\/v1\/me\/addresses$/), expect.stringMatching(/status of 400 .*\/api\/v1\/me\/addresses\)$/)])
    await close()
  }, T)

  it('sends a signed-out visitor to sign in first', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/account/addresses`)
    await page.waitForURL(/\/signin\?next=%2Faccount%2Faddresses$/)
    expect(problems).toEqual([])
    await close()
  }, T)
})
