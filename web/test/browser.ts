/**
 * Real-browser test harness: Souk in process on a random port with its own database, Debian's
 * Chromium through playwright-core, console errors and failed asset loads collected per page, and
 * screenshots saved under test-artifacts/screenshots. Then the fixtures the browser tests share.
 */
import { afterAll, beforeAll, expect } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page, type Request } from 'playwright-core'
import { freePort } from '../../scripts/cluster'
import { DEBIAN_CHROMIUM } from '../../scripts/prerequisites.mjs'
import type { Clock } from '../../src/lib/clock'
import type { CatalogModel } from '../../src/modules/catalog/model'
import { createTestApp, latestCode, postJson, refreshCookieOf, signUpAndSignIn, type TestApp, type TestUser, testIp } from '../../src/testing'
import { WEB_DIST } from '../../src/web/build'

const ROOT = join(import.meta.dir, '..', '..')
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots')
export const CHROMIUM = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 375, height: 740 },
} as const

/**
 * `scripts/run.mjs test` builds the client before the suite; a bare `bun test` on a fresh clone
 * builds it here once, so a browser test never runs against nothing.
 */
export function ensureWebBuild(): void {
  if (existsSync(join(WEB_DIST, 'client/.vite/manifest.json')) && existsSync(join(WEB_DIST, 'server/entry-server.js'))) return
  const result = spawnSync('bun', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('bun run build:web failed')
}

export interface Souk {
  url: string
  testApp: TestApp
  close(): Promise<void>
}

/**
 * Starts the real app (test database, test config) listening on a free port. PUBLIC_URL is the
 * address the browser uses, so links in captured mail (password reset) lead back to this app.
 */
export async function startSouk(options: { clock?: Clock; env?: Record<string, string> } = {}): Promise<Souk> {
  ensureWebBuild()
  const port = freePort()
  const url = `http://127.0.0.1:${port}`
  // With the queue running the app is ready, so /readyz answers 200 like a healthy deployment.
  const testApp = await createTestApp({ queue: true, clock: options.clock, env: { PUBLIC_URL: url, ...options.env } })
  testApp.app.listen({ port, hostname: '127.0.0.1' })
  if (testApp.app.server === null) throw new Error('the app did not start listening')
  return {
    url,
    testApp,
    close: async () => {
      await testApp.app.stop(true)
      await testApp.close()
    },
  }
}

/** A test file's Souk and Chromium, there from its first test to its last. */
export interface Suite {
  souk: Souk
  browser: Browser
}

/**
 * Starts Souk and Chromium before a test file's tests (registered first, so the file's own
 * beforeAll hooks can use them) and stops both after them.
 */
export function useSouk(options: Parameters<typeof startSouk>[0] = {}): Suite {
  const suite = {} as Suite
  beforeAll(async () => {
    ;[suite.souk, suite.browser] = await Promise.all([startSouk(options), launchBrowser()])
  }, 120_000)
  afterAll(async () => {
    await suite.browser?.close()
    await suite.souk?.close()
  })
  return suite
}

/** One half of playwright-core's in-process protocol connection (its client, or its server). */
interface ProtocolHalf {
  onmessage: (message: unknown) => void
  dispatch: (message: unknown) => unknown
  toImpl?: (object: unknown) => unknown
}

/**
 * Hands each message of `deliver`'s direction on in the order it was sent, one per tick, from one queue.
 */
function inOrder(deliver: (message: unknown) => unknown): (message: unknown) => void {
  const queue: unknown[] = []
  const next = (): void => {
    const message = queue.shift()
    // The next one is scheduled before this one is delivered, so a delivery that throws stalls nothing.
    if (queue.length > 0) setImmediate(next)
    deliver(message)
  }
  return (message) => {
    if (queue.push(message) === 1) setImmediate(next)
  }
}

/**
 * playwright-core in a process (no driver) passes every protocol message between its client and
 * server halves in a `setImmediate` of its own, trusting them to run in the order they were made.
 * Under load Bun 1.4 does not always run them so: a page's `requestFinished` event reached the
 * client before the `__create__` of its request ("Object with guid request@… was not bound in the
 * connection", about 1 run in 8 of reach.test.ts's placement test). One queue per direction,
 * drained in order, makes the order the sender's again. Reached through the client's `toImpl`,
 * which playwright-core's in-process factory defines to return the server half.
 */
let ordered = false
function deliverProtocolInOrder(): void {
  if (ordered) return
  const client = (chromium as unknown as { _connection: ProtocolHalf })._connection
  const server = client.toImpl?.(client) as ProtocolHalf | undefined
  if (server === undefined) throw new Error('playwright-core no longer exposes its in-process connection: see deliverProtocolInOrder')
  server.onmessage = inOrder((message) => client.dispatch(message))
  client.onmessage = inOrder((message) => server.dispatch(message))
  ordered = true
}

export function launchBrowser(): Promise<Browser> {
  deliverProtocolInOrder()
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Everything that went wrong on a page: console errors, uncaught exceptions, failed loads. */
export interface PageProblems {
  problems: string[]
}

export interface OpenedPage extends PageProblems {
  page: Page
  close(): Promise<void>
}

export async function openPage(browser: Browser, options: BrowserContextOptions & { viewport?: { width: number; height: number } } = {}): Promise<OpenedPage> {
  // Each context poses as its own client address (tests trust X-Forwarded-For), so per-address
  // rate limits of one test do not spill into the next.
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, extraHTTPHeaders: { 'x-forwarded-for': testIp() }, ...options })
  const page = await context.newPage()
  const problems: string[] = []
  // Documents may be 404 on purpose (the not-found page); Chromium logs those as console errors.
  const missingDocuments = new Set<string>()
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    if (message.text().startsWith('Failed to load resource') && missingDocuments.has(message.location().url)) return
    problems.push(`console error: ${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? ''
    // ERR_ABORTED is a cancellation, not a failure: the page aborted a fetch (a stale suggestion)
    // or navigated away while something (the favicon, a fetch) was still loading. A missing or
    // broken asset still fails the test: it answers 4xx/5xx (below) or fails with another error.
    if (reason === 'net::ERR_ABORTED') return
    problems.push(`request failed: ${request.url()} ${reason}`)
  })
  page.on('response', (response) => {
    if (response.status() < 400) return
    if (response.request().resourceType() === 'document' && response.status() === 404) missingDocuments.add(response.url())
    else problems.push(`${response.status()} for ${response.request().resourceType()} ${response.url()}`)
  })
  keepTrail(page, problems)
  return { page, problems, close: () => context.close() }
}

/** What a page did lately: its API calls as they ended, those still waiting, and its sockets. */
interface Trail {
  lines: string[]
  waiting: Map<Request, number>
  problems: string[]
}
const trails = new WeakMap<Page, Trail>()
const callOf = (request: Request) => `${request.method()} ${new URL(request.url()).pathname}`

function keepTrail(page: Page, problems: string[]): void {
  explainTimeouts(page)
  const trail: Trail = { lines: [], waiting: new Map(), problems }
  const opened = Date.now()
  const note = (line: string) => {
    trail.lines.push(`${((Date.now() - opened) / 1000).toFixed(2)} s ${line}`)
    if (trail.lines.length > 30) trail.lines.shift()
  }
  page.on('request', (request) => request.url().includes('/api/') && trail.waiting.set(request, Date.now()))
  page.on('requestfinished', (request) => {
    if (!trail.waiting.delete(request)) return
    // The page may close before the answer is read: that is no failure of the test that closed it.
    void request.response().then(
      (response) => note(`${callOf(request)} ${response?.status() ?? '?'}`),
      () => note(`${callOf(request)} (page closed)`),
    )
  })
  page.on('requestfailed', (request) => trail.waiting.delete(request) && note(`${callOf(request)} failed: ${request.failure()?.errorText ?? '?'}`))
  page.on('websocket', (socket) => {
    note('socket opened')
    socket.on('close', () => note('socket closed'))
  })
  trails.set(page, trail)
}

/**
 * A wait, click or fill that times out says what its page did lately (the trail above, the URL,
 * the page's problems): a browser test that fails once in a suite run has that to go on. Set on
 * playwright-core's Locator once.
 */
let explaining = false
function explainTimeouts(page: Page): void {
  if (explaining) return
  explaining = true
  const proto = Object.getPrototypeOf(page.locator('body')) as Record<'waitFor' | 'click' | 'fill', (...args: unknown[]) => Promise<unknown>>
  for (const name of ['waitFor', 'click', 'fill'] as const) {
    const original = proto[name]
    proto[name] = async function (this: Locator, ...args: unknown[]) {
      try {
        return await original.apply(this, args)
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') error.message += describeTrail(this.page())
        throw error
      }
    }
  }
}

function describeTrail(page: Page): string {
  const trail = trails.get(page)
  if (trail === undefined) return ''
  const now = Date.now()
  const waiting = [...trail.waiting].map(([request, since]) => `${callOf(request)} for ${((now - since) / 1000).toFixed(1)} s`)
  return `\npage: ${page.url()}\nlately:\n  ${trail.lines.join('\n  ')}\nstill waiting: ${waiting.join('; ') || 'nothing'}\nproblems: ${trail.problems.join(' | ') || 'none'}`
}

/**
 * Signs `user` in to a browser context the way a returning visitor is: with the refresh cookie
 * their browser keeps. The next page load restores the session from it.
 */
export async function signInContext(page: Page, souk: Souk, user: TestUser): Promise<void> {
  const split = user.refreshCookie.indexOf('=')
  const [name, value] = [user.refreshCookie.slice(0, split), user.refreshCookie.slice(split + 1)]
  await page.context().addCookies([{ name, value, url: souk.url, httpOnly: true, sameSite: 'Strict' }])
}

/** Waits until the client has hydrated (entry-client marks it) — interaction before is a race. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true')
}

/** Saves a full-page screenshot as `<name>.png` under SCREENSHOTS; `name` may name a folder too (`review/home`). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOTS, `${name}.png`)
  mkdirSync(dirname(file), { recursive: true })
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** Screenshots at desktop and phone width; nothing may overflow sideways on the phone. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-desktop`)
  await page.setViewportSize(VIEWPORTS.mobile)
  await screenshot(page, `${name}-mobile`)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.mobile.width)
  await page.setViewportSize(VIEWPORTS.desktop)
}

