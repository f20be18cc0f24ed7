import { describe, expect, it } from 'bun:test'
import { signUpAndSignIn } from '../../src/testing'
import { writePost } from '../../src/modules/social/testing'
import { pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// A private profile: Bob turns on "Approve followers" in his account's Privacy settings; Ana's
// Follow on his profile becomes "Requested" and his followers-only post stays hidden from her; Bob
// opens Follow requests from his notification and approves her; Ana then sees the post.

const T = 120_000

const suite = useSouk()

describe('private profiles', () => {
  it('a follow waits for approval, and the followers-only post shows once it is approved', async () => {
    const t = suite.souk.testApp
    const ana = await signUpAndSignIn(t, { displayName: 'Ana' })
    const bob = await signUpAndSignIn(t, { displayName: 'Bob' })
    await writePost(t, bob, 'Only for my followers', 'followers')

    // Bob makes his profile private.
    const owner = await pageAs(suite, bob, '/account?tab=privacy')
    const approval = owner.page.getByRole('checkbox', { name: 'Approve followers' })
    await approval.waitFor(WAIT)
    expect(await approval.isChecked()).toBe(false)
    await approval.check()
    await toast(owner.page, 'New followers now need your approval.')
    await screenshots(owner.page, 'privacy-settings')

    // Ana asks to follow him: "Requested", no follower yet, and the post stays hidden.
    const reader = await pageAs(suite, ana, `/users/${bob.id}`)
    await reader.page.getByTestId('follow-counts').filter({ hasText: 'Approves followers' }).waitFor(WAIT)
    await reader.page.getByRole('button', { name: 'Follow Bob' }).click()
    await reader.page.getByRole('button', { name: 'Requested to follow Bob', pressed: true }).waitFor(WAIT)
    await reader.page.getByTestId('follow-counts').filter({ hasText: '0 followers' }).waitFor(WAIT)
    await reader.page.getByText('Bob has not posted anything you can see.').waitFor(WAIT)
    await screenshots(reader.page, 'profile-requested')

    // Bob follows his notification to Follow requests and approves her.
    await owner.page.goto(`${suite.souk.url}/notifications`)
    await owner.page.getByRole('link', { name: 'Ana asked to follow you' }).click()
    await owner.page.waitForURL(/\/account\/follow-requests$/, WAIT)
    const requests = owner.page.getByRole('list', { name: 'Follow requests' })
    await requests.getByRole('link', { name: 'Ana' }).waitFor(WAIT)
    await screenshots(owner.page, 'follow-requests')
    await requests.getByRole('button', { name: 'Approve Ana' }).click()
    await toast(owner.page, 'Ana follows you now.')
    await owner.page.getByRole('heading', { name: 'No follow requests' }).waitFor(WAIT)
    expect(owner.problems).toEqual([])
    await owner.close()

    // Ana, on his profile again, follows him and sees the post.
    await reader.page.reload()
    await reader.page.getByRole('button', { name: 'Following Bob', pressed: true }).waitFor(WAIT)
    await reader.page.getByRole('list', { name: 'Posts by Bob' }).getByText('Only for my followers').waitFor(WAIT)
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)
})
