// Regression tests of issue 13 (item 1): crafted cursors and characters Postgres cannot store
// (U+0000, lone surrogates) are refused with a 400 in the standard shape on every listed route
// family, never a 500. The generic fuzz suite covers all routes; these name the reported cases.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { makeSellerWithProducts, openConversation } from './modules/chat/testing'
import { connectAs } from './realtime/test-client'
import { createTestApp, errorOf, listen, sendJson, signUpAndSignIn, type TestApp, type TestUser } from './testing'

let t: TestApp
let wsUrl: string
let admin: TestUser
let buyer: TestUser
let seller: TestUser
let product: { id: string; slug: string }
let conversationId: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ wsUrl } = listen(t))
  ;({ seller, product } = await makeSellerWithProducts(t))
  admin = await signUpAndSignIn(t, { role: 'admin' })
  buyer = await signUpAndSignIn(t)
  conversationId = (await openConversation(t, buyer, product.id)).id
})
afterAll(() => t.close())

/** A cursor holding exactly this JSON text (valid base64, valid JSON, crafted values). */
const cursorOf = (json: string) => Buffer.from(json).toString('base64url')

const ID = (prefix: string) => `${prefix}_${'0'.repeat(32)}`
const WHEN = '2026-01-01T00:00:00.000Z'

/** `[time, id]` cursors with a bad part each: not a date, past year 9999, a number, NUL, a number as id. */
const timeCursors = (prefix: string) => [
  `["not-a-date","${ID(prefix)}"]`,
  `["+300000-01-01T00:00:00.000Z","${ID(prefix)}"]`,
  `["+200000-01-01T00:00:00.000Z","${ID(prefix)}"]`,
  `[1e300,"${ID(prefix)}"]`,
  `["NaN","${ID(prefix)}"]`,
  `["${WHEN}","\\u0000"]`,
  `["${WHEN}",5]`,
  `["${WHEN}","${ID(prefix)}","extra"]`,
]

async function expectInvalid(response: Response, field: string) {
  const text = await response.text()
  expect({ status: response.status, text }).toMatchObject({ status: 400 })
  const { error } = JSON.parse(text) as { error: Awaited<ReturnType<typeof errorOf>> }
  expect(error.type).toBe('invalid_data')
  expect(typeof error.requestId).toBe('string')
  expect(error.details?.map((d) => d.field)).toContain(field)
}

async function expectCursorsRefused(path: string, user: TestUser | null, cursors: string[]) {
  for (const json of cursors) {
    const separator = path.includes('?') ? '&' : '?'
    const response = await t.request(`${path}${separator}cursor=${cursorOf(json)}`, { headers: user?.auth ?? {} })
    await expectInvalid(response, 'query.cursor')
  }
}

describe('crafted cursors', () => {
  it('GET /products refuses a bad sort, value or id in its cursor', async () => {
    await expectCursorsRefused('/api/v1/products', null, [
      `["newest","not-a-date","${ID('prd')}"]`,
      `["newest","+300000-01-01T00:00:00.000Z","${ID('prd')}"]`,
      `["newest",1e300,"${ID('prd')}"]`,
      `["newest","${WHEN}","\\u0000"]`,
      `["no-such-sort",1,"${ID('prd')}"]`,
    ])
    await expectCursorsRefused('/api/v1/products?sort=price_asc', null, [
      `["price_asc",1e300,"${ID('prd')}"]`,
      `["price_asc","12","${ID('prd')}"]`,
      `["price_asc","NaN","${ID('prd')}"]`,
      `["price_asc",1.5,"${ID('prd')}"]`,
      `["price_asc",-1,"${ID('prd')}"]`,
    ])
    await expectCursorsRefused('/api/v1/products?sort=popularity', null, [`["popularity",1e300,"${ID('prd')}"]`])
    await expectCursorsRefused('/api/v1/products?q=bowl', null, [`["relevance","x","${ID('prd')}"]`, `["relevance",1e300,"${ID('prd')}"]`])
  })

  it('GET /me/favorites and /me/products refuse crafted time cursors', async () => {
    await expectCursorsRefused('/api/v1/me/favorites', buyer, timeCursors('prd'))
    await expectCursorsRefused('/api/v1/me/products', seller, timeCursors('prd'))
  })

  it('GET /admin/reports and /admin/vendors refuse crafted time cursors', async () => {
    await expectCursorsRefused('/api/v1/admin/reports', admin, timeCursors('rpt'))
    await expectCursorsRefused('/api/v1/admin/vendors', admin, timeCursors('ven'))
  })

  it('GET /vendors refuses a cursor with a bad name or id', async () => {
    await expectCursorsRefused('/api/v1/vendors', null, [`["\\u0000","${ID('ven')}"]`, `["Shop","\\ud800"]`, `[1e300,"${ID('ven')}"]`, `["Shop",5]`])
  })

  it('GET /conversations/:id/messages refuses a seq that is not a small whole number', async () => {
    await expectCursorsRefused(`/api/v1/conversations/${conversationId}/messages`, buyer, ['[1e300]', '["5"]', '[1.5]', '["\\u0000"]', '[-1]'])
  })

  it('the other time-ordered lists (conversations, notifications, message reports, jobs) refuse them too', async () => {
    await expectCursorsRefused('/api/v1/conversations', buyer, timeCursors('cnv'))
    await expectCursorsRefused('/api/v1/notifications', buyer, timeCursors('ntf'))
    await expectCursorsRefused('/api/v1/admin/message-reports', admin, timeCursors('rpt'))
    await expectCursorsRefused('/api/v1/jobs', buyer, ['["\\u0000"]', '[1e300]', '["not-an-id"]'])
  })
})

