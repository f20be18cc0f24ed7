import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import type { OrdersModel } from '../../src/modules/orders/model'
import { addToCart, buyer, shop, type TestShop } from '../../src/modules/orders/testing'
import type { PaymentsModel } from '../../src/modules/payments/model'
import { CARDS, deposit, paidOrder, walletOf } from '../../src/modules/payments/testing'
import { makeProduct, postJson, signUpAndSignIn, waitFor } from '../../src/testing'
import { following, hydrated, json, pageAs, payByCard, screenshot, screenshots, useCategory, useSouk, VIEWPORTS, WAIT } from './browser'

// The buyer's money: the wallet (a deposit through the sandbox's hosted page, a bank account, a
// withdrawal an admin pays), paying a checkout from the wallet or by card (declined, then paid
// again), and confirming receipt, which releases the escrow to the shop. Balances move live.

const T = 180_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

/** A figure of the wallet page (`available`, `held`, `incoming`, `outgoing`) once it reads `amount`. */
const balance = (page: Page, figure: string, amount: string) => page.getByTestId(`${figure}-MAD`).filter({ hasText: new RegExp(`^MAD\\s${amount.replace('.', '\\.')}$`) }).waitFor(WAIT)

/** A shop with a 200.00 lamp (its courier: 30.00, free from 500.00). */
async function lampShop(): Promise<TestShop & { productId: string }> {
  const t = suite.souk.testApp
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lamp', priceMinor: 20_000, stock: 20 })
  return { ...s, productId: product.id }
}

/** Non-problems of a card payment: the sandbox answers a declined card's form with 402 (a document). */
const besidesDeclines = (problems: string[]) => problems.filter((p) => !/\b402\b.*\/pay\/sbx_\w+\)?$/.test(p))

