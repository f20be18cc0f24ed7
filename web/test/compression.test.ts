import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { brotliDecompressSync } from 'node:zlib'
import { acceptedEncodings, MIN_COMPRESSED_BYTES } from '../../src/lib/compression'
import { adminWithCategory, createTestApp, makeProduct, makeVendor, type TestApp } from '../../src/testing'
import { ensureWebBuild } from './browser'

/** What Chromium sends. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' }

let t: TestApp

beforeAll(async () => {
  ensureWebBuild()
  t = await createTestApp()
  const { categoryId } = await adminWithCategory(t)
  const { user } = await makeVendor(t)
  for (let i = 0; i < 4; i++) await makeProduct(t, user, { categoryId, title: `Hand-thrown clay tagine number ${i}` })
}, 60_000)

afterAll(() => t.close())

/** The body as sent (fetch's Response does not decode it), decoded by its Content-Encoding. */
async function decoded(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer())
  const encoding = response.headers.get('content-encoding')
  if (encoding === 'br') return brotliDecompressSync(bytes).toString()
  if (encoding === 'gzip') return new TextDecoder().decode(Bun.gunzipSync(bytes))
  expect(encoding).toBeNull()
  return new TextDecoder().decode(bytes)
}

async function entryScript(): Promise<string> {
  const html = await (await t.request('/')).text()
  return /<script type="module" src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
}

describe('compressed responses', () => {
  it('serves an asset precompressed, Brotli first, with its type and immutable cache, and identity without Accept-Encoding', async () => {
    const script = await entryScript()
    const identity = await t.request(script)
    expect(identity.headers.get('content-encoding')).toBeNull()
    expect(identity.headers.get('vary')).toBe('Accept-Encoding')
    const text = await decoded(identity)
    for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'], ['identity', null]] as const) {
      const res = await t.request(script, { headers: { 'accept-encoding': accept } })
      expect({ accept, encoding: res.headers.get('content-encoding') }).toEqual({ accept, encoding })
      expect(res.headers.get('content-type')).toContain('javascript')
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('vary')).toBe('Accept-Encoding')
      expect(await decoded(res)).toBe(text)
    }
    // The siblings are served in the file's stead, never by their own name.
    expect((await t.request(`${script}.br`)).status).toBe(404)
  })

  it('serves a public text file precompressed', async () => {
    const identity = await t.request('/brand/logo.svg')
    const res = await t.request('/brand/logo.svg', { headers: BROWSER })
    expect(res.headers.get('content-encoding')).toBe('br')
    expect(res.headers.get('content-type')).toContain('image/svg+xml')
    expect(await decoded(res)).toBe(await decoded(identity))
  })

  it('gzips an HTML page when asked, to the same page, with an ETag of its own that still revalidates', async () => {
    const identity = await t.request('/catalog')
    expect(identity.headers.get('content-encoding')).toBeNull()
    expect(identity.headers.get('vary')).toBe('Accept-Encoding')
    const etag = identity.headers.get('etag')!
    const res = await t.request('/catalog', { headers: BROWSER })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(res.headers.get('x-cache')).toBe('HIT')
    const gzEtag = res.headers.get('etag')!
    expect(gzEtag).toBe(`${etag.slice(0, -1)}-gz"`)
    expect(await decoded(res)).toBe(await decoded(identity))

    const again = await t.request('/catalog', { headers: { ...BROWSER, 'if-none-match': gzEtag } })
    expect(again.status).toBe(304)
    expect(again.headers.get('content-encoding')).toBeNull()
    expect(again.headers.get('etag')).toBe(gzEtag)
    expect(await again.text()).toBe('')
    // A cache holding the identity form revalidates it too.
    const plain = await t.request('/catalog', { headers: { 'if-none-match': etag } })
    expect(plain.status).toBe(304)
    expect(plain.headers.get('etag')).toBe(etag)
  })

  it('gzips a large JSON list (from the list cache and the route alike) and leaves a small one as it is', async () => {
    const identity = await t.request('/api/v1/products')
    const text = await decoded(identity)
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(MIN_COMPRESSED_BYTES)
    for (let i = 0; i < 2; i++) {
      const res = await t.request('/api/v1/products', { headers: BROWSER })
      expect(res.headers.get('content-encoding')).toBe('gzip')
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(res.headers.get('vary')).toBe('Accept-Encoding')
      expect(await decoded(res)).toBe(text)
    }

    const small = await t.request('/api/v1/products?q=nothingmatchesthis', { headers: BROWSER })
    expect(small.status).toBe(200)
    expect(small.headers.get('content-encoding')).toBeNull()
    expect(small.headers.get('vary')).toBe('Accept-Encoding')
    expect(((await small.json()) as { items: unknown[] }).items).toEqual([])
  })

  it('gzips a large object a route returns, keeps an error JSON readable and leaves a HEAD alone', async () => {
    const identity = await t.request('/api/docs/json')
    const res = await t.request('/api/docs/json', { headers: BROWSER })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(JSON.parse(await decoded(res))).toEqual(JSON.parse(await decoded(identity)))

    const notFound = await t.request('/api/v1/no-such-thing', { headers: BROWSER })
    expect(notFound.status).toBe(404)
    expect((JSON.parse(await decoded(notFound)) as { error: { type: string } }).error.type).toBe('not_found')

    const head = await t.request('/catalog', { method: 'HEAD', headers: BROWSER })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-encoding')).toBeNull()
  })
})

describe('acceptedEncodings()', () => {
  const of = (header: string) => acceptedEncodings(new Request('http://x/', { headers: { 'accept-encoding': header } }))
  it('reads q-values and the wildcard, best first', () => {
    expect(of('gzip, br')).toEqual(['br', 'gzip'])
    expect(of('br;q=0, gzip;q=0.5')).toEqual(['gzip'])
    expect(of('*')).toEqual(['br', 'gzip'])
    expect(of('*, gzip;q=0')).toEqual(['br'])
    expect(of('identity')).toEqual([])
    expect(of('deflate, gzip;q=nonsense')).toEqual([])
  })
})
