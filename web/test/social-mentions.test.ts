import { describe, expect, it } from 'bun:test'
import { signUpAndSignIn } from '../../src/testing'
import { pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// Mentions: Bob picks his handle in his profile settings; Ana posts "hi @<it>" from her feed, where
// the mention links to Bob's profile; Bob's notifications page shows "Ana mentioned you in a post"
// arriving live, which opens Ana's post, whose @mention opens his profile.

const T = 120_000

const suite = useSouk()

describe('social mentions', () => {
  it('a mention links to the person, who is told live and reaches the post from the notification', async () => {
    const t = suite.souk.testApp
    const ana = await signUpAndSignIn(t, { displayName: 'Ana' })
    const bob = await signUpAndSignIn(t, { displayName: 'Bob' })

    // Bob chooses his handle where he edits his profile.
    const reader = await pageAs(suite, bob, '/account')
    await reader.page.getByLabel('Handle').fill('Bob_the_Potter')
    await reader.page.getByRole('button', { name: 'Save profile' }).click()
    await reader.page.getByText('Your profile is saved').waitFor(WAIT)
    expect(await reader.page.getByLabel('Handle').inputValue()).toBe('bob_the_potter')
    await reader.page.goto(`${suite.souk.url}/notifications`)
    await reader.page.getByText('You’re all caught up').waitFor(WAIT)

    // Ana mentions him; her card links the mention to his profile.
    const writer = await pageAs(suite, ana, '/feed')
    const composer = writer.page.getByRole('form', { name: 'Write a post' })
    await composer.getByLabel('What’s new?').fill('hi @bob_the_potter, and hi @nobody_at_all')
    await composer.getByRole('button', { name: 'Post' }).click()
    await toast(writer.page, 'Your post is published.')
    const card = writer.page.getByRole('list', { name: 'Your feed' }).getByRole('article', { name: 'Post by Ana' })
    await card.getByRole('link', { name: '@bob_the_potter' }).waitFor(WAIT)
    expect(await card.getByRole('link', { name: '@nobody_at_all' }).count()).toBe(0)
    expect(await card.getByRole('link', { name: '@bob_the_potter' }).getAttribute('href')).toBe(`/users/${bob.id}`)
    const postPath = (await card.locator('a.post-card__when').getAttribute('href'))!
    expect(writer.problems).toEqual([])
    await writer.close()

    // Bob is told live, and the notification opens the post.
    const notice = reader.page.getByRole('link', { name: 'Ana mentioned you in a post' })
    await notice.waitFor(WAIT)
    await screenshots(reader.page, 'notifications-mention')
    await notice.click()
    await reader.page.waitForURL(new RegExp(`${postPath}$`), WAIT)
    const post = reader.page.getByRole('article', { name: 'Post by Ana' })
    await post.getByText('hi @bob_the_potter').waitFor(WAIT)

    // The mention on the post opens his profile.
    await post.getByRole('link', { name: '@bob_the_potter' }).click()
    await reader.page.waitForURL(new RegExp(`/users/${bob.id}$`), WAIT)
    await reader.page.getByRole('article', { name: 'Bob', exact: true }).getByText('@bob_the_potter', { exact: true }).waitFor(WAIT)
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)
})
