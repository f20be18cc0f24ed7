import { describe, expect, it } from 'bun:test'
import { addToCart, buyer, shop } from '../../src/modules/orders/testing'
import { CARDS } from '../../src/modules/payments/testing'
import { client, makeProduct, signUpAndSignIn } from '../../src/testing'
import { following, hydrated, moneyFigure, pageAs, useCategory, useSouk, WAIT } from './browser'

// The money of one sale from end to end, each side on its own screen and each screen live: the
// buyer deposits through the sandbox page and pays from the wallet; the shop sees it held; the
// buyer confirms receipt; the shop's balance rises less the commission; the shop withdraws and an
// admin pays it.

const suite = useSouk()
const given = useCategory(suite, 'Brassware')

describe('money, end to end', () => {
  it('deposit, wallet payment, escrow held, receipt, release less commission, withdrawal paid — live on every screen', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    // 200.00 and 30.00 of delivery: 230.00, of which 5 % (11.50) is the commission.
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass tray', priceMinor: 20_000, stock: 5 })
    const me = await buyer(t)
    const [total, commission] = [23_000, 1_150]

    // The buyer deposits 500.00 through the sandbox page.
    const wallet = await pageAs(suite, me.user, '/wallet')
    await moneyFigure(wallet.page, 'available', 0)
    await wallet.page.getByLabel('Amount to add').fill('500')
    await wallet.page.getByRole('button', { name: 'Continue to payment' }).click()
    await wallet.page.waitForURL(/\/pay\/sbx_[0-9a-f]+$/, WAIT)
    await wallet.page.getByLabel('Card number').fill(CARDS.success)
    await wallet.page.getByLabel('Expiry (MM/YY)').fill('12/40')
    await wallet.page.getByLabel('Security code').fill('123')
    await wallet.page.getByLabel('Name on card').fill('Amina B.')
    await wallet.page.getByRole('button', { name: /^Pay / }).click()
    await wallet.page.waitForURL(`${suite.souk.url}/wallet`, WAIT)
    await hydrated(wallet.page)
    await moneyFigure(wallet.page, 'available', 50_000)
    await following(wallet.page, `user:${me.user.id}`)

    // The shop watches its earnings.
    const earnings = await pageAs(suite, s.owner, '/dashboard/earnings')
    await following(earnings.page, `user:${s.owner.id}`)

    // The buyer pays from the wallet at checkout.
    await addToCart(t, me.user, product.id, 1)
    const checkout = await pageAs(suite, me.user, '/checkout')
    await checkout.page.getByRole('radio', { name: /Souk wallet/ }).check()
    await checkout.page.getByRole('button', { name: /Place order and pay from wallet/, disabled: false }).click()
    await checkout.page.waitForURL(/\/orders\/placed\/ogr_[0-9a-f]{32}$/, WAIT)
    const groupId = checkout.page.url().split('/').at(-1)!
    // Live: the buyer's wallet moves the amount into escrow; the shop sees it held.
    await moneyFigure(wallet.page, 'available', 50_000 - total)
    await moneyFigure(wallet.page, 'held', total)
    await moneyFigure(earnings.page, 'held', total)
    await moneyFigure(earnings.page, 'available', 0)

    // The shop ships it; the buyer confirms receipt on the order page.
    const [order] = (await client(t, me.user).api.v1.orders.get({ query: {} })).data!.items.filter((o) => o.groupId === groupId)
    for (const step of ['accept', 'ship'] as const) expect((await client(t, s.owner).api.v1.sales({ id: order!.id })[step].post()).status).toBe(200)
    await checkout.page.goto(`${suite.souk.url}/orders/${order!.id}`)
    await hydrated(checkout.page)
    await checkout.page.getByRole('button', { name: 'I received it' }).click()
    await checkout.page.getByRole('dialog', { name: 'Did you receive this order?' }).getByRole('button', { name: 'Yes, I received it' }).click()
    await checkout.page.getByText(/Released to the shop/).waitFor(WAIT)

    // Released less the commission, live on the shop's earnings and the buyer's wallet.
    await moneyFigure(earnings.page, 'held', 0)
    await moneyFigure(earnings.page, 'available', total - commission)
    await moneyFigure(earnings.page, 'commission', commission)
    await moneyFigure(wallet.page, 'held', 0)

    // The shop withdraws 200.00 to its bank account: Earnings → Withdraw leads to its wallet.
    await earnings.page.getByRole('link', { name: 'Withdraw' }).click()
    await earnings.page.waitForURL(`${suite.souk.url}/wallet`, WAIT)
    const shopWallet = earnings
    await moneyFigure(shopWallet.page, 'available', total - commission)
    await shopWallet.page.getByRole('button', { name: 'Add a bank account' }).click()
    const account = shopWallet.page.getByRole('form', { name: 'New bank account' })
    await account.getByLabel('Name it').fill('Shop account')
    await account.getByLabel('Account holder').fill('Brass & Co')
    await account.getByLabel('IBAN').fill('MA64 0115 1900 0001 2050 0053 4921')
    await account.getByRole('button', { name: 'Add bank account' }).click()
    await shopWallet.page.getByRole('list', { name: 'My bank accounts' }).getByText(/•••• 4921/).waitFor(WAIT)
    const withdraw = shopWallet.page.getByRole('form', { name: 'Withdraw' })
    await withdraw.getByLabel('Amount').fill('200')
    await withdraw.getByRole('button', { name: 'Request withdrawal' }).click()
    await moneyFigure(shopWallet.page, 'outgoing', 20_000)
    await moneyFigure(shopWallet.page, 'available', total - commission - 20_000)
    await following(shopWallet.page, `user:${s.owner.id}`)

    // An admin pays it from Finance; the shop's wallet says so without a reload.
    const admin = await signUpAndSignIn(t, { role: 'admin', displayName: 'Finance admin' })
    const finance = await pageAs(suite, admin, '/admin/finance')
    const row = finance.page.getByRole('list', { name: 'Withdrawals' }).getByRole('listitem', { name: /to Brass & Co$/ })
    await row.getByRole('button', { name: /^Approve the withdrawal/ }).click()
    const approve = finance.page.getByRole('dialog', { name: 'Mark this withdrawal paid' })
    await approve.getByLabel('Bank reference').fill('VIR-2026-7781')
    await approve.getByRole('button', { name: 'Mark paid' }).click()
    await row.waitFor({ state: 'detached', ...WAIT })
    await moneyFigure(shopWallet.page, 'outgoing', 0)
    await shopWallet.page.getByRole('list', { name: 'My withdrawals' }).getByText('VIR-2026-7781').waitFor(WAIT)
    // Back on Earnings: paid out.
    await earnings.page.goto(`${suite.souk.url}/dashboard/earnings`)
    await moneyFigure(earnings.page, 'paid-out', 20_000)

    for (const opened of [wallet, earnings, checkout, finance]) expect(opened.problems).toEqual([])
    await Promise.all([wallet, earnings, checkout, finance].map((opened) => opened.close()))
  }, 180_000)
})