/** An amount as the pages print it, exactly: "MAD 1,234.50" (the space may be a no-break one). */
export const madText = (minor: number) => new RegExp(`^MAD\\s${(minor / 100).toLocaleString('en', { minimumFractionDigits: 2 }).replace('.', '\\.')}$`)

/** Waits until the figure with test id `<key>-MAD` (a wallet's or the Earnings' balance) reads `minor`. */
export const moneyFigure = (page: Page, key: string, minor: number) => page.getByTestId(`${key}-MAD`).filter({ hasText: madText(minor) }).waitFor(WAIT)

/** Keeps the page's sockets (window.sockets, to cut one) and the frames it sends and receives (window.sent, window.received). */
export const keepSockets = (page: Page) =>
  page.addInitScript(() => {
    const sockets: WebSocket[] = []
    const sent: string[] = []
    const received: string[] = []
    const Native = window.WebSocket
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args)
        sockets.push(this)
        this.addEventListener('message', (event) => received.push(String(event.data)))
      }
      override send(data: string) {
        sent.push(data)
        super.send(data)
      }
    }
    Object.assign(window, { sockets, sent, received })
  })

/** How long a test waits for what a page should show: generous, for Chromium on a small shared machine. */
export const WAIT = { timeout: 20_000 }

/** The body of an API answer, after checking its status (the body is in the error when it is not `expected`). */
export async function json<T>(response: Response | Promise<Response>, expected: number): Promise<T> {
  const res = await response
  const body = await res.text()
  if (res.status !== expected) throw new Error(`${res.url} answered ${res.status} (expected ${expected}): ${body}`)
  return JSON.parse(body) as T
}

