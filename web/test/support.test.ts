import { describe, expect, it } from 'bun:test'
import { phonePhoto } from '../../src/lib/image-fixtures'
import { placeOrder, shop } from '../../src/modules/orders/testing'
import { makeProduct, postJson, signUpAndSignIn } from '../../src/testing'
import { following, hydrated, json, openPage, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Support tickets in the browser: a buyer opens a ticket about one of their orders from Help, with
// an image; an admin finds it in the Support queue, adds an internal note and replies; the buyer's
// open thread shows the reply live, never the note. Then a visitor opens one with an email and
// reads and replies through the emailed link.

const T = 180_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

describe('support tickets', () => {
  it('a user opens a ticket about an order; an admin replies; the user sees it live without a reload', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const lamp = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Copper lamp', priceMinor: 15_000, stock: 5 })
    const { me, invoiceNumber } = await placeOrder(t, s, lamp.id)

    const { page, problems, close } = await pageAs(suite, me.user, '/help/contact')
    const form = page.getByRole('form', { name: 'New ticket' })
    await form.getByLabel('Subject').fill('My lamp has not arrived')
    await form.getByLabel('What is it about?').selectOption('order')
    // The picker offers my own orders.
    const picker = form.getByLabel('Which order? (optional)')
    await picker.locator('option', { hasText: invoiceNumber }).waitFor({ state: 'attached', ...WAIT })
    await picker.selectOption({ label: (await picker.locator('option', { hasText: invoiceNumber }).textContent())! })
    await form.getByLabel('Your message').fill('It was due last week.')
    await form.locator('input[type=file]').setInputFiles({ name: 'parcel.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await phonePhoto()) })
    await form.getByText('parcel.jpg').waitFor(WAIT)
    await form.getByRole('button', { name: 'Open the ticket' }).click()
    await page.waitForURL(/\/help\/tickets\/tkt_[0-9a-f]{32}$/, WAIT)
    const id = /(tkt_[0-9a-f]{32})/.exec(page.url())![1]!
    const thread = page.getByRole('list', { name: 'Messages' })
    await thread.getByText('It was due last week.').waitFor(WAIT)
    await thread.getByRole('button', { name: 'Open the image' }).waitFor(WAIT)
    // Each message's image button says which message it is for.
    await thread.getByRole('button', { name: 'Add an image to message 1 (yours)' }).waitFor(WAIT)
    await page.getByRole('link', { name: invoiceNumber }).waitFor(WAIT)
    await page.getByText('Open', { exact: true }).waitFor(WAIT)
    await following(page, `ticket:${id}`)

    // The admin finds it in the queue, notes and replies.
    const staff = await pageAs(suite, given.admin, '/admin')
    await staff.page.getByRole('link', { name: 'Support', exact: true }).click()
    await staff.page.waitForURL(`${suite.souk.url}/admin/support`, WAIT)
    await staff.page.getByRole('link', { name: 'My lamp has not arrived' }).click()
    await staff.page.waitForURL(`${suite.souk.url}/admin/support/${id}`, WAIT)
    const reply = staff.page.getByRole('form', { name: 'Reply or add a note' })
    const internal = reply.getByRole('checkbox', { name: 'Internal note' })
    await internal.check()
    await reply.getByRole('textbox', { name: 'Internal note' }).fill('Carrier says it is stuck in Casablanca.')
    await reply.getByRole('button', { name: 'Add the note' }).click()
    await toast(staff.page, 'Note added: only staff see it.')
    await staff.page.getByRole('list', { name: 'Messages' }).getByText('Carrier says it is stuck in Casablanca.').waitFor(WAIT)
    await internal.uncheck()
    await reply.getByLabel('Your reply').fill('We found your parcel: it arrives tomorrow.')
    await reply.getByRole('button', { name: 'Send the reply' }).click()
    await toast(staff.page, 'Reply sent.')
    await staff.page.getByText('Pending', { exact: true }).first().waitFor(WAIT)
    await screenshots(staff.page, 'support-admin-ticket')

    // The user's open thread shows the answer live, and the ticket waiting on them; never the note.
    await thread.getByText('We found your parcel: it arrives tomorrow.').waitFor(WAIT)
    await thread.getByText('Souk support').waitFor(WAIT)
    await page.getByText('Waiting on you', { exact: true }).waitFor(WAIT)
    // …and a screen reader is told, politely.
    await page.getByRole('status').filter({ hasText: 'Souk support replied: We found your parcel: it arrives tomorrow.' }).waitFor({ state: 'attached', ...WAIT })
    expect(await page.getByText('Carrier says it is stuck in Casablanca.').count()).toBe(0)
    await screenshots(page, 'support-thread')

    // The queue shows its first-response time.
    await staff.page.goto(`${suite.souk.url}/admin/support`)
    await hydrated(staff.page)
    await staff.page.getByRole('button', { name: 'Pending' }).click()
    const row = staff.page.getByRole('row').filter({ hasText: 'My lamp has not arrived' })
    await row.waitFor(WAIT)
    expect(await row.getByRole('cell').nth(6).textContent()).toMatch(/^\d+ min$/)
    // Ticked in the queue and assigned at once (a bulk action).
    const assignee = row.getByRole('cell').nth(4)
    await row.getByRole('checkbox', { name: 'Select My lamp has not arrived' }).check()
    await staff.page.getByRole('group', { name: 'Bulk actions' }).getByRole('button', { name: 'Unassign' }).click()
    await toast(staff.page, '1 ticket unassigned.')
    await assignee.filter({ hasText: /^Unassigned$/ }).waitFor(WAIT)
    await row.getByRole('checkbox', { name: 'Select My lamp has not arrived' }).check()
    await staff.page.getByRole('group', { name: 'Bulk actions' }).getByRole('button', { name: 'Assign to me' }).click()
    await toast(staff.page, '1 ticket assigned.')
    await assignee.filter({ hasNotText: 'Unassigned' }).waitFor(WAIT)
    await screenshots(staff.page, 'support-queue')

    // An admin's own ticket is handled by another admin: its admin page says so and leads to Help.
    const own = await json<{ ticket: { id: string } }>(postJson(t, '/api/v1/tickets', { subject: 'My own payout question', category: 'payment', body: 'As a seller.' }, given.admin.auth), 201)
    await staff.page.goto(`${suite.souk.url}/admin/support/${own.ticket.id}`)
    await hydrated(staff.page)
    await staff.page.getByText('You opened this ticket yourself', { exact: false }).waitFor(WAIT)
    await staff.page.getByRole('link', { name: 'Open it in Help' }).click()
    await staff.page.waitForURL(`${suite.souk.url}/help/tickets/${own.ticket.id}`, WAIT)
    await staff.page.getByRole('list', { name: 'Messages' }).getByText('As a seller.').waitFor(WAIT)

    expect(problems).toEqual([])
    expect(staff.problems).toEqual([])
    await staff.close()
    await close()
  }, T)

  it('a photo open in the thread stays open while a reply arrives live', async () => {
    const t = suite.souk.testApp
    const me = await signUpAndSignIn(t)
    const opened = await json<{ ticket: { id: string }; messageId: string }>(postJson(t, '/api/v1/tickets', { subject: 'A scratch on the tray', category: 'other', body: 'See the photo.' }, me.auth), 201)
    const form = new FormData()
    form.append('file', new File([await phonePhoto()], 'tray.jpg'))
    const attached = await t.request(`/api/v1/tickets/${opened.ticket.id}/messages/${opened.messageId}/attachments`, { method: 'POST', body: form, headers: me.auth })
    expect(attached.status).toBe(200)

    const { page, problems, close } = await pageAs(suite, me, `/help/tickets/${opened.ticket.id}`)
    await following(page, `ticket:${opened.ticket.id}`)
    const thread = page.getByRole('list', { name: 'Messages' })
    await thread.getByRole('button', { name: 'Open the image' }).click()
    const photo = page.getByRole('dialog', { name: 'Photo' })
    await photo.waitFor(WAIT)
    // Support answers meanwhile: the thread is read again and shows it, and the photo stays open.
    await json(postJson(t, `/api/v1/tickets/${opened.ticket.id}/replies`, { body: 'Thank you, we are looking into it.' }, given.admin.auth), 200)
    await thread.getByText('Thank you, we are looking into it.').waitFor(WAIT)
    expect(await photo.isVisible()).toBe(true)
    expect(problems).toEqual([])
    await close()
  }, T)
  it('a visitor opens a ticket with an email and reads and replies through the emailed link', async () => {
    const t = suite.souk.testApp
    const email = `visitor-${crypto.randomUUID().slice(0, 8)}@example.test`
    const { page, problems, close } = await openPage(suite.browser)
    await page.goto(`${suite.souk.url}/help/contact`)
    await hydrated(page)
    const form = page.getByRole('form', { name: 'New ticket' })
    await form.getByLabel('Subject').fill('I cannot sign up')
    await form.getByLabel('What is it about?').selectOption('account')
    await form.getByLabel('Your message').fill('The code never arrives.')
    await form.getByLabel('Your email').fill(email)
    await form.getByRole('button', { name: 'Open the ticket' }).click()
    await page.getByText(`We sent the link to your ticket to ${email}.`, { exact: false }).waitFor(WAIT)

    const mail = await json<{ items: { text: string }[] }>(t.request(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`), 200)
    const link = /(http\S+\/help\/tickets\/(tkt_[0-9a-f]{32})#token=\S+)/.exec(mail.items[0]!.text)!
    const id = link[2]!
    await json(postJson(t, `/api/v1/tickets/${id}/replies`, { body: 'Check your spam folder, please.' }, given.admin.auth), 200)

    await page.goto(link[1]!)
    await hydrated(page)
    const thread = page.getByRole('list', { name: 'Messages' })
    await thread.getByText('Check your spam folder, please.').waitFor(WAIT)
    // The token leaves the address bar (and the history); the tab keeps it, so a reload still opens the ticket.
    await page.waitForURL(`${suite.souk.url}/help/tickets/${id}`, WAIT)
    await page.reload()
    await hydrated(page)
    await thread.getByText('Check your spam folder, please.').waitFor(WAIT)
    await page.getByText('Waiting on you', { exact: true }).waitFor(WAIT)
    await page.getByRole('form', { name: 'Reply' }).getByLabel('Your reply').fill('Found it there, thank you!')
    await page.getByRole('button', { name: 'Send the reply' }).click()
    await thread.getByText('Found it there, thank you!').waitFor(WAIT)
    await page.getByText('Open', { exact: true }).waitFor(WAIT)
    await screenshots(page, 'support-visitor')

    // Another tab of another browser, without the token: the same page opens nothing.
    const stranger = await openPage(suite.browser)
    await stranger.page.goto(`${suite.souk.url}/help/tickets/${id}`)
    await stranger.page.waitForURL(/\/signin/, WAIT)
    expect(problems).toEqual([])
    expect(stranger.problems).toEqual([])
    await stranger.close()
    await close()
  }, T)
})
