import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { shop } from '../../src/modules/orders/testing'
import { paidOrder } from '../../src/modules/payments/testing'
import { client, makeProduct, postJson, signUpAndSignIn } from '../../src/testing'
import { following, hydrated, json, keepSockets, openPage, pageAs, SCREENSHOTS, toast, useCategory, useSouk, WAIT } from './browser'

// The help assistant in the browser: a guest opens the launcher and asks about returns (the
// returns article is cited), signs in as a buyer with a delivered order (paid from the wallet, its
// payment held) in the same browser, keeps the conversation when offered (then it is in Help →
// Conversations), asks where their order is and sees it, and hands off to a person: the panel
// shows the ticket, and the admin's reply (through the API) arrives live. The panel fits a phone.

const T = 180_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

const panel = (page: Page) => page.getByRole('dialog', { name: 'Help' })

/** What the screen shows (the panel is a modal over the page, so a full-page picture would misplace it). */
const viewportShot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })

/** Waits for an answer in the panel citing `label`. */
const source = (page: Page, label: string) => panel(page).getByRole('list', { name: 'Sources' }).getByRole('link', { name: label }).first().waitFor(WAIT)

/** Asks `question` in the open panel and waits for its answer to end the conversation. */
async function ask(page: Page, question: string) {
  const dialog = panel(page)
  await dialog.getByLabel('Your question').fill(question)
  await dialog.getByRole('button', { name: 'Ask', exact: true }).click()
  await dialog.getByRole('log', { name: 'Conversation' }).getByText(question).waitFor(WAIT)
  await dialog.getByRole('button', { name: 'Ask', exact: true }).waitFor(WAIT)
}

