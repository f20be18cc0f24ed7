import { describe, expect, it } from 'bun:test'
import { followUser, writePost } from '../../src/modules/social/testing'
import { client, signUpAndSignIn } from '../../src/testing'
import { following, pageAs, screenshots, useSouk, WAIT } from './browser'

// Live social: Nadia follows Karim and has her feed open when he posts from his: a "1 new post"
// pill comes over her feed, not the post itself; clicking it shows the post. On its page, a like
// and a comment by Leila elsewhere appear without a reload.

const T = 120_000

const suite = useSouk()

describe('social, live', () => {
  it('a follower’s open feed offers the new post with a pill; its page shows others’ likes and comments as they come', async () => {
    const t = suite.souk.testApp
    const [nadia, karim, leila] = await Promise.all([
      signUpAndSignIn(t, { displayName: 'Nadia' }),
      signUpAndSignIn(t, { displayName: 'Karim' }),
      signUpAndSignIn(t, { displayName: 'Leila' }),
    ])
    await followUser(t, nadia!, karim!)

    const reader = await pageAs(suite, nadia!, '/feed')
    const feed = reader.page.getByRole('list', { name: 'Your feed' })
    await reader.page.getByText('Your feed is quiet').waitFor(WAIT)
    await following(reader.page, `user:${nadia!.id}`)

    // Karim posts from his own feed.
    const writer = await pageAs(suite, karim!, '/feed')
    const composer = writer.page.getByRole('form', { name: 'Write a post' })
    await composer.getByLabel('What’s new?').fill('Indigo scarves, fresh off the loom')
    await composer.getByRole('button', { name: 'Post' }).click()
    await writer.page.getByRole('list', { name: 'Your feed' }).getByText('Indigo scarves, fresh off the loom').waitFor(WAIT)
    expect(writer.problems).toEqual([])
    await writer.close()

    // Nadia's feed offers it rather than jumping; the pill shows it.
    const pill = reader.page.getByRole('button', { name: '1 new post' })
    await pill.waitFor(WAIT)
    expect(await reader.page.getByText('Indigo scarves, fresh off the loom').count()).toBe(0)
    await screenshots(reader.page, 'feed-new-posts')
    await pill.click()
    const post = feed.getByRole('article', { name: 'Post by Karim' }).filter({ hasText: 'Indigo scarves, fresh off the loom' })
    await post.waitFor(WAIT)
    await pill.waitFor({ ...WAIT, state: 'detached' })

    // Its page follows the post: Leila's like and comment, made elsewhere, arrive.
    await post.locator('a.post-card__when').click()
    await reader.page.waitForURL(/\/posts\/pst_[0-9a-f]{32}$/, WAIT)
    const postId = reader.page.url().split('/posts/')[1]!
    await reader.page.getByText('No comments yet.').waitFor(WAIT)
    await following(reader.page, `post:${postId}`)
    expect((await client(t, leila!).api.v1.posts({ id: postId }).like.post()).status).toBe(200)
    await reader.page.getByRole('article', { name: 'Post by Karim' }).getByRole('button', { name: /^Like\s*1$/, pressed: false }).waitFor(WAIT)
    expect((await client(t, leila!).api.v1.posts({ id: postId }).comments.post({ body: 'The blue is perfect' })).status).toBe(201)
    await reader.page.getByRole('list', { name: 'Comments' }).getByRole('article', { name: 'Comment by Leila' }).filter({ hasText: 'The blue is perfect' }).waitFor(WAIT)
    await reader.page.getByRole('heading', { name: '1 comment' }).waitFor(WAIT)
    await screenshots(reader.page, 'post-live-comment')
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)

  it('a reply half-written under a comment stays open, text and all, when the thread is read again after a reconnect', async () => {
    const t = suite.souk.testApp
    const [nadia, karim, leila] = await Promise.all([
      signUpAndSignIn(t, { displayName: 'Nadia' }),
      signUpAndSignIn(t, { displayName: 'Karim' }),
      signUpAndSignIn(t, { displayName: 'Leila' }),
    ])
    const post = await writePost(t, karim!, 'Saffron from Taliouine, this year’s harvest')
    expect((await client(t, leila!).api.v1.posts({ id: post.id }).comments.post({ body: 'How much for 10 g?' })).status).toBe(201)

    const reader = await pageAs(suite, nadia!, `/posts/${post.id}`)
    const { page } = reader
    const comment = page.getByRole('list', { name: 'Comments' }).getByRole('article', { name: 'Comment by Leila' })
    await comment.waitFor(WAIT)
    await following(page, `post:${post.id}`)
    await comment.getByRole('button', { name: 'Reply' }).click()
    const reply = comment.getByLabel('Your reply')
    await reply.fill('I asked the same, following')

    // The socket drops; once back it follows the post again and the thread is read anew.
    const reread = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/posts/${post.id}/comments`, WAIT)
    await page.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.at(-1)!.close())
    await reread
    // The answer is in the page by the next frame: the form is still there, with its text.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await reply.count()).toBe(1)
    expect(await reply.inputValue()).toBe('I asked the same, following')
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)
})
