import { describe, expect, it } from 'bun:test'
import { HELP_INFO_PAGES } from '../../src/modules/help'
import { client, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, pageAs, useSouk, WAIT } from './browser'

// The info pages (terms, privacy, shipping, returns) are help articles seeded by migration: the
// footer links each, its short address (/terms) redirects to it, and an admin's edit shows on it.
// robots.txt is served with the sitemap's absolute address and keeps crawlers out of private areas.

const T = 120_000

const suite = useSouk()

describe('the info pages', () => {
  it('are linked from the footer, each opening its article; the short addresses lead there too', async () => {
    const t = suite.souk.testApp
    const titles = new Map<string, string>()
    for (const info of HELP_INFO_PAGES) {
      const redirect = await t.request(info.path)
      expect({ path: info.path, status: redirect.status, location: redirect.headers.get('location') }).toEqual({ path: info.path, status: 301, location: `/help/articles/${info.slug}` })
      const article = await client(t).api.v1.help.articles({ slug: info.slug }).get()
      expect(article.status).toBe(200)
      titles.set(info.slug, article.data!.title)
    }

    const visitor = await openPage(suite.browser)
    const { page } = visitor
    await page.goto(`${suite.souk.url}/`)
    await hydrated(page)
    const footer = page.getByRole('contentinfo')
    for (const info of HELP_INFO_PAGES) {
      await footer.getByRole('link', { name: info.label, exact: true }).click()
      await page.waitForURL(`${suite.souk.url}/help/articles/${info.slug}`, WAIT)
      await page.getByRole('heading', { level: 1, name: titles.get(info.slug) }).waitFor(WAIT)
    }
    // Typed in the address bar, a short address opens the same page.
    await page.goto(`${suite.souk.url}/returns`)
    await page.waitForURL(`${suite.souk.url}/help/articles/returns-policy`, WAIT)
    await page.getByRole('heading', { level: 1, name: 'Returns policy' }).waitFor(WAIT)
    expect(visitor.problems).toEqual([])
    await visitor.close()
  }, T)

  it('show an admin’s edit of their article', async () => {
    const t = suite.souk.testApp
    const admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Admin' })
    const list = await client(t, admin).api.v1.admin.help.articles.get()
    const terms = list.data!.items.find((a) => a.slug === 'terms-of-service')!
    const edited = await client(t, admin).api.v1.admin.help.articles({ id: terms.id }).patch({ body: '## Changed by the team\n\nThe new terms apply from today.' })
    expect(edited.status).toBe(200)

    const visitor = await openPage(suite.browser)
    await visitor.page.goto(`${suite.souk.url}/terms`)
    await hydrated(visitor.page)
    await visitor.page.getByRole('heading', { level: 2, name: 'Changed by the team' }).waitFor(WAIT)
    expect(await visitor.page.getByText('The new terms apply from today.').count()).toBe(1)
    await visitor.close()
  }, T)
})

// Copy says only what Souk does: escrow pays the shop once the order arrived (on receipt or a
// number of days after delivery), and an applicant is told of the decision by a notification and an
// email, and reads it on /sell (no promised delay).
describe('the platform’s promises', () => {
  it('are kept: the hero, the shop application and its help article', async () => {
    const t = suite.souk.testApp
    const visitor = await openPage(suite.browser)
    await visitor.page.goto(`${suite.souk.url}/`)
    const hero = visitor.page.locator('main p').first()
    expect(await hero.textContent()).toContain('the shop is paid once your order has arrived')
    await visitor.page.goto(`${suite.souk.url}/help/articles/open-a-shop`)
    const article = visitor.page.getByRole('article')
    await article.getByText('shows the decision').waitFor(WAIT)
    expect(await article.getByText('two working days').count()).toBe(0)
    expect(await article.getByText('You get a notification and an email').count()).toBe(1)
    await visitor.close()

    const applicant = await signUpAndSignIn(t, { displayName: 'Nadia' })
    const form = await pageAs(suite, applicant, '/sell')
    await form.page.getByText('this page shows the decision').waitFor(WAIT)
    expect(await form.page.getByText('two working days').count()).toBe(0)
    await form.close()
    const applied = await client(t, applicant).api.v1.vendors.post({ companyName: 'Nadia Ceramics', slug: 'nadia-ceramics', description: 'Hand-thrown plates and bowls from Safi.', contactEmail: 'nadia@example.com', contactPhone: '+212 600 000 000', address: '12 rue des Potiers', city: 'Safi', country: 'MA', taxNumber: 'MA-NADIA-01' })
    expect(applied.status).toBe(201)
    const waiting = await pageAs(suite, applicant, '/sell')
    await waiting.page.getByText('is waiting for review.').waitFor(WAIT)
    expect(await waiting.page.getByText('You will get a notification and an email when it is decided').count()).toBe(1)
    expect(waiting.problems).toEqual([])
    await waiting.close()
  }, T)
})

describe('robots.txt', () => {
  it('names the sitemap at the public address and keeps crawlers out of private areas', async () => {
    const t = suite.souk.testApp
    const response = await t.request('/robots.txt')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toStartWith('text/plain')
    const lines = (await response.text()).split('\n')
    expect(lines).toContain(`Sitemap: ${t.ctx.config.publicUrl}/sitemap.xml`)
    expect(t.ctx.config.publicUrl).toMatch(/^https?:\/\//)
    for (const path of ['/account', '/dashboard', '/admin', '/inbox', '/orders', '/cart', '/checkout', '/wallet', '/notifications', '/api/']) expect(lines).toContain(`Disallow: ${path}`)
    expect(lines).toContain('Allow: /api/docs')
    // Public pages stay open: no rule is a prefix of them.
    const rules = lines.filter((line) => line.startsWith('Disallow: ')).map((line) => line.slice('Disallow: '.length))
    for (const open of ['/', '/catalog', '/products/a-lamp', '/vendors/a-shop', '/help/articles/terms-of-service', '/plans', '/sell', '/users/usr_1']) expect({ open, blockedBy: rules.filter((rule) => open.startsWith(rule)) }).toEqual({ open, blockedBy: [] })
  })
})
