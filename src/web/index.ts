import { Elysia, NotFoundError } from 'elysia'
import { join } from 'node:path'
import type { AnyElysia } from 'elysia'
import type { Infrastructure } from '../infrastructure'
import { acceptedEncodings, CachedBody, cachedBodyResponse, dynamicEncoding, ENCODED_FILE_SUFFIX, encodedEtag, isCompressible, matchesEtag } from '../lib/compression'
import { requestIdOf } from '../lib/http'
import { hasRefreshCookie } from '../modules/accounts'
import { SITEMAP_MAX, sitemapEntries } from '../modules/catalog'
import { HELP_INFO_PAGES, helpSitemapEntries } from '../modules/help'
import { createBuildLoader, type WebBuild, WebBuildMissing } from './build'
import { PAGE_INVALIDATION_TOPIC, parseInvalidation } from '../lib/page-invalidation'
import { PageCache } from './cache'
import type { BootConfig } from './contract'
import { pagePolicy, sealScripts } from './csp'

/** Shared caches may keep a page a minute and serve it stale while they refetch. */
export const PUBLIC_PAGE_CACHE = 'public, max-age=0, s-maxage=60, stale-while-revalidate=600'
export const PRIVATE_PAGE_CACHE = 'private, no-cache'
const IMMUTABLE = 'public, max-age=31536000, immutable'
const PUBLIC_FILE_CACHE = 'public, max-age=3600'

/** Text inside an XML element: the five characters XML reserves, escaped. */
const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;')
const RENDER_CACHE_MS = 10_000
const RENDER_CACHE_ENTRIES = 500
const ASSET_NAME = /^[\w.-]+$/
const DEV_EVENTS = '/__souk/dev-events'

/** The short addresses of the info pages (`/terms`), each to its help article. */
const INFO_PAGE_ARTICLES = new Map<string, string>(HELP_INFO_PAGES.map((page) => [page.path, `/help/articles/${page.slug}`]))

/**
 * Pages no search engine should crawl: the signed-in areas (which answer a visitor with the sign-in
 * page), the API but its documentation, and pages made of a link's token.
 */
const ROBOTS_DISALLOW = ['/api/', '/ws', '/account', '/admin', '/dashboard', '/inbox', '/notifications', '/favorites', '/cart', '/checkout', '/orders', '/wallet', '/jobs', '/feed', '/help/tickets/', '/help/conversations', '/dev/', '/verify', '/reset-password', '/pay/']

/** robots.txt: the sitemap's absolute address comes from PUBLIC_URL, so it is served, not a file. */
export function robotsTxt(publicUrl: string): string {
  return ['User-agent: *', 'Allow: /api/docs', ...ROBOTS_DISALLOW.map((path) => `Disallow: ${path}`), '', `Sitemap: ${publicUrl}/sitemap.xml`, ''].join('\n')
}

/** Paths that belong to the API or the socket: never answered with an HTML page. */
function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/ws' || path.startsWith('/ws/')
}

/**
 * A request that carries credentials may be rendered for someone: it is never shared or cached.
 * Any cookie counts, so a future session cookie cannot leak into a shared cache by omission.
 */
function isPersonal(request: Request): boolean {
  return request.headers.has('authorization') || (request.headers.get('cookie') ?? '') !== ''
}

function etagOf(html: string): string {
  return `"${Bun.hash(html).toString(36)}"`
}

/**
 * A built file, as the best precompressed sibling the request accepts (`.br`, then `.gz`) or as
 * it is, in its own type. A text file says Vary: Accept-Encoding either way, so the compression
 * hook leaves it to this choice.
 */
