/**
 * Draws web/public/brand/share.png (1200×630), the OpenGraph/Twitter card image, from the SVG
 * logo with the local Chromium: share crawlers do not read SVG. Run after changing the brand:
 * `bun web/tools/share-image.ts`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { launchBrowser } from '../test/browser'

const publicDir = join(import.meta.dir, '..', 'public')
const logo = readFileSync(join(publicDir, 'brand/logo.svg'), 'utf8')

const html = `<!doctype html><html><body style="margin:0">
<div style="width:1200px;height:630px;display:flex;flex-direction:column;justify-content:center;padding:0 96px;box-sizing:border-box;
  font-family:system-ui,sans-serif;color:#1f1a16;
  background:radial-gradient(circle at 85% 20%,rgb(194 65 12/.28),transparent 45%),radial-gradient(circle at 70% 90%,rgb(15 118 110/.22),transparent 40%),#f3eee8">
  <div style="display:flex;align-items:center;gap:28px"><div style="width:120px;height:120px">${logo}</div>
  <div style="font-size:112px;font-weight:800;letter-spacing:-4px">Souk</div></div>
  <div style="margin-top:36px;font-size:44px;font-weight:600;max-width:900px;line-height:1.2">Buy from independent vendors. Chat live, pay safely.</div>
</div></body></html>`

const browser = await launchBrowser()
const page = await browser.newPage({ viewport: { width: 1200, height: 630 } })
await page.setContent(html)
await page.screenshot({ path: join(publicDir, 'brand/share.png') })
await browser.close()