describe('wallet', () => {
  it('a buyer deposits 500.00 through the sandbox page, adds a bank account and asks to withdraw; an admin pays it, live', async () => {
    const t = suite.souk.testApp
    const me = await signUpAndSignIn(t, { displayName: 'Amina' })
    const { page, problems, close } = await pageAs(suite, me, '/')
    const url = suite.souk.url

    // From the account menu, once the session is restored (before, it is a visitor's menu).
    await page.locator('.account-button').getByText('Amina').waitFor(WAIT)
    await page.getByRole('button', { name: 'Account menu' }).click()
    await page.getByRole('menuitem', { name: 'Wallet' }).click()
    await page.waitForURL(`${url}/wallet`, WAIT)
    await balance(page, 'available', '0.00')
    await page.getByText('No transactions yet').waitFor(WAIT)

    // Not an amount: said beside the field, nothing asked of the server.
    await page.getByLabel('Amount to add').fill('five hundred')
    await page.getByRole('button', { name: 'Continue to payment' }).click()
    await page.getByText('Enter an amount, like 500 or 500.50').waitFor(WAIT)

    await page.getByLabel('Amount to add').fill('500')
    await page.getByRole('button', { name: 'Continue to payment' }).click()
    await payByCard(page, CARDS.success)
    // The sandbox sends the browser back; the balance rises once its webhook is processed.
    await page.waitForURL(`${url}/wallet`, WAIT)
    await hydrated(page)
    await balance(page, 'available', '500.00')
    await page.getByRole('row', { name: /Deposit/ }).getByText(/^\+MAD\s500\.00$/).waitFor(WAIT)

    // A bank account: a wrong IBAN is named beside its field, a right one is listed masked.
    await page.getByRole('button', { name: 'Add a bank account' }).click()
    const newAccount = page.getByRole('form', { name: 'New bank account' })
    await newAccount.getByLabel('Name it').fill('CIH current account')
    await newAccount.getByLabel('Account holder').fill('Amina Benali')
    await newAccount.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 188')
    await newAccount.getByRole('button', { name: 'Add bank account' }).click()
    await newAccount.getByText('is not a valid IBAN (check the digits)').waitFor(WAIT)
    await newAccount.getByLabel('IBAN').fill('FR76 3000 6000 0112 3456 7890 189')
    await newAccount.getByRole('button', { name: 'Add bank account' }).click()
    const accounts = page.getByRole('list', { name: 'My bank accounts' })
    await accounts.getByText('Amina Benali · •••• 0189').waitFor(WAIT)
    expect(await page.content()).not.toContain('3456 7890 189')

    // Below the minimum: the server's limit, in money, beside the amount.
    const withdraw = page.getByRole('form', { name: 'Withdraw' })
    await withdraw.getByLabel('Amount').fill('50')
    await withdraw.getByRole('button', { name: 'Request withdrawal' }).click()
    await withdraw.getByText('The smallest withdrawal is 100.00 MAD').waitFor(WAIT)
    await withdraw.getByLabel('Amount').fill('150')
    await withdraw.getByRole('button', { name: 'Request withdrawal' }).click()
    await balance(page, 'outgoing', '150.00')
    await balance(page, 'available', '350.00')
    const withdrawals = page.getByRole('list', { name: 'My withdrawals' })
    await withdrawals.getByText('Requested').waitFor(WAIT)
    await screenshots(page, 'wallet')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'wallet-dark-desktop')
    await page.emulateMedia({ colorScheme: 'light' })

    // The history filters by kind; its CSV holds the same rows.
    await page.getByLabel('Kind').selectOption('withdrawal')
    await page.getByRole('row', { name: /Withdrawal \(reserved\)/ }).waitFor(WAIT)
    await page.getByRole('row', { name: /Deposit/ }).waitFor({ state: 'detached', ...WAIT })
    const download = page.waitForEvent('download', WAIT)
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const csv = readFileSync((await (await download).path())!, 'utf8')
    // Amounts out are negative numbers (a number, not a formula a spreadsheet would run).
    expect(csv).toMatch(/,withdrawal,pending,available,-15000,MAD,withdrawal:wdr_/)
    expect(csv).not.toContain('deposit')

    // An admin pays it: the page says so, with the reference, without a reload.
    await following(page, `user:${me.id}`)
    const [requested] = (await json<{ items: PaymentsModel.Withdrawal[] }>(t.request('/api/v1/wallet/withdrawals', { headers: me.auth }), 200)).items
    await json(postJson(t, `/api/v1/admin/withdrawals/${requested!.id}/approve`, { reference: 'VIR-2026-0042' }, given.admin.auth), 200)
    await withdrawals.getByText('Paid', { exact: true }).waitFor(WAIT)
    await withdrawals.getByText('VIR-2026-0042').waitFor(WAIT)
    await balance(page, 'outgoing', '0.00')
    expect(await walletOf(t, me)).toMatchObject({ availableMinor: 35_000, outgoingMinor: 0 })
    expect(problems.filter((p) => !/\b(400|409)\b.*\/api\/v1\/(me\/payout-methods|wallet\/withdrawals)\)?$/.test(p))).toEqual([])
    await close()
  }, T)
})

