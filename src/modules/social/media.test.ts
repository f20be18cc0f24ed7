import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq, sql } from 'drizzle-orm'
import sharp from 'sharp'
import { phonePhoto, pixelFlood } from '../../lib/image-fixtures'
import { client, createTestApp, errorOf, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { SocialModel } from './model'
import { postMedia } from './table'
import { followUser, uploadPostPhotos, writePost } from './testing'

let t: TestApp
let jpeg: Uint8Array<ArrayBuffer>
let png: Uint8Array<ArrayBuffer>

beforeAll(async () => {
  t = await createTestApp()
  jpeg = await phonePhoto({ width: 1200, height: 900 })
  png = await phonePhoto({ format: 'png', width: 300, height: 600, colour: { r: 20, g: 120, b: 200 } })
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
const photos = (n: number) => Array.from({ length: n }, (_, i) => ({ bytes: i % 2 === 0 ? jpeg : png, name: `photo-${i}.${i % 2 === 0 ? 'jpg' : 'png'}` }))
const batchOf = async (response: Response) => {
  expect(response.status).toBe(201)
  return (await response.json()) as SocialModel.MediaBatch
}
const fetchPhoto = (url: string, user: TestUser | null = null) => t.request(url, { headers: user?.auth ?? {} })
const mediaIdsOf = async (postId: string, user: TestUser | null) => (await as(user).api.v1.posts({ id: postId }).get()).data?.media.map((m) => m.id) ?? null
/** Moves a post's writing back by `hours`. */
const age = (id: string, hours: number) => t.ctx.database.db.execute(sql`update posts set created_at = created_at - make_interval(hours => ${hours}) where id = ${id}`)

describe('POST /posts/:id/media', () => {
  it('adds the good files of a batch re-encoded as product photos, and refuses a bad one with its reason', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Three photos from the market')
    const batch = await batchOf(await uploadPostPhotos(t, author, post.id, [photos(1)[0]!, { bytes: 'not an image at all', name: 'notes.jpg' }, { bytes: png, name: 'tall.png' }]))
    expect(batch.refused).toEqual([{ index: 1, name: 'notes.jpg', message: 'This file is not an image Souk accepts' }])
    expect(batch.media).toHaveLength(2)
    const [first, second] = batch.media
    expect(first!.id).toMatch(/^pmd_[0-9a-f]{32}$/)
    expect(first!.url).toMatch(new RegExp(`^/api/v1/posts/${post.id}/media/${first!.id}/[0-9a-f]{16}-display\\.webp$`))
    expect({ width: first!.width, height: first!.height }).toEqual({ width: 1200, height: 900 })
    expect({ width: second!.width, height: second!.height }).toEqual({ width: 300, height: 600 })

    for (const [url, size] of [
      [first!.url, { width: 1200, height: 900 }],
      [first!.thumbnailUrl, { width: 480, height: 480 }],
    ] as const) {
      const served = await fetchPhoto(url)
      expect(served.status).toBe(200)
      expect(served.headers.get('content-type')).toBe('image/webp')
      expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      const bytes = Buffer.from(await served.arrayBuffer())
      const meta = await sharp(bytes).metadata()
      expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif }).toEqual({ format: 'webp', ...size, exif: undefined })
      expect(bytes.includes('SpyCam')).toBe(false)
    }
    // Every read of the post carries them, in order.
    expect((await as(null).api.v1.posts({ id: post.id }).get()).data!.media).toEqual(batch.media)
    expect((await as(author).api.v1.users({ id: author.id }).posts.get({ query: {} })).data!.items[0]!.media).toEqual(batch.media)
    // A later batch of one goes after them (after the API document was built, which reads the route's schema).
    expect((await t.request('/api/docs/json')).status).toBe(200)
    const later = await batchOf(await uploadPostPhotos(t, author, post.id, [{ bytes: jpeg, name: 'later.jpg' }]))
    expect(later.media.map((m) => m.id).slice(0, 2)).toEqual(batch.media.map((m) => m.id))
    expect(later.media).toHaveLength(3)
  })

  it('answers the error in the standard shape when no file of the batch lands', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Nothing lands')
    const one = await uploadPostPhotos(t, author, post.id, [{ bytes: '<svg/>', name: 'vector.svg', type: 'image/svg+xml' }])
    expect(one.status).toBe(415)
    expect(await errorOf(one)).toMatchObject({ type: 'unsupported_media_type', message: 'This file is not an image Souk accepts', details: [{ field: 'body.files[0]' }] })
    const mixed = await uploadPostPhotos(t, author, post.id, [
      { bytes: 'plain text', name: 'a.jpg' },
      { bytes: await pixelFlood(), name: 'flood.png', type: 'image/png' },
    ])
    expect(mixed.status).toBe(400)
    expect(await errorOf(mixed)).toMatchObject({
      type: 'invalid_data',
      message: 'None of the 2 photos could be added',
      details: [
        { field: 'body.files[0]', message: 'This file is not an image Souk accepts' },
        { field: 'body.files[1]', message: expect.stringContaining('too many pixels') },
      ],
    })
    expect(await mediaIdsOf(post.id, author)).toEqual([])
  })

  it('refuses the 11th photo: past the room of a batch alone, a full post at once, more than 10 files in one request', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Ten at most')
    expect((await batchOf(await uploadPostPhotos(t, author, post.id, photos(9)))).media).toHaveLength(9)
    const two = await batchOf(await uploadPostPhotos(t, author, post.id, photos(2)))
    expect(two.media).toHaveLength(10)
    expect(two.refused).toEqual([{ index: 1, name: 'photo-1.png', message: 'A post has at most 10 photos' }])
    const full = await uploadPostPhotos(t, author, post.id, photos(1))
    expect(full.status).toBe(409)
    expect(await errorOf(full)).toMatchObject({ type: 'conflict', details: { max: 10 } })

    const other = await writePost(t, author, 'Eleven in one go')
    const eleven = await uploadPostPhotos(t, author, other.id, photos(11))
    expect(eleven.status).toBe(400)
    expect((await errorOf(eleven)).type).toBe('invalid_data')
    const none = await t.request(`/api/v1/posts/${other.id}/media`, { method: 'POST', headers: author.auth, body: new FormData() })
    expect(none.status).toBe(400)
    expect(await mediaIdsOf(other.id, author)).toEqual([])
  })

  it('lets at most 10 land in all from two concurrent batches of 6', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Racing batches')
    const batches = await Promise.all([uploadPostPhotos(t, author, post.id, photos(6)), uploadPostPhotos(t, author, post.id, photos(6))])
    const answers = await Promise.all(batches.map(batchOf))
    expect(answers.map((a) => a.refused.length).sort()).toEqual([0, 2])
    const rows = await t.ctx.database.db.select({ position: postMedia.position }).from(postMedia).where(eq(postMedia.postId, post.id))
    expect(rows.map((r) => r.position).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(await mediaIdsOf(post.id, author)).toHaveLength(10)
  })

  it('is the author’s alone: 403 to others who see the post, 404 to those who do not, 401 signed out', async () => {
    const author = await signUpAndSignIn(t)
    const stranger = await signUpAndSignIn(t)
    const open = await writePost(t, author, 'Public post')
    const hidden = await writePost(t, author, 'Private post', 'private')
    expect((await uploadPostPhotos(t, stranger, open.id, photos(1))).status).toBe(403)
    expect((await uploadPostPhotos(t, stranger, hidden.id, photos(1))).status).toBe(404)
    expect((await t.request(`/api/v1/posts/${open.id}/media`, { method: 'POST', body: (() => { const f = new FormData(); f.append('files', new File([jpeg], 'a.jpg')); return f })() })).status).toBe(401)
    const [photo] = (await batchOf(await uploadPostPhotos(t, author, open.id, photos(1)))).media
    const [secret] = (await batchOf(await uploadPostPhotos(t, author, hidden.id, photos(1)))).media
    expect((await as(stranger).api.v1.posts({ id: open.id }).media({ mediaId: photo!.id }).delete()).status).toBe(403)
    expect((await as(stranger).api.v1.posts({ id: hidden.id }).media({ mediaId: secret!.id }).delete()).status).toBe(404)
    expect(await mediaIdsOf(open.id, author)).toEqual([photo!.id])
  })

  it('takes photos while the post may change (24 hours), and no more after', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Yesterday')
    await age(post.id, 25)
    const late = await uploadPostPhotos(t, author, post.id, photos(1))
    expect(late.status).toBe(409)
    expect((await errorOf(late)).type).toBe('conflict')
  })
})

