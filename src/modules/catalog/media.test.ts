import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import sharp from 'sharp'
import { phonePhoto, pixelFlood } from '../../lib/image-fixtures'
import { createTestApp, errorOf, makeProduct, sendJson, type TestApp, type TestUser } from '../../testing'
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
  ;({ admin, buyer, owner, other, categoryId } = await mediaCast(t, { name: 'Lamps', slug: 'lamps' }))
}, 60_000)
afterAll(() => t.close())

/** A phone photo: 2400×1800 JPEG with EXIF naming the camera and where it was taken. */
const photo = (colour?: { r: number; g: number; b: number }, size = { width: 2400, height: 1800 }) => phonePhoto({ ...size, colour })

const upload = (user: TestUser, slug: string, bytes: Uint8Array<ArrayBuffer> | string, name = 'photo.jpg', type = 'image/jpeg') =>
  uploadFile(t, user, `/api/v1/products/${slug}/images`, bytes, name, type)

const productOf = async (slug: string, user?: TestUser) => (await (await t.request(`/api/v1/products/${slug}`, { headers: user?.auth ?? {} })).json()) as CatalogModel.Product

describe('POST /products/:slug/images', () => {
  it('re-encodes a JPEG with EXIF into a display size and a thumbnail, both WebP without metadata', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const original = await photo()
    expect((await sharp(original).metadata()).exif).toBeDefined()
    const response = await upload(owner, product.slug, original)
    expect(response.status).toBe(201)
    const image = (await response.json()) as CatalogModel.ProductImage
    expect(image.id).toMatch(/^img_/)
    expect(image.url).toMatch(new RegExp(`^/api/v1/product-images/${image.id}/[0-9a-f]{16}-display\\.webp$`))
    expect({ width: image.width, height: image.height }).toEqual({ width: 1600, height: 1200 })

    for (const [url, size] of [
      [image.url, { width: 1600, height: 1200 }],
      [image.thumbnailUrl, { width: 480, height: 480 }],
    ] as const) {
      const served = await t.request(url)
      expect(served.status).toBe(200)
      expect(served.headers.get('content-type')).toBe('image/webp')
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      const bytes = Buffer.from(await served.arrayBuffer())
      const meta = await sharp(bytes).metadata()
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', ...size })
      expect(meta.exif).toBeUndefined()
      expect(meta.xmp).toBeUndefined()
      expect(bytes.includes('SpyCam')).toBe(false)
    }

    // The card and the page carry it.
    expect((await productOf(product.slug)).images).toEqual([image])
    const list = (await (await t.request(`/api/v1/products?vendor=${(await productOf(product.slug)).vendor.slug}`)).json()) as CatalogModel.SearchPage
    expect(list.items.find((p) => p.id === product.id)?.image).toEqual(image)
  })

  it('refuses a text file renamed to .jpg (415, standard error shape)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const response = await upload(owner, product.slug, 'just some text, not a picture', 'photo.jpg', 'image/jpeg')
    expect(response.status).toBe(415)
    const error = await errorOf(response)
    expect(error.type).toBe('unsupported_media_type')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be a JPEG, PNG, WebP or GIF image' }])
    expect(error.requestId).toBe(response.headers.get('x-request-id')!)
    expect((await productOf(product.slug)).images).toEqual([])
  })

  it('refuses a file over 5 MB (413)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const big = new Uint8Array(5 * 1024 * 1024 + 1)
    big.set([0xff, 0xd8, 0xff, 0xe0])
    const response = await upload(owner, product.slug, big, 'huge.jpg')
    expect(response.status).toBe(413)
    const error = await errorOf(response)
    expect(error.type).toBe('payload_too_large')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be at most 5 MB' }])
  })

  it('refuses a pixel flood: a tiny PNG declaring 100 000 × 100 000 pixels (400)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const response = await upload(owner, product.slug, await pixelFlood(), 'tiny.png', 'image/png')
    expect(response.status).toBe(400)
    const error = await errorOf(response)
    expect(error.type).toBe('invalid_data')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be at most 40 megapixels' }])
  })

  it('keeps at most 10 photos per product (409)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const small = await photo({ r: 30, g: 30, b: 30 }, { width: 64, height: 48 })
    for (let i = 0; i < 10; i++) expect((await upload(owner, product.slug, small)).status).toBe(201)
    const response = await upload(owner, product.slug, small)
    expect(response.status).toBe(409)
    expect((await errorOf(response)).type).toBe('conflict')
  }, 30_000)
})

