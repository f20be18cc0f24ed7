import { beforeAll, describe, expect, it } from 'bun:test'
import { readFile } from 'node:fs/promises'
import { makeVendor, postJson, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, screenshot, signInContext, useSouk } from './browser'

// Chromium on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 30_000 }

const suite = useSouk()

beforeAll(async () => {
  const admin = await signUpAndSignIn(suite.souk.testApp, { role: 'admin' })
  await postJson(suite.souk.testApp, '/api/v1/admin/categories', { name: 'Ceramics', slug: 'ceramics' }, admin.auth)
}, T)

const CSV = [
  'sku,title,description,price,currency,stock,condition,location,category,status',
  'BOWL-1,Blue Safi bowl,Glazed by hand in Safi.,180.50,MAD,4,handmade,Safi,ceramics,active',
  'BOWL-2,Unknown category bowl,Glazed by hand.,90,MAD,1,new,Safi,no-such-category,active',
].join('\r\n')

describe('product import from the vendor dashboard', () => {
  it('uploads a CSV, follows the job to done, shows the refused line, and the product is listed', async () => {
    const vendor = await makeVendor(suite.souk.testApp, { companyName: 'Safi Pottery' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, vendor.user)
    await page.goto(`${suite.souk.url}/dashboard`)
    await hydrated(page)
    await page.getByRole('link', { name: 'Import / export' }).click()
    await page.waitForURL(/\/dashboard\/import-export$/)
    await page.getByRole('heading', { level: 1, name: 'Import and export' }).waitFor(WAIT)
    await page.getByRole('table', { name: 'Columns' }).getByText('attr.<key>').waitFor(WAIT)

    await page.getByLabel('CSV file').setInputFiles({ name: 'pottery.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
    await page.getByRole('button', { name: 'Import', exact: true }).click()

    // The job card follows job:<id> live: its steps appear and the progress reaches done.
    const card = page.getByRole('article', { name: 'Product import' })
    await card.getByRole('list', { name: 'Steps' }).getByText('Saving products').waitFor(WAIT)
    await card.getByRole('progressbar').and(page.locator('[aria-valuenow="100"]')).waitFor(WAIT)
    await page.locator('article.job[data-status="succeeded"]').waitFor(WAIT)

    const result = page.getByRole('region', { name: 'Import result' })
    await result.waitFor(WAIT)
    expect(await result.locator('.stat-row dd').allTextContents()).toEqual(['1', '0', '0', '1'])
    const refused = page.getByRole('table', { name: 'Import problems' }).getByRole('row').nth(1)
    expect(await refused.locator('th, td').allTextContents()).toEqual(['3', 'category', 'no category has this slug'])
    await screenshot(page, 'dashboard-import-desktop')

    // The export downloads the shop's products in the same format.
    const download = page.waitForEvent('download', WAIT)
    await page.getByRole('button', { name: 'Download my products (CSV)' }).click()
    const exported = await readFile((await (await download).path())!, 'utf8')
    expect(exported.split('\r\n').slice(0, 2)).toEqual([
      'sku,title,description,price,currency,stock,condition,location,category,status',
      'BOWL-1,Blue Safi bowl,Glazed by hand in Safi.,180.50,MAD,4,handmade,Safi,ceramics,active',
    ])
    const sample = await page.getByRole('link', { name: 'Download a sample file' }).getAttribute('href')
    expect((await fetch(`${suite.souk.url}${sample}`)).status).toBe(200)

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Dashboard' }).click()
    await page.waitForURL(/\/dashboard$/)
    await page.getByRole('list', { name: 'My products' }).getByRole('link', { name: 'Blue Safi bowl' }).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
