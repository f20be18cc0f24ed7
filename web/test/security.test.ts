import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { phonePhoto } from '../../src/lib/image-fixtures'
import { createTestApp, signUpAndSignIn, type TestApp } from '../../src/testing'
import { ensureWebBuild } from './browser'

let t: TestApp
let production: TestApp

beforeAll(async () => {
  ensureWebBuild()
  ;[t, production] = await Promise.all([createTestApp(), createTestApp({ env: { NODE_ENV: 'production' } })])
}, 60_000)

afterAll(() => Promise.all([t.close(), production.close()]))

/** What of a server error must never reach a page: stacks, source positions, paths, internals. */
const INTERNALS = /\bstack:|sourceURL|originalLine|\bline:|\bcolumn:|entry-server\.js|\/work\/|node_modules|\bdetails:|\bfacts:|\bstatus:/

/** The executable inline scripts of a page (the boot data is JSON, not a script). */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !m[1]!.includes('application/json')).map((m) => m[2]!)
}

const hashSource = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0] !== '').map(([name, ...values]) => [name!, values]))
}

/** Runs `body` with a table of the test database renamed away: its queries fail for real. */
async function withoutTable(app: TestApp, table: string, body: () => Promise<void>): Promise<void> {
  await app.ctx.database.db.execute(sql.raw(`alter table ${table} rename to ${table}_gone`))
  try {
    await body()
  } finally {
    await app.ctx.database.db.execute(sql.raw(`alter table ${table}_gone rename to ${table}`))
  }
}

