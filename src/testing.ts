import { afterAll, beforeAll } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { treaty } from '@elysiajs/eden'
import { eq } from 'drizzle-orm'
import { type App, createApp, createServices, type Services, startJobKinds } from './app'
import { loadConfig, newSecrets } from './config'
import { createTestDatabase, type TestDatabase } from './db/test-database'
import { startQueue } from './jobs/queue'
import { type Clock, systemClock } from './lib/clock'
import type { ErrorType } from './lib/errors'
import { createLogger, type Logger } from './lib/log'
import { Metrics } from './lib/metrics'
import { createRateLimiter } from './lib/rate-limit'
import { createEphemeralStore } from './lib/ephemeral-store'
import type { Infrastructure } from './infrastructure'
import type { Realtime } from './realtime'
import { type Bus, createBus } from './lib/bus'
import { freePort } from '../scripts/cluster'
import { CSRF_HEADER, REFRESH_PATH } from './modules/accounts/cookie-auth'
import { users } from './modules/accounts/table'
import { vendors } from './modules/vendors/table'

export interface TestApp {
  app: App
  ctx: Infrastructure & { database: TestDatabase; realtime: Realtime }
  /** The app's mailer (what its routes and job workers send through). */
  services: Services
  /** `app.handle` on an absolute localhost URL (Elysia 404s short hosts). */
  request(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/**
 * Builds the real app for one test file: its own database (clone of the migrated template on
 * Postgres, fresh PGlite otherwise), the Redis bus when REDIS_URL is set, and optionally the queue.
 */
export async function createTestApp(
  options: {
    /** Start the job queue with every job kind registered (workers in this process). */
    queue?: boolean
    bus?: Bus
    /** Time for every rule of the app (a ManualClock lets a test move it). */
    clock?: Clock
    /** Extra environment variables, e.g. `{ PUBLIC_URL: 'https://souk.example', GOOGLE_CLIENT_ID: '...' }`. */
    env?: Record<string, string>
    /** Another test app's database: two instances on one database. Its owner drops it. */
    database?: TestDatabase
    /** The app's logger (e.g. one writing to an array, to assert on log lines). */
    log?: Logger
    /**
     * Listen on a free port of 127.0.0.1, which is then PUBLIC_URL: for what reaches the app over
     * real HTTP from outside (the sandbox payment provider's webhooks, a browser).
     */
    listen?: boolean
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-test-'))
  const port = options.listen === true ? freePort() : null
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    ...newSecrets(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests pose as many clients through X-Forwarded-For (see testIp), so per-address limits
    // of one test do not spill into the next.
    TRUST_PROXY: 'true',
    ...(port === null ? {} : { PUBLIC_URL: `http://127.0.0.1:${port}` }),
    ...options.env,
  })
  const log = options.log ?? createLogger(config.logLevel)
  const metrics = new Metrics()
  const database = options.database ?? (await createTestDatabase())
  const bus = options.bus ?? createBus(config.redisUrl, log)
  const queue = options.queue === true ? await startQueue(database, log, { metrics }) : null
  // Own key prefix: test files share one Redis and must not share counters or values.
  const prefix = `souk-test:${randomBytes(6).toString('hex')}:`
  const limiter = createRateLimiter(config.redisUrl, log, prefix)
  const ephemeral = createEphemeralStore(config.redisUrl, log, `${prefix}eph:`)
  const clock = options.clock ?? systemClock
  const infra = { config, database, bus, queue, log, clock, limiter, ephemeral, metrics }
  const services = createServices(infra)
  const { app, realtime } = createApp(infra, services)
  const ctx = { ...infra, realtime }
  if (queue !== null) await startJobKinds({ ...infra, queue }, services)
  if (port !== null) app.listen({ port, hostname: '127.0.0.1' })
  return {
    app,
    ctx,
    services,
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    close: async () => {
      await realtime.close()
      if (app.server !== null) await app.stop(true)
      await queue?.stop()
      await bus.close()
      await limiter.close()
      await ephemeral.close()
      if (options.database === undefined) await database.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Starts the app on a free port, for clients that need a real server (WebSockets); `close()`
 * stops it. Answers its http:// and ws:// base URLs.
 */
export function listen(t: TestApp): { url: string; wsUrl: string } {
  t.app.listen(0)
  const port = t.app.server!.port
  return { url: `http://localhost:${port}`, wsUrl: `ws://localhost:${port}` }
}

/**
 * Two instances of one deployment: one database, one signing secret (and Redis, from the
 * environment or `env`), each listening once: an app's sockets and its publishes live on the
 * server it first listened on. Close `b` before `a`, which owns the database.
 */
export async function twoInstances(env: Record<string, string> = {}): Promise<{ a: TestApp; b: TestApp; wsA: string; wsB: string }> {
  const shared = { ...newSecrets(), ...env }
  const a = await createTestApp({ env: shared })
  const b = await createTestApp({ env: shared, database: a.ctx.database })
  return { a, b, wsA: listen(a).wsUrl, wsB: listen(b).wsUrl }
}

/**
 * Two instances (`twoInstances`) shared by the tests of one describe block: started before them,
 * closed after them (`b` first), with the sockets the tests left in `sockets`. Read the fields
 * inside the tests (they are set in `beforeAll`).
 */
export function useTwoInstances(env: Record<string, string> = {}) {
  const cluster = { sockets: [] as { close(): void }[] } as Awaited<ReturnType<typeof twoInstances>> & { sockets: { close(): void }[] }
  beforeAll(async () => {
    Object.assign(cluster, await twoInstances(env))
  }, 60_000)
  afterAll(async () => {
    for (const socket of cluster.sockets) socket.close()
    await cluster.b?.close()
    await cluster.a?.close()
  })
  return cluster
}

/** Resolves once `condition` holds, polling each tick; fails after `timeoutMs` (a wait on a condition, not a sleep). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await Bun.sleep(5)
  }
}

let ipCounter = 0

/** A client address no other test in this process uses (send it as X-Forwarded-For). */
export function testIp(): string {
  ipCounter += 1
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`
}

/**
 * The typed client (Eden's treaty) over the app in process: paths, bodies and answers come from the
 * route schemas, so a test of a renamed route or a changed shape fails to compile. Answers
 * `{ data, error, status, response }`; an error body is `error.value`. `as` sends a user's token and
 * poses as their address (a TestUser fits); without an `ip`, each client is an address of its own.
 */
export function client(t: TestApp, as: { auth?: Record<string, string>; ip?: string } = {}) {
  return treaty<App>(t.app, { headers: { ...as.auth, 'x-forwarded-for': as.ip ?? testIp() } })
}

/** `POST path` with a JSON body from one client address; extra headers merge in. */
export function postJson(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return t.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

/** The `name=value` pair of the refresh cookie a response set, or null. */
export function refreshCookieOf(response: Response): string | null {
  const cookie = response.headers.getSetCookie().find((c) => /^(__Host-)?souk_refresh=/.test(c))
  return cookie === undefined ? null : cookie.split(';')[0]!
}

/** The newest code in the development mailbox of `email` (reads through the HTTP route). */
export async function latestCode(t: TestApp, email: string): Promise<string> {
  const response = await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}&limit=1`)
  const { items } = (await response.json()) as { items: { text: string }[] }
  const code = /\b(\d{6})\b/.exec(items[0]?.text ?? '')?.[1]
  if (code === undefined) throw new Error(`no code in the mailbox of ${email}`)
  return code
}

export interface TestUser {
  id: string
  email: string
  password: string
  /** The address the user signed up from; reuse it to stay "the same client". */
  ip: string
  accessToken: string
  /** `souk_refresh=...`, ready for a Cookie header. */
  refreshCookie: string
  /** `{ authorization: 'Bearer ...' }` for requests as this user. */
  auth: Record<string, string>
}

let userCounter = 0

/**
 * Signs a new user up through the real routes (register, code from the dev mailbox, verify),
 * so the user is verified and signed in. `role` is then set in the database: roles other
 * than buyer are granted by other flows (vendor approval, admin bootstrap).
 */
export async function signUpAndSignIn(
  t: TestApp,
  options: { email?: string; password?: string; displayName?: string; role?: 'buyer' | 'vendor' | 'admin' } = {},
): Promise<TestUser> {
  userCounter += 1
  const email = options.email ?? `user${userCounter}-${randomBytes(3).toString('hex')}@example.test`
  const password = options.password ?? `test password ${randomBytes(6).toString('hex')}`
  const ip = testIp()
  const headers = { 'x-forwarded-for': ip }
  const registered = await postJson(t, '/api/v1/auth/register', { email, password, displayName: options.displayName ?? `User ${userCounter}` }, headers)
  if (registered.status !== 202) throw new Error(`register answered ${registered.status}: ${await registered.text()}`)
  const verified = await postJson(t, '/api/v1/auth/verify', { email, code: await latestCode(t, email) }, headers)
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}: ${await verified.text()}`)
  const body = (await verified.json()) as { accessToken: string; user: { id: string } }
  if (options.role !== undefined && options.role !== 'buyer') {
    await t.ctx.database.db.update(users).set({ role: options.role }).where(eq(users.id, body.user.id))
  }
  return {
    id: body.user.id,
    email,
    password,
    ip,
    accessToken: body.accessToken,
    refreshCookie: refreshCookieOf(verified)!,
    auth: { authorization: `Bearer ${body.accessToken}` },
  }
}

/**
 * Signs `user` in again through their refresh cookie (rotated), for a test that moved a ManualClock
 * past their access token's life. Updates and answers the same object.
 */
export async function refreshSignIn(t: TestApp, user: TestUser): Promise<TestUser> {
  const response = await t.request(REFRESH_PATH, { method: 'POST', headers: { cookie: user.refreshCookie, [CSRF_HEADER]: '1', 'x-forwarded-for': user.ip } })
  if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${await response.text()}`)
  const body = (await response.json()) as { accessToken: string }
  user.accessToken = body.accessToken
  user.auth = { authorization: `Bearer ${body.accessToken}` }
  user.refreshCookie = refreshCookieOf(response)!
  return user
}

let shopCounter = 0

/** An admin and a category to list products in: what most module tests make first. */
export async function adminWithCategory(t: TestApp, category: { name: string; slug: string } = { name: 'Home', slug: 'home' }): Promise<{ admin: TestUser; categoryId: string }> {
  const admin = await signUpAndSignIn(t, { role: 'admin' })
  const created = await client(t, admin).api.v1.admin.categories.post(category)
  if (created.status !== 201) throw new Error(`create category answered ${created.status}`)
  return { admin, categoryId: created.data!.id }
}

/**
 * A signed-in vendor with a shop (approved unless `status` says otherwise), made through the
 * apply route and then set in the database, as an admin's decision would.
 */
export async function makeVendor(
  t: TestApp,
  options: { status?: 'pending' | 'approved' | 'suspended' | 'rejected'; companyName?: string; slug?: string } = {},
): Promise<{ user: TestUser; vendor: { id: string; slug: string } }> {
  shopCounter += 1
  const suffix = `${shopCounter}-${randomBytes(3).toString('hex')}`
  const user = await signUpAndSignIn(t, { role: options.status === undefined || options.status === 'approved' || options.status === 'suspended' ? 'vendor' : 'buyer' })
  const applied = await postJson(
    t,
    '/api/v1/vendors',
    {
      companyName: options.companyName ?? `Shop ${suffix}`,
      slug: options.slug ?? `shop-${suffix}`,
      description: 'Hand-made goods from a small family workshop.',
      contactEmail: `shop-${suffix}@example.test`,
      contactPhone: '+212 600 000000',
      address: '12 Derb Example',
      city: 'Fez',
      country: 'MA',
      taxNumber: `TAX${suffix.replace('-', '')}`,
    },
    user.auth,
  )
  if (applied.status !== 201) throw new Error(`apply answered ${applied.status}: ${await applied.text()}`)
  const vendor = (await applied.json()) as { id: string; slug: string }
  const status = options.status ?? 'approved'
  if (status !== 'pending') {
    const now = new Date()
    await t.ctx.database.db
      .update(vendors)
      .set({ status, approvedAt: status === 'rejected' ? null : now, reviewedAt: now })
      .where(eq(vendors.id, vendor.id))
  }
  return { user, vendor: { id: vendor.id, slug: vendor.slug } }
}

/** The `error` of a response in the standard error shape (`details` as validation failures list it). */
export async function errorOf(response: Response): Promise<{ type: ErrorType; message: string; details?: { field: string; message: string }[]; requestId: string }> {
  return ((await response.json()) as { error: Awaited<ReturnType<typeof errorOf>> }).error
}

/** `PATCH|DELETE|... path` with a JSON body; extra headers merge in. */
export function sendJson(t: TestApp, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return t.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

let productCounter = 0

/** An active product of `vendor` (through the create route); `fields` override the defaults. */
export async function makeProduct(t: TestApp, vendor: TestUser, fields: Record<string, unknown> & { categoryId: string }): Promise<{ id: string; slug: string } & Record<string, unknown>> {
  productCounter += 1
  const response = await postJson(
    t,
    '/api/v1/products',
    {
      title: `Test product ${productCounter}`,
      description: 'A product made for a test.',
      priceMinor: 10_000,
      currency: 'MAD',
      stock: 3,
      condition: 'new',
      location: 'Fez',
      status: 'active',
      ...fields,
    },
    vendor.auth,
  )
  if (response.status !== 201) throw new Error(`create product answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as { id: string; slug: string }
}

/**
 * Starts `bun src/main.ts` (with `args`, e.g. `--worker-only`) as a real process on a random
 * port and waits for its start line. `lines` fills with its JSON log lines as they come.
 */
export async function startSouk(env: Record<string, string>, args: string[] = []) {
  const proc = Bun.spawn([process.execPath, 'src/main.ts', ...args], {
    cwd: join(import.meta.dir, '..'),
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const lines: Record<string, unknown>[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  const reading = (async () => {
    const reader = proc.stdout.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value)
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        try {
          lines.push(JSON.parse(line))
        } catch {
          // not a log line
        }
      }
    }
  })()
  const deadline = Date.now() + 60_000
  while (!lines.some((l) => l.msg === 'souk started')) {
    if (proc.exitCode !== null) throw new Error(`souk exited early: ${await new Response(proc.stderr).text()}`)
    if (Date.now() > deadline) throw new Error('souk did not start within 60 s')
    await Bun.sleep(20)
  }
  const url = String(lines.find((l) => l.msg === 'souk started')!.url)
  return { proc, url, lines, reading }
}