describe('reorder, primary and delete', () => {
  it('reorders, moves the primary first and closes the gap of a deleted photo', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const ids: string[] = []
    for (const r of [10, 120, 240]) ids.push(((await (await upload(owner, product.slug, await photo({ r, g: 80, b: 80 }, { width: 80, height: 60 }))).json()) as CatalogModel.ProductImage).id)
    const [a, b, c] = ids as [string, string, string]
    expect((await productOf(product.slug)).images.map((i) => i.id)).toEqual([a, b, c])

    const reordered = await sendJson(t, 'PUT', `/api/v1/products/${product.slug}/images`, { imageIds: [c, a, b] }, owner.auth)
    expect(reordered.status).toBe(200)
    expect(((await reordered.json()) as { items: CatalogModel.ProductImage[] }).items.map((i) => i.id)).toEqual([c, a, b])

    const primary = await t.request(`/api/v1/products/${product.slug}/images/${b}/primary`, { method: 'POST', headers: owner.auth })
    expect(primary.status).toBe(200)
    expect((await productOf(product.slug)).images.map((i) => i.id)).toEqual([b, c, a])

    const removed = await t.request(`/api/v1/products/${product.slug}/images/${b}`, { method: 'DELETE', headers: owner.auth })
    expect(removed.status).toBe(204)
    const after = await productOf(product.slug)
    expect(after.images.map((i) => i.id)).toEqual([c, a])
    expect(after.image?.id).toBe(c)
  })

  it('refuses an order that leaves out or repeats a photo (400)', async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const image = (await (await upload(owner, product.slug, await photo({ r: 1, g: 2, b: 3 }, { width: 40, height: 30 }))).json()) as CatalogModel.ProductImage
    for (const imageIds of [[image.id, image.id], [`img_${'0'.repeat(32)}`]]) {
      const response = await sendJson(t, 'PUT', `/api/v1/products/${product.slug}/images`, { imageIds }, owner.auth)
      expect(response.status).toBe(400)
      expect((await errorOf(response)).details?.map((d) => d.field)).toEqual(['body.imageIds'])
    }
  })
})

describe('who may change the photos', () => {
  it("refuses another vendor and a buyer (403), anonymous (401); an admin may", async () => {
    const product = await makeProduct(t, owner, { categoryId })
    const image = (await (await upload(owner, product.slug, await photo({ r: 9, g: 9, b: 9 }, { width: 40, height: 30 }))).json()) as CatalogModel.ProductImage
    const small = await photo({ r: 90, g: 9, b: 9 }, { width: 40, height: 30 })

    expect((await upload(other, product.slug, small)).status).toBe(403)
    expect((await upload(buyer, product.slug, small)).status).toBe(403)
    const anonymous = new FormData()
    anonymous.append('file', new File([small], 'a.jpg'))
    expect((await t.request(`/api/v1/products/${product.slug}/images`, { method: 'POST', body: anonymous })).status).toBe(401)

    expect((await t.request(`/api/v1/products/${product.slug}/images/${image.id}`, { method: 'DELETE', headers: other.auth })).status).toBe(403)
    expect((await t.request(`/api/v1/products/${product.slug}/images/${image.id}/primary`, { method: 'POST', headers: other.auth })).status).toBe(403)
    expect((await sendJson(t, 'PUT', `/api/v1/products/${product.slug}/images`, { imageIds: [image.id] }, other.auth)).status).toBe(403)

    // A photo of one product cannot be deleted through another product the caller owns.
    const mine = await makeProduct(t, other, { categoryId })
    expect((await t.request(`/api/v1/products/${mine.slug}/images/${image.id}`, { method: 'DELETE', headers: other.auth })).status).toBe(404)
    expect((await productOf(product.slug)).images.map((i) => i.id)).toEqual([image.id])

    expect((await upload(admin, product.slug, small)).status).toBe(201)
    expect((await t.request(`/api/v1/products/${product.slug}/images/${image.id}`, { method: 'DELETE', headers: admin.auth })).status).toBe(204)
  })

  it("answers others 404 for the photos of a draft", async () => {
    const draft = await makeProduct(t, owner, { categoryId, status: 'draft' })
    const response = await upload(other, draft.slug, await photo({ r: 1, g: 1, b: 1 }, { width: 40, height: 30 }))
    expect(response.status).toBe(404)
  })

  it('answers 404 for a photo URL whose version is not stored', async () => {
    expect((await t.request(`/api/v1/product-images/img_${'0'.repeat(32)}/${'0'.repeat(16)}-thumb.webp`)).status).toBe(404)
  })
})
