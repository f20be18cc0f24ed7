import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { MAX_REQUEST_BODY } from '../app'
import { makeSellerWithProducts, openConversation } from '../modules/chat/testing'
import { createTestApp, errorOf, listen, postJson, signUpAndSignIn, type TestApp, type TestUser } from '../testing'
import { bodyMediaType, MAX_JSON_BYTES } from './body-guard'

let t: TestApp
let url: string
let seller: TestUser
let buyer: TestUser
let productSlug: string
let conversationId: string

beforeAll(async () => {
  t = await createTestApp()
  url = listen(t).url
  const fixture = await makeSellerWithProducts(t)
  seller = fixture.seller
  productSlug = fixture.product.slug
  buyer = await signUpAndSignIn(t)
  conversationId = (await openConversation(t, buyer, fixture.product.id)).id
}, 60_000)
afterAll(() => t.close())

/** Every upload route, as the user who may use it (`field`: the file field its 413 names, `body.file` unless said). */
const UPLOADS: { name: string; path: () => string; user: () => TestUser; field?: string }[] = [
  { name: 'avatar', path: () => '/api/v1/me/avatar', user: () => buyer },
  { name: 'product photo', path: () => `/api/v1/products/${productSlug}/images`, user: () => seller },
  { name: 'product video', path: () => `/api/v1/products/${productSlug}/videos`, user: () => seller },
  { name: 'chat image', path: () => `/api/v1/conversations/${conversationId}/images`, user: () => buyer },
  { name: 'CSV import', path: () => '/api/v1/imports/products', user: () => seller },
  // The guard answers before the route looks the return or the dispute up.
  { name: 'return photo', path: () => `/api/v1/returns/ret_${'0'.repeat(32)}/photos`, user: () => buyer },
  { name: 'dispute photo', path: () => `/api/v1/disputes/dsp_${'0'.repeat(32)}/evidence/photo`, user: () => buyer },
  { name: 'review photo', path: () => `/api/v1/reviews/rev_${'0'.repeat(32)}/photos`, user: () => buyer },
  { name: 'ticket image', path: () => `/api/v1/tickets/tkt_${'0'.repeat(32)}/messages/tkm_${'0'.repeat(32)}/attachments`, user: () => buyer },
  { name: 'post photos (a batch)', path: () => `/api/v1/posts/pst_${'0'.repeat(32)}/media`, user: () => buyer, field: 'body.files' },
]

/**
 * Writes `head` and `body` on a raw TCP connection to the listening app and answers its first
 * response. A raw socket can declare a length it never sends, which fetch cannot; `timeoutMs`
 * bounds the wait, so a server that keeps waiting for the body fails the test instead of hanging it.
 */
async function exchange(head: string[], body: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  const answer = Promise.withResolvers<{ status: number; body: string }>()
  let received = ''
  const complete = () => {
    const end = received.indexOf('\r\n\r\n')
    if (end === -1) return
    const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end))
    const body = received.slice(end + 4)
    if (length !== null && body.length < Number(length[1])) return
    answer.resolve({ status: Number(received.slice(9, 12)), body })
  }
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, chunk) {
        received += chunk.toString('latin1')
        complete()
      },
      close: () => answer.reject(new Error(`connection closed after ${JSON.stringify(received)}`)),
      error: (_socket, error) => answer.reject(error),
    },
  })
  const timer = setTimeout(() => answer.reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  socket.write(`${head.join('\r\n')}\r\n\r\n${body}`)
  try {
    return await answer.promise
  } finally {
    clearTimeout(timer)
    socket.end()
  }
}

const multipartHead = (method: string, path: string, user: TestUser, framing: string) => [
  `${method} ${path} HTTP/1.1`,
  `host: ${new URL(url).host}`,
  `authorization: ${user.auth.authorization}`,
  'content-type: multipart/form-data; boundary=souk',
  framing,
]

