import { beforeAll, describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import type { CatalogModel } from '../../src/modules/catalog/model'
import { makeProduct, makeVendor, postJson, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, screenshot, signInContext, useSouk } from './browser'

// Chromium on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 30_000 }

const suite = useSouk()
let categoryId: string

beforeAll(async () => {
  const admin = await signUpAndSignIn(suite.souk.testApp, { role: 'admin' })
  const created = await postJson(suite.souk.testApp, '/api/v1/admin/categories', { name: 'Rugs', slug: 'rugs' }, admin.auth)
  categoryId = ((await created.json()) as CatalogModel.Category).id
}, T)

/**
 * A real, playable WebM made by Chromium itself: a canvas recorded for half a second with
 * MediaRecorder (VP8). Half a second of recording is the content of the file, not a wait.
 */
async function recordWebm(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas')
    canvas.width = 160
    canvas.height = 120
    const context = canvas.getContext('2d')!
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm;codecs=vp8' })
    const chunks: Blob[] = []
    recorder.ondataavailable = (e) => chunks.push(e.data)
    const stopped = new Promise((resolve) => (recorder.onstop = resolve))
    let frame = 0
    const draw = setInterval(() => {
      context.fillStyle = `hsl(${(frame += 20) % 360} 70% 50%)`
      context.fillRect(0, 0, 160, 120)
    }, 40)
    recorder.start()
    await new Promise((resolve) => setTimeout(resolve, 500))
    recorder.stop()
    await stopped
    clearInterval(draw)
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer())
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))
  })
  return Buffer.from(base64, 'base64')
}

describe('product videos', () => {
  it('a vendor adds a video in the editor; the product page plays it and its URL answers ranges', async () => {
    const vendor = await makeVendor(suite.souk.testApp, { companyName: 'Atlas Looms' })
    const product = await makeProduct(suite.souk.testApp, vendor.user, { categoryId, title: 'Boucherouite rug in spring colours' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, vendor.user)
    await page.goto(`${suite.souk.url}/dashboard/products/${product.slug}`)
    await hydrated(page)
    const section = page.getByRole('region', { name: 'Videos' })
    await section.getByText('Up to 2 MP4 or WebM videos, 25 MB each.').waitFor(WAIT)
    const clip = await recordWebm(page)

    const chooser = page.waitForEvent('filechooser')
    await section.getByRole('button', { name: 'Add a video' }).click()
    await (await chooser).setFiles({ name: 'rug.webm', mimeType: 'video/webm', buffer: clip })
    await page.locator('.toast').getByText('Video added.').waitFor(WAIT)
    await section.getByRole('list', { name: 'Videos of this product' }).getByRole('listitem').waitFor(WAIT)
    await screenshot(page, 'dashboard-edit-product-videos-desktop')

    await page.goto(`${suite.souk.url}/products/${product.slug}`)
    await hydrated(page)
    const video = page.getByLabel('Boucherouite rug in spring colours, video 1')
    await video.waitFor(WAIT)
    expect(await video.evaluate((v: HTMLVideoElement) => ({ controls: v.controls, preload: v.preload }))).toEqual({ controls: true, preload: 'metadata' })
    // Chromium read the metadata (it seeks with ranges), so the file plays.
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= HTMLMediaElement.HAVE_METADATA, undefined, WAIT)
    expect(await video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(160)

    const src = await video.locator('source').getAttribute('src')
    expect(src).toMatch(/^\/api\/v1\/product-videos\/vid_[0-9a-f]{32}\/[0-9a-f]{16}\.webm$/)
    const ranged = await page.evaluate(async (url) => {
      const response = await fetch(url, { headers: { range: 'bytes=0-99' } })
      return { status: response.status, contentRange: response.headers.get('content-range'), length: (await response.arrayBuffer()).byteLength }
    }, src!)
    expect(ranged).toEqual({ status: 206, contentRange: `bytes 0-99/${clip.length}`, length: 100 })
    await screenshot(page, 'product-video-desktop')
    expect(problems).toEqual([])
    await close()
  }, T)
})