describe('paying a checkout', () => {
  it('from the wallet: refused while the balance is short, then placed and paid at once, the balances moving live', async () => {
    const t = suite.souk.testApp
    const s = await lampShop()
    const me = await buyer(t)
    await deposit(t, me.user, 100_000)
    // Six lamps (1,200.00) are more than the 1,000.00 the wallet holds.
    await addToCart(t, me.user, s.productId, 6)
    const wallet = await pageAs(suite, me.user, '/wallet')
    await balance(wallet.page, 'available', '1,000.00')
    await following(wallet.page, `user:${me.user.id}`)

    const { page, problems, close } = await pageAs(suite, me.user, '/checkout')
    await page.getByTestId('order-total').filter({ hasText: '1,200.00' }).waitFor(WAIT)
    await page.getByRole('radio', { name: /Souk wallet/ }).check()
    await page.getByTestId('wallet-available').filter({ hasText: '1,000.00' }).waitFor(WAIT)
    await page.getByText(/Your wallet has .*1,000\.00 available, short of the .*1,200\.00 this order comes to/).waitFor(WAIT)
    await page.getByRole('button', { name: /Place order and pay from wallet/, disabled: true }).waitFor(WAIT)
    await screenshots(page, 'checkout-wallet-short')

    // One lamp: 200.00 and 30.00 of delivery.
    await addToCart(t, me.user, s.productId, 1)
    await page.reload()
    await hydrated(page)
    await page.getByRole('radio', { name: /Souk wallet/ }).check()
    await page.getByTestId('order-total').filter({ hasText: '230.00' }).waitFor(WAIT)
    await page.getByRole('button', { name: /Place order and pay from wallet · .*230\.00/, disabled: false }).click()
    await page.waitForURL(/\/orders\/placed\/ogr_[0-9a-f]{32}$/, WAIT)
    await page.getByTestId('group-paid').filter({ hasText: /^Paid MAD\s230\.00 from your Souk wallet/ }).waitFor(WAIT)
    await page.getByRole('list', { name: 'Placed orders' }).getByRole('link', { name: /, Placed$/ }).waitFor(WAIT)
    await screenshots(page, 'order-paid-from-wallet')

    // The open wallet page follows: 230.00 left the available balance for escrow.
    await balance(wallet.page, 'available', '770.00')
    await balance(wallet.page, 'held', '230.00')
    expect(problems).toEqual([])
    expect(wallet.problems).toEqual([])
    await Promise.all([close(), wallet.close()])
  }, T)

  it('by card: declined, back on My orders with the failure, then paid again with another card', async () => {
    const t = suite.souk.testApp
    const s = await lampShop()
    const me = await buyer(t)
    await addToCart(t, me.user, s.productId, 1)
    const { page, problems, close } = await pageAs(suite, me.user, '/checkout')
    const url = suite.souk.url

    await page.getByRole('radio', { name: /^Card/ }).check()
    await page.getByRole('button', { name: /Place order and pay by card · .*230\.00/, disabled: false }).click()
    await payByCard(page, CARDS.declined)
    await page.getByRole('alert').filter({ hasText: 'Your card was declined' }).waitFor(WAIT)
    await page.getByRole('link', { name: 'Cancel and return to Souk' }).click()

    await page.waitForURL(/\/orders\?group=ogr_[0-9a-f]{32}$/, WAIT)
    const groupId = new URL(page.url()).searchParams.get('group')!
    await hydrated(page)
    const state = page.getByTestId('group-payment')
    await state.filter({ hasText: 'The payment failed: Your card was declined.' }).waitFor(WAIT)
    await page.getByRole('list', { name: 'My orders' }).getByRole('link', { name: /Awaiting payment$/ }).waitFor(WAIT)
    await screenshots(page, 'my-orders-payment-failed')

    await page.getByRole('button', { name: 'Pay again by card' }).click()
    await payByCard(page, CARDS.success)
    await page.waitForURL(`${url}/orders?group=${groupId}`, WAIT)
    await state.filter({ hasText: /^Paid MAD\s230\.00 by card/ }).waitFor(WAIT)
    await page.getByRole('list', { name: 'My orders' }).getByRole('link', { name: /, Placed$/ }).waitFor(WAIT)
    expect(await walletOf(t, me.user)).toMatchObject({ availableMinor: 0, heldMinor: 23_000 })
    expect(besidesDeclines(problems)).toEqual([])
    await close()
  }, T)
})

