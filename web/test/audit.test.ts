import { describe, expect, it } from 'bun:test'
import { readFile } from 'node:fs/promises'
import { client, makeVendor, postJson, signUpAndSignIn, testIp } from '../../src/testing'
import { pageAs, screenshots, useCategory, useSouk, WAIT } from './browser'

// The audit log in the browser: an admin finds entries by kind and subject, pages through them and
// downloads them as CSV; a user reads their own account's security activity (sign-ins with where
// they came from, a password change) on the account page.

const T = 120_000

const suite = useSouk()
const given = useCategory(suite, 'Audited goods')
const t = () => suite.souk.testApp

describe('audit log', () => {
  it('an admin filters the log by kind and subject, loads more, and downloads it as CSV', async () => {
    const { admin } = given
    const { user: applicant, vendor } = await makeVendor(t(), { status: 'pending', companyName: 'Atlas Lamps' })
    expect((await client(t(), admin).api.v1.admin.vendors({ id: vendor.id }).approve.post()).status).toBe(200)
    // More sign-ins of one user than one page holds (50).
    const regular = await signUpAndSignIn(t(), { displayName: 'Regular Visitor' })
    for (let i = 0; i < 52; i++) expect((await postJson(t(), '/api/v1/auth/login', { email: regular.email, password: regular.password }, { 'x-forwarded-for': testIp() })).status).toBe(200)

    const { page, problems, close } = await pageAs(suite, admin, '/admin')
    await page.getByRole('link', { name: 'Audit log' }).click()
    await page.waitForURL(/\/admin\/audit$/, WAIT)
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor(WAIT)
    const table = page.getByRole('table', { name: 'Audit log entries, newest first' })
    await table.waitFor(WAIT)

    // The shop's approval, by the admin, about the shop.
    await page.getByLabel('Kind').selectOption('shop.approved')
    const approval = table.getByRole('row').filter({ hasText: vendor.id })
    await approval.waitFor(WAIT)
    await approval.getByText('Shop approved').waitFor(WAIT)
    await approval.getByText('Admin', { exact: true }).waitFor(WAIT)
    await approval.getByText(`ownerId: ${applicant.id}`, { exact: false }).waitFor(WAIT)
    await screenshots(page, 'audit-log-admin')

    // The regular's sign-ins: 53 (the sign-up's and 52), 50 a page.
    await page.getByLabel('Kind').selectOption('auth.sign_in')
    await page.getByLabel('Subject id').fill(regular.id)
    await page.getByLabel('Subject id').blur()
    const rows = table.locator('tbody tr')
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 50, undefined, WAIT)
    expect(await rows.filter({ hasText: 'Signed in' }).count()).toBe(50)
    await page.getByRole('button', { name: 'Load more' }).click()
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 53, undefined, WAIT)
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0)

    // The CSV holds what the filters show: a job, whose card offers the file when it is done.
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const card = page.getByRole('article', { name: 'Audit log export' })
    const download = page.waitForEvent('download', WAIT)
    await card.getByRole('button', { name: /^Download / }).click(WAIT)
    const csv = await readFile((await (await download).path())!, 'utf8')
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('id,at,actor_kind,actor_id,actor_name,kind,subject_type,subject_id,summary,request_id,ip')
    expect(lines).toHaveLength(54)
    expect(lines.slice(1).every((line) => line.includes(`,auth.sign_in,user,${regular.id},`))).toBe(true)

    // Nothing matches a kind this user never did.
    await page.getByLabel('Kind').selectOption('dispute.decided')
    await page.getByText('No entries match').waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)

  it('a user reads their own security activity on the account page: sign-ins with address and device, then a password change', async () => {
    const user = await signUpAndSignIn(t(), { displayName: 'Careful Owner' })
    const stranger = await signUpAndSignIn(t(), { displayName: 'Someone Else' })
    const { page, problems, close } = await pageAs(suite, user, '/account')
    await page.getByRole('tab', { name: 'Activity' }).click()
    const list = page.getByRole('list', { name: 'Security activity' })
    await list.waitFor(WAIT)
    // The sign-up's sign-in and the browser's own (pageAs signs in), newest first, each with its address.
    await list.getByRole('listitem').filter({ hasText: 'Signed in after confirming your email address' }).getByText(user.ip, { exact: false }).waitFor(WAIT)
    expect(await list.getByRole('listitem').filter({ hasText: 'Signed in with your password' }).count()).toBe(1)
    expect(await list.getByRole('listitem').count()).toBe(2)

    // A password change from this browser: the sign-up's session (another device) ends.
    await page.getByRole('tab', { name: 'Security' }).click()
    await page.getByLabel('Current password').fill(user.password)
    await page.getByLabel('New password').fill('a careful new passphrase')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Your password is changed.', { exact: false }).waitFor(WAIT)
    // The stranger's own sign-ins never show here.
    expect((await postJson(t(), '/api/v1/auth/login', { email: stranger.email, password: stranger.password }, { 'x-forwarded-for': testIp() })).status).toBe(200)
    await page.getByRole('tab', { name: 'Activity' }).click()
    await list.getByRole('listitem').first().getByText('Password changed; 1 device signed out').waitFor(WAIT)
    expect(await list.getByRole('listitem').count()).toBe(3)
    await screenshots(page, 'account-security-activity')
    expect(problems).toEqual([])
    await close()
  }, T)
})
