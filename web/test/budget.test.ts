import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTestApp, type TestApp } from '../../src/testing'
import { loadWebBuild, WEB_DIST } from '../../src/web/build'
import { ensureWebBuild } from './browser'

/** What a first visit downloads before the page is interactive: the entry and its static imports. */
const ENTRY_JS_GZIP_BUDGET = 80 * 1024
/** Inline <head> scripts run before first paint; they must stay tiny (theme + hydration bootstrap). */
const INLINE_HEAD_SCRIPT_BUDGET = 2 * 1024
const PAGES = ['/', '/catalog', '/status', '/signin', '/design', '/no/such/page']

let t: TestApp

beforeAll(async () => {
  ensureWebBuild()
  t = await createTestApp()
}, 60_000)

afterAll(() => t.close())

describe('production build budgets', () => {
  it(`keeps the entry JavaScript within ${ENTRY_JS_GZIP_BUDGET / 1024} KB gzip`, async () => {
    const build = await loadWebBuild()
    const files = [build.assets.script, ...build.assets.preloads]
    const gzipped = files.reduce((sum, url) => sum + Bun.gzipSync(readFileSync(join(WEB_DIST, 'client', url))).length, 0)
    console.log(`entry JS: ${(gzipped / 1024).toFixed(1)} KB gzip in ${files.length} file(s)`)
    expect(gzipped).toBeLessThanOrEqual(ENTRY_JS_GZIP_BUDGET)
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
