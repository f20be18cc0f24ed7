import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { parseByteRange, sniffVideo } from '../../lib/video'
import { createTestApp, errorOf, makeProduct, makeVendor, type TestApp, type TestUser } from '../../testing'
import type { CatalogModel } from './model'
import { mediaCast, uploadFile } from './testing'

let t: TestApp
let admin: TestUser
let owner: TestUser
let other: TestUser
let buyer: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ admin, buyer, owner, other, categoryId } = await mediaCast(t, { name: 'Films', slug: 'films' }))
}, 60_000)
afterAll(() => t.close())

const text = (s: string) => [...s].map((c) => c.charCodeAt(0))
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

/** The start of an MP4: an `ftyp` box (brand isom, compatible iso2 and mp41), a `moov` box, then `padding` bytes of media. */
function mp4(padding = 200): Uint8Array<ArrayBuffer> {
  const ftyp = [...u32(24), ...text('ftyp'), ...text('isom'), ...u32(0x200), ...text('iso2'), ...text('mp41')]
  const moov = [...u32(16), ...text('moov'), ...u32(8), ...text('free')]
  const bytes = new Uint8Array(ftyp.length + moov.length + padding)
  bytes.set([...ftyp, ...moov])
  bytes.fill(7, ftyp.length + moov.length)
  return bytes
}

/** The start of a WebM: an EBML header (version 1, DocType "webm"), then a Segment element's id. */
function webm(docType = 'webm'): Uint8Array<ArrayBuffer> {
  const elements = [0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length, ...text(docType), 0x42, 0x87, 0x81, 0x04]
  return new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x80 | elements.length, ...elements, 0x18, 0x53, 0x80, 0x67, 0x01, ...new Array(64).fill(0)])
}

const upload = (user: TestUser, slug: string, bytes: Uint8Array<ArrayBuffer> | string, name = 'clip.mp4', type = 'video/mp4') =>
  uploadFile(t, user, `/api/v1/products/${slug}/videos`, bytes, name, type)

const productOf = (slug: string, user?: TestUser) => t.request(`/api/v1/products/${slug}`, { headers: user?.auth ?? {} })
const videosOf = async (slug: string, user?: TestUser) => ((await (await productOf(slug, user)).json()) as CatalogModel.Product).videos

describe('sniffVideo()', () => {
  it('knows MP4 and WebM by their bytes and refuses look-alikes', () => {
    expect(sniffVideo(mp4())).toBe('video/mp4')
    expect(sniffVideo(webm())).toBe('video/webm')
    expect(sniffVideo(webm('matroska'))).toBeNull()
    const quickTime = mp4()
    quickTime.set([...text('qt  '), 0, 0, 0, 0, ...text('qt  '), ...text('qt  ')], 8)
    expect(sniffVideo(quickTime)).toBeNull()
    expect(sniffVideo(new TextEncoder().encode('ftyp isom, but only text'))).toBeNull()
    expect(sniffVideo(new Uint8Array([0x1a, 0x45, 0xdf]))).toBeNull()
  })
})

describe('parseByteRange()', () => {
  it('reads one range of bytes and leaves the rest to a full answer', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseByteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseByteRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 })
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable')
    expect(parseByteRange(null, 1000)).toBeNull()
    expect(parseByteRange('bytes=0-1,5-9', 1000)).toBeNull()
    expect(parseByteRange('items=0-1', 1000)).toBeNull()
    expect(parseByteRange('bytes=9-1', 1000)).toBeNull()
  })
})

