// Fixtures of the chat tests: a seller with a product, buyers, conversations, all made through the
// real routes.
import { randomUUID } from 'node:crypto'
import { makeProduct, makeVendor, postJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { ChatMessage, Conversation } from './item'

export interface ChatFixture {
  seller: TestUser
  product: { id: string; slug: string }
  /** Another product of the same seller. */
  other: { id: string; slug: string }
}

/** A category (made by a new admin), an approved seller and two of their products. */
export async function makeSellerWithProducts(t: TestApp): Promise<ChatFixture> {
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  const slug = `chat-${randomUUID().slice(0, 8)}`
  const category = (await (await postJson(t, '/api/v1/admin/categories', { name: `Chat ${slug}`, slug }, admin.auth)).json()) as { id: string }
  const { user: seller } = await makeVendor(t)
  const product = await makeProduct(t, seller, { categoryId: category.id, title: 'Blue Fez bowl', priceMinor: 12_550 })
  const other = await makeProduct(t, seller, { categoryId: category.id, title: 'Safi tagine' })
  return { seller, product, other }
}

export const openConversation = async (t: TestApp, buyer: TestUser, productId: string) => {
  const response = await postJson(t, '/api/v1/conversations', { productId }, buyer.auth)
  if (response.status !== 201 && response.status !== 200) throw new Error(`get-or-create answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as Conversation
}

/** Sends over REST; `clientId` defaults to a fresh one. */
export const send = (t: TestApp, user: TestUser, conversationId: string, body: string, clientId: string = randomUUID()) =>
  postJson(t, `/api/v1/conversations/${conversationId}/messages`, { clientId, body }, user.auth)

export const sendOk = async (t: TestApp, user: TestUser, conversationId: string, body: string) => {
  const response = await send(t, user, conversationId, body)
  if (response.status !== 201) throw new Error(`send answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as ChatMessage
}

export const getJson = async <T>(t: TestApp, user: TestUser, path: string) => {
  const response = await t.request(path, { headers: user.auth })
  return { status: response.status, body: (await response.json()) as T }
}
