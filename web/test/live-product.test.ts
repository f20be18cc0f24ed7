import { describe, expect, it } from 'bun:test'
import { makeSellerWithProducts } from '../../src/modules/chat/testing'
import { client, postJson, refreshCookieOf, signUpAndSignIn, testIp, waitFor } from '../../src/testing'
import { following, hydrated, madText, openPage, pageAs, signInContext, useSouk, WAIT } from './browser'

// An open product page holds the product as the server rendered it, folded with every live change
// since, in version order: a change to one field never brings back the old value of another.

const T = 90_000

const suite = useSouk()

describe('an open product page', () => {
  it('keeps a new price through the product being marked sold and put back on sale', async () => {
    const t = suite.souk.testApp
    const { seller, product } = await makeSellerWithProducts(t)
    const buyer = await signUpAndSignIn(t, { displayName: 'Nadia' })
    const { page, problems, close } = await pageAs(suite, buyer, `/products/${product.slug}`)
    await following(page, `product:${product.id}`)
    const price = page.getByTestId('price')
    await price.getByText('MAD 125.50').waitFor(WAIT)
    const shop = client(t, seller).api.v1.products({ slug: product.slug })

    expect((await shop.patch({ priceMinor: 9_900 })).status).toBe(200)
    await price.getByText('MAD 99.00').waitFor(WAIT)

    expect((await shop['mark-sold'].post()).status).toBe(200)
    await page.locator('.product-info .badge').getByText('Sold', { exact: true }).waitFor(WAIT)
    expect(await price.textContent()).toMatch(madText(9_900))

    expect((await shop.reactivate.post()).status).toBe(200)
    await page.locator('.product-info .badge').getByText(/in stock$/).waitFor(WAIT)
    expect(await price.textContent()).toMatch(madText(9_900))

    expect(problems).toEqual([])
    await close()
  }, T)

  it('reads the product again when a change did not reach it (a version skipped)', async () => {
    const t = suite.souk.testApp
    const { seller, product } = await makeSellerWithProducts(t)
    const buyer = await signUpAndSignIn(t, { displayName: 'Yassine' })
    const login = await postJson(t, '/api/v1/auth/login', { email: buyer.email, password: buyer.password }, { 'x-forwarded-for': testIp() })
    const { page, problems, close } = await openPage(suite.browser)
    // The first price change is lost on the way to the page (product events are not replayed).
    let dropped = false
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      const server = ws.connectToServer()
      server.onMessage((message) => {
        if (!dropped && typeof message === 'string' && message.includes('"product.updated"')) dropped = true
        else ws.send(message)
      })
    })
    await signInContext(page, suite.souk, { ...buyer, refreshCookie: refreshCookieOf(login)! })
    const subscribed = page.waitForEvent('websocket').then((ws) => ws.waitForEvent('framereceived', { predicate: ({ payload }) => String(payload).includes('"subscribed"') && String(payload).includes(`product:${product.id}`) }))
    await page.goto(`${suite.souk.url}/products/${product.slug}`)
    await hydrated(page)
    await subscribed
    const price = page.getByTestId('price')
    const shop = client(t, seller).api.v1.products({ slug: product.slug })

    expect((await shop.patch({ priceMinor: 9_900 })).status).toBe(200)
    await waitFor(async () => dropped, 10_000, 'the price change dropped')
    expect((await shop['mark-sold'].post()).status).toBe(200)
    await page.locator('.product-info .badge').getByText('Sold', { exact: true }).waitFor(WAIT)
    await price.getByText('MAD 99.00').waitFor(WAIT)

    expect(problems).toEqual([])
    await close()
  }, T)
})
