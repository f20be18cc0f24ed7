import { ElysiaCustomStatusResponse } from 'elysia'

/** The encodings Souk serves, best first: Brotli for files compressed at build time, gzip for those compressed per request. */
export const ENCODINGS = ['br', 'gzip'] as const
export type Encoding = (typeof ENCODINGS)[number]

/** The suffix of a file's precompressed sibling (web build: `entry.js.br`, `entry.js.gz`). */
export const ENCODED_FILE_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' }

/** Below this a response goes as it is: compressing it would save less than the work costs. */
export const MIN_COMPRESSED_BYTES = 1024

/** Text the app sends that compresses well: pages, JSON, XML, scripts, styles, SVG, plain text. Never an event stream. */
const COMPRESSIBLE = /^(?:text\/(?:html|css|plain|xml|javascript)|application\/(?:json|xml|javascript|manifest\+json|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i

export function isCompressible(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType)
}

/** The encodings the request's Accept-Encoding allows, best first: `q=0` refuses one, `*` stands for those not named. */
export function acceptedEncodings(request: Request): Encoding[] {
  const header = request.headers.get('accept-encoding')
  if (header === null || header === '') return []
  const weights = new Map<string, number>()
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim())
    const q = params.find((p) => p.startsWith('q='))
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  const any = weights.get('*') ?? 0
  return ENCODINGS.filter((e) => (weights.get(e) ?? any) > 0)
}

/**
 * The encoding of a response compressed as it is sent: gzip (Bun's, about half the CPU per KB of
 * Brotli at quality 4 for a tenth more bytes on the catalog's JSON), when accepted and the body is large enough.
 */
export function dynamicEncoding(request: Request, byteLength: number): 'gzip' | null {
  return byteLength >= MIN_COMPRESSED_BYTES && acceptedEncodings(request).includes('gzip') ? 'gzip' : null
}

const ETAG_SUFFIX: Record<Encoding, string> = { br: '-br', gzip: '-gz' }
const ENCODED_ETAG = /-(?:br|gz)"$/

/** The ETag of one encoding of an entity (`"abc"` -> `"abc-gz"`): caches never take one encoding for another. */
export function encodedEtag(etag: string, encoding: Encoding | null): string {
  return encoding === null ? etag : `${etag.slice(0, -1)}${ETAG_SUFFIX[encoding]}"`
}

/** Whether If-None-Match names the entity of `etag` in any encoding: the client holds the same content, decoded. */
export function matchesEtag(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match')
  if (header === null) return false
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '').replace(ENCODED_ETAG, '"') === etag)
}

/** A text body a cache keeps (a rendered page, a catalog list): gzipped once, when first asked for, so a cache hit does not compress it again. */
export class CachedBody {
  readonly byteLength: number
  private gzipped: Uint8Array<ArrayBuffer> | null = null

  constructor(readonly text: string) {
    this.byteLength = Buffer.byteLength(text)
  }

  gzip(): Uint8Array<ArrayBuffer> {
    return (this.gzipped ??= Bun.gzipSync(new TextEncoder().encode(this.text)))
  }
}

const cachedBodies = new WeakMap<Response, CachedBody>()

/** A response whose body is `body`: compression takes the body's kept gzip form rather than compressing it again. */
export function cachedBodyResponse(body: CachedBody, init: ResponseInit): Response {
  const response = new Response(body.text, init)
  cachedBodies.set(response, body)
  return response
}

function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304
}

/** `response` with `body` instead, gzipped (its ETag marked so) or not. */
function withBody(response: Response, body: BodyInit, encoding: 'gzip' | null): Response {
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  if (encoding !== null) {
    headers.set('content-encoding', encoding)
    const etag = headers.get('etag')
    if (etag !== null) headers.set('etag', encodedEtag(etag, encoding))
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}

/** Elysia's `set` of the request: the headers it adds to the answer. */
type AnswerSet = { headers: Record<string, string | number> }

function compressResponse(request: Request, response: Response, set: AnswerSet): Response | Promise<Response> | undefined {
  const { headers } = response
  if (hasNoBody(response.status) || headers.has('content-encoding') || !isCompressible(headers.get('content-type'))) return
  // Its handler chose among encoded forms already (a precompressed file).
  if (headers.get('vary')?.toLowerCase().includes('accept-encoding') === true) return
  // Through Elysia's headers, which it merges into the Response: a Response's own may be immutable.
  set.headers.vary = 'Accept-Encoding'
  if (!acceptedEncodings(request).includes('gzip')) return
  const cached = cachedBodies.get(response)
  if (cached !== undefined) return cached.byteLength < MIN_COMPRESSED_BYTES ? undefined : withBody(response, cached.gzip(), 'gzip')
  return response.arrayBuffer().then((body) => (body.byteLength < MIN_COMPRESSED_BYTES ? withBody(response, body, null) : withBody(response, Bun.gzipSync(body), 'gzip')))
}

/** What Elysia answers as JSON after this hook: a plain object or array. */
function isJsonValue(value: unknown): value is object {
  const name = (value as { constructor?: { name?: string } } | null | undefined)?.constructor?.name
  return name === 'Object' || name === 'Array'
}

/**
 * Compresses text answers in one place (httpBasics' mapResponse hook, on every route): HTML, JSON
 * (an object a route returns, or a Response), XML and the like, with gzip when the client accepts
 * it and the body is at least MIN_COMPRESSED_BYTES, and says `Vary: Accept-Encoding` on each.
 * Leaves alone HEAD, answers without a body (304, 204), event streams, bodies already encoded, and
 * responses whose handler negotiated the encoding itself (they say Vary: Accept-Encoding). A cached
 * body (`cachedBodyResponse`) is compressed once for all its hits. Answers undefined when Elysia's
 * own mapping of the answer stands.
 */
export function compressAnswer({ request, responseValue, set }: { request: Request; responseValue: unknown; set: AnswerSet }): Response | Promise<Response> | undefined {
  if (request.method === 'HEAD') return
  if (responseValue instanceof Response) return compressResponse(request, responseValue, set)
  const custom = responseValue instanceof ElysiaCustomStatusResponse
  const value: unknown = custom ? responseValue.response : responseValue
  const status = custom ? (responseValue.code as number) : undefined
  if (!isJsonValue(value) || (status !== undefined && hasNoBody(status))) return
  set.headers.vary = 'Accept-Encoding'
  if (!acceptedEncodings(request).includes('gzip')) return
  const json = JSON.stringify(value)
  const small = Buffer.byteLength(json) < MIN_COMPRESSED_BYTES
  const headers = { 'content-type': 'application/json;charset=utf-8', ...(small ? {} : { 'content-encoding': 'gzip' }) }
  return new Response(small ? json : Bun.gzipSync(json), { status, headers })
}
