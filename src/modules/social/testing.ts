// Fixtures for tests of social: posts and follows through the real routes.
import { expect } from 'bun:test'
import { client, type TestApp, type TestUser } from '../../testing'
import type { SocialModel } from './model'

/** A post by `author` (public unless said), answered as its author sees it. */
export async function writePost(t: TestApp, author: TestUser, body: string, privacy: SocialModel.CreateBody['privacy'] = 'public', productId?: string): Promise<SocialModel.Post> {
  const created = await client(t, author).api.v1.posts.post({ body, privacy, ...(productId === undefined ? {} : { productId }) })
  expect(created.status).toBe(201)
  return created.data!
}

/** `follower` follows `followee`. */
export async function followUser(t: TestApp, follower: TestUser, followee: { id: string }): Promise<void> {
  expect((await client(t, follower).api.v1.users({ id: followee.id }).follow.post()).status).toBe(200)
}

/** `POST /posts/:id/media` with a batch of files (each `bytes` under `name`), as `user`. */
export function uploadPostPhotos(t: TestApp, user: TestUser, postId: string, files: { bytes: Uint8Array<ArrayBuffer> | string; name: string; type?: string }[]): Promise<Response> {
  const form = new FormData()
  for (const file of files) form.append('files', new File([file.bytes], file.name, { type: file.type ?? 'image/jpeg' }))
  return t.request(`/api/v1/posts/${postId}/media`, { method: 'POST', headers: user.auth, body: form })
}