/**
 * An admin and a category they made, there before a test file's tests (register it after useSouk,
 * before the file's own beforeAll): a product needs a category.
 */
export function useCategory(suite: Suite, name: string): { admin: TestUser; categoryId: string } {
  const made = {} as { admin: TestUser; categoryId: string }
  beforeAll(async () => {
    const t = suite.souk.testApp
    made.admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Admin' })
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
    made.categoryId = (await json<CatalogModel.Category>(postJson(t, '/api/v1/admin/categories', { name, slug }, made.admin.auth), 201)).id
  }, 60_000)
  return made
}

/**
 * `user`'s browser on `path`, hydrated, keeping its socket frames (`keepSockets`). Each page signs
 * in anew: refresh tokens rotate, so two browsers holding one cookie would look stolen.
 */
export async function pageAs(suite: Suite, user: TestUser, path: string): Promise<OpenedPage> {
  const login = await postJson(suite.souk.testApp, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp() })
  expect(login.status).toBe(200)
  const opened = await openPage(suite.browser)
  await keepSockets(opened.page)
  await signInContext(opened.page, suite.souk, { ...user, refreshCookie: refreshCookieOf(login)! })
  await opened.page.goto(`${suite.souk.url}${path}`)
  await hydrated(opened.page)
  return opened
}

/**
 * From a page that offers a guest to create an account (the cart), signs up as a visitor does (the
 * form, then the code mailed to a new address) and waits to be back on that page, signed in.
 */
export async function signUpFromHere(page: Page, souk: Souk, displayName: string): Promise<void> {
  const here = page.url()
  await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click()
  await page.waitForURL(`${souk.url}/signup?next=${encodeURIComponent(new URL(here).pathname)}`, WAIT)
  const email = `${displayName.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`
  await page.getByLabel('Display name').fill(displayName)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('lanterns over the medina')
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: 'Check your email' }).waitFor(WAIT)
  await page.getByLabel('Code').fill(await latestCode(souk.testApp, email))
  await page.getByRole('button', { name: 'Confirm and sign in' }).click()
  await page.waitForURL(here, WAIT)
}

/** Waits for a toast saying `text`. */
export const toast = (page: Page, text: string) => page.locator('.toast').getByText(text).first().waitFor(WAIT)

/** On the sandbox's hosted card page: fills its form (plain HTML, no script) with card `number` and submits it. */
export async function payByCard(page: Page, number: string): Promise<void> {
  await page.waitForURL(/\/pay\/sbx_[0-9a-f]+$/, WAIT)
  await page.getByLabel('Card number').fill(number)
  await page.getByLabel('Expiry (MM/YY)').fill('12/40')
  await page.getByLabel('Security code').fill('123')
  await page.getByLabel('Name on card').fill('Amina B.')
  await page.getByRole('button', { name: /^Pay / }).click()
}

/** Resolves once the server confirmed the page follows `topic` (the page keeps its frames: `keepSockets`): what is published from then on reaches it. */
export const following = (page: Page, topic: string) =>
  page.waitForFunction(
    (name) =>
      (window as unknown as { received: string[] }).received
        .map((frame) => JSON.parse(frame) as { type: string; topic?: string })
        .some((m) => m.type === 'subscribed' && m.topic === name),
    topic,
    WAIT,
  )
