import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestApp, signUpAndSignIn, type TestApp } from '../../src/testing'
import type { BootConfig } from '../../src/web/contract'
import { invalidatePages } from '../../src/lib/page-invalidation'
import { CachedBody } from '../../src/lib/compression'
import { PageCache } from '../../src/web/cache'
import { PRIVATE_PAGE_CACHE, PUBLIC_PAGE_CACHE } from '../../src/web/index'
import { ensureWebBuild } from './browser'

let t: TestApp

beforeAll(async () => {
  ensureWebBuild()
  t = await createTestApp()
}, 60_000)

afterAll(() => t.close())

describe('page responses', () => {
  it('lets shared caches keep anonymous pages and revalidates with an ETag', async () => {
    const first = await t.request('/catalog')
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe(PUBLIC_PAGE_CACHE)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^".+"$/)
    const again = await t.request('/catalog', { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('etag')).toBe(etag)
  })

  it('never lets a shared cache keep a page rendered for a request with credentials', async () => {
    const credentials: Record<string, string>[] = [{ cookie: 'session=abc' }, { authorization: 'Bearer x' }]
    for (const headers of credentials) {
      const res = await t.request('/catalog', { headers })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe(PRIVATE_PAGE_CACHE)
      expect(res.headers.get('x-cache')).toBe('MISS')
    }
  })

  it('answers an unknown page with the HTML 404 page', async () => {
    const res = await t.request('/no/such/page')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.text()).toContain('We couldn’t find that page')
  })

  it('keeps the JSON error shape for unknown API paths', async () => {
    const res = await t.request('/api/v1/no-such-thing')
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { type: string; message: string; requestId: string } }
    expect(body.error.type).toBe('not_found')
    expect(body.error.requestId).toBe(res.headers.get('x-request-id')!)
  })

  it('puts per-page title, description and share tags in the head', async () => {
    const html = await (await t.request('/catalog?q=lamp')).text()
    expect(html).toContain('<title>“lamp” in the catalog · Souk</title>')
    expect(html).toContain('<meta property="og:title" content="“lamp” in the catalog · Souk">')
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">')
    expect(html).toContain('<link rel="canonical" href="http://localhost:3000/catalog">')
  })
})

describe('assets', () => {
  it('serves hashed assets as immutable and public files with a short cache', async () => {
    const html = await (await t.request('/')).text()
    const script = /<script type="module" src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const asset = await t.request(script!)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(asset.headers.get('content-type')).toContain('javascript')

    const logo = await t.request('/brand/logo.svg')
    expect(logo.status).toBe(200)
    expect(logo.headers.get('content-type')).toContain('image/svg+xml')
  })

  it('404s a missing asset without rendering a page', async () => {
    for (const path of ['/assets/nope-123.js', '/assets/..%2Fserver%2Fentry-server.js']) {
      const res = await t.request(path)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/json')
    }
  })
})

describe('render cache', () => {
  it('reuses a recent anonymous render until the bus says the page changed', async () => {
    expect((await t.request('/signup')).headers.get('x-cache')).toBe('MISS')
    expect((await t.request('/signup')).headers.get('x-cache')).toBe('HIT')
    await invalidatePages(t.ctx.bus, ['/catalog'])
    expect((await t.request('/signup')).headers.get('x-cache')).toBe('HIT')
    await invalidatePages(t.ctx.bus, ['/signup'])
    expect((await t.request('/signup')).headers.get('x-cache')).toBe('MISS')
    await invalidatePages(t.ctx.bus)
    expect((await t.request('/signup')).headers.get('x-cache')).toBe('MISS')
  })
})

describe('PageCache', () => {
  it('expires entries and evicts the oldest beyond its size', () => {
    let now = 0
    const cache = new PageCache(1000, 2, () => now)
    cache.set('/a', { body: new CachedBody('a'), etag: '"a"', csp: '' })
    cache.set('/b', { body: new CachedBody('b'), etag: '"b"', csp: '' })
    cache.set('/c', { body: new CachedBody('c'), etag: '"c"', csp: '' })
    expect(cache.get('/a')).toBeNull()
    expect(cache.get('/c')?.body.text).toBe('c')
    now = 1000
    expect(cache.get('/c')).toBeNull()
  })

  it('invalidates by path prefix, including query variants', () => {
    const cache = new PageCache(1000, 10)
    for (const key of ['/products/p1', '/products/p1?tab=reviews', '/products/p10', '/catalog']) cache.set(key, { body: new CachedBody(key), etag: '"x"', csp: '' })
    cache.invalidate(['/products/p1'])
    expect(cache.get('/products/p1')).toBeNull()
    expect(cache.get('/products/p1?tab=reviews')).toBeNull()
    expect(cache.get('/products/p10')).not.toBeNull()
    expect(cache.get('/catalog')).not.toBeNull()
  })
})

const bootOf = async (response: Response) => JSON.parse(/<script type="application\/json" id="souk-boot">(.*?)<\/script>/.exec(await response.text())![1]!) as BootConfig

describe('pages and the session', () => {
  it('tells the client to restore a session only when the refresh cookie came along, and renders that page private', async () => {
    const anonymous = await t.request('/catalog')
    expect((await bootOf(anonymous)).session).toBe(false)
    const user = await signUpAndSignIn(t)
    const returning = await t.request('/catalog', { headers: { cookie: `theme=dark; ${user.refreshCookie}` } })
    expect(returning.headers.get('cache-control')).toBe(PRIVATE_PAGE_CACHE)
    expect((await bootOf(returning)).session).toBe(true)
    expect((await bootOf(await t.request('/catalog', { headers: { cookie: 'souk_refresh=' } }))).session).toBe(false)
  })

  it('sends an anonymous visitor of a signed-in page to sign in, with the way back', async () => {
    const res = await t.request('/account?tab=devices')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/signin?next=%2Faccount%3Ftab%3Ddevices')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('renders a public profile on the server, with share tags', async () => {
    const user = await signUpAndSignIn(t, { displayName: 'Rania Mansouri' })
    const res = await t.request(`/users/${user.id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe(PUBLIC_PAGE_CACHE)
    const html = await res.text()
    expect(html).toContain('<title>Rania Mansouri · Souk</title>')
    expect(html).toContain('<meta property="og:type" content="profile">')
    expect(html).toMatch(/<h1[^>]*>Rania Mansouri<\/h1>/)
    expect((await t.request('/users/usr_00000000000000000000000000000000')).status).toBe(404)
  })

  it('keeps the development mailbox page out of every cache', async () => {
    const res = await t.request('/dev/mail?to=someone%40example.test')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await bootOf(res)).devMail).toBe(true)
  })

  it('shows the Google button only when Google sign-in is configured', async () => {
    expect(await (await t.request('/signin')).text()).not.toContain('google-sign-in')
    const google = await createTestApp({ env: { GOOGLE_CLIENT_ID: 'souk-test.apps.googleusercontent.com' } })
    try {
      const res = await google.request('/signin')
      expect((await bootOf(res.clone())).googleClientId).toBe('souk-test.apps.googleusercontent.com')
      expect(await res.text()).toContain('class="google-sign-in"')
    } finally {
      await google.close()
    }
  })

  it('has no development mailbox in production', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production' } })
    try {
      const res = await production.request('/dev/mail?to=someone%40example.test')
      expect(res.status).toBe(404)
      expect(await res.text()).toContain('We couldn’t find that page')
      expect((await bootOf(await production.request('/signin'))).devMail).toBe(false)
    } finally {
      await production.close()
    }
  })
})