describe('who sees a post’s photos', () => {
  it('serves them only to whoever may see the post, and lists them only where it is shown', async () => {
    const author = await signUpAndSignIn(t)
    const follower = await signUpAndSignIn(t)
    const stranger = await signUpAndSignIn(t)
    await followUser(t, follower, author)
    const forFollowers = await writePost(t, author, 'For my followers', 'followers')
    const mine = await writePost(t, author, 'Only me', 'private')
    const [shared] = (await batchOf(await uploadPostPhotos(t, author, forFollowers.id, photos(1)))).media
    const [secret] = (await batchOf(await uploadPostPhotos(t, author, mine.id, photos(1)))).media

    // The follower's feed and the author's profile carry the followers-only photo; the private one only for the author.
    const feed = (await as(follower).api.v1.feed.get({ query: {} })).data!.items
    expect(feed.map((p) => [p.id, p.media.map((m) => m.id)])).toEqual([[forFollowers.id, [shared!.id]]])
    expect((await as(stranger).api.v1.users({ id: author.id }).posts.get({ query: {} })).data!.items).toEqual([])
    expect((await as(author).api.v1.users({ id: author.id }).posts.get({ query: {} })).data!.items.map((p) => p.media.length)).toEqual([1, 1])
    expect(await mediaIdsOf(mine.id, stranger)).toBeNull()

    // The files answer as the posts do.
    for (const url of [shared!.url, shared!.thumbnailUrl]) {
      expect((await fetchPhoto(url, follower)).status).toBe(200)
      expect((await fetchPhoto(url, stranger)).status).toBe(404)
      expect((await fetchPhoto(url)).status).toBe(404)
    }
    expect((await fetchPhoto(secret!.url, author)).status).toBe(200)
    expect((await fetchPhoto(secret!.url, follower)).status).toBe(404)
    // A photo is not reachable under another post's id, nor with another version.
    expect((await fetchPhoto(shared!.url.replace(forFollowers.id, mine.id), author)).status).toBe(404)
    expect((await fetchPhoto(shared!.url.replace(/[0-9a-f]{16}-display/, '0000000000000000-display'), author)).status).toBe(404)

    // Made public, it is served signed out too; made private again, no longer.
    await as(author).api.v1.posts({ id: forFollowers.id }).patch({ privacy: 'public' })
    expect((await fetchPhoto(shared!.url)).status).toBe(200)
    await as(author).api.v1.posts({ id: forFollowers.id }).patch({ privacy: 'private' })
    expect((await fetchPhoto(shared!.url, follower)).status).toBe(404)
  })

  it('erases a deleted post’s photos: gone from every read and every URL', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Soon gone')
    const { media } = await batchOf(await uploadPostPhotos(t, author, post.id, photos(2)))
    expect((await as(author).api.v1.posts({ id: post.id }).delete()).status).toBe(204)
    for (const photo of media) expect((await fetchPhoto(photo.url, author)).status).toBe(404)
    expect(await t.ctx.database.db.select().from(postMedia).where(eq(postMedia.postId, post.id))).toEqual([])
    expect((await as(author).api.v1.users({ id: author.id }).posts.get({ query: {} })).data!.items).toEqual([])
    expect((await uploadPostPhotos(t, author, post.id, photos(1))).status).toBe(404)
    expect((await as(author).api.v1.posts({ id: post.id }).media({ mediaId: media[0]!.id }).delete()).status).toBe(404)
  })
})

describe('DELETE /posts/:id/media/:mediaId', () => {
  it('removes one photo; the others keep their order, and its URL stops answering', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Pick the best')
    const { media } = await batchOf(await uploadPostPhotos(t, author, post.id, photos(3)))
    expect((await as(author).api.v1.posts({ id: post.id }).media({ mediaId: media[1]!.id }).delete()).status).toBe(204)
    expect(await mediaIdsOf(post.id, null)).toEqual([media[0]!.id, media[2]!.id])
    expect((await fetchPhoto(media[1]!.url)).status).toBe(404)
    expect((await as(author).api.v1.posts({ id: post.id }).media({ mediaId: media[1]!.id }).delete()).status).toBe(404)
    // Room again: a new one goes last.
    const { media: after } = await batchOf(await uploadPostPhotos(t, author, post.id, photos(1)))
    expect(after.map((m) => m.id).slice(0, 2)).toEqual([media[0]!.id, media[2]!.id])
  })
})
