import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { adminWithCategory, createTestApp, makeProduct, makeVendor, type TestApp } from '../../src/testing'
import { WEB_DIST } from '../../src/web/build'
import { ensureWebBuild } from './browser'

/**
 * What a first visit of a public page downloads before it is interactive (its script and the
 * modules it preloads), in the bytes the server sends a browser: the Brotli siblings of the build.
 */
const INITIAL_JS_BUDGET = 100 * 1024
/** A browser's Accept-Encoding (Chromium's). */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' }
/** Code for shops and admins only: its modules must be chunks of their own, which no public page loads. */
const PRIVATE_SCREENS = ['src/routes/admin.tsx', 'src/components/admin-layout.tsx', 'src/routes/admin-dashboard.tsx', 'src/routes/dashboard/index.tsx', 'src/routes/dashboard/edit-product.tsx', 'src/routes/dashboard/new-product.tsx']
/** Inline <head> scripts run before first paint; they must stay tiny (theme + hydration bootstrap). */
const INLINE_HEAD_SCRIPT_BUDGET = 2 * 1024
const PAGES = ['/', '/catalog', '/status', '/signin', '/design', '/no/such/page']

let t: TestApp
let publicPages: string[]

beforeAll(async () => {
  ensureWebBuild()
  t = await createTestApp()
  const { categoryId } = await adminWithCategory(t)
  const { user, vendor } = await makeVendor(t)
  const product = await makeProduct(t, user, { categoryId })
  publicPages = ['/', '/catalog', `/products/${product.slug}`, `/vendors/${vendor.slug}`]
}, 60_000)

/** The scripts a page's HTML loads at once: its module script and its modulepreloads. */
async function initialScripts(path: string): Promise<string[]> {
  const res = await t.request(path)
  expect({ path, status: res.status }).toEqual({ path, status: 200 })
  const html = await res.text()
  return [...html.matchAll(/<script type="module" src="([^"]+)"|<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1] ?? m[2]!)
}

afterAll(() => t.close())

describe('production build budgets', () => {
  it(`keeps the initial JavaScript of each public page within ${INITIAL_JS_BUDGET / 1024} KB as sent (Brotli)`, async () => {
    for (const path of publicPages) {
      const scripts = await initialScripts(path)
      expect(scripts.length).toBeGreaterThan(0)
      let sent = 0
      for (const url of scripts) {
        const res = await t.request(url, { headers: BROWSER })
        expect({ url, encoding: res.headers.get('content-encoding') }).toEqual({ url, encoding: 'br' })
        sent += (await res.arrayBuffer()).byteLength
      }
      console.log(`${path}: initial JS ${(sent / 1024).toFixed(1)} KB Brotli in ${scripts.length} file(s)`)
      expect({ path, sent }).toEqual({ path, sent: Math.min(sent, INITIAL_JS_BUDGET) })
    }
  })

  it('loads no shop or admin screen on a public page', async () => {
    const manifest = JSON.parse(readFileSync(join(WEB_DIST, 'client/.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>
    const privateFiles = PRIVATE_SCREENS.map((key) => ({ key, file: manifest[key]?.file }))
    // Each is a chunk of its own (code the entry imports statically has no chunk of its own).
    for (const { key, file } of privateFiles) expect({ key, chunk: file !== undefined }).toEqual({ key, chunk: true })
    for (const path of publicPages) {
      const loaded = new Set(await initialScripts(path))
      expect({ path, loaded: privateFiles.filter(({ file }) => loaded.has(`/${file}`)) }).toEqual({ path, loaded: [] })
    }
  })

  it('never blocks first paint on client JavaScript', async () => {
    for (const path of PAGES) {
      const html = await (await t.request(path)).text()
      const head = html.slice(0, html.indexOf('</head>'))
      for (const [tag] of html.matchAll(/<script\b[^>]*\bsrc=[^>]*>/g)) {
        expect({ path, tag, deferred: /type="module"|\bdefer\b|\basync\b/.test(tag) }).toEqual({ path, tag, deferred: true })
      }
      const inline = [...head.matchAll(/<script>([\s\S]*?)<\/script>/g)].reduce((sum, m) => sum + (m[1]?.length ?? 0), 0)
      expect(inline).toBeLessThanOrEqual(INLINE_HEAD_SCRIPT_BUDGET)
      // The content is in the HTML itself, not painted later by script.
      expect(html).toMatch(/<main[^>]*>[\s\S]*<h1[^>]*>/)
    }
  })
})