function builtFile(request: Request, path: string, encodedFiles: Set<string>, cacheControl: string): Response {
  const file = Bun.file(path)
  const headers: Record<string, string> = { 'cache-control': cacheControl, 'content-type': file.type }
  if (!isCompressible(file.type)) return new Response(file, { headers })
  headers.vary = 'Accept-Encoding'
  const encoding = acceptedEncodings(request).find((e) => encodedFiles.has(path + ENCODED_FILE_SUFFIX[e]))
  if (encoding === undefined) return new Response(file, { headers })
  return new Response(Bun.file(path + ENCODED_FILE_SUFFIX[encoding]), { headers: { ...headers, 'content-encoding': encoding } })
}

/** Dev only: the page reloads itself when the server restarts or the client is rebuilt. */
const DEV_RELOAD_SCRIPT = `let s;new EventSource('${DEV_EVENTS}').onmessage=(e)=>{if(s===undefined)s=e.data;else if(e.data!==s)location.reload()}`

function devEvents(currentId: () => Promise<string>, bootId: string): Response {
  let timer: Timer | undefined
  const stream = new ReadableStream<string>({
    start(controller) {
      let last = ''
      const tick = async () => {
        const id = `${bootId}.${await currentId().catch(() => last)}`
        if (id !== last) controller.enqueue(`data: ${(last = id)}\n\n`)
      }
      void tick()
      timer = setInterval(() => void tick(), 500)
    },
    cancel: () => clearInterval(timer),
  })
  return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } })
}

/**
 * Serves the web client: hashed assets, public files and every page route rendered on the server.
 * Mounted last as a functional plugin so it can call the whole app in process during SSR and see
 * whether a `/ws` route exists. Adds no routes to the typed API.
 */
