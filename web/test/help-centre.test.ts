import { describe, expect, it } from 'bun:test'
import { signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// The help centre in the browser: its pages are rendered on the server and listed in the sitemap
// (search engines read the articles); a visitor searches "return", opens the article and reads its Markdown rendered; an
// admin edits that article with a live preview (raw HTML shown as text), saves, and the visitor
// finds the new text (the cached anonymous page was dropped).

const T = 120_000

const suite = useSouk()

describe('the help centre', () => {
  it('is rendered on the server: the centre lists the articles, an article carries its rendered Markdown', async () => {
    const t = suite.souk.testApp
    const centre = await t.request('/help')
    expect(centre.status).toBe(200)
    const html = await centre.text()
    expect(html).toContain('<title>Help centre')
    expect(html).toContain('href="/help/articles/return-an-item"')
    expect(html).toContain('How Souk protects your payment (escrow)')
    expect(html).toContain('href="/help/contact"')

    const article = await (await t.request('/help/articles/return-an-item')).text()
    expect(article).toContain('<h2>Start a return</h2>')
    expect(article).toContain('<a href="/orders">My orders</a>')
    expect((await t.request('/help/articles/no-such-article')).status).toBe(404)
    expect((await t.request('/help/category/gossip')).status).toBe(404)
    // Search engines find the articles through the sitemap too.
    const sitemap = await (await t.request('/sitemap.xml')).text()
    expect(sitemap).toContain('/help/articles/return-an-item</loc>')
  })

  it('a visitor searches and reads an article; an admin edits it with a preview; the visitor sees the change', async () => {
    const t = suite.souk.testApp
    const visitor = await openPage(suite.browser)
    const { page } = visitor
    await page.goto(`${suite.souk.url}/help`)
    await hydrated(page)
    await page.getByRole('searchbox', { name: 'Search help articles' }).fill('return')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.waitForURL(/\/help\?q=return$/, WAIT)
    const results = page.getByRole('list', { name: 'Articles matching return' })
    await results.getByRole('link', { name: 'How to return an item' }).click()
    await page.waitForURL(`${suite.souk.url}/help/articles/return-an-item`, WAIT)
    const body = page.getByRole('article')
    await body.getByRole('heading', { name: 'Start a return', level: 2 }).waitFor(WAIT)
    expect(await body.getByRole('link', { name: 'My orders' }).getAttribute('href')).toBe('/orders')
    expect(await body.locator('strong', { hasText: 'Return items' }).count()).toBe(1)
    expect(await page.getByRole('link', { name: 'Contact support' }).first().getAttribute('href')).toBe('/help/contact')
    await screenshots(page, 'help-article')

    // The admin opens Help articles from the console's sidebar and edits that article.
    const admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Admin' })
    const staff = await pageAs(suite, admin, '/admin')
    await staff.page.getByRole('link', { name: 'Help articles' }).click()
    await staff.page.waitForURL(`${suite.souk.url}/admin/help`, WAIT)
    await staff.page.getByRole('button', { name: 'Edit How to return an item' }).click()
    const form = staff.page.getByRole('form', { name: 'Help article' })
    const text = form.getByLabel('Body (Markdown)')
    await text.fill('## Send it back within a week\n\nUse **Return items** on [your order](/orders).\n\n<script>alert(1)</script> [bad](javascript:alert(1))')
    const preview = form.getByRole('region', { name: 'Preview' })
    await preview.getByRole('heading', { name: 'Send it back within a week' }).waitFor(WAIT)
    expect(await preview.locator('strong').textContent()).toBe('Return items')
    // Raw HTML is text, and a javascript: link is no link.
    await preview.getByText('<script>alert(1)</script>').waitFor(WAIT)
    expect(await preview.locator('script').count()).toBe(0)
    expect(await preview.getByRole('link').count()).toBe(1)
    // The preview's link does not follow (the draft would be lost).
    await preview.getByRole('link', { name: 'your order' }).click()
    expect(staff.page.url()).toBe(`${suite.souk.url}/admin/help`)
    expect(await text.inputValue()).toContain('Send it back within a week')
    await screenshots(staff.page, 'admin-help-editor')
    await form.getByRole('button', { name: 'Save' }).click()
    await toast(staff.page, 'Saved and published')

    // The visitor reloads: the server renders the new text (its cached page was dropped).
    await page.reload()
    await hydrated(page)
    await body.getByRole('heading', { name: 'Send it back within a week', level: 2 }).waitFor(WAIT)
    expect(await body.getByText('Start a return').count()).toBe(0)

    expect(visitor.problems).toEqual([])
    expect(staff.problems).toEqual([])
    await staff.close()
    await visitor.close()
  }, T)
})