describe('server-rendered errors', () => {
  for (const env of ['test', 'production'] as const) {
    it(`never answers 200 nor serializes a stack for /products/%00 (NODE_ENV=${env})`, async () => {
      const res = await (env === 'test' ? t : production).request('/products/%00')
      expect(res.status === 404 || res.status >= 500).toBe(true)
      expect(await res.text()).not.toMatch(INTERNALS)
    })

    it(`answers 500 with the error page when a page's data fails, serializing only type, message and requestId (NODE_ENV=${env})`, async () => {
      const app = env === 'test' ? t : production
      await withoutTable(app, 'products', async () => {
        const res = await app.request(`/products/broken-${env}`)
        expect(res.status).toBe(500)
        expect(res.headers.get('cache-control')).toBe('no-store')
        const html = await res.text()
        expect(html).toContain('Something went wrong')
        expect(html).not.toMatch(INTERNALS)
        // Each serialized error is rebuilt from its message plus these fields and nothing else.
        const errors = [...html.matchAll(/new Error\(("[^"]*")\),\{([^}]*)\}/g)]
        expect(errors.length).toBeGreaterThan(0)
        for (const [, message, fields] of errors) {
          expect(JSON.parse(message!)).toBe('Something went wrong on our side')
          expect(fields!.split(',').map((f) => f.split(':')[0])).toEqual(['name', 'type', 'requestId'])
        }
        // The page names the reference a visitor can quote: the page request's own id.
        expect(html).toContain(res.headers.get('x-request-id')!)
      })
    })
  }

  it('answers 404 with the not-found page for a missing product, vendor or user', async () => {
    for (const path of ['/products/no-such-product', '/vendors/no-such-shop', '/users/usr_nosuchuser']) {
      const res = await t.request(path)
      expect(res.status).toBe(404)
      expect(await res.text()).not.toMatch(INTERNALS)
    }
  })
})

const PAGES = ['/', '/catalog', '/signin', '/signup', '/status', '/dev/mail', '/no/such/page', '/products/no-such-product']

describe('security headers on pages', () => {
  it('gives every page a strict CSP, no framing, nosniff and a referrer policy', async () => {
    for (const path of PAGES) {
      const res = await t.request(path)
      expect(res.headers.get('content-type')).toContain('text/html')
      const csp = directives(res.headers.get('content-security-policy') ?? '')
      const scripts = csp.get('script-src') ?? csp.get('default-src')
      expect(scripts).toBeDefined()
      expect(scripts).not.toContain("'unsafe-inline'")
      expect(scripts).not.toContain("'unsafe-eval'")
      expect(csp.get('frame-ancestors')).toEqual(["'none'"])
      expect(csp.get('object-src')).toEqual(["'none'"])
      expect(csp.get('base-uri')).toEqual(["'none'"])
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(res.headers.get('strict-transport-security')).toBeNull()
    }
  })

  it('allows exactly the inline scripts the page carries, by hash, also on a cached render and a 304', async () => {
    for (const path of PAGES) {
      const res = await t.request(path)
      const html = await res.text()
      const allowed = directives(res.headers.get('content-security-policy')!).get('script-src')!
      const scripts = inlineScripts(html)
      expect(scripts.length).toBeGreaterThan(0)
      const hashes = scripts.map(hashSource)
      expect(allowed.filter((v) => v.startsWith("'sha256-")).sort()).toEqual([...new Set(hashes)].sort())
      // The render's marks are gone: nothing in the page holds a nonce to reuse.
      expect(html).not.toContain('nonce=')
    }
    const first = await t.request('/catalog')
    const cached = await t.request('/catalog')
    expect(cached.headers.get('x-cache')).toBe('HIT')
    expect(cached.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'))
    const revalidated = await t.request('/catalog', { headers: { 'if-none-match': first.headers.get('etag')! } })
    expect(revalidated.status).toBe(304)
    expect(revalidated.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'))
  })

  it("keeps an HTML page that brings no policy of its own (the API reference) from being framed", async () => {
    const res = await t.request('/api/docs')
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('allows the development reload script by its hash too', async () => {
    const dev = await createTestApp({ env: { NODE_ENV: 'development', WEB_WATCH: 'true' } })
    try {
      const res = await dev.request('/')
      const reload = inlineScripts(await res.text()).find((script) => script.includes('EventSource'))
      expect(reload).toBeDefined()
      expect(directives(res.headers.get('content-security-policy')!).get('script-src')).toContain(hashSource(reload!))
    } finally {
      await dev.close()
    }
  })

  it('keeps no reload stream open in the embedded default (npm start: development without WEB_WATCH)', async () => {
    const embedded = await createTestApp({ env: { NODE_ENV: 'development' } })
    try {
      const res = await embedded.request('/')
      expect(inlineScripts(await res.text()).some((script) => script.includes('EventSource'))).toBe(false)
      expect((await embedded.request('/__souk/dev-events')).status).toBe(404)
    } finally {
      await embedded.close()
    }
  })

  it('allows Google sign-in only when it is configured', async () => {
    const res = await t.request('/signin')
    expect(res.headers.get('content-security-policy')).not.toContain('accounts.google.com')
    const google = await createTestApp({ env: { GOOGLE_CLIENT_ID: 'souk-test.apps.googleusercontent.com' } })
    try {
      const csp = directives((await google.request('/signin')).headers.get('content-security-policy')!)
      expect(csp.get('script-src')).toContain('https://accounts.google.com/gsi/client')
      expect(csp.get('frame-src')).toContain('https://accounts.google.com/gsi/')
    } finally {
      await google.close()
    }
  })

  it('adds HSTS to every answer when PUBLIC_URL is https, and only then', async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://souk.example' } })
    try {
      for (const path of ['/', '/no/such/page', '/api/v1/categories', '/api/v1/no-such-thing', '/brand/logo.svg']) {
        expect((await https.request(path)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
        expect((await t.request(path)).headers.get('strict-transport-security')).toBeNull()
      }
    } finally {
      await https.close()
    }
  })
})

describe('security headers on files and API answers', () => {
  it('sandboxes every file answer and marks it nosniff: avatars, downloads, public files, assets', async () => {
    const user = await signUpAndSignIn(t)
    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'me.jpg', { type: 'image/jpeg' }))
    const uploaded = await t.request('/api/v1/me/avatar', { method: 'POST', headers: user.auth, body: form })
    expect(uploaded.status).toBe(200)
    const { avatarUrl } = (await uploaded.json()) as { avatarUrl: string }
    const html = await (await t.request('/')).text()
    const script = /<script type="module" src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    for (const path of [avatarUrl, '/api/v1/imports/products/template.csv', '/brand/logo.svg', script]) {
      const res = await t.request(path, { headers: user.auth })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toBe('sandbox')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  it('marks API answers nosniff, errors included', async () => {
    for (const path of ['/api/v1/categories', '/api/v1/no-such-thing', '/api/v1/products?limit=-1']) {
      const res = await t.request(path)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
  })
})