describe('characters Postgres cannot store', () => {
  it('refuses NUL in product search parameters, naming the parameter', async () => {
    await expectInvalid(await t.request('/api/v1/products?q=a%00b'), 'query.q')
    await expectInvalid(await t.request('/api/v1/products?location=%00'), 'query.location')
    await expectInvalid(await t.request('/api/v1/products?attr.color=red%00'), 'query.attr.color')
  })

  it('refuses NUL in a product or shop slug', async () => {
    await expectInvalid(await t.request('/api/v1/products/%00'), 'params.slug')
    await expectInvalid(await t.request('/api/v1/vendors/%00'), 'params.slug')
  })

  it('refuses NUL or a lone surrogate in PATCH /me display name and bio', async () => {
    await expectInvalid(await sendJson(t, 'PATCH', '/api/v1/me', { displayName: 'Ana\u0000' }, buyer.auth), 'body.displayName')
    await expectInvalid(await sendJson(t, 'PATCH', '/api/v1/me', { bio: 'about\u0000me' }, buyer.auth), 'body.bio')
    const loneSurrogate = await t.request('/api/v1/me', {
      method: 'PATCH',
      headers: { ...buyer.auth, 'content-type': 'application/json' },
      body: '{"bio":"half \\ud83d of an emoji"}',
    })
    await expectInvalid(loneSurrogate, 'body.bio')
  })

  it('refuses NUL in a product title, on create and on edit', async () => {
    const category = await sendJson(t, 'POST', '/api/v1/admin/categories', { name: 'Nul bowls', slug: `nul-${randomUUID().slice(0, 8)}` }, admin.auth)
    const { id: categoryId } = (await category.json()) as { id: string }
    const fields = { categoryId, title: 'Bowl\u0000', description: 'A bowl for a test.', priceMinor: 100, currency: 'MAD', stock: 1, condition: 'new', location: 'Fez', status: 'active' }
    await expectInvalid(await sendJson(t, 'POST', '/api/v1/products', fields, seller.auth), 'body.title')
    await expectInvalid(await sendJson(t, 'PATCH', `/api/v1/products/${product.slug}`, { title: 'Bowl\u0000' }, seller.auth), 'body.title')
  })

  it('refuses NUL in a chat message body sent over REST', async () => {
    const response = await sendJson(t, 'POST', `/api/v1/conversations/${conversationId}/messages`, { clientId: randomUUID(), body: 'hi\u0000' }, buyer.auth)
    await expectInvalid(response, 'body.body')
  })

  it('refuses NUL in a chat message sent over the socket with an error frame, and keeps the socket', async () => {
    const socket = await connectAs(t, wsUrl, buyer)
    try {
      const answer = await socket.ask({ type: 'chat.send', conversationId, clientId: randomUUID(), body: 'hi\u0000there' })
      expect(answer).toMatchObject({ type: 'error', code: 'BadMessage' })
      expect(String(answer.message)).toContain('body')
      const surrogate = await socket.ask({ type: 'chat.send', conversationId, clientId: randomUUID(), body: 'half \ud83d' })
      expect(surrogate).toMatchObject({ type: 'error', code: 'BadMessage' })
      expect(await socket.ask({ type: 'chat.send', conversationId, clientId: randomUUID(), body: 'still here' })).toMatchObject({ type: 'ack', of: 'chat.send' })
    } finally {
      socket.close()
    }
  })
})
