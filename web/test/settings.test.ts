import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { ManualClock } from '../../src/lib/clock'
import { REFRESH_PATH } from '../../src/modules/accounts/cookie-auth'
import { latestCode, postJson, refreshCookieOf, type TestUser, signUpAndSignIn, testIp } from '../../src/testing'
import { CSRF_HEADERS } from '../src/lib/auth'
import { hydrated, openPage, screenshot, signInContext, useSouk, VIEWPORTS } from './browser'

const T = 60_000
const MINUTE = 60_000

// The app's time only moves when a test says so: "15 minutes later" without waiting 15 minutes.
const clock = new ManualClock()
const suite = useSouk({ clock })

/** A signed-up user whose browser holds their refresh cookie, on the settings page, session restored. */
async function settingsOf(user: TestUser, options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}) {
  const opened = await openPage(suite.browser, options)
  await signInContext(opened.page, suite.souk, user)
  await opened.page.goto(`${suite.souk.url}/account`)
  await hydrated(opened.page)
  await opened.page.getByLabel('Display name').waitFor()
  return opened
}

const accountButton = (page: Page) => page.locator('.account-button')

describe('an expired access token', () => {
  it('is refreshed silently in the middle of using the app: one refresh, the save goes through', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Omar' })
    const { page, problems, close } = await settingsOf(user)
    await accountButton(page).getByText('Omar').waitFor()
    // Settled first: a socket ticket taken just before the jump in time would be refused after it.
    await page.locator('.live-status[data-state="open"]').waitFor()
    const refreshes: number[] = []
    const saves: number[] = []
    const expired: string[] = []
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === REFRESH_PATH) refreshes.push(response.status())
      if (response.request().method() === 'PATCH') saves.push(response.status())
      if (response.status() === 401) expired.push(new URL(response.url()).pathname)
    })

    clock.advance(16 * MINUTE)
    await page.getByLabel('Display name').fill('Omar Tazi')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByText('Your profile is saved').waitFor()
    await accountButton(page).getByText('Omar Tazi').waitFor()

    // One refresh for everything that met the expired token (a 409 would be the documented
    // "another request rotated the cookie first", answered by one retry).
    expect(refreshes.filter((status) => status !== 409)).toEqual([200])
    // The save met the expired token and went through on its retry, after the one refresh — or
    // the socket, reconnecting meanwhile, met it first and the save went out with the new token.
    expect(expired.length).toBeGreaterThan(0)
    expect(saves.at(-1)).toBe(200)
    expect(saves.filter((status) => status !== 401)).toEqual([200])
    // Chromium reports each 401 that met the expired token (the save, and the socket's ticket
    // if it reconnected meanwhile); nothing else went wrong.
    expect(problems.filter((p) => !(p.includes('401') && p.includes('/api/v1/')))).toEqual([])
    await close()
  }, T)
})

