import { describe, expect, it } from 'bun:test'
import { placeOrder, shop } from '../../src/modules/orders/testing'
import { deposit } from '../../src/modules/payments/testing'
import { client, makeProduct } from '../../src/testing'
import { following, hydrated, pageAs, useCategory, useSouk, WAIT } from './browser'

// Cash on delivery settled: the shop marks the cash of a delivered order collected on its sale
// page; the commission leaves its wallet, and the buyer's order page shows it at once (order.payment).

const suite = useSouk()
const given = useCategory(suite, 'Pottery')

describe('cash on delivery', () => {
  it('the shop marks the cash collected; the buyer’s order page follows live', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Clay jar', priceMinor: 20_000, stock: 5 })
    const { me, orderId } = await placeOrder(t, s, product.id)
    for (const step of ['accept', 'ship', 'deliver'] as const) expect((await client(t, s.owner).api.v1.sales({ id: orderId })[step].post()).status).toBe(200)
    await deposit(t, s.owner, 5_000)

    const buyerPage = await pageAs(suite, me.user, `/orders/${orderId}`)
    await hydrated(buyerPage.page)
    await following(buyerPage.page, `order:${orderId}`)

    const sale = await pageAs(suite, s.owner, `/dashboard/sales/${orderId}`)
    await hydrated(sale.page)
    await sale.page.getByRole('button', { name: 'Mark cash collected' }).click()
    await sale.page.getByTestId('cash-state').filter({ hasText: 'Cash collected' }).waitFor(WAIT)
    expect(await sale.page.getByRole('button', { name: 'Mark cash collected' }).count()).toBe(0)
    await buyerPage.page.getByTestId('cash-state').filter({ hasText: 'Cash collected' }).waitFor(WAIT)
  })
})
