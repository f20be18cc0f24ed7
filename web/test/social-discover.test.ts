import { describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { writePost } from '../../src/modules/social/testing'
import { signUpAndSignIn } from '../../src/testing'
import { openPage, pageAs, screenshots, useSouk, WAIT } from './browser'

// Discover and post search: a visitor, signed out, finds Youssef's public post under Discover on
// the feed page, searches one of its words (without its accent) and finds it, and a search nothing
// matches says so; signed in, Discover is the feed's second tab.

const T = 120_000

const suite = useSouk()

describe('Discover and post search', () => {
  it('shows a public post under Discover, signed out or in, and a search for its word finds it', async () => {
    const t = suite.souk.testApp
    const youssef = await signUpAndSignIn(t, { displayName: 'Youssef' })
    const word = `glaze${randomBytes(3).toString('hex')}`
    const body = `Crème ${word} on the new #ceramics`
    await writePost(t, youssef, body)
    await writePost(t, youssef, `Only for me: ${word}`, 'private')

    // Signed out, the feed opens on Discover.
    const visitor = await openPage(suite.browser)
    await visitor.page.goto(`${suite.souk.url}/feed`)
    await visitor.page.getByRole('tab', { name: 'Discover', selected: true }).waitFor(WAIT)
    const discovered = visitor.page.getByRole('list', { name: 'Discover' }).getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: body })
    await discovered.waitFor(WAIT)
    await screenshots(visitor.page, 'feed-discover')

    // A search of its words, accents left off, leads to results kept in the address.
    const search = visitor.page.getByRole('search', { name: 'Search posts' })
    await search.getByLabel('Search posts').fill(`creme ${word}`)
    await search.getByRole('button', { name: 'Search' }).click()
    await visitor.page.waitForURL(new RegExp(`/posts/search\\?q=creme(%20|\\+)${word}$`), WAIT)
    const results = visitor.page.getByRole('list', { name: `Posts matching creme ${word}` }).getByRole('article', { name: 'Post by Youssef' })
    await results.filter({ hasText: body }).waitFor(WAIT)
    expect(await results.count()).toBe(1)
    await screenshots(visitor.page, 'post-search')

    // The address alone reproduces a search; one nothing matches says so.
    await visitor.page.goto(`${suite.souk.url}/posts/search?q=${encodeURIComponent(`${word} nothingsuch`)}`)
    await visitor.page.getByRole('heading', { name: 'No posts match' }).waitFor(WAIT)
    expect(visitor.problems).toEqual([])
    await visitor.close()

    // Signed in, Home comes first and Discover is a tab away.
    const reader = await pageAs(suite, await signUpAndSignIn(t, { displayName: 'Amina' }), '/feed')
    await reader.page.getByRole('tab', { name: 'Home', selected: true }).waitFor(WAIT)
    await reader.page.getByRole('tab', { name: 'Discover' }).click()
    await reader.page.getByRole('list', { name: 'Discover' }).getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: body }).waitFor(WAIT)
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)
})
