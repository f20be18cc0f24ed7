import { describe, expect, it } from 'bun:test'
import type { ChatMessage } from '../../src/modules/chat/item'
import { getJson, makeSellerWithProducts, openConversation, sendOk } from '../../src/modules/chat/testing'
import { postJson, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, screenshot, signInContext, useSouk } from './browser'

const T = 120_000
const WAIT = { timeout: 20_000 }

const suite = useSouk()

describe('moderating reported messages', () => {
  it('an admin reads a reported message and deletes it for both sides; the report leaves the queue', async () => {
    const t = suite.souk.testApp
    const shop = await makeSellerWithProducts(t)
    const buyer = await signUpAndSignIn(t, { displayName: 'Amira' })
    const admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Moderator' })
    const conversation = await openConversation(t, buyer, shop.product.id)
    const rude = await sendOk(t, shop.seller, conversation.id, 'pay me outside the site, cash only')
    expect((await postJson(t, `/api/v1/messages/${rude.id}/report`, { reason: 'scam', details: 'asked for cash' }, buyer.auth)).status).toBe(201)

    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, admin)
    await page.goto(`${suite.souk.url}/admin`)
    await hydrated(page)
    await page.getByRole('tab', { name: 'Reported messages' }).click()
    const queue = page.getByRole('list', { name: 'Reported messages' })
    const row = queue.getByRole('listitem').filter({ hasText: 'pay me outside the site, cash only' })
    await row.waitFor(WAIT)
    await row.getByText('Reported by Amira: “asked for cash”').waitFor()
    await row.getByRole('link', { name: 'Blue Fez bowl' }).waitFor()
    await screenshot(page, 'admin-message-reports-desktop')

    await row.getByRole('button', { name: 'Delete message' }).click()
    await page.locator('.toast').getByText('Message deleted for both sides.').waitFor(WAIT)
    await page.getByText('The queue is empty').waitFor(WAIT)
    for (const user of [buyer, shop.seller]) {
      const history = await getJson<{ items: ChatMessage[] }>(t, user, `/api/v1/conversations/${conversation.id}/messages`)
      expect(history.body.items.find((m) => m.id === rude.id)).toMatchObject({ deleted: true, body: null })
    }
    await page.getByRole('button', { name: 'Resolved' }).click()
    await queue.getByRole('listitem').filter({ hasText: 'pay me outside the site, cash only' }).getByText('Resolved: delete message').waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
