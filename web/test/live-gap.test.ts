import { describe, expect, it } from 'bun:test'
import { cardCheckout, payOnSandbox } from '../../src/modules/payments/testing'
import { client, postJson, refreshCookieOf, testIp, waitFor } from '../../src/testing'
import { hydrated, openPage, signInContext, useCategory, useSouk, WAIT } from './browser'

// A page reads its state over REST when it mounts and follows its topic for what changes after.
// What is committed between that read and the server's `subscribed` reaches the page as no event:
// the page must read again once its topic is live, or it shows the old state until a reload.

const T = 60_000

const suite = useSouk()
const given = useCategory(suite, 'Rugs')

describe('a change committed between a page’s first read and its subscription', () => {
  it('shows on the page once the topic is live (a card payment confirmed meanwhile)', async () => {
    const t = suite.souk.testApp
    const { me, group, payment } = await cardCheckout(t, given.categoryId, { priceMinor: 15_000, stock: 3 })
    const login = await postJson(t, '/api/v1/auth/login', { email: me.user.email, password: me.user.password }, { 'x-forwarded-for': testIp() })
    const { page, problems, close } = await openPage(suite.browser)
    // The page's subscriptions wait on the way to the server until released; all else passes.
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      const server = ws.connectToServer()
      ws.onMessage(async (message) => {
        if (typeof message === 'string' && message.includes('"subscribe"')) await released
        server.send(message)
      })
    })
    await signInContext(page, suite.souk, { ...me.user, refreshCookie: refreshCookieOf(login)! })
    await page.goto(`${suite.souk.url}/orders?group=${group.groupId}`)
    await hydrated(page)
    const state = page.getByTestId('group-payment')
    await state.filter({ hasText: /^Waiting for the payment of MAD\s/ }).waitFor(WAIT)

    // The provider confirms the payment while the page's topic is not followed yet.
    expect((await payOnSandbox(payment.redirectUrl!)).status).toBe(303)
    await waitFor(async () => (await client(t, me.user).api.v1.payments.get({ query: { groupId: group.groupId } })).data?.items[0]?.status === 'succeeded', 10_000, 'the payment confirmed')
    release()

    await state.filter({ hasText: /^Paid MAD\s/ }).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, T)
})