export function webPages(ctx: Pick<Infrastructure, 'config' | 'bus' | 'log' | 'database'>) {
  return <T extends AnyElysia>(app: T): T => {
    // Only `bun run dev` watches: the embedded default (`npm start`) keeps no reload stream open.
    const watching = ctx.config.webWatch
    const builds = createBuildLoader({ watch: watching })
    const cache = new PageCache(watching ? 0 : RENDER_CACHE_MS, RENDER_CACHE_ENTRIES)
    ctx.bus.subscribe(PAGE_INVALIDATION_TOPIC, (message) => cache.invalidate(parseInvalidation(message)))
    let cachedBuild = ''
    const bootId = crypto.randomUUID().slice(0, 8)

    const boot = (request: Request): BootConfig => ({
      realtime: app.routes.some((r) => r.method === 'WS' && r.path === '/ws'),
      session: hasRefreshCookie(request, ctx.config.publicUrl),
      googleClientId: ctx.config.google?.clientId ?? null,
      devMail: app.routes.some((r) => r.method === 'GET' && r.path === '/api/v1/dev/mail'),
    })

    const build = async (request: Request): Promise<WebBuild | Response> => {
      try {
        return await builds.current()
      } catch (error) {
        if (!(error instanceof WebBuildMissing)) throw error
        ctx.log.error('web build missing', { requestId: requestIdOf(request), dir: error.dir })
        return new Response(error.message, { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' } })
      }
    }

    const renderPage = async (request: Request, loaded: WebBuild): Promise<Response> => {
      const url = new URL(request.url)
      const personal = isPersonal(request)
      // Renders of an older build point at assets that may be gone.
      if (loaded.id !== cachedBuild) {
        cache.invalidate()
        cachedBuild = loaded.id
      }
      const key = url.pathname + url.search
      let page = personal ? null : cache.get(key)
      const hit = page !== null
      if (page === null) {
        const pageBoot = boot(request)
        const scriptMark = crypto.randomUUID().replaceAll('-', '')
        const result = await loaded.ssr.render({
          request,
          requestId: requestIdOf(request),
          scriptMark,
          handle: (inner) => app.handle(inner),
          publicUrl: ctx.config.publicUrl,
          assets: loaded.assets,
          boot: pageBoot,
          extraScript: watching ? DEV_RELOAD_SCRIPT : undefined,
        })
        const location = result.headers.get('location')
        if (location !== null) return new Response(null, { status: result.status, headers: { location, 'cache-control': 'no-store' } })
        const sealed = sealScripts(result.html, scriptMark)
        const csp = pagePolicy(sealed.scriptHashes, { google: pageBoot.googleClientId !== null })
        const uncached = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' }
        if (result.status !== 200) return new Response(sealed.html, { status: result.status, headers: uncached })
        // A page that asked not to be stored (see NoStore in web/src/lib/head.tsx).
        if (result.headers.get('cache-control') === 'no-store') return new Response(sealed.html, { headers: uncached })
        page = { body: new CachedBody(sealed.html), etag: etagOf(sealed.html), csp }
        if (!personal) cache.set(key, page)
      }
      // x-cache says whether this instance rendered the page or reused a recent render. The CSP
      // goes on a 304 too: it updates the stored headers, and it fits the stored body. The
      // compression hook marks the ETag of the gzipped page (`"…-gz"`); a 304 names the form that
      // request would get.
      const headers = {
        etag: page.etag,
        'cache-control': personal ? PRIVATE_PAGE_CACHE : PUBLIC_PAGE_CACHE,
        'x-cache': hit ? 'HIT' : 'MISS',
        'content-security-policy': page.csp,
      }
      if (matchesEtag(request, page.etag)) {
        const etag = encodedEtag(page.etag, dynamicEncoding(request, page.body.byteLength))
        return new Response(null, { status: 304, headers: { ...headers, etag, vary: 'Accept-Encoding' } })
      }
      return cachedBodyResponse(page.body, { headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } })
    }

    const plugin = new Elysia({ name: 'web', detail: { hide: true } })
      .get('/assets/:file', async ({ params, request }) => {
        if (!ASSET_NAME.test(params.file)) throw new NotFoundError()
        const loaded = await build(request)
        if (loaded instanceof Response) return loaded
        const path = join(loaded.assetsDir, params.file)
        if (loaded.encodedFiles.has(path) || !(await Bun.file(path).exists())) throw new NotFoundError()
        return builtFile(request, path, loaded.encodedFiles, IMMUTABLE)
      })
      // Every public product page and storefront, and the help centre's articles, for search engines
      // (with `/` and `/help`, at most SITEMAP_MAX addresses: the protocol's limit).
      .get('/sitemap.xml', async () => {
        const entries = [...(await helpSitemapEntries(ctx.database.db)), ...(await sitemapEntries(ctx.database.db))].slice(0, SITEMAP_MAX - 2)
        const urls = entries.map((e) => `<url><loc>${xmlText(ctx.config.publicUrl + e.path)}</loc><lastmod>${e.updatedAt.toISOString()}</lastmod></url>`)
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${xmlText(`${ctx.config.publicUrl}/`)}</loc></url><url><loc>${xmlText(`${ctx.config.publicUrl}/help`)}</loc></url>${urls.join('')}</urlset>\n`
        return new Response(body, { headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': PUBLIC_FILE_CACHE } })
      })
      .get('/robots.txt', () => new Response(robotsTxt(ctx.config.publicUrl), { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': PUBLIC_FILE_CACHE } }))
      .get('/*', async ({ request, path }) => {
        if (isApiPath(path)) throw new NotFoundError()
        const article = INFO_PAGE_ARTICLES.get(path)
        if (article !== undefined) return new Response(null, { status: 301, headers: { location: article, 'cache-control': PUBLIC_FILE_CACHE } })
        if (watching && path === DEV_EVENTS) return devEvents(async () => (await builds.current()).id, bootId)
        const loaded = await build(request)
        if (loaded instanceof Response) return loaded
        const file = loaded.publicFiles.get(path)
        if (file !== undefined) return builtFile(request, file, loaded.encodedFiles, PUBLIC_FILE_CACHE)
        return renderPage(request, loaded)
      })
    app.use(plugin)
    return app
  }
}
