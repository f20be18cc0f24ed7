import { describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { shop } from '../../src/modules/orders/testing'
import { deposit, paidOrder, walletOf } from '../../src/modules/payments/testing'
import { client, makeProduct, signUpAndSignIn, type TestUser } from '../../src/testing'
import { following, hydrated, madText, moneyFigure, pageAs, screenshot, screenshots, toast, useCategory, useSouk, VIEWPORTS, WAIT } from './browser'

// The money screens of shops and admins: Earnings (live from the ledger), and Finance (the
// withdrawal queue, the reconciliation, the ledger search, the provider's events). Money moves
// through the real routes and the sandbox provider's page (the app listens: see useSouk).

const T = 120_000

const suite = useSouk()
const given = useCategory(suite, 'Lighting')

/** "MAD 1,234.50" as the page prints it (the space may be a no-break one), as a pattern. */
const amount = (minor: number) => `MAD\\s${(minor / 100).toLocaleString('en', { minimumFractionDigits: 2 }).replace('.', '\\.')}`

/** A shop with a 200.00 lantern and an order of it, paid from the buyer's wallet (held in escrow). */
async function paidSale() {
  const t = suite.souk.testApp
  const s = await shop(t)
  const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lantern', priceMinor: 20_000, stock: 5 })
  return { s, ...(await paidOrder(t, s, product.id, { funds: 50_000 })) }
}

/** The shop ships the order and its buyer confirms receipt, through the API: the escrow is released. */
async function receive(owner: TestUser, buyer: TestUser, orderId: string) {
  const t = suite.souk.testApp
  for (const step of ['accept', 'ship'] as const) expect((await client(t, owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
  expect((await client(t, buyer).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
}

const IBAN = 'MA64 0115 1900 0001 2050 0053 4921'

/** A user with 500.00 in their wallet who asked to withdraw `amountMinor` of it to a new payout method in `holderName`'s name. */
async function withdrawal(holderName: string, amountMinor: number) {
  const t = suite.souk.testApp
  const user = await signUpAndSignIn(t, { displayName: holderName })
  await deposit(t, user, 50_000)
  const method = await client(t, user).api.v1.me['payout-methods'].post({ label: 'CIH current account', holderName, iban: IBAN.toLowerCase() })
  expect(method.status).toBe(201)
  const asked = await client(t, user).api.v1.wallet.withdrawals.post(
    { payoutMethodId: method.data!.id, amountMinor, currency: 'MAD' },
    { headers: { ...user.auth, 'idempotency-key': randomUUID() } },
  )
  expect(asked.status).toBe(201)
  return { user, id: asked.data!.id }
}

const myWithdrawal = async (user: TestUser, id: string) => (await client(t(), user).api.v1.wallet.withdrawals.get({ query: {} })).data!.items.find((w) => w.id === id)
const t = () => suite.souk.testApp

describe('earnings', () => {
  it('a shop sees a paid order held, its release date once delivered, then its available balance rise live, less commission, when the buyer confirms receipt', async () => {
    const { s, me, orderId, group, totalMinor } = await paidSale()
    const { page, problems, close } = await pageAs(suite, s.owner, '/dashboard')
    await page.getByRole('link', { name: 'Earnings' }).click()
    await page.waitForURL(/\/dashboard\/earnings$/, WAIT)
    await page.getByRole('heading', { level: 1, name: 'Earnings' }).waitFor(WAIT)
    await moneyFigure(page, 'held', totalMinor)
    await moneyFigure(page, 'available', 0)
    await moneyFigure(page, 'released', 0)
    await page.getByText('Commission (5 %)').waitFor(WAIT)
    const escrow = page.getByRole('list', { name: 'Latest paid orders' }).getByRole('listitem').filter({ hasText: group.orders[0]!.invoiceNumber })
    await escrow.getByText('Held until the buyer confirms receipt').waitFor(WAIT)
    await escrow.getByText('Held', { exact: true }).waitFor(WAIT)
    expect(await page.getByRole('link', { name: 'Withdraw' }).getAttribute('href')).toBe('/wallet')
    await screenshots(page, 'earnings-held')

    // Delivered: the release date shows (read again on load; no balance moved).
    for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t(), s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    const delivered = (await client(t(), s.owner).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!
    expect(delivered.releaseAfter).not.toBeNull()
    const releaseDay = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(delivered.releaseAfter!))
    await page.reload()
    await hydrated(page)
    await escrow.getByText(`Released on ${releaseDay} unless the buyer reports a problem`).waitFor(WAIT)

    // Released while the page is open: it follows my balances.
    await following(page, `user:${s.owner.id}`)
    expect((await client(t(), me.user).api.v1.orders({ id: orderId })['confirm-receipt'].post()).status).toBe(200)
    const released = (await client(t(), s.owner).api.v1.orders({ id: orderId }).payment.get()).data!.escrow!
    // 5 % by default, rounded to the nearest minor unit.
    expect(released.commissionMinor).toBe(Math.round((totalMinor * 5) / 100))
    await moneyFigure(page, 'available', totalMinor - released.commissionMinor)
    await moneyFigure(page, 'held', 0)
    await moneyFigure(page, 'released', totalMinor)
    await moneyFigure(page, 'commission', released.commissionMinor)
    await moneyFigure(page, 'paid-out', 0)
    await escrow.getByText(/Released to your wallet on /).waitFor(WAIT)
    await escrow.getByText('Released', { exact: true }).waitFor(WAIT)
    expect((await walletOf(t(), s.owner)).availableMinor).toBe(totalMinor - released.commissionMinor)
    await screenshots(page, 'earnings-released')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'earnings-released-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    await escrow.getByRole('link', { name: `Order ${group.orders[0]!.invoiceNumber}` }).click()
    await page.waitForURL(new RegExp(`/dashboard/sales/${orderId}$`), WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})

describe('admin finance', () => {
  it('an admin pays one withdrawal with the bank reference and rejects another with a reason; both leave the queue', async () => {
    const paid = await withdrawal('Yasmine Alaoui', 20_000)
    const refused = await withdrawal('Karim Tazi', 15_000)
    const { page, problems, close } = await pageAs(suite, given.admin, '/admin')
    await page.getByRole('link', { name: 'Finance' }).click()
    await page.waitForURL(/\/admin\/finance$/, WAIT)
    await page.getByRole('heading', { level: 1, name: 'Finance' }).waitFor(WAIT)

    // The queue opens on what waits for an admin, with the full account number to pay.
    expect(await page.getByRole('button', { name: 'Requested' }).getAttribute('aria-pressed')).toBe('true')
    const queue = page.getByRole('list', { name: 'Withdrawals' })
    const first = queue.getByRole('listitem', { name: /to Yasmine Alaoui$/ })
    const second = queue.getByRole('listitem', { name: /to Karim Tazi$/ })
    await first.getByText(IBAN, { exact: true }).waitFor(WAIT)
    await first.getByText(madText(20_000)).waitFor(WAIT)
    await second.getByText(IBAN, { exact: true }).waitFor(WAIT)
    await screenshots(page, 'finance-withdrawals')

    await first.getByRole('button', { name: /^Approve the withdrawal/ }).click()
    const approve = page.getByRole('dialog', { name: 'Mark this withdrawal paid' })
    await approve.getByLabel('Bank reference').fill('VIR-2026-000123')
    await approve.getByRole('button', { name: 'Mark paid' }).click()
    await toast(page, 'is marked paid.')
    await first.waitFor({ state: 'detached', ...WAIT })
    await approve.waitFor({ state: 'hidden', ...WAIT })
    expect(await myWithdrawal(paid.user, paid.id)).toMatchObject({ status: 'paid', reference: 'VIR-2026-000123' })

    await second.getByRole('button', { name: /^Reject the withdrawal/ }).click()
    const reject = page.getByRole('dialog', { name: 'Reject this withdrawal?' })
    await reject.getByLabel('Reason').fill('The account holder does not match the shop')
    await reject.getByRole('button', { name: 'Reject withdrawal' }).click()
    await toast(page, 'the amount is back in the wallet.')
    await second.waitFor({ state: 'detached', ...WAIT })
    await reject.waitFor({ state: 'hidden', ...WAIT })
    expect(await myWithdrawal(refused.user, refused.id)).toMatchObject({ status: 'rejected', reason: 'The account holder does not match the shop' })
    expect(await walletOf(t(), refused.user)).toMatchObject({ availableMinor: 50_000, outgoingMinor: 0 })

    // Decided, they are under their status.
    await page.getByRole('button', { name: 'Paid', exact: true }).click()
    await queue.getByRole('listitem', { name: /to Yasmine Alaoui$/ }).getByText(/reference VIR-2026-000123/).waitFor(WAIT)
    await page.getByRole('button', { name: 'Rejected', exact: true }).click()
    await queue.getByRole('listitem', { name: /to Karim Tazi$/ }).getByText(/The account holder does not match the shop/).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)

  it('an admin runs the reconciliation and sees the ledger balance, finds an order’s transfers by its reference, and reads the provider’s events', async () => {
    const { s, me, orderId, totalMinor } = await paidSale()
    await receive(s.owner, me.user, orderId)
    const { page, problems, close } = await pageAs(suite, given.admin, '/admin/finance')

    await page.getByRole('tab', { name: 'Reconciliation' }).click()
    await page.getByRole('button', { name: 'Run now' }).click()
    await toast(page, 'Reconciliation done: the ledger balances.')
    await page.getByRole('tabpanel', { name: 'Reconciliation' }).getByRole('status').filter({ hasText: 'The ledger balances.' }).waitFor(WAIT)
    const latest = (await client(t(), given.admin).api.v1.admin.reconciliation.get()).data!.latest!
    expect(latest).toMatchObject({ ok: true, mismatches: [] })
    expect(latest.transfers).toBeGreaterThan(0)
    await screenshots(page, 'finance-reconciliation')

    // An order's id alone finds its transfers: held in escrow, released, the commission.
    await page.getByRole('tab', { name: 'Ledger' }).click()
    await page.getByLabel('Reference').fill(orderId)
    await page.getByRole('button', { name: 'Search' }).click()
    const transfers = page.getByRole('list', { name: 'Ledger transfers' })
    const transfer = (name: string) => transfers.getByRole('listitem', { name: `${name}, order:${orderId}`, exact: true })
    await transfer('Escrow, pending').filter({ hasText: new RegExp(`${amount(totalMinor)} Escrow`) }).waitFor(WAIT)
    await transfer('Escrow, pending posted').waitFor(WAIT)
    await transfer('Commission, posted').getByText(`available:${s.owner.id}:MAD`).waitFor(WAIT)
    // Those three and nothing else.
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Ledger transfers"] > li').length === 3, undefined, WAIT)
    await screenshots(page, 'finance-ledger')

    // The search exports what it shows, as a job whose card offers the file.
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const download = page.waitForEvent('download', WAIT)
    await page.getByRole('article', { name: 'Ledger transfers export' }).getByRole('button', { name: /^Download / }).click(WAIT)
    const csv = (await readFile((await (await download).path())!, 'utf8')).trim().split('\r\n')
    expect(csv[0]).toBe('id,at,kind,phase,ref,debit_account,credit_account,currency,amount_minor,pending_id')
    // The release and its commission are one step (one time): their order is the ids'.
    expect(csv.slice(1).map((line) => line.split(',').slice(2, 5).join(' ')).sort()).toEqual(
      ['commission posted', 'escrow_hold pending', 'escrow_hold post_pending'].map((kind) => `${kind} order:${orderId}`),
    )

    // The deposits of this test reached the webhook and were processed.
    await page.getByRole('tab', { name: 'Provider events' }).click()
    await page.getByRole('button', { name: 'Processed', exact: true }).click()
    await page.getByRole('list', { name: 'Provider events' }).getByRole('listitem', { name: /^payment\.succeeded evt_\w+, Processed$/ }).first().waitFor(WAIT)
    await screenshots(page, 'finance-events')
    await page.getByRole('button', { name: 'Ignored', exact: true }).click()
    await page.getByText('No event is in this state.').waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
