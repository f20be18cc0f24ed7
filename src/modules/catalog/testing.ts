import { makeVendor, postJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { CatalogModel } from './model'

/** The people of a product-media test: an admin, a buyer, a vendor owning the products, another vendor, and a category. */
export interface MediaCast {
  admin: TestUser
  buyer: TestUser
  owner: TestUser
  other: TestUser
  categoryId: string
}

export async function mediaCast(t: TestApp, category: { name: string; slug: string }): Promise<MediaCast> {
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  const buyer = await signUpAndSignIn(t)
  const { user: owner } = await makeVendor(t)
  const { user: other } = await makeVendor(t)
  const created = await postJson(t, '/api/v1/admin/categories', category, admin.auth)
  const { id: categoryId } = (await created.json()) as CatalogModel.Category
  return { admin, buyer, owner, other, categoryId }
}

/** Posts `bytes` as the multipart field `file` (named and typed as told: the server must not believe either). */
export function uploadFile(t: TestApp, user: TestUser, path: string, bytes: Uint8Array<ArrayBuffer> | string, name: string, type: string): Promise<Response> {
  const form = new FormData()
  form.append('file', new File([bytes], name, { type }))
  return t.request(path, { method: 'POST', headers: user.auth, body: form })
}
