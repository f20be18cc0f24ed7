import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import sharp from 'sharp'
import { phonePhoto, pixelFlood } from '../../lib/image-fixtures'
import { createTestApp, errorOf, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { AccountsModel } from './model'

let t: TestApp
let alice: TestUser
let bob: TestUser

beforeAll(async () => {
  t = await createTestApp()
  alice = await signUpAndSignIn(t, { displayName: 'Alice' })
  bob = await signUpAndSignIn(t, { displayName: 'Bob' })
})
afterAll(() => t.close())

const photo = (format: 'jpeg' | 'png', colour?: { r: number; g: number; b: number }) => phonePhoto({ format, colour })

function upload(user: TestUser, bytes: Uint8Array<ArrayBuffer> | string, name: string, type: string) {
  const form = new FormData()
  form.append('file', new File([bytes], name, { type }))
  return t.request('/api/v1/me/avatar', { method: 'POST', headers: user.auth, body: form })
}

const me = async (user: TestUser) => (await (await t.request('/api/v1/me', { headers: user.auth })).json()) as AccountsModel.Me

describe('POST /me/avatar', () => {
  for (const format of ['jpeg', 'png'] as const) {
    it(`re-encodes a ${format.toUpperCase()} with EXIF as a 256 px WebP without metadata`, async () => {
      const original = await photo(format)
      expect((await sharp(original).metadata()).exif).toBeDefined()
      const response = await upload(alice, original, `holiday.${format}`, `image/${format}`)
      expect(response.status).toBe(200)
      const body = (await response.json()) as AccountsModel.Me
      expect(body.avatarUrl).toMatch(new RegExp(`^/api/v1/users/${alice.id}/avatar/[0-9a-f]{16}\\.webp$`))

      const image = await t.request(body.avatarUrl!)
      expect(image.status).toBe(200)
      expect(image.headers.get('content-type')).toBe('image/webp')
      expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      const stored = Buffer.from(await image.arrayBuffer())
      const meta = await sharp(stored).metadata()
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width: 256, height: 256 })
      expect(meta.exif).toBeUndefined()
      expect(meta.xmp).toBeUndefined()
      expect(stored.includes('SpyCam')).toBe(false)
      expect((await t.request(`/api/v1/users/${alice.id}`).then((r) => r.json())).avatarUrl).toBe(body.avatarUrl)
    })
  }

  it('refuses a text file named and declared as a JPEG (415)', async () => {
    const response = await upload(alice, 'just some text, not a picture', 'photo.jpg', 'image/jpeg')
    expect(response.status).toBe(415)
    const error = await errorOf(response)
    expect(error.type).toBe('unsupported_media_type')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be a JPEG, PNG, WebP or GIF image' }])
    expect(error.requestId).toBe(response.headers.get('x-request-id')!)
  })

  it('refuses a file over 5 MB before decoding it (413)', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1)
    big.set([0xff, 0xd8, 0xff, 0xe0])
    const response = await upload(alice, big, 'huge.jpg', 'image/jpeg')
    expect(response.status).toBe(413)
    const error = await errorOf(response)
    expect(error.type).toBe('payload_too_large')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be at most 5 MB' }])
  })

  it('refuses a pixel flood: a tiny file declaring 100 000 × 100 000 pixels (400)', async () => {
    const flood = await pixelFlood()
    expect(flood.length).toBeLessThan(200)
    const response = await upload(alice, flood, 'tiny.png', 'image/png')
    expect(response.status).toBe(400)
    const error = await errorOf(response)
    expect(error.type).toBe('invalid_data')
    expect(error.message).toContain('100000 × 100000')
    expect(error.details).toEqual([{ field: 'body.file', message: 'must be at most 40 megapixels' }])
  })

  it('refuses an image that does not decode (400)', async () => {
    const truncated = (await photo('png')).subarray(0, 120)
    const response = await upload(alice, truncated, 'broken.png', 'image/png')
    expect(response.status).toBe(400)
    expect((await errorOf(response)).details).toEqual([{ field: 'body.file', message: 'could not be decoded' }])
  })

  it('asks for the file field when none is sent', async () => {
    const response = await t.request('/api/v1/me/avatar', { method: 'POST', headers: alice.auth, body: new FormData() })
    expect(response.status).toBe(400)
    expect((await errorOf(response)).details?.map((d) => d.field)).toContain('body.file')
  })

  it('needs a signed-in user', async () => {
    const form = new FormData()
    form.append('file', new File([await photo('jpeg')], 'a.jpg'))
    expect((await t.request('/api/v1/me/avatar', { method: 'POST', body: form })).status).toBe(401)
  })

  it("changes only the uploader's avatar: another user cannot replace mine", async () => {
    const mine = (await me(alice)).avatarUrl
    expect(mine).not.toBeNull()
    const response = await upload(bob, await photo('jpeg', { r: 10, g: 120, b: 200 }), 'bob.jpg', 'image/jpeg')
    expect(response.status).toBe(200)
    const theirs = ((await response.json()) as AccountsModel.Me).avatarUrl!
    expect(theirs).toContain(`/users/${bob.id}/`)
    expect((await me(alice)).avatarUrl).toBe(mine)
    expect((await t.request(mine!)).status).toBe(200)
    // Bob's image is not reachable under Alice's id, and there is no route to upload for someone else.
    expect((await t.request(theirs.replace(bob.id, alice.id))).status).toBe(404)
    const form = new FormData()
    form.append('file', new File([await photo('jpeg')], 'a.jpg'))
    expect((await t.request(`/api/v1/users/${alice.id}/avatar`, { method: 'POST', headers: bob.auth, body: form })).status).toBe(404)
  })

  it('gives a new avatar a new URL and retires the old one', async () => {
    const before = (await me(alice)).avatarUrl!
    const response = await upload(alice, await photo('png', { r: 20, g: 160, b: 90 }), 'new.png', 'image/png')
    const after = ((await response.json()) as AccountsModel.Me).avatarUrl!
    expect(after).not.toBe(before)
    expect((await t.request(before)).status).toBe(404)
    expect((await t.request(after)).status).toBe(200)
  })
})

describe('DELETE /me/avatar', () => {
  it('removes the avatar and its image', async () => {
    const url = (await me(alice)).avatarUrl!
    const response = await t.request('/api/v1/me/avatar', { method: 'DELETE', headers: alice.auth })
    expect(response.status).toBe(200)
    expect(((await response.json()) as AccountsModel.Me).avatarUrl).toBeNull()
    expect((await t.request(url)).status).toBe(404)
  })
})

describe('account deletion', () => {
  it('erases the avatar with the rest of the personal data', async () => {
    const carol = await signUpAndSignIn(t, { displayName: 'Carol' })
    const url = ((await (await upload(carol, await photo('jpeg'), 'c.jpg', 'image/jpeg')).json()) as AccountsModel.Me).avatarUrl!
    const deleted = await t.request('/api/v1/me', {
      method: 'DELETE',
      headers: { ...carol.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ password: carol.password }),
    })
    expect(deleted.status).toBe(204)
    expect((await t.request(url)).status).toBe(404)
  })
})
