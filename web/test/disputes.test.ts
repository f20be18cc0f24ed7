import { describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import type { DisputesModel } from '../../src/modules/disputes/model'
import { disputes } from '../../src/modules/disputes/table'
import type { OrdersModel } from '../../src/modules/orders/model'
import { shop } from '../../src/modules/orders/testing'
import type { PaymentsModel } from '../../src/modules/payments/model'
import { paidOrder, walletOf } from '../../src/modules/payments/testing'
import { makeProduct, postJson } from '../../src/testing'
import { following, json, madText, pageAs, screenshots, useCategory, useSouk, WAIT } from './browser'

// A problem with a paid order: the buyer reports it from the order page, which holds the payment;
// the shop's open sale page shows it live and the shop responds; an admin opens the queue and the
// case and splits the held amount; both open pages show the decision live, and the wallets move by
// exactly the decided amounts. The order is paid from the wallet, accepted and shipped through the API.

const T = 180_000

const suite = useSouk()
const given = useCategory(suite, 'Teapots')

/** Waits until the page's order status reads `text`. */
const orderStatus = (page: Page, text: string) => page.getByTestId('order-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the page's dispute reads `text` as its status. */
const disputeStatus = (page: Page, text: string) => page.getByTestId('dispute-status').filter({ hasText: new RegExp(`^${text}$`) }).waitFor(WAIT)

/** Waits until the figure with test id `id` reads `minor` MAD. */
const amount = (page: Page, id: string, minor: number) => page.getByTestId(id).filter({ hasText: madText(minor) }).waitFor(WAIT)

/** Non-problems: refusals on purpose ("I received it" while the dispute is open, a decision left empty). */
const besidesRefusals = (problems: string[]) => problems.filter((p) => !/\b409\b.*\/confirm-receipt\)?$/.test(p) && !/\b400\b.*\/admin\/disputes\/dsp_\w+\/resolve\)?$/.test(p))

