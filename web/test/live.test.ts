import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import type { Page, Route, WebSocketRoute } from 'playwright-core'
import { makeSellerWithProducts, openConversation, sendOk } from '../../src/modules/chat/testing'
import { postJson, signUpAndSignIn, type TestUser, testIp } from '../../src/testing'
import { hydrated, keepSockets, type OpenedPage, openPage, screenshot, signInContext, useSouk, VIEWPORTS } from './browser'

// Two browsers' worth of Chromium on a small shared machine: generous limits, one browser per file.
const T = 90_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()

type PageOptions = Parameters<typeof openPage>[1]

/** `user`'s browser on `path`, hydrated, session restored and the socket open. */
async function signedInPage(user: TestUser, path: string, options: PageOptions = {}): Promise<OpenedPage> {
  const opened = await openPage(suite.browser, options)
  await signInContext(opened.page, suite.souk, user)
  await opened.page.goto(`${suite.souk.url}${path}`)
  await hydrated(opened.page)
  await liveOpen(opened.page)
  return opened
}

const liveOpen = (page: Page) => page.locator('.live-status[data-state="open"]').waitFor(WAIT)
const bell = (page: Page) => page.locator('.bell')
const bellSays = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).and(bell(page)).waitFor(WAIT)
const noticeRows = (page: Page, text: string) => page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: text })

/** A sign-in to `user`'s account from a browser it never used: the server notifies them of it. */
const signInFromNewDevice = (user: TestUser, userAgent: string) =>
  postJson(suite.souk.testApp, '/api/v1/auth/login', { email: user.email, password: user.password }, { 'x-forwarded-for': testIp(), 'user-agent': userAgent })