describe('account settings', () => {
  it('changes the profile and photo; the header and the public profile follow', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Nadia' })
    const { page, problems, close } = await settingsOf(user)
    await page.getByLabel('Display name').fill('Nadia Cherkaoui')
    await page.getByLabel('Bio').fill('Hand-dyed wool from the Atlas.\nShips within a week.')
    await page.getByLabel('Location').fill('Marrakesh')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByText('Your profile is saved').waitFor()
    await accountButton(page).getByText('Nadia Cherkaoui').waitFor()

    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 194, g: 65, b: 12 } } }).png().toBuffer()
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Upload a photo' }).click()
    await (await chooser).setFiles({ name: 'me.png', mimeType: 'image/png', buffer: photo })
    await page.getByText('Your new photo is up.').waitFor()
    await page.waitForFunction(() => document.querySelector('.account-button img')?.getAttribute('src')?.endsWith('.webp') === true)
    await screenshot(page, 'account-profile-desktop')

    await page.getByRole('link', { name: 'See your public profile' }).click()
    await page.getByRole('heading', { level: 1, name: 'Nadia Cherkaoui' }).waitFor()
    await page.getByText('Marrakesh').waitFor()
    await page.getByRole('link', { name: 'Edit profile' }).waitFor()
    await screenshot(page, 'user-profile-desktop')
    expect(problems).toEqual([])
    await close()
  }, T)

  it('changes the sign-in address with the code sent to the new one', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Karim' })
    const { page, problems, close } = await settingsOf(user)
    const newEmail = `karim-new-${Date.now().toString(36)}@example.test`
    await page.getByRole('tab', { name: 'Security' }).click()
    await page.getByLabel('New email address').fill(newEmail)
    await page.getByLabel('Your password').fill(user.password)
    await page.getByRole('button', { name: 'Send a code', exact: true }).click()
    const code = page.getByLabel(`Code sent to ${newEmail}`)
    await code.waitFor()
    await code.fill(await latestCode(suite.souk.testApp, newEmail))
    await page.getByRole('button', { name: 'Confirm the new address' }).click()
    await page.getByText(`You now sign in with ${newEmail}`).waitFor()
    await accountButton(page).click()
    await page.getByRole('menu').getByText(newEmail).waitFor()
    await page.keyboard.press('Escape')
    await screenshot(page, 'account-security-desktop')
    expect(problems).toEqual([])
    await close()
  }, T)

  it('lists signed-in devices and signs one out', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Samira' })
    // Two more devices besides this browser: Samira's phone and her laptop.
    const signInFrom = (userAgent: string) =>
      postJson(suite.souk.testApp, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp(), 'user-agent': userAgent })
    const phone = await signInFrom('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')
    await signInFrom('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0')
    const phoneCookie = refreshCookieOf(phone)!
    const { page, problems, close } = await settingsOf(user)
    await page.getByRole('tab', { name: 'Devices' }).click()
    const devices = page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem')
    await page.getByText('Safari on iOS').waitFor()
    await page.getByText('Firefox on Windows').waitFor()
    expect(await devices.count()).toBe(3)
    await page.getByText('This device').waitFor()
    await screenshot(page, 'account-devices-desktop')

    await page.getByRole('button', { name: /^Sign out Safari on iOS/ }).click()
    await page.getByText('That device is signed out.').waitFor()
    await page.getByText('Safari on iOS').waitFor({ state: 'detached' })
    expect(await devices.count()).toBe(2)
    const refused = await suite.souk.testApp.request(REFRESH_PATH, { method: 'POST', headers: { cookie: phoneCookie, ...CSRF_HEADERS } })
    expect(refused.status).toBe(401)

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click()
    await page.getByText('Signed out 1 other device.').waitFor()
    await page.getByText('Firefox on Windows').waitFor({ state: 'detached' })
    expect(await devices.count()).toBe(1)
    expect(problems).toEqual([])
    await close()
  }, T)

  it('deletes the account after asking for the password', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Yasmine' })
    const { page, problems, close } = await settingsOf(user)
    await page.getByRole('tab', { name: 'Security' }).click()
    await page.getByRole('button', { name: 'Delete my account…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' })
    await dialog.getByLabel('Password').fill(user.password)
    await screenshot(page, 'account-delete-desktop')
    await dialog.getByRole('button', { name: 'Delete my account' }).click()
    await page.waitForURL(`${suite.souk.url}/`)
    await page.getByText('Your account is deleted.').waitFor()
    expect(await accountButton(page).count()).toBe(0)
    const profile = await (await suite.souk.testApp.request(`/api/v1/users/${user.id}`)).json()
    expect(profile).toMatchObject({ deleted: true, displayName: 'Deleted user' })
    expect(problems).toEqual([])
    await close()
  }, T)

  it('looks right at 375 px in the dark theme', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Hicham El Idrissi' })
    const { page, problems, close } = await settingsOf(user, { viewport: VIEWPORTS.mobile, colorScheme: 'dark' })
    for (const tab of ['Profile', 'Security', 'Devices']) {
      await page.getByRole('tab', { name: tab }).click()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.mobile.width)
      await screenshot(page, `account-${tab.split(' ')[0]!.toLowerCase()}-mobile-dark`)
    }
    await page.goto(`${suite.souk.url}/users/${user.id}`)
    await hydrated(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.mobile.width)
    await screenshot(page, 'user-profile-mobile-dark')
    expect(problems).toEqual([])
    await close()
  }, T)
})