describe('disputes', () => {
  it('a buyer reports a problem; the shop responds live; an admin splits the payment; both sides see the decision and the wallets move', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    // 200.00 and 30.00 of delivery: 230.00 held.
    const teapot = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass teapot', priceMinor: 20_000, stock: 5 })
    const { me, orderId, totalMinor } = await paidOrder(t, s, teapot.id)
    expect(totalMinor).toBe(23_000)
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)
    await json(postJson(t, `/api/v1/sales/${orderId}/ship`, {}, s.owner.auth), 200)
    const buyerBefore = (await walletOf(t, me.user)).availableMinor
    const shopBefore = (await walletOf(t, s.owner)).availableMinor

    const shopPage = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await orderStatus(shopPage.page, 'Shipped')
    await following(shopPage.page, `order:${orderId}`)
    expect(await shopPage.page.getByRole('region', { name: 'Dispute' }).count()).toBe(0)

    // The buyer reports it: not as described, with what happened.
    const { page, problems, close } = await pageAs(suite, me.user, `/orders/${orderId}`)
    await page.getByRole('region', { name: 'A problem with this order?' }).getByRole('button', { name: 'Report a problem' }).click()
    const dialog = page.getByRole('dialog', { name: 'Report a problem' })
    await dialog.getByLabel('What went wrong?').selectOption('not_as_described')
    await dialog.getByLabel('What happened?').fill('The teapot is copper, not brass as the listing says.')
    await dialog.getByRole('button', { name: 'Report the problem' }).click()
    const panel = page.getByRole('region', { name: 'Dispute' })
    await disputeStatus(page, 'Open')
    await panel.getByText('Your payment is held until Souk decides.').waitFor(WAIT)
    await panel.getByText('The teapot is copper, not brass as the listing says.').waitFor(WAIT)
    await panel.getByText('It is not as described').waitFor(WAIT)
    expect(await page.getByRole('button', { name: 'Report a problem' }).count()).toBe(0)
    await following(page, `order:${orderId}`)

    // The shop's open page shows it, with the date to respond by, and the shop responds.
    const shopPanel = shopPage.page.getByRole('region', { name: 'Dispute' })
    await shopPanel.getByText('The teapot is copper, not brass as the listing says.').waitFor(WAIT)
    await shopPanel.getByTestId('dispute-waiting').filter({ hasText: /^Waiting on your response, by .+$/ }).waitFor(WAIT)
    await shopPanel.getByText(/The payment is held until Souk decides\. Respond by .+: after that Souk may decide without your word\.$/).waitFor(WAIT)
    await shopPanel.getByLabel('Your response').fill('It is brass with a copper wash, as the photos show.')
    await shopPanel.getByRole('button', { name: 'Respond' }).click()
    await shopPanel.getByTestId('dispute-waiting').filter({ hasText: /^Waiting on Souk’s decision$/ }).waitFor(WAIT)
    expect(await shopPanel.getByRole('button', { name: 'Respond' }).count()).toBe(0)
    await shopPanel.getByLabel('Add to the dispute').waitFor(WAIT)
    await screenshots(shopPage.page, 'sale-dispute')

    // The buyer's page follows; "I received it" is refused while the dispute is open.
    await panel.getByText('It is brass with a copper wash, as the photos show.').waitFor(WAIT)
    await page.getByRole('button', { name: 'I received it' }).click()
    const received = page.getByRole('dialog', { name: 'Did you receive this order?' })
    await received.getByRole('button', { name: 'Yes, I received it' }).click()
    await received.getByText('A problem was reported with this order: its payment stays held until it is resolved').waitFor(WAIT)
    await received.getByRole('button', { name: 'Not yet' }).click()
    await orderStatus(page, 'Shipped')
    await screenshots(page, 'order-dispute-open')

    // An admin: the queue from the admin home, then the whole case.
    const admin = await pageAs(suite, given.admin, '/admin')
    await admin.page.getByRole('link', { name: 'Disputes', exact: true }).click()
    await admin.page.waitForURL(`${suite.souk.url}/admin/disputes`, WAIT)
    const { invoiceNumber } = await json<OrdersModel.Order>(t.request(`/api/v1/orders/${orderId}`, { headers: me.user.auth }), 200)
    const row = admin.page.getByRole('row').filter({ has: admin.page.getByRole('link', { name: invoiceNumber }) })
    await row.getByText('It is not as described').waitFor(WAIT)
    await row.getByText(madText(23_000)).waitFor(WAIT)
    await row.getByText('Waiting on an admin’s decision').waitFor(WAIT)
    await row.getByRole('link', { name: invoiceNumber }).click()
    await admin.page.waitForURL(new RegExp(`/admin/disputes/dsp_\\w+$`), WAIT)
    const dispute = admin.page.getByRole('region', { name: 'Dispute' })
    await dispute.getByText('It is brass with a copper wash, as the photos show.').waitFor(WAIT)
    await admin.page.getByRole('region', { name: 'Items' }).getByText('Brass teapot').waitFor(WAIT)
    await admin.page.getByTestId('escrow-state').filter({ hasText: /^Held while a return or a problem is open$/ }).waitFor(WAIT)
    expect(await admin.page.getByRole('link', { name: 'Open the order' }).getAttribute('href')).toBe(`/admin/orders/${orderId}`)

    // A note both sides read.
    await dispute.getByLabel('Note to both sides').fill('Please both send photos of the stamp under the base.')
    await dispute.getByRole('button', { name: 'Add the note' }).click()
    await panel.getByText('Please both send photos of the stamp under the base.').waitFor(WAIT)

    // Split: 150.00 to the shop, the rest shown as refunded. An empty decision is refused beside its field.
    const resolve = admin.page.getByRole('form', { name: 'Resolve the dispute' })
    await resolve.getByLabel(/^Split/).check()
    await resolve.getByLabel('The shop’s part (MAD)').fill('150')
    await amount(admin.page, 'split-refund', 8_000)
    await resolve.getByRole('button', { name: 'Resolve the dispute' }).click()
    await resolve.locator('.field', { has: admin.page.getByLabel('Decision') }).locator('.field__error').waitFor(WAIT)
    await screenshots(admin.page, 'admin-dispute')
    await resolve.getByLabel('Decision').fill('Brass-plated copper is not what the listing says; the shop keeps part for the craft.')
    await resolve.getByRole('button', { name: 'Resolve the dispute' }).click()
    await disputeStatus(admin.page, 'Resolved')
    await amount(admin.page, 'dispute-to-shop', 15_000)
    expect(await resolve.count()).toBe(0)
    await orderStatus(admin.page, 'Completed')

    // Both open pages show the decision and the amounts, live.
    await disputeStatus(page, 'Resolved')
    await amount(page, 'dispute-to-shop', 15_000)
    await amount(page, 'dispute-to-buyer', 8_000)
    await page.getByTestId('dispute-decision').filter({ hasText: /^Brass-plated copper is not what the listing says/ }).waitFor(WAIT)
    await orderStatus(page, 'Completed')
    expect(await panel.locator('form').count()).toBe(0)
    await screenshots(page, 'order-dispute-decided')
    await disputeStatus(shopPage.page, 'Resolved')
    await amount(shopPage.page, 'dispute-to-buyer', 8_000)
    await orderStatus(shopPage.page, 'Completed')

    // The wallets: the buyer got the refunded part back; the shop its part less 5 % commission.
    expect((await walletOf(t, me.user)).availableMinor).toBe(buyerBefore + 8_000)
    expect((await walletOf(t, s.owner)).availableMinor).toBe(shopBefore + 15_000 - 750)
    const { escrow } = await json<PaymentsModel.OrderPayment>(t.request(`/api/v1/orders/${orderId}/payment`, { headers: me.user.auth }), 200)
    expect(escrow?.state).not.toBe('frozen')

    expect(besidesRefusals(problems)).toEqual([])
    expect(shopPage.problems).toEqual([])
    expect(besidesRefusals(admin.problems)).toEqual([])
    await Promise.all([close(), shopPage.close(), admin.close()])
  }, T)

  it('the buyer asks Souk to decide once the shop let its deadline pass, and the admins’ queue shows it first, filtered by whom it waits on', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const cup = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Tea cup', priceMinor: 5_000, stock: 5 })
    const { me, orderId } = await paidOrder(t, s, cup.id)
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)
    await json(postJson(t, `/api/v1/sales/${orderId}/ship`, {}, s.owner.auth), 200)
    const opened = await json<DisputesModel.Dispute>(postJson(t, `/api/v1/orders/${orderId}/disputes`, { reason: 'not_received', description: 'Nothing came in three weeks.' }, me.user.auth), 201)

    const { page, problems, close } = await pageAs(suite, me.user, `/orders/${orderId}`)
    const panel = page.getByRole('region', { name: 'Dispute' })
    await panel.getByTestId('dispute-waiting').filter({ hasText: /^Waiting on the shop’s response, until .+$/ }).waitFor(WAIT)
    expect(await panel.getByRole('button', { name: 'Ask Souk to decide' }).count()).toBe(0)
    // The shop's days go by without a word.
    await t.ctx.database.db.update(disputes).set({ respondBy: new Date(Date.now() - 60_000) }).where(eq(disputes.id, opened.id))
    await page.reload()
    await panel.getByTestId('dispute-waiting').filter({ hasText: /^The shop did not respond by .+: you may ask Souk to decide$/ }).waitFor(WAIT)
    await panel.getByRole('button', { name: 'Ask Souk to decide' }).click()
    await panel.getByTestId('dispute-waiting').filter({ hasText: /^You asked Souk to decide$/ }).waitFor(WAIT)
    expect(await panel.getByRole('button', { name: 'Ask Souk to decide' }).count()).toBe(0)

    const admin = await pageAs(suite, given.admin, '/admin/disputes')
    const { invoiceNumber } = await json<OrdersModel.Order>(t.request(`/api/v1/orders/${orderId}`, { headers: me.user.auth }), 200)
    await admin.page.getByRole('group', { name: 'Waiting on' }).getByRole('button', { name: 'An admin' }).click()
    const firstRow = admin.page.getByRole('row').nth(1)
    await firstRow.getByRole('link', { name: invoiceNumber }).waitFor(WAIT)
    await firstRow.getByText('The buyer asked for a decision').waitFor(WAIT)
    await admin.page.getByRole('group', { name: 'Waiting on' }).getByRole('button', { name: 'The shop' }).click()
    await admin.page.getByRole('row').filter({ has: admin.page.getByRole('link', { name: invoiceNumber }) }).waitFor({ ...WAIT, state: 'detached' })
    // The case shows the order's ledger entries and the steps noted in the conversation.
    await admin.page.goto(`${suite.souk.url}/admin/disputes/${opened.id}`)
    await admin.page.getByRole('region', { name: 'Ledger entries' }).getByTestId('case-ledger-amount').first().waitFor(WAIT)
    await admin.page.getByRole('region', { name: 'Conversation' }).getByText('The buyer asked Souk to decide the dispute').waitFor(WAIT)

    expect(problems).toEqual([])
    expect(admin.problems).toEqual([])
    await Promise.all([close(), admin.close()])
  }, T)
})