/** Marks the document, so a later check can tell the page was never reloaded. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { sameDocument: true }))
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true)

describe('notifications, live', () => {
  it('actions elsewhere reach the open page at once: list, bell count, dropdown; mark all read clears it', async () => {
    // A seller, so that a buyer can write to her about her product.
    const { seller: user, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Omar Buyer' })
    const first = await signedInPage(user, '/notifications')
    const { page } = first
    await page.getByText('You’re all caught up').waitFor(WAIT)
    await bellSays(page, 'Notifications')
    await markDocument(page)

    // The action, in a second browser: signing in through the form. Its user agent is new to the
    // account (the account was made over plain HTTP), so the server sends a security notice.
    const second = await openPage(suite.browser, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' })
    await second.page.goto(`${suite.souk.url}/signin`)
    await hydrated(second.page)
    await second.page.getByLabel('Email').fill(user.email)
    await second.page.getByLabel('Password').fill(user.password)
    await second.page.getByRole('button', { name: 'Sign in' }).click()
    await second.page.waitForURL((url) => url.pathname !== '/signin', WAIT)

    await noticeRows(page, 'New sign-in to your account').waitFor(WAIT)
    await bellSays(page, 'Notifications, 1 unread')
    expect(await page.locator('.bell__count').textContent()).toBe('1')

    // Another user's action: the buyer writes to her. There is no chat screen yet, so the buyer
    // sends through the chat API's REST route, as a chat screen will.
    await sendOk(suite.souk.testApp, buyer, (await openConversation(suite.souk.testApp, buyer, product.id)).id, 'Is the bowl still available?')
    await noticeRows(page, 'Omar Buyer sent you a message').waitFor(WAIT)
    await bellSays(page, 'Notifications, 2 unread')

    await bell(page).click()
    const menu = page.getByRole('menu', { name: 'Notifications, 2 unread' })
    await menu.getByRole('menuitem', { name: /New sign-in to your account/ }).waitFor(WAIT)
    await menu.getByRole('menuitem', { name: /Omar Buyer sent you a message/ }).waitFor(WAIT)
    await screenshot(page, 'notifications-dropdown-desktop')
    await menu.getByRole('menuitem', { name: 'Mark all read' }).click()
    await bellSays(page, 'Notifications')
    expect(await page.locator('.bell__count').count()).toBe(0)
    // The list hears about the read too: the row is no longer unread.
    await page.getByRole('button', { name: /^Mark read:/ }).waitFor({ state: 'detached', ...WAIT })
    await screenshot(page, 'notifications-desktop')

    expect(await sameDocument(page)).toBe(true)
    expect(first.problems).toEqual([])
    expect(second.problems).toEqual([])
    await second.close()
    await first.close()
  }, T)

  it('after the socket drops, what happened meanwhile arrives once on reconnect', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Rachid' })
    const opened = await openPage(suite.browser)
    const { page } = opened
    // Keep the page's sockets reachable, to cut one from the test, and what the page sends.
    await keepSockets(page)
    const subscribes = async () =>
      (await page.evaluate(() => (window as unknown as { sent: string[] }).sent))
        .map((frame) => JSON.parse(frame) as { type: string; topic?: string; since?: number })
        .filter((m) => m.type === 'subscribe' && m.topic === `user:${user.id}`)
    await signInContext(page, suite.souk, user)
    await page.goto(`${suite.souk.url}/notifications`)
    await hydrated(page)
    await liveOpen(page)
    await page.getByText('You’re all caught up').waitFor(WAIT)
    await markDocument(page)
    // The bell, the page's list and the job toasts all follow user:<id>: one subscription.
    expect(await subscribes()).toEqual([{ type: 'subscribe', topic: `user:${user.id}` }])
    // Cut once the page knows the id it follows the topic from, so the next socket resumes from it
    // (a cut before that is the test below).
    await page.waitForFunction(
      (topic) =>
        (window as unknown as { received: string[] }).received
          .map((frame) => JSON.parse(frame) as { type: string; topic?: string })
          .some((m) => m.type === 'subscribed' && m.topic === topic),
      `user:${user.id}`,
      WAIT,
    )

    // Hold the reconnect's ticket request until the events are published: they happen while away.
    let hold!: (route: Route) => void
    const held = new Promise<Route>((resolve) => (hold = resolve))
    await page.route('**/api/v1/realtime/ticket', (route) => hold(route))
    await page.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.at(-1)!.close())
    await page.locator('.live-status[data-state="reconnecting"]').waitFor(WAIT)
    for (const agent of ['Phone/1.0 (Android)', 'Tablet/2.0 (iPad)']) expect((await signInFromNewDevice(user, agent)).status).toBe(200)
    const ticket = await held
    await ticket.continue()
    await page.unroute('**/api/v1/realtime/ticket')
    await liveOpen(page)

    await bellSays(page, 'Notifications, 2 unread')
    await noticeRows(page, 'Phone/1.0').waitFor(WAIT)
    await noticeRows(page, 'Tablet/2.0').waitFor(WAIT)
    // Once each: the replay is not repeated by live delivery, and no row came twice.
    expect(await noticeRows(page, 'New sign-in').count()).toBe(2)
    // The second socket resumed the topic from the last id the first one saw.
    const [, resumed] = await subscribes()
    expect(resumed).toEqual({ type: 'subscribe', topic: `user:${user.id}`, since: expect.any(Number) })
    expect(await sameDocument(page)).toBe(true)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)

  it('when the socket drops before the server confirmed the subscription, what happened meanwhile still arrives', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Nadia' })
    const topic = `user:${user.id}`
    const opened = await openPage(suite.browser)
    const { page } = opened
    // Between the sockets and the page: the first socket's `subscribed` for user:<id> is held
    // back, so the page never learns the id it follows the topic from; the next socket is untouched.
    const sockets: WebSocketRoute[] = []
    const withheld = Promise.withResolvers<void>()
    await page.routeWebSocket(/\/ws\?ticket=/, (ws) => {
      const first = sockets.push(ws) === 1
      const server = ws.connectToServer()
      server.onMessage((frame) => {
        const message = JSON.parse(String(frame)) as { type: string; topic?: string }
        if (first && message.type === 'subscribed' && message.topic === topic) return withheld.resolve()
        ws.send(frame)
      })
    })
    await signInContext(page, suite.souk, user)
    await page.goto(`${suite.souk.url}/notifications`)
    await hydrated(page)
    await page.getByText('You’re all caught up').waitFor(WAIT)
    await withheld.promise

    // Cut before the answer arrives; the sign-ins happen while away, as in the test above. Resuming
    // is impossible without an id: the page must refetch what the topic carried meanwhile.
    let hold!: (route: Route) => void
    const held = new Promise<Route>((resolve) => (hold = resolve))
    await page.route('**/api/v1/realtime/ticket', (route) => hold(route))
    await sockets[0]!.close()
    await page.locator('.live-status[data-state="reconnecting"]').waitFor(WAIT)
    for (const agent of ['Phone/1.0 (Android)', 'Tablet/2.0 (iPad)']) expect((await signInFromNewDevice(user, agent)).status).toBe(200)
    await (await held).continue()
    await page.unroute('**/api/v1/realtime/ticket')
    await liveOpen(page)

    await bellSays(page, 'Notifications, 2 unread')
    await noticeRows(page, 'Phone/1.0').waitFor(WAIT)
    await noticeRows(page, 'Tablet/2.0').waitFor(WAIT)
    expect(await noticeRows(page, 'New sign-in').count()).toBe(2)
    expect(sockets).toHaveLength(2)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
})

