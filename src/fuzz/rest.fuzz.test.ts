// Fuzzes every operation of the OpenAPI document (so routes added later are covered unedited)
// with generated bad input, as every kind of caller. The properties: no answer is a 5xx, every 4xx
// has the standard error shape with the status of its type, and a refused write leaves the
// database as it was. FUZZ_SEED and FUZZ_RUNS (cases per operation) override the defaults.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import fc from 'fast-check'
import { ERROR_STATUS, ErrorResponse } from '../lib/errors'
import { phonePhoto } from '../lib/image-fixtures'
import { signAccessToken } from '../modules/accounts/service/sessions'
import { uploadFile } from '../modules/catalog/testing'
import { makeSellerWithProducts, openConversation, sendOk } from '../modules/chat/testing'
import { createTestApp, postJson, signUpAndSignIn, testIp, type TestApp, type TestUser, waitFor } from '../testing'
import { changedTables, createFingerprinter } from './fingerprint'
import { b64, badBody, badValue, fuzzSettings, type JsonSchema, nastyString, preview, validValue } from './inputs'

/** Routes of `app.routes` the document leaves out on purpose, each with why. */
const UNDOCUMENTED: Record<string, string> = {
  'GET /api/docs': 'the documentation page itself',
  'GET /api/docs/json': 'the OpenAPI document itself',
  'GET /assets/:file': 'static files of the built web client, not API',
  'GET /*': 'server-rendered pages of the web client, not API',
  'GET /sitemap.xml': 'the sitemap of public pages for search engines (XML), not API',
  'GET /robots.txt': 'what crawlers may visit, with the sitemap’s address (plain text), not API',
  'GET /pay/:id': 'the sandbox card provider’s hosted page (plain HTML, as an external provider’s would be)',
  'POST /pay/:id': 'the sandbox card provider’s card form',
  'POST /pay/:id/confirm': 'the sandbox card provider’s confirmation step',
}
/**
 * The fuzz app runs no job queue (no workers writing behind the database fingerprint's back), so
 * routes that need it answer 503 `not_ready`, which the checks accept; these also answer 503, in
 * a shape of their own.
 */
const NEED_THE_QUEUE: Record<string, string> = {
  'GET /readyz': 'reports the queue as not started (503 with its checks)',
}

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: JsonSchema
}
interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  body: { schema: JsonSchema; contentTypes: string[] } | null
}

type CallerName = 'anonymous' | 'buyer' | 'vendor' | 'admin' | 'expired' | 'forged' | 'algNone' | 'malformed'

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | null }
  | { kind: 'raw'; text: string; contentType: string | null }
  | { kind: 'form'; fields: Record<string, unknown>; binary: string[] }

interface Case {
  caller: CallerName
  malformedAuth: string
  params: Record<string, string>
  query: string
  /** Header and cookie parameters the case sends (each may be left out). */
  headers: Partial<Record<string, string>>
  body: Body
}

const CASES = fuzzSettings.runs(20)
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const isErrorResponse = TypeCompiler.Compile(ErrorResponse)

const t: TestApp = await createTestApp()
const document = (await (await t.request('/api/docs/json')).json()) as {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>
}

const documented = new Set<string>()
const operations: Operation[] = []
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    const key = `${method.toUpperCase()} ${path}`
    documented.add(key)
    // A `ws` operation is the socket itself, whose messages socket.fuzz.test.ts fuzzes.
    if (!METHOD_ORDER.includes(method.toUpperCase())) continue
    const content = operation.requestBody?.content ?? {}
    const first = Object.values(content)[0]
    operations.push({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: first === undefined ? null : { schema: first.schema, contentTypes: Object.keys(content) },
    })
  }
}
// Reads first and deletions last, so a fuzz case that happens to succeed at deleting a fixture
// costs the fewest operations their real ids.
operations.sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method))

afterAll(() => t.close())

describe('the OpenAPI document', () => {
  it('documents every route of the app but the listed ones', () => {
    const missing = t.app.routes
      .filter((route) => !(`${route.method} ${route.path}` in UNDOCUMENTED))
      .map((route) => ({ method: route.method, path: route.path.replace(/:(\w+)/g, '{$1}') }))
      // A socket route is documented as its upgrade request (a GET) or as a `ws` operation.
      .filter(({ method, path }) => !documented.has(`${method} ${path}`) && !(method === 'WS' && documented.has(`GET ${path}`)))
      .map(({ method, path }) => `${method} ${path}`)
    expect(missing).toEqual([])
  })
})

// ---- callers and real objects ----

const users = {} as Record<'buyer' | 'vendor' | 'admin', TestUser>
const forgedHeaders = {} as Record<'expired' | 'forged' | 'algNone', string>
/** Real ids, slugs and file names seen in answers: path parameters take them half the time. */
const realValues = new Set<string>()

