import { describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { phonePhoto } from '../../src/lib/image-fixtures'
import type { DisputesModel } from '../../src/modules/disputes/model'
import { shop } from '../../src/modules/orders/testing'
import { paidOrder, walletOf } from '../../src/modules/payments/testing'
import { client, makeProduct, postJson } from '../../src/testing'
import { following, json, madText, pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// After the sale, end to end: the buyer of a wallet-paid order asked the shop about the product
// in chat and the shop answered; the shop ships the order from its sale page and moves the parcel
// to delivered while the buyer's open order page follows; the buyer asks to return it with a
// photo, the shop rejects that, and the buyer takes it to a dispute, adding evidence that quotes
// the shop's answer and a photo; an admin reads both on the case page and splits the payment;
// both sides see the decision and the wallets move by exactly the split.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Brassware')

const SHOP_ANSWER = 'Yes: solid brass, with the workshop’s stamp under the base.'

/** Waits until the text with test id `id` reads exactly `text`. */
const reads = (page: Page, id: string, text: string) => page.getByTestId(id).filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the figure with test id `id` reads `minor` MAD. */
const amount = (page: Page, id: string, minor: number) => page.getByTestId(id).filter({ hasText: madText(minor) }).waitFor(WAIT)

/** Chooses `file` through the dispute's "Add a photo", as a person does (the button opens the file chooser). */
async function choosePhoto(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('region', { name: 'Dispute' }).getByRole('button', { name: 'Add a photo' }).click()
  await (await chooser).setFiles(file)
}

/** Non-problems: the file that is no image, refused on purpose. */
const besidesRefusal = (problems: string[]) => problems.filter((p) => !/\b415\b.*\/api\/v1\/disputes\/dsp_\w+\/evidence\/photo\)?$/.test(p))

/** What the shop keeps of `minor` once Souk's 5 % commission (rounded half up) is taken. */
const lessCommission = (minor: number) => minor - Math.floor((minor * 500 + 5_000) / 10_000)

describe('after the sale', () => {
  it('a shipped and delivered order is returned, rejected, disputed with quoted chat and a photo, and split by an admin; the wallets move by the split', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const lamp = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lamp', priceMinor: 20_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, s, lamp.id)
    const buyer = me.user

    // The buyer asked about the lamp in chat before, and the shop answered.
    const opened = await client(t, buyer).api.v1.conversations.post({ productId: lamp.id })
    expect(opened.status).toBe(201)
    const chat = (as: typeof buyer) => client(t, as).api.v1.conversations({ id: opened.data!.id }).messages
    expect((await chat(buyer).post({ clientId: randomUUID(), body: 'Is it solid brass, not plated?' })).status).toBe(201)
    expect((await chat(s.owner).post({ clientId: randomUUID(), body: SHOP_ANSWER })).status).toBe(201)

    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)
    const buyerBefore = (await walletOf(t, buyer)).availableMinor
    const shopBefore = (await walletOf(t, s.owner)).availableMinor

    const { page, problems, close } = await pageAs(suite, buyer, `/orders/${orderId}`)
    await following(page, `order:${orderId}`)
    const shopPage = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await following(shopPage.page, `order:${orderId}`)

    // The shop ships it with a carrier and tracking number, then moves the parcel along; the buyer's page follows.
    const ship = shopPage.page.getByRole('form', { name: 'Ship items' })
    await ship.getByLabel('Carrier', { exact: true }).selectOption('dhl')
    await ship.getByLabel('Tracking number').fill('JD0146000071')
    await ship.getByRole('button', { name: 'Ship parcel' }).click()
    const parcel = shopPage.page.getByRole('article', { name: 'Parcel 1' })
    await reads(shopPage.page, 'order-status', 'Shipped')
    await parcel.getByRole('button', { name: 'Mark in transit' }).click()
    const seen = page.getByRole('region', { name: 'Tracking' }).getByRole('article', { name: 'Parcel 1' })
    await seen.getByTestId('parcel-status').filter({ hasText: /^On its way$/ }).waitFor(WAIT)
    await seen.getByRole('link', { name: /JD0146000071/ }).waitFor(WAIT)
    await reads(page, 'order-status', 'Shipped')
    await screenshots(page, 'after-sale-in-transit')
    await parcel.getByRole('button', { name: 'Mark delivered' }).click()
    await seen.getByTestId('parcel-status').filter({ hasText: /^Delivered$/ }).waitFor(WAIT)
    await reads(page, 'order-status', 'Delivered')

    // The buyer asks to return it, with a photo.
    const returns = page.getByRole('region', { name: 'Returns' })
    await returns.getByRole('button', { name: 'Return items' }).click()
    const asking = page.getByRole('dialog', { name: 'Return items' })
    await asking.getByRole('button', { name: 'One more Brass lamp' }).click()
    await asking.getByLabel('Why?').selectOption('not_as_described')
    await asking.getByLabel('What is wrong?').fill('It is plated: the brass rubs off at the base.')
    await asking.getByLabel('Photos (optional)').setInputFiles({ name: 'base.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await phonePhoto()) })
    await asking.getByRole('button', { name: 'Ask to return them' }).click()
    await toast(page, 'Return asked. The shop is told.')
    await reads(page, 'return-status', 'Requested')
    await returns.getByRole('button', { name: 'Open photo 1' }).locator('img').waitFor(WAIT)

    // The shop rejects it with a reason.
    const shopReturns = shopPage.page.getByRole('region', { name: 'Returns' })
    await reads(shopPage.page, 'return-status', 'Requested')
    await shopReturns.getByRole('button', { name: 'Reject', exact: true }).click()
    const reject = shopPage.page.getByRole('dialog', { name: 'Reject the return?' })
    await reject.getByLabel('Reason').fill('It is solid brass, as I told you in our messages.')
    await reject.getByRole('button', { name: 'Reject the return' }).click()
    await reads(shopPage.page, 'return-status', 'Rejected')

    // The buyer takes it to a dispute.
    await reads(page, 'return-status', 'Rejected')
    await reads(page, 'return-reject-reason', 'It is solid brass, as I told you in our messages\\.')
    await returns.getByRole('button', { name: 'Take it to a dispute' }).click()
    const escalate = page.getByRole('dialog', { name: 'Take it to a dispute' })
    await escalate.getByLabel('What happened?').fill('The shop said it was solid brass; it is plated.')
    await escalate.getByRole('button', { name: 'Open a dispute' }).click()
    await toast(page, 'Dispute opened. Your payment is held until Souk decides.')
    const dispute = page.getByRole('region', { name: 'Dispute' })
    await reads(page, 'dispute-status', 'Open')

    // Evidence: words quoting the shop's answer (chosen among the chat's messages, not its after-sale notes), then a photo.
    const quote = dispute.getByRole('group', { name: /^Quote messages/ })
    const answer = quote.getByRole('checkbox', { name: new RegExp(SHOP_ANSWER) })
    await answer.waitFor(WAIT)
    await quote.getByRole('checkbox', { name: /Is it solid brass, not plated\?/ }).waitFor(WAIT)
    expect(await quote.getByRole('checkbox').count()).toBe(2)
    await dispute.getByLabel('Add to the dispute').fill('Before I bought it the shop wrote this:')
    await answer.check()
    await screenshots(page, 'after-sale-evidence-form')
    await dispute.getByRole('button', { name: 'Add to the dispute' }).click()
    await toast(page, 'Added to the dispute.')
    const quoted = dispute.getByRole('blockquote', { name: 'Shop’s message' })
    await quoted.getByText(SHOP_ANSWER).waitFor(WAIT)
    expect(await answer.isChecked()).toBe(false)
    // A photo, with the words typed as its caption: a file that is no image is refused with the server's reason, the words kept.
    await dispute.getByLabel('Add to the dispute').fill('The base, where the plating rubs off.')
    await choosePhoto(page, { name: 'plating.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo') })
    await dispute.getByRole('alert').getByText('This file is not an image Souk accepts').waitFor(WAIT)
    expect(await dispute.getByLabel('Add to the dispute').inputValue()).toBe('The base, where the plating rubs off.')
    await choosePhoto(page, { name: 'plating.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await phonePhoto()) })
    await toast(page, 'Photo added to the dispute.')
    await dispute.getByRole('button', { name: 'Open the photo' }).locator('img').waitFor(WAIT)
    await dispute.getByText('The base, where the plating rubs off.').waitFor(WAIT)
    expect(await dispute.getByLabel('Add to the dispute').inputValue()).toBe('')
    await screenshots(page, 'after-sale-evidence')

    // An admin opens the case from the queue: the quoted answer and the photo are there to read.
    // All of it is held: 200.00 and 30.00 of delivery.
    const held = await json<(typeof DisputesModel.orderDispute)['static']>(t.request(`/api/v1/orders/${orderId}/dispute`, { headers: buyer.auth }), 200)
    expect(held.dispute?.amountMinor).toBe(23_000)
    const admin = await pageAs(suite, given.admin, '/admin/disputes')
    await admin.page.getByRole('link', { name: held.dispute!.invoiceNumber }).click()
    await admin.page.waitForURL(`${suite.souk.url}/admin/disputes/${held.dispute!.id}`, WAIT)
    const caseFile = admin.page.getByRole('region', { name: 'Dispute' })
    await caseFile.getByRole('blockquote', { name: 'Shop’s message' }).getByText(SHOP_ANSWER).waitFor(WAIT)
    await caseFile.getByRole('button', { name: 'Open the photo' }).locator('img').waitFor(WAIT)
    await caseFile.getByRole('button', { name: 'Open the photo' }).click()
    await admin.page.getByRole('dialog', { name: 'Photo' }).locator('img').waitFor(WAIT)
    await screenshots(admin.page, 'after-sale-admin-case')
    await admin.page.keyboard.press('Escape')

    // A split: 150.00 to the shop, 80.00 back to the buyer.
    const resolve = admin.page.getByRole('form', { name: 'Resolve the dispute' })
    await resolve.getByLabel(/^Split/).check()
    await resolve.getByLabel('The shop’s part (MAD)').fill('150')
    await amount(admin.page, 'split-refund', 8_000)
    await resolve.getByLabel('Decision').fill('The shop’s answer promised solid brass; the lamp is plated. It keeps part for the lamp.')
    await resolve.getByRole('button', { name: 'Resolve the dispute' }).click()
    await reads(admin.page, 'dispute-status', 'Resolved')

    // Both sides' open pages show the decision.
    for (const side of [page, shopPage.page]) {
      await reads(side, 'dispute-status', 'Resolved')
      await amount(side, 'dispute-to-shop', 15_000)
      await amount(side, 'dispute-to-buyer', 8_000)
      await side.getByTestId('dispute-decision').filter({ hasText: /^The shop’s answer promised solid brass/ }).waitFor(WAIT)
    }
    await screenshots(page, 'after-sale-decided')
    await screenshots(shopPage.page, 'after-sale-sale-decided')

    expect((await walletOf(t, buyer)).availableMinor).toBe(buyerBefore + 8_000)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(shopBefore + lessCommission(15_000))

    expect(besidesRefusal(problems)).toEqual([])
    expect(shopPage.problems).toEqual([])
    expect(admin.problems).toEqual([])
    await Promise.all([close(), shopPage.close(), admin.close()])
  }, T)
})