describe('the notifications page', () => {
  it('filters unread ones, marks one read, deletes one and saves preferences', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Latifa' })
    for (const agent of ['Phone/1.0 (Android)', 'Tablet/2.0 (iPad)']) await signInFromNewDevice(user, agent)
    const opened = await signedInPage(user, '/notifications')
    const { page } = opened
    await noticeRows(page, 'Phone/1.0').waitFor(WAIT)
    await bellSays(page, 'Notifications, 2 unread')

    await page.getByRole('button', { name: /^Mark read: .*Phone\/1\.0/ }).click()
    await bellSays(page, 'Notifications, 1 unread')
    await page.getByRole('button', { name: 'Unread', exact: true }).click()
    await noticeRows(page, 'Tablet/2.0').waitFor(WAIT)
    await noticeRows(page, 'Phone/1.0').waitFor({ state: 'detached', ...WAIT })
    await page.getByRole('button', { name: /^Delete: .*Tablet\/2\.0/ }).click()
    await page.getByText('Nothing unread').waitFor(WAIT)
    await bellSays(page, 'Notifications')
    await page.getByRole('button', { name: 'All', exact: true }).click()
    await noticeRows(page, 'Phone/1.0').waitFor(WAIT)
    expect(await noticeRows(page, 'New sign-in').count()).toBe(1)

    const likesByEmail = page.getByRole('checkbox', { name: 'Likes by email' })
    expect(await likesByEmail.isChecked()).toBe(false)
    await likesByEmail.check()
    await page.getByText('Preferences saved.').waitFor(WAIT)
    await page.reload()
    await hydrated(page)
    await page.getByRole('checkbox', { name: 'Likes by email', checked: true }).waitFor(WAIT)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
})

describe('presence', () => {
  it('shows another person go online and offline as their suite.browser opens and closes', async () => {
    const [viewer, other] = await Promise.all([signUpAndSignIn(suite.souk.testApp, { displayName: 'Salma' }), signUpAndSignIn(suite.souk.testApp, { displayName: 'Driss' })])
    const watching = await signedInPage(viewer, `/users/${other.id}`)
    const { page } = watching
    const profile = page.getByRole('article')
    await profile.getByRole('img', { name: 'Offline' }).waitFor(WAIT)
    // Your own avatar in the header says you are online.
    await page.locator('.account-button').getByRole('img', { name: 'Online' }).waitFor(WAIT)

    const theirs = await signedInPage(other, '/')
    await profile.getByRole('img', { name: 'Online' }).waitFor(WAIT)
    await profile.getByText('Online').waitFor(WAIT)
    await screenshot(page, 'presence-online-desktop')
    await theirs.close()
    await profile.getByRole('img', { name: /^Last seen/ }).waitFor(WAIT)

    expect(watching.problems).toEqual([])
    expect(theirs.problems).toEqual([])
    await watching.close()
  }, T)
})

describe('jobs', () => {
  it('runs an export with a live bar, steps and log, a finish toast and a download', async () => {
    const user = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Hamza' })
    // Something to export besides the sign-ins: a notice of a new device.
    await signInFromNewDevice(user, 'Laptop/3.0 (Windows)')
    const opened = await signedInPage(user, '/jobs')
    const { page } = opened
    await page.getByText('No jobs yet').waitFor(WAIT)
    // Every value the bar and the log show, in order, as the page paints them.
    await page.evaluate(() => {
      const seen = { progress: [] as number[], logLines: [] as number[] }
      new MutationObserver(() => {
        const bar = document.querySelector('.job [role="progressbar"]')
        const value = Number(bar?.getAttribute('aria-valuenow') ?? -1)
        if (bar !== null && seen.progress.at(-1) !== value) seen.progress.push(value)
        const lines = document.querySelectorAll('.job__log li').length
        if (seen.logLines.at(-1) !== lines) seen.logLines.push(lines)
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
      Object.assign(window, { seen })
    })

    await page.getByRole('button', { name: 'Start export' }).click()
    const card = page.getByRole('article').filter({ hasText: 'Data export' })
    await page.locator('article.job[data-status="succeeded"]').waitFor(WAIT)
    await page.getByText('Data export finished. It is on your Jobs page.').waitFor(WAIT)
    const log = card.getByRole('list', { name: 'Log' })
    for (const line of ['Started', 'sign-ins', 'notifications: 1', 'Done']) await log.getByText(line).first().waitFor(WAIT)
    await card.getByRole('list', { name: 'Steps' }).getByText('Writing the file').waitFor(WAIT)
    const seen = await page.evaluate(() => (window as unknown as { seen: { progress: number[]; logLines: number[] } }).seen)
    // The bar moved through the sections to the end, never backwards; the log grew line by line.
    expect(seen.progress.at(-1)).toBe(100)
    expect(seen.progress.some((value) => value > 0 && value < 100)).toBe(true)
    expect(seen.progress).toEqual([...seen.progress].sort((a, b) => a - b))
    expect(seen.logLines.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3)
    await screenshot(page, 'jobs-desktop')

    const download = page.waitForEvent('download')
    await card.getByRole('button', { name: /^Download souk-export-/ }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^souk-export-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = readFileSync((await file.path())!, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('type,id,at,description,ip,user_agent,link')
    expect(csv).toContain('sign_in,ses_')
    expect(csv).toContain('Laptop/3.0 (Windows)')
    expect(csv).toContain('notification,ntf_')

    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)

  it('shows admins queue depths and failed jobs', async () => {
    const admin = await signUpAndSignIn(suite.souk.testApp, { role: 'admin', displayName: 'Admin Aya' })
    const opened = await signedInPage(admin, '/admin/jobs')
    const { page } = opened
    await page.getByRole('table').getByRole('rowheader', { name: 'exports.csv' }).waitFor(WAIT)
    await page.getByText('No failed jobs').waitFor(WAIT)
    await screenshot(page, 'admin-jobs-desktop')
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
})

describe('the live pages', () => {
  const PATHS = ['/notifications', '/jobs', '/admin/jobs']

  it('send visitors to sign in, without errors', async () => {
    const opened = await openPage(suite.browser)
    for (const path of PATHS) {
      await opened.page.goto(`${suite.souk.url}${path}`)
      await hydrated(opened.page)
      await opened.page.waitForURL((url) => url.pathname === '/signin', WAIT)
    }
    const someone = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Karima' })
    await opened.page.goto(`${suite.souk.url}/users/${someone.id}`)
    await hydrated(opened.page)
    // A visitor has no socket: the profile asks once over REST.
    await opened.page.getByRole('article').getByRole('img', { name: 'Offline' }).waitFor(WAIT)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)

  for (const [theme, viewport] of [
    ['light', 'desktop'],
    ['dark', 'desktop'],
    ['light', 'mobile'],
    ['dark', 'mobile'],
  ] as const) {
    it(`look right signed in, ${theme} theme, ${viewport}`, async () => {
      const admin = await signUpAndSignIn(suite.souk.testApp, { role: 'admin', displayName: 'Youssef Alaoui' })
      await signInFromNewDevice(admin, 'Phone/1.0 (Android)')
      const opened = await signedInPage(admin, '/notifications', { viewport: VIEWPORTS[viewport], colorScheme: theme })
      const { page } = opened
      for (const path of [...PATHS, `/users/${admin.id}`]) {
        if (path !== '/notifications') {
          await page.goto(`${suite.souk.url}${path}`)
          await hydrated(page)
          await liveOpen(page)
        }
        await page.locator('main h1').waitFor(WAIT)
        await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', ...WAIT })
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS[viewport].width)
        await screenshot(page, `live${path.replace(/\/(usr_\w+)?/g, '-').replace(/-$/, '')}-${viewport}-${theme}`)
      }
      await bell(page).click()
      await page.getByRole('menu').waitFor(WAIT)
      await screenshot(page, `live-bell-${viewport}-${theme}`)
      expect(opened.problems).toEqual([])
      await opened.close()
    }, T)
  }
})
