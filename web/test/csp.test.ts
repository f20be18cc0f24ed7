import { describe, expect, it } from 'bun:test'
import { sql } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, signInContext, useSouk } from './browser'

// Chromium on a small machine: generous per-test limits, one browser for the whole file.
const T = 60_000

const suite = useSouk()

/** Collects the page's CSP violations as the browser reports them to the page itself. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = []
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`))
    Object.assign(window, { cspViolations: seen })
  })
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)
}

describe('Content-Security-Policy in Chromium', () => {
  it('lets the app hydrate and open its socket with no violation, signed in', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Strict Policy' })
    const { page, problems, close } = await openPage(suite.browser)
    const violations = await recordViolations(page)
    await signInContext(page, suite.souk, user)
    for (const path of ['/', '/catalog', `/users/${user.id}`, '/account', '/status']) {
      const response = await page.goto(`${suite.souk.url}${path}`)
      const policy = response?.headers()['content-security-policy'] ?? ''
      expect(policy).toContain("script-src 'self' 'sha256-")
      expect(policy).not.toContain('unsafe-inline\' \'sha')
      await hydrated(page)
      await page.locator('.account-button').getByText('Strict Policy').waitFor()
      await page.locator('.live-status[data-state="open"]').waitFor()
      expect(await violations()).toEqual([])
      expect(problems).toEqual([])
    }
    // Client-side navigation renders and fetches under the same policy.
    await page.getByRole('link', { name: 'Catalog' }).first().click()
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor()
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await close()
  }, T)

  it('hydrates the error page of a page whose data failed, showing only the public error', async () => {
    const { page, problems, close } = await openPage(suite.browser)
    const violations = await recordViolations(page)
    const db = suite.souk.testApp.ctx.database.db
    await db.execute(sql`alter table products rename to products_gone`)
    try {
      const response = await page.goto(`${suite.souk.url}/products/broken-in-browser`)
      expect(response?.status()).toBe(500)
      await hydrated(page)
    } finally {
      await db.execute(sql`alter table products_gone rename to products`)
    }
    const alert = page.getByRole('alert')
    await alert.getByText('Something went wrong on our side').waitFor()
    expect(await alert.textContent()).toContain('Reference:')
    expect(await violations()).toEqual([])
    // The 500 is the point here, and the failed queries' promises arrive rejected in the page's
    // data, where nothing on the error page awaits them; nothing else may go wrong.
    expect(problems.filter((p) => !p.includes('500') && p !== 'uncaught: Something went wrong on our side')).toEqual([])
    // Leaving the failed page shows the next one.
    await page.getByRole('link', { name: 'Go to the home page' }).click()
    await page.waitForURL(`${suite.souk.url}/`)
    await page.getByRole('link', { name: 'Browse the catalog' }).waitFor()
    expect(await alert.count()).toBe(0)
    await close()
  }, T)

  it('refuses to let another site frame the sign-in page', async () => {
    const { page, close } = await openPage(suite.browser)
    const refused = page.waitForEvent('console', (message) => message.text().includes('frame-ancestors'))
    await page.setContent(`<iframe src="${suite.souk.url}/signin"></iframe>`)
    expect((await refused).text()).toContain("frame-ancestors 'none'")
    expect(await page.frames()[1]?.locator('form').count().catch(() => 0)).toBe(0)
    await close()
  }, T)
})