describe('POST /products/:slug/videos', () => {
  it('stores an MP4 and a WebM from the owner, listed on the product and served by their URL', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const first = await upload(owner, product.slug, mp4())
    expect(first.status).toBe(201)
    const video = (await first.json()) as CatalogModel.ProductVideo
    expect(video).toEqual({ id: expect.stringMatching(/^vid_/), url: expect.stringMatching(new RegExp(`^/api/v1/product-videos/${video.id}/[0-9a-f]{16}\\.mp4$`)), contentType: 'video/mp4', size: mp4().length })
    // The declared type is not trusted: a WebM sent as "video/mp4" is stored as what it is.
    const second = await upload(owner, product.slug, webm(), 'clip.mp4', 'video/mp4')
    expect(second.status).toBe(201)
    const other = (await second.json()) as CatalogModel.ProductVideo
    expect(other.contentType).toBe('video/webm')
    expect(other.url).toEndWith('.webm')
    expect(await videosOf(product.slug)).toEqual([video, other])

    const served = await t.request(video.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('video/mp4')
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(served.headers.get('accept-ranges')).toBe('bytes')
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(mp4())
    expect((await t.request(other.url)).headers.get('content-type')).toBe('video/webm')
  })

  it('lets an admin add one; refuses another vendor and a buyer (403) and anonymous (401)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    expect((await upload(other, product.slug, mp4())).status).toBe(403)
    expect((await upload(buyer, product.slug, mp4())).status).toBe(403)
    const form = new FormData()
    form.append('file', new File([mp4()], 'clip.mp4', { type: 'video/mp4' }))
    expect((await t.request(`/api/v1/products/${product.slug}/videos`, { method: 'POST', body: form })).status).toBe(401)
    expect(await videosOf(product.slug)).toEqual([])
    expect((await upload(admin, product.slug, mp4())).status).toBe(201)
  })

  it('refuses a text file renamed to .mp4 (415, standard error shape)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const response = await upload(owner, product.slug, 'just some text, not a film', 'clip.mp4', 'video/mp4')
    expect(response.status).toBe(415)
    const error = await errorOf(response)
    expect(error.type).toBe('unsupported_media_type')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be an MP4 or WebM video' }])
  })

  it('refuses a file over 25 MB (413)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const response = await upload(owner, product.slug, mp4(25 * 1024 * 1024))
    expect(response.status).toBe(413)
    const error = await errorOf(response)
    expect(error.type).toBe('payload_too_large')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be at most 25 MB' }])
  }, 30_000)

  it('refuses a declared length over the limit before reading the body (413)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const form = new FormData()
    form.append('file', new File([mp4()], 'clip.mp4', { type: 'video/mp4' }))
    const response = await t.request(`/api/v1/products/${product.slug}/videos`, { method: 'POST', headers: { ...owner.auth, 'content-length': String(30 * 1024 * 1024) }, body: form })
    expect(response.status).toBe(413)
    expect((await errorOf(response)).details).toEqual([{ field: 'body.file', message: 'must be at most 25 MB' }])
    expect(await videosOf(product.slug)).toEqual([])
  })

  it('keeps at most 2 videos per product (409)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    expect((await upload(owner, product.slug, mp4())).status).toBe(201)
    expect((await upload(owner, product.slug, webm(), 'b.webm', 'video/webm')).status).toBe(201)
    const response = await upload(owner, product.slug, mp4(10))
    expect(response.status).toBe(409)
    expect((await errorOf(response)).type).toBe('conflict')
    expect(await videosOf(product.slug)).toHaveLength(2)
  })
})

describe('the upload rate limit', () => {
  it('refuses a vendor over 20 attempts an hour (429), refused files included', async () => {
    const { user: busy } = await makeVendor(t)
    const product = await makeProduct(t, busy, { categoryId })
    for (let i = 0; i < 20; i++) expect((await upload(busy, product.slug, 'not a video')).status).toBe(415)
    const refused = await upload(busy, product.slug, mp4())
    expect(refused.status).toBe(429)
    expect((await errorOf(refused)).type).toBe('rate_limited')
    // Per user: the next vendor still uploads.
    expect((await upload(owner, (await makeProduct(t, owner, { categoryId })).slug, mp4())).status).toBe(201)
  })
})

