import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { hydrated, openPage, screenshot, type Souk, useSouk, VIEWPORTS } from './browser'

// Chromium on a small machine: generous per-test limits, one browser for the whole file.
const T = 60_000

const suite = useSouk()

const person = { name: 'Leila Amrani', email: `leila-${Date.now().toString(36)}@example.test`, password: 'copper lanterns at dusk' }

/** The header shows who is signed in: their name on the account button. */
const accountButton = (page: Page) => page.locator('.account-button')

async function signOut(page: Page) {
  await accountButton(page).click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await page.getByText('You are signed out.').waitFor()
  await page.getByRole('button', { name: 'Account menu' }).and(page.locator('.icon-button')).waitFor()
}

/** Submits the sign-up form as someone new with `password`. */
async function signUpWith(page: Page, password: string) {
  await page.goto(`${suite.souk.url}/signup`)
  await hydrated(page)
  await page.getByLabel('Display name').fill('Someone')
  await page.getByLabel('Email').fill(`someone-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${suite.souk.url}/signin`)
  await hydrated(page)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await accountButton(page).getByText(person.name).waitFor()
}

describe('sign-up', () => {
  it('signs up, reads the code in the development mailbox, confirms it and is signed in', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/signup`)
    await hydrated(page)
    await page.getByLabel('Display name').fill(person.name)
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password').fill(person.password)
    await page.getByRole('button', { name: 'Create account' }).click()

    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    expect(new URL(page.url()).searchParams.get('email')).toBe(person.email)
    // The code just went out: asking for another waits out the cooldown.
    await page.getByRole('button', { name: /^Send a new code in \d:\d\d$/ }).waitFor()
    await screenshot(page, 'verify-desktop')

    await page.getByRole('link', { name: 'development mailbox' }).click()
    await page.getByRole('heading', { name: 'Development mailbox' }).waitFor()
    const code = (await page.locator('.mail__code').first().textContent()) ?? ''
    expect(code).toMatch(/^\d{6}$/)
    await screenshot(page, 'dev-mail-desktop')

    await page.goBack()
    await page.getByLabel('Code').fill(code)
    await page.getByRole('button', { name: 'Confirm and sign in' }).click()
    await page.waitForURL(`${suite.souk.url}/`)
    await accountButton(page).getByText(person.name).waitFor()
    await page.getByText(`Welcome to Souk, ${person.name}!`).waitFor()
    await screenshot(page, 'home-signed-in-desktop')
    expect(problems).toEqual([])
    await close()
  }, T)

  it('shows the server’s field errors beside the fields', async () => {
    const { page, close } = await openPage(suite.browser)
    // Long enough for the browser's own check, but on the server's list of common passwords.
    await signUpWith(page, 'password123')
    const password = page.getByLabel('Password')
    await page.waitForFunction(() => document.querySelector('input[name="password"]')?.getAttribute('aria-invalid') === 'true')
    const describedBy = (await password.getAttribute('aria-describedby')) ?? ''
    expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).toBe('It is one of the most common passwords. Choose another.')
    await screenshot(page, 'signup-error-desktop')
    await close()
  }, T)

  it('says what is wrong with a short password in a sentence', async () => {
    const { page, close } = await openPage(suite.browser)
    // Four characters that are eight UTF-16 units: the browser's length check lets them through; the server counts characters.
    await signUpWith(page, '🔒🔑🔒🔑')
    await page.locator('.field__error').filter({ hasText: 'Use at least 8 characters.' }).waitFor()
    expect((await page.locator('.field__error').textContent())?.trim()).toBe('Use at least 8 characters.')
    expect((await page.getByRole('main').getByRole('alert').allTextContents()).map((text) => text.trim())).toEqual(['This password is too short.'])
    await close()
  }, T)
})

describe('signing out and in', () => {
  it('signs out from the account menu and back in with the password', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    await signIn(page, person.email, person.password)
    await accountButton(page).click()
    await page.getByRole('menu', { name: 'Account menu' }).waitFor()
    await screenshot(page, 'account-menu-desktop')
    await page.keyboard.press('Escape')

    await signOut(page)
    // Signed-in pages now send the visitor to sign in, and back afterwards.
    await page.goto(`${suite.souk.url}/account`)
    await page.waitForURL(`${suite.souk.url}/signin?next=%2Faccount`)
    await hydrated(page)
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password', { exact: true }).fill(person.password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${suite.souk.url}/account`)
    await page.getByRole('heading', { name: 'Account settings' }).waitFor()
    await page.getByLabel('Display name').waitFor()
    expect(problems).toEqual([])
    await close()
  }, T)

  it('answers a wrong password with the server’s message and no sign-in', async () => {
    const { page, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/signin`)
    await hydrated(page)
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('alert').getByText('Wrong email or password').waitFor()
    expect(await accountButton(page).count()).toBe(0)
    await close()
  }, T)
})

describe('password reset', () => {
  it('asks for a link, follows it from the mailbox, sets a new password and signs in with it', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/forgot-password`)
    await hydrated(page)
    await page.getByLabel('Email').fill(person.email)
    await page.getByRole('button', { name: 'Email me a link' }).click()
    await page.getByText('If an account uses this address').waitFor()
    await screenshot(page, 'forgot-password-sent-desktop')

    await page.getByRole('link', { name: 'development mailbox' }).click()
    const link = page.locator('.mail__text a[href*="/reset-password?token="]').first()
    expect(await link.getAttribute('href')).toStartWith(`${suite.souk.url}/reset-password?token=`)
    await link.click()
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    await hydrated(page)
    const newPassword = 'saffron market mornings'
    await page.getByLabel('New password', { exact: true }).fill(newPassword)
    await page.getByLabel('New password, again').fill(newPassword)
    await screenshot(page, 'reset-password-desktop')
    await page.getByRole('button', { name: 'Save the new password' }).click()
    await page.waitForURL(`${suite.souk.url}/signin`)
    await page.getByText('Your password is changed').waitFor()

    await signIn(page, person.email, newPassword)
    person.password = newPassword
    expect(problems).toEqual([])
    await close()
  }, T)
})

describe('phone width', () => {
  it('lays the account screens out without sideways scrolling at 375 px, in both themes', async () => {
    const { page, problems, close } = await openPage(suite.browser, { viewport: VIEWPORTS.mobile, colorScheme: 'dark' })
    for (const path of ['/signup', '/verify?email=leila%40example.test', '/forgot-password', '/reset-password?token=abcdefghijklmnopqrstuvwxyz', '/dev/mail?to=leila%40example.test']) {
      await page.goto(`${suite.souk.url}${path}`)
      await hydrated(page)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.mobile.width)
      await screenshot(page, `${new URL(path, suite.souk.url).pathname.slice(1).replaceAll('/', '_')}-mobile-dark`)
    }
    expect(problems).toEqual([])
    await close()
  }, T)
})