describe('an order’s escrow', () => {
  it('held while the order travels; the buyer confirms receipt and the panel says it went to the shop', async () => {
    const t = suite.souk.testApp
    const s = await lampShop()
    const { me, orderId, totalMinor } = await paidOrder(t, s, s.productId)
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)

    const { page, problems, close } = await pageAs(suite, me.user, `/orders/${orderId}`)
    const status = page.getByTestId('order-status')
    const escrow = page.getByTestId('escrow-state')
    await status.filter({ hasText: /^Accepted$/ }).waitFor(WAIT)
    await escrow.filter({ hasText: /^Held until you confirm receipt$/ }).waitFor(WAIT)
    await page.getByTestId('payment-status').filter({ hasText: /Paid/ }).waitFor(WAIT)

    // The shop ships it while the page is open.
    await following(page, `order:${orderId}`)
    await json(postJson(t, `/api/v1/sales/${orderId}/ship`, {}, s.owner.auth), 200)
    await status.filter({ hasText: /^Shipped$/ }).waitFor(WAIT)
    await screenshots(page, 'my-order-escrow-held')

    await page.getByRole('button', { name: 'I received it' }).click()
    const dialog = page.getByRole('dialog', { name: 'Did you receive this order?' })
    await dialog.getByRole('button', { name: 'Yes, I received it' }).click()
    await status.filter({ hasText: /^Completed$/ }).waitFor(WAIT)
    await escrow.filter({ hasText: /^Released to the shop on / }).waitFor(WAIT)
    await page.getByRole('button', { name: 'I received it' }).waitFor({ state: 'detached', ...WAIT })
    await screenshots(page, 'my-order-escrow-released')

    const { escrow: held } = await json<PaymentsModel.OrderPayment>(t.request(`/api/v1/orders/${orderId}/payment`, { headers: s.owner.auth }), 200)
    expect(held).toMatchObject({ state: 'released', amountMinor: totalMinor })
    await waitFor(async () => (await walletOf(t, s.owner)).availableMinor === totalMinor - held!.commissionMinor, 10_000, 'the shop paid')
    expect(problems).toEqual([])
    await close()
  }, T)

  it('the shop ships an order in a parcel and marks it delivered, from its sale page; both sides read the release date', async () => {
    const t = suite.souk.testApp
    const s = await lampShop()
    const { me, orderId } = await paidOrder(t, s, s.productId)
    await json(postJson(t, `/api/v1/sales/${orderId}/accept`, {}, s.owner.auth), 200)
    const buyerPage = await pageAs(suite, me.user, `/orders/${orderId}`)
    await following(buyerPage.page, `order:${orderId}`)

    const { page, problems, close } = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    const state = page.getByTestId('escrow-state')
    await state.filter({ hasText: /^Held until the buyer confirms receipt$/ }).waitFor(WAIT)
    await page.getByText(/Commission on release/).waitFor(WAIT)
    // Everything in one parcel (the form's default), handed to the carrier, then delivered.
    await page.getByRole('form', { name: 'Ship items' }).getByRole('button', { name: 'Ship parcel' }).click()
    await page.getByTestId('order-status').filter({ hasText: /^Shipped$/ }).waitFor(WAIT)
    const parcel = page.getByRole('article', { name: 'Parcel 1' })
    await parcel.getByRole('button', { name: 'Mark in transit' }).click()
    await parcel.getByRole('button', { name: 'Mark delivered' }).click()
    await page.getByTestId('order-status').filter({ hasText: /^Delivered$/ }).waitFor(WAIT)
    await state.filter({ hasText: /^Released to the shop on .+ unless the buyer reports a problem$/ }).waitFor(WAIT)
    await screenshots(page, 'sale-escrow-delivered')

    // The buyer's open page follows.
    await buyerPage.page.getByTestId('escrow-state').filter({ hasText: /^Released on .+ unless you report a problem$/ }).waitFor(WAIT)
    await buyerPage.page.getByRole('button', { name: 'I received it' }).waitFor(WAIT)
    const order = await json<OrdersModel.Order>(t.request(`/api/v1/orders/${orderId}`, { headers: me.user.auth }), 200)
    expect(order.status).toBe('delivered')
    const { escrow } = await json<PaymentsModel.OrderPayment>(t.request(`/api/v1/orders/${orderId}/payment`, { headers: me.user.auth }), 200)
    expect(escrow).toMatchObject({ state: 'held', releaseAfter: expect.any(String) })
    expect(problems).toEqual([])
    expect(buyerPage.problems).toEqual([])
    await Promise.all([close(), buyerPage.close()])
  }, T)
})