const ID = /^[a-z]{3}_[0-9a-f]{32}$/

/** Collects ids, slugs and the last segment of API links from a JSON value. */
function harvest(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    if (ID.test(value) || key === 'slug') realValues.add(value)
    if (value.startsWith('/api/')) realValues.add(value.split('?')[0]!.split('/').at(-1)!)
  } else if (Array.isArray(value)) {
    for (const item of value) harvest(item)
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) harvest(v, k)
  }
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string; iss: string }

/** The JSON of a fixture request that must succeed. */
async function succeeded(request: Promise<Response>): Promise<unknown> {
  const response = await request
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

/** Signed-in buyer, vendor (with products, a conversation with the buyer) and admin, and bad tokens. */
async function makeCallers(): Promise<void> {
  users.admin = await signUpAndSignIn(t, { role: 'admin' })
  users.buyer = await signUpAndSignIn(t)
  const { seller, product, other } = await makeSellerWithProducts(t)
  users.vendor = seller
  const conversation = await openConversation(t, users.buyer, product.id)
  const message = await sendOk(t, users.buyer, conversation.id, 'Is it still available?')
  harvest([product, other, conversation, message])
  // Media and reports, so their ids and file names are among the real values too.
  const photo = await phonePhoto({ width: 64, height: 64 })
  harvest(await succeeded(uploadFile(t, users.vendor, `/api/v1/products/${product.slug}/images`, photo, 'bowl.jpg', 'image/jpeg')))
  harvest(await succeeded(uploadFile(t, users.buyer, '/api/v1/me/avatar', photo, 'me.jpg', 'image/jpeg')))
  harvest(await succeeded(postJson(t, `/api/v1/products/${product.slug}/report`, { reason: 'spam' }, users.buyer.auth)))
  harvest(await succeeded(postJson(t, `/api/v1/messages/${message.id}/report`, { reason: 'spam' }, users.vendor.auth)))
  // The seller's notification of that message is written after the send answered.
  const unread = async () => ((await (await t.request('/api/v1/notifications/unread-count', { headers: users.vendor.auth })).json()) as { unreadCount: number }).unreadCount
  await waitFor(async () => (await unread()) > 0, 5_000, "the seller's notification")
  harvest([users.admin.id, users.buyer.id, users.vendor.id])
  const { sid, iss } = claimsOf(users.admin.accessToken)
  const past = { now: () => new Date(Date.now() - 60 * 60_000) }
  forgedHeaders.expired = `Bearer ${(await signAccessToken(t.ctx.config, past, users.admin.id, sid)).token}`
  const otherKey = { ...t.ctx.config, secrets: { ...t.ctx.config.secrets, JWT_SECRET: 'another secret of at least thirty-two characters' } }
  forgedHeaders.forged = `Bearer ${(await signAccessToken(otherKey, t.ctx.clock, users.admin.id, sid)).token}`
  const exp = Math.floor(Date.now() / 1000) + 600
  forgedHeaders.algNone = `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: users.admin.id, sid, iss, aud: 'souk-api', exp })}.`
}

/** Remakes the callers when a fuzz case signed one out for good (a session revoked, an account deleted). */
async function ensureCallers(): Promise<void> {
  for (const user of Object.values(users)) {
    const me = await t.request('/api/v1/me', { headers: user.auth })
    if (me.status !== 200) return makeCallers()
  }
}

/** Every parameterless GET as each caller: what it lists gives real ids to fuzz path parameters with. */
async function harvestLists(): Promise<void> {
  for (const op of operations.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
    for (const user of Object.values(users)) {
      const response = await t.request(op.path, { headers: { ...user.auth, 'x-forwarded-for': user.ip } })
      if (response.headers.get('content-type')?.includes('application/json')) harvest(await response.json())
      else await response.body?.cancel()
    }
  }
}

let fingerprint: Awaited<ReturnType<typeof createFingerprinter>>

beforeAll(async () => {
  fingerprint = await createFingerprinter(t.ctx.database.db)
  await makeCallers()
  await harvestLists()
  const requests = operations.length * CASES
  console.log(`fuzz: ${operations.length} operations × ${CASES} cases = ${requests} requests (seed ${fuzzSettings.seed})`)
}, 60_000)

// ---- generators ----

/** A path segment URL parsing would turn into a directory step (leaving the API). */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i
/** Percent-escapes that decode to nothing valid. */
const rawEscape = fc.constantFrom('%', '%ZZ', '%00', '%ED%A0%80', '%C0%AF', '%FF%FE')

/** Percent-encodes any string, lone surrogates included (as U+FFFD, like a browser). */
const encode = (value: unknown) => encodeURIComponent((typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).toWellFormed())

/** Header values must be ISO-8859-1 without controls, or the Request cannot even be built. */
const headerSafe = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(/[^\x20-\x7e]/g, '?').slice(0, 8_000)

function paramValue(parameter: Parameter): fc.Arbitrary<string> {
  const pattern = parameter.schema?.pattern === undefined ? null : new RegExp(parameter.schema.pattern)
  const real = [...realValues].filter((v) => pattern === null || pattern.test(v))
  const bad = fc.oneof(badValue(parameter.schema, parameter.name).map(encode), rawEscape)
  const value = real.length === 0 ? bad : fc.oneof(fc.constantFrom(...real).map(encode), bad)
  return value.map((v) => (v === '' || DOT_SEGMENT.test(v) ? '%20' : v))
}

/** `arbitrary` one time in `1 + otherwise`, null the rest: most cases should reach the handler. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, otherwise: number) => fc.oneof({ weight: otherwise, arbitrary: fc.constant(null) }, { weight: 1, arbitrary })

function queryArbitrary(parameters: Parameter[]): fc.Arbitrary<string> {
  const given = parameters.map((p) =>
    sometimes(fc.oneof(validValue(p.schema).map(encode), badValue(p.schema, p.name).map(encode), rawEscape).map((v) => `${encodeURIComponent(p.name)}=${v}`), 1),
  )
  const unknown = sometimes(fc.tuple(fc.constantFrom('foo', '__proto__', 'limit[]', 'a'.repeat(300), '%00'), nastyString).map(([k, v]) => `${k}=${encode(v)}`), 6)
  // The same parameter twice: a framework may hand the route an array where it expects a string.
  const repeated = parameters.length === 0 ? fc.constant(null) : sometimes(fc.constantFrom(...parameters).map((p) => `${p.name}=1&${p.name}=2`), 6)
  return fc.tuple(fc.tuple(...given), unknown, repeated).map(([pairs, extra, twice]) => [...pairs, extra, twice].filter((p) => p !== null).join('&'))
}

const RAW_BODIES = ['', '{', 'null', '[]', '42', '"x"', '{"a":', '\u0000', '{"__proto__":{"role":"admin"}}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, 'x'.repeat(100_000)]
const WRONG_CONTENT_TYPES = ['text/plain', 'application/xml', null, 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=nope', 'image/png']

function bodyArbitrary(op: Operation): fc.Arbitrary<Body> {
  if (op.method === 'GET') return fc.constant({ kind: 'none' })
  const raw = fc.record({ kind: fc.constant('raw' as const), text: fc.constantFrom(...RAW_BODIES), contentType: fc.constantFrom('application/json', ...WRONG_CONTENT_TYPES) })
  if (op.body === null) {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
      { weight: 1, arbitrary: raw },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: badValue(), contentType: fc.constant('application/json') }) },
    )
  }
  const { schema, contentTypes } = op.body
  const binary = Object.entries(schema.properties ?? {})
    .filter(([, s]) => s.format === 'binary')
    .map(([name]) => name)
  const variants: { weight: number; arbitrary: fc.Arbitrary<Body> }[] = [
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('json' as const), value: badBody(schema), contentType: fc.constant('application/json') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: validValue(schema), contentType: fc.constantFrom(...WRONG_CONTENT_TYPES) }) },
    { weight: 1, arbitrary: raw },
  ]
  if (contentTypes.includes('multipart/form-data')) {
    variants.push({ weight: binary.length > 0 ? 4 : 1, arbitrary: fc.record({ kind: fc.constant('form' as const), fields: badBody(schema), binary: fc.constant(binary) }) })
  }
  return fc.oneof(...variants)
}

function caseArbitrary(op: Operation): fc.Arbitrary<Case> {
  const byLocation = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where)
  const headerParams = [...byLocation('header'), ...byLocation('cookie')]
  return fc.record({
    caller: fc.constantFrom<CallerName>('anonymous', 'buyer', 'vendor', 'admin', 'buyer', 'vendor', 'admin', 'expired', 'forged', 'algNone', 'malformed'),
    malformedAuth: fc.constantFrom('Bearer', 'Bearer a.b.c', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'x'.repeat(10_000)}`, 'bearer  two  spaces', 'Bearer =='),
    params: fc.record(Object.fromEntries(byLocation('path').map((p) => [p.name, paramValue(p)]))),
    query: queryArbitrary(byLocation('query')),
    headers: fc.record(Object.fromEntries(headerParams.map((p) => [p.name, fc.oneof(validValue(p.schema), badValue(p.schema, p.name)).map(headerSafe)])), { requiredKeys: [] }),
    body: bodyArbitrary(op),
  })
}

// ---- one request ----

function authHeader(c: Case): Record<string, string> {
  switch (c.caller) {
    case 'anonymous':
      return {}
    case 'malformed':
      return { authorization: c.malformedAuth }
    case 'expired':
    case 'forged':
    case 'algNone':
      return { authorization: forgedHeaders[c.caller] }
    default:
      return users[c.caller].auth
  }
}

function requestOf(op: Operation, c: Case): { url: string; init: RequestInit } {
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => c.params[name] ?? '')
  const headers: Record<string, string> = { 'x-forwarded-for': testIp(), ...authHeader(c) }
  const cookies: string[] = []
  for (const p of op.parameters) {
    const value = c.headers[p.name]
    if (value === undefined) continue
    if (p.in === 'cookie') cookies.push(`${p.name}=${value}`)
    else headers[p.name] = value
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ')
  let body: BodyInit | undefined
  const { body: b } = c
  if (b.kind === 'json' || b.kind === 'raw') {
    body = b.kind === 'json' ? (JSON.stringify(b.value) ?? 'undefined') : b.text
    if (b.contentType !== null) headers['content-type'] = b.contentType
  } else if (b.kind === 'form') {
    const form = new FormData()
    for (const [name, value] of Object.entries(b.fields)) {
      const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
      // A binary field gets a "file" of the generated content; others get it as text.
      if (b.binary.includes(name)) form.append(name, new Blob([text], { type: 'image/png' }), 'x.png')
      else form.append(name, text)
    }
    body = form
  }
  return { url: `${url}${c.query === '' ? '' : `?${c.query}`}`, init: { method: op.method, headers, body } }
}


function describeRequest(op: Operation, c: Case, url: string, init: RequestInit): string {
  const body = c.body.kind === 'none' ? '' : c.body.kind === 'form' ? ` form ${preview(JSON.stringify(c.body.fields))}` : ` ${c.body.contentType ?? '(no content-type)'} ${preview(String(init.body))}`
  const sent = Object.entries(c.headers).map(([name, value]) => ` ${name}: ${preview(value ?? '')}`)
  return `${op.method} ${preview(url)} as ${c.caller}${sent.join(';')}${body}`
}

/** The fingerprint after the last request, while no request ran since (a GET may write too: views, last-seen). */
let known: Record<string, string> | null = null

async function check(op: Operation, c: Case): Promise<void> {
  const { url, init } = requestOf(op, c)
  const write = op.method !== 'GET'
  const before = write ? (known ?? (await fingerprint())) : null
  known = null
  const response = await t.request(url, init)
  const text = await response.text()
  const fail = (why: string) => {
    throw new Error(`${why}\n  request: ${describeRequest(op, c, url, init)}\n  answer: ${response.status} ${preview(text)}`)
  }
  // Without a job queue, routes that need it answer 503 not_ready: the server's state, not bad input.
  const notReady = response.status === 503 && (`${op.method} ${op.path}` in NEED_THE_QUEUE || /"type":"not_ready"/.test(text))
  if (response.status >= 500 && !notReady) fail('a 5xx')
  if (response.status >= 400 && !(notReady && `${op.method} ${op.path}` in NEED_THE_QUEUE)) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      fail('an error answer that is not JSON')
    }
    if (!isErrorResponse.Check(parsed)) fail('an error answer not in the standard shape')
    const { type } = (parsed as typeof ErrorResponse.static).error
    if (ERROR_STATUS[type] !== response.status) fail(`an error of type ${type} answered with status ${response.status}`)
  }
  if (before !== null) {
    // Auth flows write after answering (so the answer's time tells nothing); the mailer tracks it.
    await t.services.mailer.settled()
    const after = await fingerprint()
    known = after
    const changed = changedTables(before, after)
    if (response.status >= 400 && changed.length > 0) fail(`a refused request changed ${changed.join(', ')}`)
    // Only a write that changed something can have left work running after its answer.
    if (response.status < 400 && changed.length > 0) await settle()
  }
}

/**
 * Waits out work a successful write leaves running after its answer that nothing tracks (a chat
 * message's notification is written after the sender got the message back), so it is not blamed
 * on the next request: until ten fingerprints in a row, a poll apart, agree. A heuristic (no
 * signal says that work is done), kept to writes that changed something, few among fuzz cases.
 */
async function settle(): Promise<void> {
  let last = await fingerprint()
  let stable = 0
  await waitFor(
    async () => {
      const now = await fingerprint()
      stable = changedTables(last, now).length === 0 ? stable + 1 : 0
      last = now
      return stable >= 10
    },
    5_000,
    'the database to settle after a successful write',
  )
  known = last
}

describe('every documented operation', () => {
  for (const op of operations) {
    it(`${op.method} ${op.path} refuses bad input cleanly`, async () => {
      known = null
      await ensureCallers()
      await fc.assert(
        fc.asyncProperty(caseArbitrary(op), (c) => check(op, c)),
        // No shrinking: each case is a real request; the first failure says enough to replay it.
        { seed: fuzzSettings.seed, numRuns: CASES, endOnFailure: true },
      )
    }, 30_000)
  }
})