describe('help assistant', () => {
  it(
    'a guest asks, signs in, keeps the conversation, asks about their order, hands off and sees the reply live',
    async () => {
      const t = suite.souk.testApp
      const s = await shop(t)
      const lamp = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Copper lamp', priceMinor: 15_000, stock: 5 })
      const { me, orderId } = await paidOrder(t, s, lamp.id)
      for (const step of ['accept', 'ship', 'deliver']) await json(postJson(t, `/api/v1/sales/${orderId}/${step}`, {}, s.owner.auth), 200)
      const invoiceNumber = (await client(t, me.user).api.v1.orders({ id: orderId }).get()).data!.invoiceNumber

      // A guest, on the help centre: the launcher opens the panel with the question field focused.
      const { page, problems, close } = await openPage(suite.browser)
      await keepSockets(page)
      await page.goto(`${suite.souk.url}/help`)
      await hydrated(page)
      await page.getByRole('button', { name: 'Help', exact: true }).click()
      await panel(page).waitFor(WAIT)
      await page.waitForFunction(() => document.activeElement?.id === 'assistant-question', undefined, WAIT)
      await ask(page, 'How do returns work?')
      await source(page, 'How to return an item')
      // Escape closes it, and the focus is back on the launcher.
      await page.keyboard.press('Escape')
      await panel(page).waitFor({ state: 'hidden', ...WAIT })
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Help')

      // Reopened, the guest conversation is restored (from its cookie).
      await page.getByRole('button', { name: 'Help', exact: true }).click()
      await source(page, 'How to return an item')
      await page.keyboard.press('Escape')

      // Signs in in this browser: the launcher offers to keep the conversation; nothing is kept until asked.
      await page.goto(`${suite.souk.url}/signin`)
      await hydrated(page)
      await page.getByLabel('Email').fill(me.user.email)
      await page.getByLabel('Password', { exact: true }).fill(me.user.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL((url) => url.pathname !== '/signin', WAIT)
      expect((await client(t, me.user).api.v1.assistant.sessions.get()).data!.items).toEqual([])
      await page.getByRole('button', { name: 'Keep your help conversation?' }).click()
      await panel(page).getByRole('button', { name: 'Keep this conversation' }).click()
      await toast(page, 'Kept in Help → Conversations.')
      await source(page, 'How to return an item')

      // It is in Help → Conversations (the panel closes on the way there).
      await panel(page).getByRole('link', { name: 'All conversations' }).click()
      await page.waitForURL(`${suite.souk.url}/help/conversations`, WAIT)
      await panel(page).waitFor({ state: 'hidden', ...WAIT })
      await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: 'How do returns work?' }).waitFor(WAIT)

      // Reopened signed in, the panel resumes the kept conversation; "where is my order" answers with my order.
      await page.getByRole('button', { name: 'Help', exact: true }).click()
      await source(page, 'How to return an item')
      await ask(page, 'Where is my order?')
      await panel(page)
        .getByRole('list', { name: 'Sources' })
        .getByRole('link', { name: `Order ${invoiceNumber}` })
        .waitFor(WAIT)

      // Talk to a person: about the order the answer cited (preselected); the ticket shows in the panel.
      await panel(page).getByRole('button', { name: 'Talk to a person' }).click()
      const handoff = panel(page).getByRole('form', { name: 'Talk to a person' })
      const picker = handoff.getByLabel('Which order is it about?')
      await picker.locator('option', { hasText: invoiceNumber }).waitFor({ state: 'attached', ...WAIT })
      expect(await picker.inputValue()).toBe(orderId)
      await handoff.getByRole('button', { name: 'Open a ticket' }).click()
      const ticketLink = panel(page).getByRole('link', { name: 'your ticket' })
      await ticketLink.waitFor(WAIT)
      const ticketId = /\/help\/tickets\/(tkt_[0-9a-f]{32})$/.exec((await ticketLink.getAttribute('href'))!)![1]!
      const thread = panel(page).getByRole('list', { name: 'Messages' })
      await thread.getByText('Asked: Where is my order?', { exact: false }).waitFor(WAIT)
      // Its payment is still held: a dispute is offered instead, on the order's page.
      expect(await panel(page).getByRole('link', { name: 'Open a dispute instead' }).getAttribute('href')).toBe(`/orders/${orderId}#dispute`)

      // An admin replies: it arrives live in the panel.
      await following(page, `ticket:${ticketId}`)
      await json(postJson(t, `/api/v1/tickets/${ticketId}/replies`, { body: 'We are on it: the carrier has your lamp.' }, given.admin.auth), 200)
      await thread.getByText('We are on it: the carrier has your lamp.').waitFor(WAIT)
      await viewportShot(page, 'assistant-panel-desktop')

      // A modal: in the top layer, over the page and its header.
      expect(await panel(page).evaluate((dialog) => dialog.matches(':modal'))).toBe(true)

      // At 360 px the panel fills the width and nothing in it overflows sideways.
      await page.setViewportSize({ width: 360, height: 740 })
      const fits = await panel(page).evaluate((dialog) => ({ width: dialog.getBoundingClientRect().width, overflow: dialog.scrollWidth - dialog.clientWidth }))
      expect(fits.width).toBeLessThanOrEqual(360)
      expect(fits.overflow).toBeLessThanOrEqual(0)
      await panel(page).getByRole('button', { name: 'Ask', exact: true }).waitFor(WAIT)
      await viewportShot(page, 'assistant-panel-mobile')

      expect(problems).toEqual([])
      await close()
    },
    T,
  )

  it(
    'Help → Conversations renames, opens and deletes a conversation; an admin finds its unanswered question',
    async () => {
      const t = suite.souk.testApp
      const me = await signUpAndSignIn(t, { displayName: 'Curious Cat' })
      const asked = await client(t, me).api.v1.assistant.messages.post({ text: 'Zyxwvut qwzx blorp?' })
      expect(asked.status).toBe(200)

      const { page, problems, close } = await pageAs(suite, me, '/help/conversations')
      const list = page.getByRole('list', { name: 'Conversations' })
      await list.getByRole('button', { name: 'Rename Zyxwvut qwzx blorp?' }).click()
      await list.getByRole('textbox', { name: 'Title' }).fill('Strange words')
      await list.getByRole('button', { name: 'Save' }).click()
      await list.getByRole('link', { name: 'Strange words' }).click()
      await page.waitForURL(`${suite.souk.url}/help/conversations/${asked.data!.session.id}`, WAIT)
      await page.getByRole('heading', { name: 'Strange words' }).waitFor(WAIT)
      await page.getByRole('log', { name: 'Conversation' }).getByText('could not find', { exact: false }).waitFor(WAIT)
      await page.getByRole('button', { name: 'Delete' }).click()
      await page.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete' }).click()
      await page.waitForURL(`${suite.souk.url}/help/conversations`, WAIT)
      await page.getByText('No conversations yet').waitFor(WAIT)

      const staff = await pageAs(suite, given.admin, '/admin/help/unanswered')
      // Its own section is the current one, not Help articles (whose path it starts with).
      const sections = staff.page.getByRole('navigation', { name: 'Console' })
      await sections.getByRole('link', { name: 'Unanswered questions' }).and(staff.page.locator('[aria-current="page"]')).waitFor(WAIT)
      expect(await sections.locator('[aria-current]').count()).toBe(1)
      const row = staff.page.getByRole('row').filter({ hasText: 'Zyxwvut qwzx blorp?' })
      await row.getByRole('link', { name: 'Curious Cat' }).waitFor(WAIT)
      await row.getByRole('link', { name: 'Write an article' }).click()
      await staff.page.waitForURL(/\/admin\/help\?question=/, WAIT)
      await staff.page.getByRole('form', { name: 'Help article' }).waitFor(WAIT)
      await staff.page.getByText('The help assistant could not answer: “Zyxwvut qwzx blorp?”').waitFor(WAIT)

      expect(problems).toEqual([])
      expect(staff.problems).toEqual([])
      await staff.close()
      await close()
    },
    T,
  )
})
