import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { SocialModel } from './model'
import { writePost } from './testing'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser) => client(t, user)
/** The user's notifications, latest activity first. */
const inbox = async (user: TestUser) => {
  const page = await as(user).api.v1.notifications.get({ query: {} })
  expect(page.status).toBe(200)
  return page.data!.items
}
const like = async (user: TestUser, postId: string) => expect((await as(user).api.v1.posts({ id: postId }).like.post()).status).toBe(200)
const comment = async (user: TestUser, postId: string, body: string, parentId?: string): Promise<SocialModel.Comment> => {
  const created = await as(user).api.v1.posts({ id: postId }).comments.post({ body, ...(parentId === undefined ? {} : { parentId }) })
  expect(created.status).toBe(201)
  return created.data!
}

describe('social notifications', () => {
  it('group the likes of a post into one: "<latest> and 1 other liked your post"; a repeated like or one’s own adds nobody', async () => {
    const [author, ana, ben] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t, { displayName: 'Ana' }), signUpAndSignIn(t, { displayName: 'Ben' })])
    const post = await writePost(t, author!, 'Like me')
    await like(author!, post.id)
    expect(await inbox(author!)).toEqual([])

    await like(ana!, post.id)
    await like(ben!, post.id)
    await like(ben!, post.id)
    await like(ana!, post.id)
    const items = await inbox(author!)
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ type: 'like', subject: `post:${post.id}`, actor: { id: ben!.id, name: 'Ben' }, otherActors: 1, text: 'liked your post', summary: 'Ben and 1 other liked your post', link: `/posts/${post.id}`, read: false })

    // Taking a like back and liking again makes a row again, but the same actor counts once.
    expect((await as(ana!).api.v1.posts({ id: post.id }).like.delete()).status).toBe(200)
    await like(ana!, post.id)
    expect((await inbox(author!)).map((n) => n.summary)).toEqual(['Ana and 1 other liked your post'])
  })

  it('tell the post’s author of a comment, and the author of a comment replied to; a comment’s likes go to its author', async () => {
    const [author, ana, ben] = await Promise.all([signUpAndSignIn(t, { displayName: 'Author' }), signUpAndSignIn(t, { displayName: 'Ana' }), signUpAndSignIn(t, { displayName: 'Ben' })])
    const post = await writePost(t, author!, 'Talk to me')
    const link = `/posts/${post.id}#comments`
    const first = await comment(ana!, post.id, 'First')
    expect(await inbox(author!)).toMatchObject([{ type: 'comment', subject: `post:${post.id}`, summary: 'Ana commented on your post', link }])

    // Ben replies to Ana: Ana hears of the reply, the author of another comment on their post.
    await comment(ben!, post.id, 'Reply', first.id)
    expect(await inbox(ana!)).toMatchObject([{ type: 'comment', subject: `comment:${first.id}`, summary: 'Ben replied to your comment', link }])
    expect((await inbox(author!)).map((n) => n.summary)).toEqual(['Ben and 1 other commented on your post'])

    // The author replies to Ana: only Ana is told (nobody of their own doing).
    await comment(author!, post.id, 'Thanks', first.id)
    expect((await inbox(ana!)).map((n) => n.summary)).toEqual(['Author and 1 other replied to your comment'])
    expect((await inbox(author!)).map((n) => n.summary)).toEqual(['Ben and 1 other commented on your post'])

    // Ana replies to the author's comment: the author is told once, of a comment on their post.
    const own = await comment(author!, post.id, 'Mine')
    await comment(ana!, post.id, 'Yours', own.id)
    expect((await inbox(author!)).map((n) => n.summary)).toEqual(['Ana and 1 other commented on your post'])

    // A like of Ana's comment, twice, tells her once; her own like tells nobody.
    for (const liker of [ben!, ben!, ana!]) expect((await as(liker).api.v1.comments({ id: first.id }).like.post()).status).toBe(200)
    expect((await inbox(ana!))[0]).toMatchObject({ type: 'like', subject: `comment:${first.id}`, summary: 'Ben liked your comment', link })
    expect(await inbox(ana!)).toHaveLength(2)
  })

  it('tell the followee of a follow once, even when followed twice', async () => {
    const [ana, ben] = await Promise.all([signUpAndSignIn(t, { displayName: 'Ana' }), signUpAndSignIn(t)])
    for (let n = 0; n < 2; n++) expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.post()).status).toBe(200)
    expect(await inbox(ben!)).toMatchObject([{ type: 'follow', subject: `follows:${ben!.id}`, actor: { id: ana!.id }, otherActors: 0, summary: 'Ana followed you', link: `/users/${ana!.id}` }])
    expect(await inbox(ben!)).toHaveLength(1)
    expect(await inbox(ana!)).toEqual([])
  })

  it('follow the recipient’s preference: likes off in the app tell them nothing, comments still do', async () => {
    const [author, ana] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t, { displayName: 'Ana' })])
    const saved = await as(author!).api.v1.notifications.preferences.put({ items: [{ type: 'like', inApp: false, email: false }] })
    expect(saved.status).toBe(200)
    const post = await writePost(t, author!, 'Quiet likes')
    await like(ana!, post.id)
    expect(await inbox(author!)).toEqual([])
    await comment(ana!, post.id, 'Still here')
    expect((await inbox(author!)).map((n) => n.type)).toEqual(['comment'])
  })
})
