import { describe, expect, it } from 'bun:test'
import { shop } from '../../src/modules/orders/testing'
import { makePlan } from '../../src/modules/plans/testing'
import { signUpAndSignIn } from '../../src/testing'
import { pageAs, useSouk, WAIT } from './browser'

// Every shop screen sits behind the vendor gate, which reads the shop again whenever the owner's
// topic is followed: that re-read must not hold back what the screen itself reads.

const suite = useSouk()

describe('the vendor gate', () => {
  it('lets a shop screen show what it read while the shop is read again slowly', async () => {
    const t = suite.souk.testApp
    const admin = await signUpAndSignIn(t, { role: 'admin' })
    await makePlan(t, admin, { name: 'Slow Road', monthlyPriceMinor: 9_000, yearlyPriceMinor: 90_000, maxActiveListings: 20 })
    const s = await shop(t)
    const { page, problems, close } = await pageAs(suite, s.owner, '/dashboard')
    // A slow network for the shop's reads only (each takes 2.5 s), from here on.
    await page.route('**/api/v1/me/vendor', async (route) => {
      await Bun.sleep(2_500)
      await route.continue()
    })
    await page.getByRole('link', { name: 'Plan', exact: true }).click()
    await page.getByTestId('plan-name').filter({ hasText: /^Free$/ }).waitFor(WAIT)
    // Stayed on its skeleton for good before: the plans' read settled during the shop's re-read.
    await page.getByRole('button', { name: 'Choose Slow Road' }).waitFor(WAIT)
    expect(problems).toEqual([])
    await close()
  }, 60_000)
})
