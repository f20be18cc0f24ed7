import { describe, expect, it } from 'bun:test'
import { readFile } from 'node:fs/promises'
import { signUpAndSignIn } from '../../src/testing'
import { pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// User management in the browser: an admin finds a user (and exports the list), suspends them with
// a reason, and the user's open tab (another browser, signed in) is signed out at once and told why.

const T = 120_000

const suite = useSouk()
const t = () => suite.souk.testApp

describe('admin users', () => {
  it('an admin finds a user and suspends them; the user’s open tab is signed out and their sign-in says until when and why', async () => {
    const admin = await signUpAndSignIn(t(), { role: 'admin', displayName: 'Admin' })
    const user = await signUpAndSignIn(t(), { displayName: 'Troublesome Trader' })
    const userTab = await pageAs(suite, user, '/account')
    await userTab.page.getByRole('heading', { level: 1 }).first().waitFor(WAIT)
    // The user's socket is open before the suspension (it is what tells the tab at once).
    await userTab.page.waitForFunction(() => (window as unknown as { sockets: WebSocket[] }).sockets.some((s) => s.readyState === WebSocket.OPEN), undefined, WAIT)

    const { page, problems, close } = await pageAs(suite, admin, '/admin')
    await page.getByRole('link', { name: 'Users' }).click()
    await page.waitForURL(/\/admin\/users$/, WAIT)
    // Every admin page sits in the console: its sections (this one marked) and the live queues.
    const sections = page.getByRole('navigation', { name: 'Console' })
    await sections.getByRole('link', { name: 'Users', exact: true }).and(page.locator('[aria-current="page"]')).waitFor(WAIT)
    expect(await sections.locator('[aria-current]').count()).toBe(1)
    const queues = page.getByTestId('admin-queues')
    await queues.getByRole('link', { name: /^Shop applications/ }).waitFor(WAIT)
    // Marked, to tell below that moving to another admin page keeps this very sidebar.
    await queues.evaluate((nav) => nav.setAttribute('data-kept', ''))
    await page.getByLabel('Find a user').fill(user.email)
    await page.getByLabel('Find a user').blur()
    const row = page.getByRole('table', { name: 'Users, newest first' }).getByRole('row').filter({ hasText: user.email })
    await row.waitFor(WAIT)
    expect(await page.getByRole('table', { name: 'Users, newest first' }).locator('tbody tr').count()).toBe(1)
    // The list exports what it shows, as a job whose card offers the file.
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const download = page.waitForEvent('download', WAIT)
    await page.getByRole('article', { name: 'Users export' }).getByRole('button', { name: /^Download / }).click(WAIT)
    const csv = (await readFile((await (await download).path())!, 'utf8')).trim().split('\r\n')
    expect(csv).toHaveLength(2)
    expect(csv[1]).toStartWith(`${user.id},${user.email},Troublesome Trader,buyer,`)
    await row.getByRole('link', { name: 'Troublesome Trader' }).click()
    await page.waitForURL(new RegExp(`/admin/users/${user.id}$`), WAIT)
    await page.getByRole('heading', { name: 'Troublesome Trader' }).waitFor(WAIT)
    await page.getByText('Signed-in devices (2)').waitFor(WAIT)

    await page.getByRole('button', { name: 'Suspend', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Suspend this account' })
    await dialog.getByLabel('Reason').fill('Selling counterfeit goods')
    await dialog.getByRole('button', { name: 'Suspend', exact: true }).click()
    await toast(page, 'Account suspended.')
    await page.getByText('Suspended', { exact: true }).waitFor(WAIT)
    await page.getByText('Signed-in devices (0)').waitFor(WAIT)
    await page.getByText('Selling counterfeit goods', { exact: false }).first().waitFor(WAIT)
    await screenshots(page, 'admin-user-suspended')

    // The user's tab: signed out at once (its socket closed, the refresh refused), sent to sign in.
    await userTab.page.waitForURL(/\/signin\?next=/, WAIT)
    await userTab.page.getByLabel('Email').fill(user.email)
    await userTab.page.getByLabel('Password').fill(user.password)
    await userTab.page.getByRole('button', { name: 'Sign in' }).click()
    await userTab.page.getByText('This account is suspended until an admin lifts it: Selling counterfeit goods').waitFor(WAIT)

    // Lifting it: confirmed in a dialog, then the user signs in again.
    await page.getByRole('button', { name: 'Lift suspension' }).click()
    await page.getByRole('dialog', { name: 'Lift the suspension?' }).getByRole('button', { name: 'Lift suspension' }).click()
    await toast(page, 'Suspension lifted.')
    await userTab.page.getByRole('button', { name: 'Sign in' }).click()
    await userTab.page.waitForURL(/\/account$/, WAIT)

    // Another section from the sidebar: the page changes, the sidebar (and its queues) stays.
    await sections.getByRole('link', { name: 'Dashboard', exact: true }).click()
    await page.waitForURL(/\/admin\/dashboard$/, WAIT)
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(WAIT)
    await sections.getByRole('link', { name: 'Dashboard', exact: true }).and(page.locator('[aria-current="page"]')).waitFor(WAIT)
    expect(await sections.getByRole('link', { name: 'Users', exact: true }).getAttribute('aria-current')).toBeNull()
    expect(await page.locator('[data-testid="admin-queues"][data-kept]').count()).toBe(1)
    expect(problems).toEqual([])
    await close()
    await userTab.close()
  }, T)
})
