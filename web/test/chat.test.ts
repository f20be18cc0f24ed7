import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { makeSellerWithProducts, openConversation, sendOk } from '../../src/modules/chat/testing'
import { signUpAndSignIn, type TestUser } from '../../src/testing'
import { hydrated, keepSockets, type OpenedPage, openPage, screenshot, signInContext, useSouk, VIEWPORTS } from './browser'

// One browser, two contexts (buyer and seller) on a small shared machine: generous limits.
const T = 120_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()

type PageOptions = Parameters<typeof openPage>[1]

/** `user`'s browser on `path`, hydrated, session restored and the socket open. */
async function signedInPage(user: TestUser, path: string, options: PageOptions = {}, before?: (page: Page) => Promise<unknown>): Promise<OpenedPage> {
  const opened = await openPage(suite.browser, options)
  await before?.(opened.page)
  await signInContext(opened.page, suite.souk, user)
  await opened.page.goto(`${suite.souk.url}${path}`)
  await hydrated(opened.page)
  await liveOpen(opened.page)
  return opened
}

const framesSent = async (page: Page) =>
  (await page.evaluate(() => (window as unknown as { sent: string[] }).sent)).map((frame) => JSON.parse(frame) as { type: string; clientId?: string; body?: string; typing?: boolean })
const liveOpen = (page: Page) => page.locator('.live-status[data-state="open"]').waitFor(WAIT)
/** POSTs of text messages over REST (the fallback), by client id. */
function restSends(page: Page): string[] {
  const clientIds: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/v1\/conversations\/cnv_\w+\/messages$/.test(request.url())) clientIds.push((request.postDataJSON() as { clientId: string }).clientId)
  })
  return clientIds
}