describe('GET a video URL with Range', () => {
  it('answers 206 with the bytes asked for, and 416 past the end', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const bytes = mp4(1000)
    const video = (await (await upload(owner, product.slug, bytes)).json()) as CatalogModel.ProductVideo

    const head = await t.request(video.url, { headers: { range: 'bytes=0-99' } })
    expect(head.status).toBe(206)
    expect(head.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`)
    expect(head.headers.get('content-length')).toBe('100')
    expect(head.headers.get('content-type')).toBe('video/mp4')
    expect(new Uint8Array(await head.arrayBuffer())).toEqual(bytes.slice(0, 100))

    const tail = await t.request(video.url, { headers: { range: 'bytes=-10' } })
    expect(tail.status).toBe(206)
    expect(tail.headers.get('content-range')).toBe(`bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`)
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-10))

    const beyond = await t.request(video.url, { headers: { range: `bytes=${bytes.length}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
    expect((await errorOf(beyond)).type).toBe('range_not_satisfiable')
  })

  it('answers an open range of a large video 4 MB at a time', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const bytes = mp4(5 * 1024 * 1024)
    const video = (await (await upload(owner, product.slug, bytes)).json()) as CatalogModel.ProductVideo
    const chunk = 4 * 1024 * 1024
    const first = await t.request(video.url, { headers: { range: 'bytes=0-' } })
    expect(first.status).toBe(206)
    expect(first.headers.get('content-range')).toBe(`bytes 0-${chunk - 1}/${bytes.length}`)
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes.slice(0, chunk))
    const rest = await t.request(video.url, { headers: { range: `bytes=${chunk}-` } })
    expect(rest.headers.get('content-range')).toBe(`bytes ${chunk}-${bytes.length - 1}/${bytes.length}`)
    expect(new Uint8Array(await rest.arrayBuffer())).toEqual(bytes.slice(chunk))
  }, 30_000)

  it('answers 404 for a version that is not stored', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const video = (await (await upload(owner, product.slug, mp4())).json()) as CatalogModel.ProductVideo
    expect((await t.request(video.url.replace(/[0-9a-f]{16}\.mp4$/, '0000000000000000.mp4'))).status).toBe(404)
  })
})

describe('DELETE /products/:slug/videos/:videoId', () => {
  it('deletes a video for its owner only; its URL stops answering', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const first = (await (await upload(owner, product.slug, mp4())).json()) as CatalogModel.ProductVideo
    const second = (await (await upload(owner, product.slug, webm(), 'b.webm', 'video/webm')).json()) as CatalogModel.ProductVideo
    const remove = (user: TestUser, id: string) => t.request(`/api/v1/products/${product.slug}/videos/${id}`, { method: 'DELETE', headers: user.auth })
    expect((await remove(other, first.id)).status).toBe(403)
    expect((await remove(buyer, first.id)).status).toBe(403)
    expect((await remove(owner, first.id)).status).toBe(204)
    expect((await remove(owner, first.id)).status).toBe(404)
    expect(await videosOf(product.slug)).toEqual([second])
    expect((await t.request(first.url)).status).toBe(404)
    // The freed place takes a new one.
    expect((await upload(owner, product.slug, mp4(5))).status).toBe(201)
  })

  it("refuses a video of another product (404), even the caller's own", async () => {
    const mine = await makeProduct(t, owner, { categoryId })
    const theirs = await makeProduct(t, other, { categoryId })
    const video = (await (await upload(other, theirs.slug, mp4())).json()) as CatalogModel.ProductVideo
    expect((await t.request(`/api/v1/products/${mine.slug}/videos/${video.id}`, { method: 'DELETE', headers: owner.auth })).status).toBe(404)
    expect(await videosOf(theirs.slug)).toEqual([video])
  })
})

describe('a deleted product', () => {
  it('hides its videos: the product answers 404 and so do their URLs', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const video = (await (await upload(owner, product.slug, mp4())).json()) as CatalogModel.ProductVideo
    expect((await t.request(video.url)).status).toBe(200)
    expect((await t.request(`/api/v1/products/${product.slug}`, { method: 'DELETE', headers: owner.auth })).status).toBe(204)
    expect((await productOf(product.slug, owner)).status).toBe(404)
    expect((await t.request(video.url)).status).toBe(404)
    expect((await t.request(video.url, { headers: { range: 'bytes=0-9' } })).status).toBe(404)
  })
})
