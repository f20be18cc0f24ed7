import { describe, expect, it } from 'bun:test'
import { makeVendor, signUpAndSignIn } from '../../src/testing'
import { hydrated, openPage, pageAs, screenshots, signInContext, toast, useSouk, WAIT } from './browser'

// Social: Amina follows Youssef from his profile; Youssef posts from his feed, publicly and for
// himself alone; Amina's feed shows the public post only, she likes it and follows its #tag to
// the tag page and the post's page, where she comments and replies to herself (her feed's card
// then counts 2 comments), and follows a shop from its storefront (its owner's account);
// signed out, the post's page comes rendered by the server.

const T = 120_000

const suite = useSouk()

describe('social', () => {
  it('a follower sees, likes and opens a public post in her feed, not a private one, follows a shop, and visitors get the post page rendered', async () => {
    const t = suite.souk.testApp
    const amina = await signUpAndSignIn(t, { displayName: 'Amina' })
    const youssef = await signUpAndSignIn(t, { displayName: 'Youssef' })

    // Amina follows Youssef from his profile.
    const reader = await pageAs(suite, amina, `/users/${youssef.id}`)
    await reader.page.getByTestId('follow-counts').filter({ hasText: '0 followers' }).waitFor(WAIT)
    await reader.page.getByRole('button', { name: 'Follow Youssef' }).click()
    await reader.page.getByTestId('follow-counts').filter({ hasText: '1 follower' }).waitFor(WAIT)
    await reader.page.getByRole('button', { name: 'Following Youssef', pressed: true }).waitFor(WAIT)

    // Youssef posts from his feed: once for everyone, once for himself.
    const writer = await pageAs(suite, youssef, '/feed')
    const composer = writer.page.getByRole('form', { name: 'Write a post' })
    await composer.getByLabel('What’s new?').fill('New #ceramics in the workshop')
    await composer.getByRole('button', { name: 'Post' }).click()
    await toast(writer.page, 'Your post is published.')
    const feed = writer.page.getByRole('list', { name: 'Your feed' })
    const published = feed.getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: 'New #ceramics in the workshop' })
    await published.waitFor(WAIT)
    const postPath = (await published.locator('a.post-card__when').getAttribute('href'))!
    expect(postPath).toMatch(/^\/posts\/pst_/)
    await composer.getByLabel('What’s new?').fill('Secret plans for the kiln')
    await composer.getByLabel('Who can see it').selectOption({ label: 'Only me' })
    await composer.getByRole('button', { name: 'Post' }).click()
    const secret = feed.getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: 'Secret plans for the kiln' })
    await secret.getByText('Only me').waitFor(WAIT)
    const secretPath = (await secret.locator('a.post-card__when').getAttribute('href'))!
    await screenshots(writer.page, 'feed-author')
    expect(writer.problems).toEqual([])
    await writer.close()

    // Amina's feed: the public post, liked; not the private one.
    await reader.page.goto(`${suite.souk.url}/feed`)
    const post = reader.page.getByRole('list', { name: 'Your feed' }).getByRole('article', { name: 'Post by Youssef' })
    await post.filter({ hasText: 'New #ceramics in the workshop' }).waitFor(WAIT)
    expect(await post.count()).toBe(1)
    expect(await reader.page.getByText('Secret plans for the kiln').count()).toBe(0)
    await post.getByRole('button', { name: /^Like\s*0$/, pressed: false }).click()
    // The count moves at once (optimistic); the button is enabled again once the like is stored.
    await post.getByRole('button', { name: /^Liked\s*1$/, pressed: true, disabled: false }).waitFor(WAIT)
    await post.getByRole('button', { name: 'Liked by 1 person' }).click()
    await reader.page.getByRole('list', { name: 'People who liked this post' }).getByRole('link', { name: 'Amina' }).waitFor(WAIT)
    await reader.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
    await screenshots(reader.page, 'feed-reader')

    // Its tag, then its page.
    await post.getByRole('link', { name: '#ceramics' }).click()
    await reader.page.waitForURL(/\/tags\/ceramics$/, WAIT)
    const tagged = reader.page.getByRole('list', { name: 'Posts tagged #ceramics' }).getByRole('article', { name: 'Post by Youssef' })
    await tagged.filter({ hasText: 'New #ceramics in the workshop' }).waitFor(WAIT)
    await tagged.locator('a.post-card__when').click()
    await reader.page.waitForURL(new RegExp(`${postPath}$`), WAIT)
    await reader.page.getByRole('article', { name: 'Post by Youssef' }).getByRole('button', { name: /^Liked\s*1$/, pressed: true }).waitFor(WAIT)

    // She comments under it, then replies to her own comment: the reply is indented beneath it, and the post counts both.
    const comments = reader.page.getByRole('list', { name: 'Comments' })
    const commentForm = reader.page.getByRole('form', { name: 'Write a comment' })
    await commentForm.getByLabel('Your comment').fill('Beautiful glaze!')
    await commentForm.getByRole('button', { name: 'Comment' }).click()
    const first = comments.getByRole('article', { name: 'Comment by Amina' }).filter({ hasText: 'Beautiful glaze!' })
    await first.waitFor(WAIT)
    await first.getByRole('button', { name: 'Reply', exact: true }).click()
    const replyForm = reader.page.getByRole('form', { name: 'Reply to Amina' })
    await replyForm.getByLabel('Your reply').fill('Is it for sale?')
    await replyForm.getByRole('button', { name: 'Send reply' }).click()
    await comments.locator('li[data-depth="2"]').filter({ hasText: 'Is it for sale?' }).waitFor(WAIT)
    expect(await comments.locator('li[data-depth="1"]').filter({ hasText: 'Beautiful glaze!' }).count()).toBe(1)
    expect(await comments.locator('li').evaluateAll((items) => items.map((li) => [li.getAttribute('data-depth'), getComputedStyle(li).marginInlineStart]))).toEqual([
      ['1', '0px'],
      ['2', '28px'],
    ])
    await reader.page.getByRole('heading', { name: '2 comments' }).waitFor(WAIT)
    await screenshots(reader.page, 'post-comments')
    // Her feed's card of the post counts them, and links to the thread.
    await reader.page.goto(`${suite.souk.url}/feed`)
    await reader.page.getByRole('list', { name: 'Your feed' }).getByRole('article', { name: 'Post by Youssef' }).getByRole('link', { name: '2 comments' }).waitFor(WAIT)

    // A shop is followed through its owner's account, whose posts the storefront links to.
    const shop = await makeVendor(t, { companyName: 'Atelier Fes' })
    await reader.page.goto(`${suite.souk.url}/vendors/${shop.vendor.slug}`)
    await reader.page.getByTestId('shop-followers').filter({ hasText: '0 followers' }).waitFor(WAIT)
    await reader.page.getByRole('button', { name: 'Follow Atelier Fes' }).click()
    await reader.page.getByTestId('shop-followers').filter({ hasText: '1 follower' }).waitFor(WAIT)
    await screenshots(reader.page, 'storefront-follow')
    await reader.page.getByRole('link', { name: 'See the shop’s posts' }).click()
    await reader.page.waitForURL(new RegExp(`/users/${shop.user.id}$`), WAIT)
    await reader.page.getByRole('tab', { name: 'Followers' }).click()
    await reader.page.getByRole('list', { name: /^Followers of / }).getByRole('link', { name: 'Amina' }).waitFor(WAIT)
    await screenshots(reader.page, 'profile-followers')
    expect(reader.problems).toEqual([])
    await reader.close()

    // Signed out: the public post's page comes from the server with its share tags; the private one is not found.
    const page = await fetch(`${suite.souk.url}${postPath}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('New #ceramics in the workshop')
    expect(html).toMatch(/<meta property="og:title" content="Youssef: [^"]*New #ceramics in the workshop/)
    expect(html).toContain('Sign in to comment')
    expect((await fetch(`${suite.souk.url}${secretPath}`)).status).toBe(404)
  }, T)

  it('a click made while the session is still being restored waits for it: a signed-in visitor is not sent to sign in', async () => {
    const t = suite.souk.testApp
    const fan = await signUpAndSignIn(t, { displayName: 'Quick Fan' })
    const star = await signUpAndSignIn(t, { displayName: 'Slow Star' })
    const { page, problems, close } = await openPage(suite.browser)
    await signInContext(page, suite.souk, fan)
    // The session's restore is held until the click has been made.
    let release!: () => void
    const clicked = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/api/v1/auth/refresh', async (route) => {
      await clicked
      await route.continue()
    })
    await page.goto(`${suite.souk.url}/users/${star.id}`)
    await hydrated(page)
    await page.getByRole('button', { name: 'Follow Slow Star' }).click()
    release()
    await page.getByTestId('follow-counts').filter({ hasText: '1 follower' }).waitFor(WAIT)
    expect(new URL(page.url()).pathname).toBe(`/users/${star.id}`)
    expect(problems).toEqual([])
    await close()
  }, T)
})