describe('upload routes', () => {
  for (const route of UPLOADS) {
    describe(route.name, () => {
      it('refuses a declared length over its limit at once, before the body arrives (413)', async () => {
        // Bun accepts this length (the server-wide limit); the body never comes: only 100 bytes are sent.
        const answer = await exchange(multipartHead('POST', route.path(), route.user(), `content-length: ${MAX_REQUEST_BODY}`), 'x'.repeat(100))
        expect(answer.status).toBe(413)
        expect(JSON.parse(answer.body).error).toMatchObject({ type: 'payload_too_large', details: [{ field: route.field ?? 'body.file' }] })
      })

      it('refuses a chunked body, whose size is unknown until it is read (411)', async () => {
        const answer = await exchange(multipartHead('POST', route.path(), route.user(), 'transfer-encoding: chunked'), '5\r\nhello\r\n0\r\n\r\n')
        expect(answer.status).toBe(411)
        expect(JSON.parse(answer.body).error.type).toBe('length_required')
      })

      it('refuses a JSON body (415)', async () => {
        const response = await postJson(t, route.path(), { file: 'not a file' }, route.user().auth)
        expect(response.status).toBe(415)
        expect((await errorOf(response)).type).toBe('unsupported_media_type')
      })
    })
  }

  it('covers every route whose body takes a file, including routes added later', async () => {
    const uploads = t.app.routes.filter((route) => bodyMediaType(route.hooks.body) === 'multipart/form-data')
    expect(uploads.map((route) => route.path).sort()).toEqual(
      [
        '/api/v1/conversations/:id/images',
        '/api/v1/disputes/:id/evidence/photo',
        '/api/v1/imports/products',
        '/api/v1/me/avatar',
        '/api/v1/posts/:id/media',
        '/api/v1/products/:slug/images',
        '/api/v1/products/:slug/videos',
        '/api/v1/returns/:id/photos',
        '/api/v1/reviews/:id/photos',
        '/api/v1/tickets/:id/messages/:messageId/attachments',
      ].sort(),
    )
    for (const route of uploads) {
      const form = new FormData()
      form.append('file', new File(['x'], 'x.bin'))
      const response = await t.request(route.path.replaceAll(/:\w+/g, 'x'), { method: route.method, headers: { 'content-length': String(MAX_REQUEST_BODY) }, body: form })
      expect({ route: route.path, status: response.status }).toEqual({ route: route.path, status: 413 })
    }
  })
})

describe('JSON routes', () => {
  const meOf = async (user: TestUser) => (await (await t.request('/api/v1/me', { headers: user.auth })).json()) as { displayName: string }

  it('refuses a JSON body declared over the JSON limit at once, before it arrives (413)', async () => {
    const head = [`PATCH /api/v1/me HTTP/1.1`, `host: ${new URL(url).host}`, `authorization: ${buyer.auth.authorization}`, 'content-type: application/json', `content-length: ${MAX_JSON_BYTES + 1}`]
    const answer = await exchange(head, '{"displayName":"')
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body).error).toMatchObject({ type: 'payload_too_large', details: [{ field: 'body', message: 'is too large' }] })
  })

  it('refuses text/plain (415)', async () => {
    const response = await t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-forwarded-for': buyer.ip },
      body: JSON.stringify({ email: buyer.email, password: buyer.password }),
    })
    expect(response.status).toBe(415)
    expect(await errorOf(response)).toMatchObject({ type: 'unsupported_media_type', message: 'This route takes application/json' })
  })

  it('refuses XML and changes nothing (415)', async () => {
    const before = await meOf(buyer)
    const response = await t.request('/api/v1/me', {
      method: 'PATCH',
      headers: { ...buyer.auth, 'content-type': 'application/xml' },
      body: '<me><displayName>Changed by XML</displayName></me>',
    })
    expect(response.status).toBe(415)
    expect(await meOf(buyer)).toEqual(before)
  })

  it('refuses a form (415) and a JSON body sent without a content type (415)', async () => {
    const form = new FormData()
    form.append('displayName', 'Changed by a form')
    expect((await t.request('/api/v1/me', { method: 'PATCH', headers: buyer.auth, body: form })).status).toBe(415)
    expect((await t.request('/api/v1/me', { method: 'PATCH', headers: buyer.auth, body: JSON.stringify({ displayName: 'Untyped' }) })).status).toBe(415)
    expect((await meOf(buyer)).displayName).not.toBe('Untyped')
  })

  it('takes application/json with a UTF-8 charset, and refuses another charset (415)', async () => {
    const patch = (contentType: string, displayName: string) =>
      t.request('/api/v1/me', { method: 'PATCH', headers: { ...buyer.auth, 'content-type': contentType }, body: JSON.stringify({ displayName }) })
    expect((await patch('application/json; charset=UTF-8', 'Amira Charset')).status).toBe(200)
    expect((await meOf(buyer)).displayName).toBe('Amira Charset')
    expect((await patch('application/json; charset=utf-16', 'Amira Wide')).status).toBe(415)
    expect((await meOf(buyer)).displayName).toBe('Amira Charset')
  })

  it('leaves a request without a body to the route schema (400 when the body is required)', async () => {
    const response = await t.request('/api/v1/auth/login', { method: 'POST', headers: { 'x-forwarded-for': buyer.ip } })
    expect(response.status).toBe(400)
    expect((await errorOf(response)).type).toBe('invalid_data')
  })

  it('takes a POST without body or content type where every field of the body is optional', async () => {
    // Over a real connection: fetch sends `content-length: 0`, as browsers do.
    const response = await fetch(`${url}/api/v1/products/${productSlug}/share`, { method: 'POST', headers: seller.auth })
    expect(response.status).toBe(201)
  })
})
