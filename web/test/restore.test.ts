import { describe, expect, it } from 'bun:test'
import { signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, signInContext, useSouk, WAIT } from './browser'

// A signed-in page opened from its address renders "restoring" on the server (it cannot know the
// session), then the tab restores the session from its cookie. The page's own code (a lazy chunk)
// may arrive after the session is restored: the page must still show its content, not hold the
// placeholder it was served with.

const T = 60_000

const suite = useSouk()

describe('a signed-in page whose code arrives after the session is restored', () => {
  it('shows its content, not the placeholder it was served with', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Late Chunk' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, user)
    // Every chunk but the entry waits until the refresh has been answered.
    let restored!: () => void
    const refreshed = new Promise<void>((resolve) => (restored = resolve))
    page.on('response', (response) => response.url().endsWith('/api/v1/auth/refresh') && restored())
    await page.route(/\/assets\/(?!entry-client)[^/]+\.js$/, async (route) => {
      await refreshed
      await route.continue()
    })
    await page.goto(`${suite.souk.url}/wallet`)
    await hydrated(page)
    await page.getByTestId('available-MAD').waitFor(WAIT)
    expect(await page.getByLabel('Loading your account').count()).toBe(0)
    expect(problems).toEqual([])
    await close()
  }, T)
})
