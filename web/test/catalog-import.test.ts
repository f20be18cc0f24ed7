import { beforeAll, describe, expect, it } from 'bun:test'
import { readFile } from 'node:fs/promises'
import { makeVendor, postJson, signUpAndSignIn, type TestUser } from '../../src/testing'
import type { Locator, Page } from 'playwright-core'
import { hydrated, openPage, screenshot, signInContext, useSouk } from './browser'

// Chromium on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 30_000 }

const suite = useSouk()

let admin: TestUser

beforeAll(async () => {
  admin = await signUpAndSignIn(suite.souk.testApp, { role: 'admin' })
  await postJson(suite.souk.testApp, '/api/v1/admin/categories', { name: 'Ceramics', slug: 'ceramics' }, admin.auth)
}, T)

const CSV = [
  'sku,title,description,price,currency,stock,condition,location,category,status',
  'BOWL-1,Blue Safi bowl,Glazed by hand in Safi.,180.50,MAD,4,handmade,Safi,ceramics,active',
  'BOWL-2,Unknown category bowl,Glazed by hand.,90,MAD,1,new,Safi,no-such-category,active',
].join('\r\n')

/** A new shop's browser on the import screen, hydrated. */
async function importScreen() {
  const vendor = await makeVendor(suite.souk.testApp)
  const opened = await openPage(suite.browser)
  await signInContext(opened.page, suite.souk, vendor.user)
  await opened.page.goto(`${suite.souk.url}/dashboard/import-export`)
  await hydrated(opened.page)
  await opened.page.getByRole('heading', { level: 1, name: 'Import and export' }).waitFor(WAIT)
  return opened
}

/** Imports the file of `row` (under the header) and answers the table of its problems, once shown. */
async function importProblems(page: Page, row: string) {
  const file = `${CSV.split('\r\n')[0]}\r\n${row}`
  await page.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(file) })
  await page.getByRole('button', { name: 'Import', exact: true }).click()
  const table = page.getByRole('table', { name: 'Import problems' })
  await table.waitFor(WAIT)
  return table
}

/** Where `cell`'s text sits in it: its gap to the cell's left edge and to its right edge, in px. */
const textGaps = (cell: Locator) =>
  cell.evaluate((element) => {
    const range = document.createRange()
    range.selectNodeContents(element)
    const [box, text] = [element.getBoundingClientRect(), range.getBoundingClientRect()]
    return { left: Math.round(text.left - box.left), right: Math.round(box.right - text.right) }
  })

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

  it('lists every problem of a row, each with its column', async () => {
    const { page, problems, close } = await importScreen()
    const table = await importProblems(page, 'BAD-1,Many problems,Glazed.,12.345,MAD,lots,broken,Safi,ceramics,active')
    const rows = await table.getByRole('row').evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent)))
    expect(rows).toEqual([
      ['2', 'price', 'must be an amount with a dot and at most two decimals, e.g. 1450.50'],
      ['2', 'stock', 'must be a whole number'],
      ['2', 'condition', 'must be one of: new, like_new, good, fair, handmade'],
    ])
    await screenshot(page, 'dashboard-import-problems-desktop')
    expect(problems).toEqual([])
    await close()
  }, T)

  it('tables align words to the left and figures to the right', async () => {
    const vendorSide = await importScreen()
    const table = await importProblems(vendorSide.page, 'BAD-2,Bad stock,Glazed.,10,MAD,lots,new,Safi,ceramics,active')
    const [column, message] = [table.getByRole('row').nth(1).getByRole('cell').first(), table.getByRole('row').nth(1).getByRole('cell').nth(1)]
    expect((await textGaps(column)).left).toBeLessThanOrEqual(12)
    expect((await textGaps(message)).left).toBeLessThanOrEqual(12)
    expect(vendorSide.problems).toEqual([])
    await vendorSide.close()

    // The jobs table: kinds read from the left, their counts line up on the right.
    const adminSide = await openPage(suite.browser)
    await signInContext(adminSide.page, suite.souk, admin)
    await adminSide.page.goto(`${suite.souk.url}/admin/jobs`)
    await hydrated(adminSide.page)
    const row = adminSide.page.getByRole('table', { name: /^Jobs per kind/ }).getByRole('row').nth(1)
    expect((await textGaps(row.getByRole('rowheader'))).left).toBeLessThanOrEqual(12)
    expect((await textGaps(row.getByRole('cell').first())).right).toBeLessThanOrEqual(12)
    expect(adminSide.problems).toEqual([])
    await adminSide.close()
  }, T)

  it('shows the file picker as a button of the design system', async () => {
    const { page, problems, close } = await importScreen()
    const look = (selector: string, pseudo: string | null) =>
      page.locator(selector).first().evaluate((element, which) => {
        const style = getComputedStyle(element, which)
        return { background: style.backgroundColor, border: style.borderColor, radius: style.borderRadius, weight: style.fontWeight, height: style.minHeight, color: style.color }
      }, pseudo)
    await page.evaluate(() => {
      const button = document.createElement('button')
      button.className = 'btn btn--secondary sample-button'
      document.querySelector('main')!.append(button)
    })
    expect(await look('#import-file', '::file-selector-button')).toEqual(await look('.sample-button', null))
    expect(problems).toEqual([])
    await close()
  }, T)
})