/** Marks the document, so a later check can tell the page was never reloaded. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { sameDocument: true }))
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true)

const inboxLink = (page: Page, name: string) => page.getByRole('link', { name, exact: true }).and(page.locator('.inbox-link')).waitFor(WAIT)
const messages = (page: Page) => page.getByRole('list', { name: 'Messages' })
const bubble = (page: Page, text: string) => messages(page).getByRole('listitem').filter({ hasText: text })
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' })

async function write(page: Page, text: string): Promise<void> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

describe('chat in the browser', () => {
  it('buyer messages the seller from the product page; both sides see messages, unread, receipts live', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Omar Buyer' })

    const sellerSide = await signedInPage(seller, '/inbox', {}, keepSockets)
    const s = sellerSide.page
    await s.getByText('No conversations yet').waitFor(WAIT)
    await inboxLink(s, 'Inbox')
    await markDocument(s)

    const buyerSide = await signedInPage(buyer, `/products/${product.slug}`)
    const b = buyerSide.page
    const buyerRest = restSends(b)
    await markDocument(b)
    await b.getByRole('link', { name: 'Message seller' }).click()
    await b.waitForURL(/\/inbox\/cnv_[0-9a-f]{32}$/, WAIT)
    await b.getByRole('link', { name: /Blue Fez bowl/ }).first().waitFor(WAIT)

    await write(b, 'Is the bowl still available?')
    // Stored (not pending): the footer no longer says "Sending…".
    await bubble(b, 'Is the bowl still available?').getByText('Sending…').waitFor({ state: 'detached', ...WAIT })

    // The seller's open inbox hears of it: the header badge, and the new conversation, unread.
    await inboxLink(s, 'Inbox, 1 unread')
    const row = s.getByRole('link', { name: /Omar Buyer/ })
    await row.getByLabel('1 unread').waitFor(WAIT)
    await row.getByText('Is the bowl still available?').waitFor(WAIT)
    await screenshot(s, 'chat-inbox-unread-desktop')

    // Opening it reads it: the badge clears, and the buyer sees "Read" under the message.
    await row.click()
    await bubble(s, 'Is the bowl still available?').waitFor(WAIT)
    await inboxLink(s, 'Inbox')
    await bubble(b, 'Is the bowl still available?').getByText('Read', { exact: true }).waitFor(WAIT)

    // The seller composing: the buyer sees them typing, until the reply lands.
    await composer(s).fill('Yes! It ships tomorrow from Fez.')
    await b.getByRole('status').filter({ hasText: /is typing…/ }).waitFor(WAIT)
    await composer(s).press('Enter')
    await bubble(b, 'Yes! It ships tomorrow from Fez.').waitFor(WAIT)
    await b.getByRole('status').filter({ hasText: /is typing…/ }).waitFor({ state: 'detached', ...WAIT })
    expect((await framesSent(s)).filter((f) => f.type === 'typing').map((f) => f.typing)).toEqual([true, false])
    // The buyer has the thread open, so the reply is read at once: the seller sees it.
    await bubble(s, 'Yes! It ships tomorrow from Fez.').getByText('Read', { exact: true }).waitFor(WAIT)
    // The receipt moved to the newest read message of mine.
    expect(await bubble(b, 'Is the bowl still available?').getByText('Read', { exact: true }).count()).toBe(1)

    await screenshot(b, 'chat-thread-buyer-desktop')
    await screenshot(s, 'chat-thread-seller-desktop')
    await s.getByRole('button', { name: 'Group by product' }).click()
    await s.getByRole('link', { name: /^Blue Fez bowl\s*1$/ }).waitFor(WAIT)
    await screenshot(s, 'chat-inbox-grouped-desktop')
    await b.setViewportSize(VIEWPORTS.mobile)
    await screenshot(b, 'chat-thread-mobile-light')

    // Both sides sent over the socket (chat.send): nothing took the REST fallback.
    expect(buyerRest).toEqual([])
    expect((await framesSent(s)).filter((f) => f.type === 'chat.send').map((f) => f.body)).toEqual(['Yes! It ships tomorrow from Fez.'])
    expect(await sameDocument(b)).toBe(true)
    expect(await sameDocument(s)).toBe(true)
    expect(buyerSide.problems).toEqual([])
    expect(sellerSide.problems).toEqual([])
    await buyerSide.close()
    await sellerSide.close()
  }, T)

  it('photos, a failed send retried with its client id, deletion, transaction steps, report and block; at 375 px in the dark', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Salma Buyer' })
    const conversation = await openConversation(suite.souk.testApp, buyer, product.id)
    await sendOk(suite.souk.testApp, buyer, conversation.id, 'Hello, does it come with a lid?')

    const buyerSide = await signedInPage(buyer, '/inbox', { viewport: VIEWPORTS.mobile, colorScheme: 'dark' }, keepSockets)
    const b = buyerSide.page
    await markDocument(b)
    await b.getByRole('link', { name: /Blue Fez bowl/ }).waitFor(WAIT)
    await screenshot(b, 'chat-inbox-mobile-dark')
    await b.getByRole('link', { name: /Blue Fez bowl/ }).click()
    await bubble(b, 'does it come with a lid').waitFor(WAIT)

    // A photo: previewed before sending, then shown from the server.
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c2410c' } }).png().toBuffer()
    await b.getByLabel('Attach a photo').setInputFiles({ name: 'lid.png', mimeType: 'image/png', buffer: photo })
    await b.getByRole('img', { name: 'Photo to send' }).waitFor(WAIT)
    await composer(b).fill('Here is the lid')
    await composer(b).press('Enter')
    await bubble(b, 'Here is the lid').getByRole('img', { name: 'Here is the lid' }).waitFor(WAIT)

    // With the socket down and the network failing, a send falls back to REST, fails, and is
    // marked; Retry, once live again, sends it over the socket with the same client id.
    const rest = restSends(b)
    await b.route('**/api/v1/realtime/ticket', (route) => route.abort('internetdisconnected'))
    await b.route(/\/api\/v1\/conversations\/cnv_\w+\/messages$/, (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()))
    await b.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.at(-1)!.close())
    await b.locator('.live-status[data-state="reconnecting"]').waitFor(WAIT)
    await write(b, 'Is shipping included?')
    await bubble(b, 'Is shipping included?').getByText('Not sent').waitFor(WAIT)
    await screenshot(b, 'chat-thread-failed-mobile-dark')
    await b.unrouteAll()
    await liveOpen(b)
    await bubble(b, 'Is shipping included?').getByRole('button', { name: 'Retry' }).click()
    await bubble(b, 'Is shipping included?').getByText('Not sent').waitFor({ state: 'detached', ...WAIT })
    const retried = (await framesSent(b)).filter((f) => f.type === 'chat.send' && f.body === 'Is shipping included?')
    expect(rest).toHaveLength(1)
    expect(retried.map((f) => f.clientId)).toEqual([rest[0]])

    // Deleting my message: both sides see "Message deleted".
    const sellerSide = await signedInPage(seller, `/inbox/${conversation.id}`)
    const s = sellerSide.page
    await bubble(s, 'Is shipping included?').waitFor(WAIT)
    await bubble(b, 'Is shipping included?').getByRole('button', { name: 'Message actions' }).click()
    await b.getByRole('menuitem', { name: 'Delete message' }).click()
    await bubble(s, 'Message deleted').waitFor(WAIT)
    await bubble(b, 'Message deleted').waitFor(WAIT)

    // The seller confirms the sale; the buyer sees the step live and confirms receipt.
    await s.getByRole('button', { name: 'Confirm sale' }).click()
    await bubble(b, 'The seller confirmed the sale').waitFor(WAIT)
    await b.getByRole('button', { name: 'Confirm receipt' }).click()
    await bubble(s, 'The buyer confirmed receipt').waitFor(WAIT)
    await s.locator('.chat-deal[data-status="completed"]').waitFor(WAIT)
    await screenshot(b, 'chat-thread-mobile-dark')
    await screenshot(s, 'chat-thread-transaction-desktop')

    // The seller reports the buyer's message, then blocks and unblocks the buyer.
    await bubble(s, 'does it come with a lid').getByRole('button', { name: 'Message actions' }).click()
    await s.getByRole('menuitem', { name: 'Report message' }).click()
    const report = s.getByRole('dialog', { name: 'Report this message' })
    await report.getByLabel('What is wrong?').selectOption('spam')
    await report.getByRole('button', { name: 'Send report' }).click()
    await s.getByText('Thanks — the moderators will look at it.').waitFor(WAIT)
    await s.getByRole('button', { name: 'Conversation actions' }).click()
    await s.getByRole('menuitem', { name: 'Block Salma Buyer' }).click()
    await s.getByText('You blocked this person.').waitFor(WAIT)
    expect(await composer(s).isDisabled()).toBe(true)
    await s.getByRole('button', { name: 'Conversation actions' }).click()
    await s.getByRole('menuitem', { name: 'Unblock Salma Buyer' }).click()
    await s.getByText('You blocked this person.').waitFor({ state: 'detached', ...WAIT })
    expect(await composer(s).isDisabled()).toBe(false)

    // Back to the list on a phone, then a crawl of the inbox pages for errors.
    await b.getByRole('link', { name: 'Back to conversations' }).click()
    await b.getByRole('link', { name: /Blue Fez bowl/ }).waitFor(WAIT)
    expect(await sameDocument(b)).toBe(true)
    for (const path of ['/inbox', `/inbox/${conversation.id}`, `/inbox?productId=${product.id}`]) {
      await s.goto(`${suite.souk.url}${path}`)
      await hydrated(s)
      await s.locator('.chat-list .chat-row, .chat-list .empty').first().waitFor(WAIT)
    }
    await s.getByRole('link', { name: 'Show all conversations' }).waitFor(WAIT)
    // The requests this test cut off are the only failures the buyer's page may have had.
    expect(buyerSide.problems.filter((problem) => !problem.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([])
    expect(sellerSide.problems).toEqual([])
    await buyerSide.close()
    await sellerSide.close()
  }, T)

  it('opening a thread misses nothing sent between reading its history and following it live', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Nadia Buyer' })
    const conversation = await openConversation(suite.souk.testApp, buyer, product.id)
    await sendOk(suite.souk.testApp, seller, conversation.id, 'First, before opening.')

    // The page holds its subscribe to this conversation until told: the widest gap a slow network makes.
    const holdSubscribe = (page: Page) =>
      page.addInitScript((topic) => {
        const held: (() => void)[] = []
        const send = WebSocket.prototype.send
        WebSocket.prototype.send = function (this: WebSocket, data: string) {
          const frame = JSON.parse(data) as { type: string; topic?: string }
          if (frame.type === 'subscribe' && frame.topic === topic) return void held.push(() => send.call(this, data))
          send.call(this, data)
        }
        Object.assign(window, { held, release: () => held.splice(0).forEach((go) => go()) })
      }, `conversation:${conversation.id}`)
    const opened = await signedInPage(buyer, '/inbox', {}, holdSubscribe)
    const { page } = opened
    await page.locator(`a[href="/inbox/${conversation.id}"]`).first().click()
    await page.waitForURL(new RegExp(`/inbox/${conversation.id}$`), WAIT)
    await page.waitForFunction(() => (window as unknown as { held: unknown[] }).held.length === 1, undefined, WAIT)

    // Sent while the thread is open but not yet live; then the subscription goes through.
    await sendOk(suite.souk.testApp, seller, conversation.id, 'Second, while opening.')
    await page.evaluate(() => (window as unknown as { release(): void }).release())
    await bubble(page, 'Second, while opening.').waitFor(WAIT)
    await bubble(page, 'First, before opening.').waitFor(WAIT)
    // And live from there on, each message once.
    await sendOk(suite.souk.testApp, seller, conversation.id, 'Third, live.')
    await bubble(page, 'Third, live.').waitFor(WAIT)
    expect(await messages(page).getByRole('listitem').filter({ hasText: /(First|Second|Third), / }).count()).toBe(3)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)

  it('loads older history when scrolled to the top, under one day separator', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp)
    const conversation = await openConversation(suite.souk.testApp, buyer, product.id)
    for (let n = 1; n <= 40; n++) await sendOk(suite.souk.testApp, n % 2 === 0 ? seller : buyer, conversation.id, `Message number ${n}.`)

    const opened = await signedInPage(buyer, `/inbox/${conversation.id}`)
    const { page } = opened
    await bubble(page, 'Message number 40.').waitFor(WAIT)
    expect(await bubble(page, 'Message number 1.').count()).toBe(0)
    await page.locator('.chat-scroll').evaluate((element) => element.scrollTo({ top: 0 }))
    // Failed in CI when the history's re-read (once followed live) landed in the frame of this
    // scroll and pulled the view back down (the next test forces it); if it fails again, say what
    // the view held (the timeout itself tells the page's calls and problems, see explainTimeouts).
    await bubble(page, 'Message number 1.')
      .waitFor(WAIT)
      .catch(async (error: Error) => {
        const view = await page.locator('.chat-scroll').evaluate((element) => ({ top: element.scrollTop, height: element.scrollHeight, shown: element.querySelectorAll('li').length }))
        throw new Error(`${error.message}\nview: ${JSON.stringify(view)}; live: ${await page.locator('.live-status').getAttribute('data-state')}`)
      })
    expect(await messages(page).getByRole('listitem').filter({ hasText: /^Today$/ }).count()).toBe(1)
    expect(await messages(page).getByRole('listitem').filter({ hasText: /^Message number \d+\./ }).count()).toBe(40)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
  it('keeps the reader where they scrolled when a re-read lands in the same frame (a reconnect)', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp)
    const conversation = await openConversation(suite.souk.testApp, buyer, product.id)
    for (let n = 1; n <= 40; n++) await sendOk(suite.souk.testApp, n % 2 === 0 ? seller : buyer, conversation.id, `Message number ${n}.`)

    // Once armed, the history's next re-read (both of its answers in) scrolls the view to the top
    // just before the page gets it: the reader's scroll and the re-read fall in one frame.
    const sameFrame = (page: Page) =>
      page.addInitScript(() => {
        const native = window.fetch.bind(window)
        let head: Promise<unknown> = Promise.resolve()
        const wrapped = async (input: RequestInfo | URL, init?: RequestInit) => {
          const url = input instanceof Request ? input.url : String(input)
          const answer = native(input, init)
          if (/\/conversations\/cnv_\w+$/.test(url)) head = answer
          const armed = (window as unknown as { armed?: boolean }).armed === true
          if (!armed || !/\/conversations\/cnv_\w+\/messages\?limit=\d+$/.test(url)) return answer
          Object.assign(window, { armed: false })
          const [response] = await Promise.all([answer, head])
          const body = await response.text()
          document.querySelector('.chat-scroll')?.scrollTo({ top: 0 })
          // Read at once (microtasks only), so the page holds the answer before the next frame.
          return Object.assign(new Response(body, { status: response.status, headers: response.headers }), {
            json: () => Promise.resolve(JSON.parse(body) as unknown),
            text: () => Promise.resolve(body),
          })
        }
        window.fetch = wrapped as typeof window.fetch
      })
    const opened = await signedInPage(buyer, `/inbox/${conversation.id}`, {}, async (page) => {
      await keepSockets(page)
      await sameFrame(page)
    })
    const { page } = opened
    await bubble(page, 'Message number 40.').waitFor(WAIT)
    expect(await bubble(page, 'Message number 1.').count()).toBe(0)
    // The socket drops; once it is back the history is read again.
    await page.evaluate(() => {
      Object.assign(window, { armed: true })
      ;(window as unknown as { sockets: WebSocket[] }).sockets.at(-1)?.close()
    })
    await page.waitForFunction(() => (window as unknown as { armed?: boolean }).armed === false)
    await bubble(page, 'Message number 1.').waitFor(WAIT)
    expect(await messages(page).getByRole('listitem').filter({ hasText: /^Message number \d+\./ }).count()).toBe(40)
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
  it('a long last message ellipsizes on one line and the time stays visible, at 360 and 1366 px', async () => {
    const { seller, product } = await makeSellerWithProducts(suite.souk.testApp)
    const buyer = await signUpAndSignIn(suite.souk.testApp, { displayName: 'Layla Buyer' })
    const conversation = await openConversation(suite.souk.testApp, buyer, product.id)
    const long = 'Could you tell me whether the glaze on this bowl is food safe, how it was fired, and whether you ship to Casablanca by the end of the month?'
    await sendOk(suite.souk.testApp, seller, conversation.id, long)
    const opened = await signedInPage(buyer, '/inbox')
    const { page } = opened
    const row = page.getByRole('link', { name: /Layla|Blue Fez bowl/ }).filter({ has: page.locator('.chat-row__last') }).first()
    await row.getByText(long).waitFor(WAIT)
    const fits = { ellipsis: 'ellipsis', cut: true, oneLine: true, lastInside: true, timeWhole: true, timeInside: true }
    for (const viewport of [{ width: 360, height: 780 }, { width: 1366, height: 900 }]) {
      await page.setViewportSize(viewport)
      // Measured once the page is that wide and has painted at it.
      await page.waitForFunction((width) => window.innerWidth === width, viewport.width, WAIT)
      const { why, ...layout } = await row.evaluate(async (element) => {
        await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)))
        const last = element.querySelector('.chat-row__last')!
        const time = element.querySelector('.chat-row__time')!
        const style = getComputedStyle(last)
        const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.6
        const [r, l, t] = [element.getBoundingClientRect(), last.getBoundingClientRect(), time.getBoundingClientRect()]
        return {
          ellipsis: style.textOverflow,
          cut: last.scrollWidth > last.clientWidth,
          oneLine: l.height <= lineHeight * 1.5,
          lastInside: l.right <= r.right + 0.5,
          timeWhole: time.scrollWidth <= time.clientWidth + 0.5 && t.width > 0,
          timeInside: t.left >= r.left && t.right <= r.right + 0.5 && t.right <= window.innerWidth,
          // Shown only when the layout is not the expected one (it was once in CI at 360 px: not
          // cut, on two lines, which no layout of the stylesheet gives).
          why: { innerWidth: window.innerWidth, whiteSpace: style.whiteSpace, display: style.display, width: last.clientWidth, scrollWidth: last.scrollWidth, height: l.height, lineHeight, sheets: [...document.styleSheets].map((sheet) => sheet.cssRules.length) },
        }
      })
      const matches = Object.entries(fits).every(([key, value]) => layout[key as keyof typeof layout] === value)
      expect({ viewport: viewport.width, ...layout, ...(matches ? {} : { why }) }).toEqual({ viewport: viewport.width, ...fits })
    }
    await screenshot(page, 'inbox-long-message-desktop')
    expect(opened.problems).toEqual([])
    await opened.close()
  }, T)
})
