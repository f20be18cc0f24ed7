import { describe, expect, it } from 'bun:test'
import type { Page } from 'playwright-core'
import { phonePhoto } from '../../src/lib/image-fixtures'
import { shop } from '../../src/modules/orders/testing'
import { paidOrder, walletOf } from '../../src/modules/payments/testing'
import { client, makeProduct, postJson, type TestApp, type TestUser } from '../../src/testing'
import { following, hydrated, json, madText, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Returns of a delivered order: the buyer asks from the order page (items, reason, words, a
// photo); the shop's open sale page shows it live and approves it with instructions; the buyer
// sends it back; the shop confirms it has the items, which refunds the buyer's wallet and returns
// the stock. A rejected return is taken to a dispute. The shop sets its policy on its returns
// page. Orders are paid from the wallet, accepted, shipped and delivered through the API.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

/** Waits until the page's order status reads `text`. */
const orderStatus = (page: Page, text: string) => page.getByTestId('order-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the page's return reads `text` as its status. */
const returnStatus = (page: Page, text: string) => page.getByTestId('return-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the figure with test id `id` reads `minor` MAD. */
const amount = (page: Page, id: string, minor: number) => page.getByTestId(id).filter({ hasText: madText(minor) }).waitFor(WAIT)

/** What the catalog says is in stock of a product. */
const stockOf = async (t: TestApp, slug: string) => {
  const product = await client(t).api.v1.products({ slug }).get()
  expect(product.status).toBe(200)
  return product.data!.stock
}

/** A wallet-paid order of `quantity` of a new product of a new shop, accepted, shipped and delivered. */
async function deliveredOrder(t: TestApp, product: { title: string; priceMinor: number; stock: number }, quantity: number) {
  const s = await shop(t)
  const made = await makeProduct(t, s.owner, { categoryId: given.categoryId, ...product })
  const { me, orderId, totalMinor } = await paidOrder(t, s, made.id, { quantity })
  for (const step of ['accept', 'ship', 'deliver']) await json(postJson(t, `/api/v1/sales/${orderId}/${step}`, {}, s.owner.auth), 200)
  return { s, product: made, buyer: me.user, orderId, totalMinor }
}

/** The buyer asks, through the API, to return all of the order's first item. */
async function askReturn(t: TestApp, buyer: TestUser, orderId: string, reason: 'not_as_described' | 'changed_mind', description: string) {
  const api = client(t, buyer).api.v1.orders({ id: orderId }).returns
  const { returnable } = (await api.get()).data!
  const asked = await api.post({ items: [{ position: returnable[0]!.position, quantity: returnable[0]!.quantity }], reason, description })
  expect(asked.status).toBe(201)
  return asked.data!
}

describe('returns', () => {
  it('a buyer returns a defective item with a photo; the shop approves it live, receives it, and the buyer’s wallet gets the refund; the stock comes back', async () => {
    const t = suite.souk.testApp
    // Two at 200.00 and 30.00 of delivery. One comes back, not the last: 200.00 is refunded, the delivery fee stays.
    const { s, product, buyer, orderId, totalMinor } = await deliveredOrder(t, { title: 'Brass lamp', priceMinor: 20_000, stock: 5 }, 2)
    expect(totalMinor).toBe(43_000)
    const walletBefore = (await walletOf(t, buyer)).availableMinor
    const stockBefore = await stockOf(t, product.slug)

    const shopPage = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await orderStatus(shopPage.page, 'Delivered')
    await following(shopPage.page, `order:${orderId}`)
    const shopPanel = shopPage.page.getByRole('region', { name: 'Returns' })

    // The buyer asks: one of the two (no more than were ordered), defective, with a photo.
    const { page, problems, close } = await pageAs(suite, buyer, `/orders/${orderId}`)
    const panel = page.getByRole('region', { name: 'Returns' })
    await panel.getByText(/You can ask to send items back until \w+ \d+, \d{4}\./).waitFor(WAIT)
    await following(page, `order:${orderId}`)
    await panel.getByRole('button', { name: 'Return items' }).click()
    const dialog = page.getByRole('dialog', { name: 'Return items' })
    const more = dialog.getByRole('button', { name: 'One more Brass lamp' })
    expect(await dialog.getByRole('button', { name: 'Ask to return them' }).isDisabled()).toBe(true)
    await more.click()
    await more.click()
    expect(await more.isDisabled()).toBe(true)
    await dialog.getByRole('button', { name: 'One fewer Brass lamp' }).click()
    await dialog.getByRole('group', { name: 'How many of Brass lamp' }).locator('output').filter({ hasText: /^1$/ }).waitFor(WAIT)
    await dialog.getByLabel('Why?').selectOption('defective')
    await dialog.getByLabel('What is wrong?').fill('The switch does not work: the lamp stays dark.')
    await dialog.getByLabel('Photos (optional)').setInputFiles({ name: 'switch.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await phonePhoto()) })
    await dialog.getByRole('list', { name: 'Photos to send' }).getByText('switch.jpg').waitFor(WAIT)
    await screenshots(page, 'returns-request')
    await dialog.getByRole('button', { name: 'Ask to return them' }).click()
    await toast(page, 'Return asked. The shop is told.')
    await returnStatus(page, 'Requested')
    await amount(page, 'return-refund', 20_000)
    await panel.getByText(/^MAD\s200\.00 to your Souk wallet$/).waitFor(WAIT)
    await panel.getByRole('button', { name: 'Open photo 1' }).locator('img').waitFor(WAIT)
    // With a return open, no other is offered (once the panel has read the order's returns again).
    await panel.getByRole('button', { name: 'Return items' }).waitFor({ state: 'detached', ...WAIT })

    // The shop's open page shows it, photo included, and approves it with instructions.
    await returnStatus(shopPage.page, 'Requested')
    await shopPanel.getByText('The switch does not work: the lamp stays dark.').waitFor(WAIT)
    await shopPanel.getByText('It is defective').waitFor(WAIT)
    await shopPanel.getByTestId('return-items').filter({ hasText: /^1 × Brass lamp$/ }).waitFor(WAIT)
    await shopPanel.getByText(/^MAD\s200\.00 to the buyer’s Souk wallet$/).waitFor(WAIT)
    await shopPanel.getByRole('button', { name: 'Open photo 1' }).locator('img').waitFor(WAIT)
    await screenshots(shopPage.page, 'returns-sale-requested')
    await shopPanel.getByRole('button', { name: 'Approve', exact: true }).click()
    const approve = shopPage.page.getByRole('dialog', { name: 'Approve the return' })
    await approve.getByLabel('Return instructions').fill('Send it to 12 Derb Sidi Bouloukat, Marrakech, with the order number inside.')
    await approve.getByRole('button', { name: 'Approve the return' }).click()
    await returnStatus(shopPage.page, 'Approved')
    expect(await shopPanel.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0)

    // The buyer reads the instructions live and sends it back, saying how.
    await returnStatus(page, 'Approved')
    await page.getByTestId('return-instructions').filter({ hasText: /^Send it to 12 Derb Sidi Bouloukat, Marrakech, with the order number inside\.$/ }).waitFor(WAIT)
    expect(await panel.getByRole('button', { name: 'Add a photo' }).count()).toBe(0)
    await screenshots(page, 'returns-approved')
    await panel.getByRole('button', { name: 'I sent it back' }).click()
    const sent = page.getByRole('dialog', { name: 'Sent it back?' })
    await sent.getByLabel('How you sent it (optional)').fill('Amana, tracking CP123456789MA')
    await sent.getByRole('button', { name: 'Tell the shop' }).click()
    await returnStatus(page, 'Sent back')
    expect(await panel.getByRole('button', { name: 'Cancel return' }).count()).toBe(0)

    // The shop has it back: asked once more with the refund, then the buyer is refunded.
    await returnStatus(shopPage.page, 'Sent back')
    await shopPanel.getByTestId('return-sent-note').filter({ hasText: /^Amana, tracking CP123456789MA$/ }).waitFor(WAIT)
    await shopPanel.getByRole('button', { name: 'I received the items' }).click()
    const received = shopPage.page.getByRole('dialog', { name: 'Did you receive the items?' })
    await received.getByText(/^MAD\s200\.00 to the buyer’s Souk wallet$/).waitFor(WAIT)
    await received.getByText(/the items go back in stock/).waitFor(WAIT)
    await received.getByRole('button', { name: 'Yes, I received them' }).click()
    await toast(shopPage.page, 'Received. The buyer is refunded and the stock is back.')
    await returnStatus(shopPage.page, 'Refunded')
    expect(await shopPanel.getByRole('button', { name: 'I received the items' }).count()).toBe(0)

    // The buyer's page follows; the wallet got exactly the refund and the lamp is back in stock.
    await returnStatus(page, 'Refunded')
    await amount(page, 'return-refund', 20_000)
    // The other lamp may still come back.
    await panel.getByRole('button', { name: 'Return items' }).waitFor(WAIT)
    await screenshots(page, 'returns-refunded')
    expect((await walletOf(t, buyer)).availableMinor).toBe(walletBefore + 20_000)
    expect(await stockOf(t, product.slug)).toBe(stockBefore + 1)

    expect(problems).toEqual([])
    expect(shopPage.problems).toEqual([])
    await Promise.all([close(), shopPage.close()])
  }, T)

  it('the shop rejects a return with a reason; the buyer takes it to a dispute, which the order’s dispute panel shows', async () => {
    const t = suite.souk.testApp
    const { s, buyer, orderId } = await deliveredOrder(t, { title: 'Copper lamp', priceMinor: 15_000, stock: 3 }, 1)
    await askReturn(t, buyer, orderId, 'not_as_described', 'It is painted steel, not copper.')

    const { page, problems, close } = await pageAs(suite, buyer, `/orders/${orderId}`)
    const panel = page.getByRole('region', { name: 'Returns' })
    await returnStatus(page, 'Requested')
    await following(page, `order:${orderId}`)

    const shopPage = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    const shopPanel = shopPage.page.getByRole('region', { name: 'Returns' })
    await returnStatus(shopPage.page, 'Requested')
    await following(shopPage.page, `order:${orderId}`)
    await shopPanel.getByRole('button', { name: 'Reject', exact: true }).click()
    const reject = shopPage.page.getByRole('dialog', { name: 'Reject the return?' })
    await reject.getByLabel('Reason').fill('It is solid copper: the listing’s photos show the hallmark.')
    await reject.getByRole('button', { name: 'Reject the return' }).click()
    await returnStatus(shopPage.page, 'Rejected')

    // The buyer reads why, live, and takes it to a dispute.
    await returnStatus(page, 'Rejected')
    await page.getByTestId('return-reject-reason').filter({ hasText: /^It is solid copper: the listing’s photos show the hallmark\.$/ }).waitFor(WAIT)
    await screenshots(page, 'returns-rejected')
    await panel.getByRole('button', { name: 'Take it to a dispute' }).click()
    const escalate = page.getByRole('dialog', { name: 'Take it to a dispute' })
    await escalate.getByLabel('What happened?').fill('A magnet sticks to it: it is steel.')
    await escalate.getByRole('button', { name: 'Open a dispute' }).click()
    await toast(page, 'Dispute opened. Your payment is held until Souk decides.')
    await panel.getByRole('link', { name: 'See the dispute' }).waitFor(WAIT)
    expect(await panel.getByRole('button', { name: 'Take it to a dispute' }).count()).toBe(0)

    // The dispute panel of both pages shows the open dispute, with the buyer's words.
    const dispute = page.getByRole('region', { name: 'Dispute' })
    await dispute.getByTestId('dispute-status').filter({ hasText: /^Open$/ }).waitFor(WAIT)
    await dispute.getByText('A magnet sticks to it: it is steel.').waitFor(WAIT)
    await screenshots(page, 'returns-disputed')
    const shopDispute = shopPage.page.getByRole('region', { name: 'Dispute' })
    await shopDispute.getByTestId('dispute-status').filter({ hasText: /^Open$/ }).waitFor(WAIT)
    await shopDispute.getByText('A magnet sticks to it: it is steel.').waitFor(WAIT)

    expect(problems).toEqual([])
    expect(shopPage.problems).toEqual([])
    await Promise.all([close(), shopPage.close()])
  }, T)

  it('a shop sets its return policy, which reads back after a reload; a return reaches its inbox live and leads to its sale', async () => {
    const t = suite.souk.testApp
    const { s, buyer, orderId } = await deliveredOrder(t, { title: 'Glass lamp', priceMinor: 9_000, stock: 2 }, 1)

    const { page, problems, close } = await pageAs(suite, s.owner, '/dashboard')
    // The dashboard's own link (the footer links the returns policy too).
    await page.getByRole('main').getByRole('link', { name: 'Returns', exact: true }).click()
    await page.waitForURL(`${suite.souk.url}/dashboard/returns`, WAIT)
    const inbox = page.getByRole('region', { name: 'Returns' })
    await inbox.getByRole('heading', { name: 'No requested returns' }).waitFor(WAIT)

    // The policy: 14 days by default, the delivery fee kept; 30 days and the fee refunded once saved.
    const policy = page.getByRole('form', { name: 'Return policy' })
    await policy.waitFor(WAIT)
    expect(await policy.getByLabel('Days to ask for a return').inputValue()).toBe('14')
    expect(await policy.getByLabel(/Refund the delivery fee/).isChecked()).toBe(false)
    await policy.getByLabel('Days to ask for a return').fill('30')
    await policy.getByLabel(/Refund the delivery fee/).check()
    await policy.getByRole('button', { name: 'Save the return policy' }).click()
    await toast(page, 'Return policy saved.')
    await page.reload()
    await hydrated(page)
    await policy.waitFor(WAIT)
    expect(await policy.getByLabel('Days to ask for a return').inputValue()).toBe('30')
    expect(await policy.getByLabel(/Refund the delivery fee/).isChecked()).toBe(true)

    // The inbox: a buyer's new return shows live among the requested ones; another status has none; a row leads to its sale.
    await following(page, `user:${s.owner.id}`)
    const asked = await askReturn(t, buyer, orderId, 'changed_mind', 'Too small for the room.')
    const row = inbox.getByRole('row').filter({ has: page.getByRole('link', { name: asked.invoiceNumber }) })
    await row.getByText('No longer wanted').waitFor(WAIT)
    // All of the order comes back, asked under the new policy: the delivery fee too.
    await row.getByText(madText(9_000 + 3_000)).waitFor(WAIT)
    await row.getByText('Requested').waitFor(WAIT)
    await screenshots(page, 'returns-inbox')
    await inbox.getByRole('button', { name: 'Approved' }).click()
    await inbox.getByRole('heading', { name: 'No approved returns' }).waitFor(WAIT)
    await inbox.getByRole('button', { name: 'Requested' }).click()
    await row.getByRole('link', { name: asked.invoiceNumber }).click()
    await page.waitForURL(`${suite.souk.url}/dashboard/sales/${orderId}`, WAIT)
    await returnStatus(page, 'Requested')
    await page.getByRole('region', { name: 'Returns' }).getByText('Too small for the room.').waitFor(WAIT)

    expect(problems).toEqual([])
    await close()
  }, T)
})
