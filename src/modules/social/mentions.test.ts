import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { SocialModel } from './model'
import { followUser, writePost } from './testing'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
/** A new account and its handle (the one its sign-up gave it). */
async function person(displayName: string): Promise<TestUser & { handle: string }> {
  const user = await signUpAndSignIn(t, { displayName })
  const me = await as(user).api.v1.me.get()
  return { ...user, handle: me.data!.handle }
}
/** The user's unread notifications of mentions, latest first. */
async function mentionsOf(user: TestUser) {
  const page = await as(user).api.v1.notifications.get({ query: { unread: true } })
  expect(page.status).toBe(200)
  return page.data!.items.filter((n) => n.type === 'mention')
}
const readAll = async (user: TestUser) => expect((await as(user).api.v1.notifications['read-all'].post()).status).toBe(200)
const setHandle = (user: TestUser, handle: string) => as(user).api.v1.me.patch({ handle })
async function comment(user: TestUser, postId: string, body: string): Promise<SocialModel.Comment> {
  const created = await as(user).api.v1.posts({ id: postId }).comments.post({ body })
  expect(created.status).toBe(201)
  return created.data!
}

describe('@mentions', () => {
  it('resolve @handles of live accounts when a post or a comment is written, in any case, and leave the rest as text', async () => {
    const [ana, bob, carla] = await Promise.all([person('Ana Mention'), person('Bob Mention'), person('Carla Mention')])
    const post = await writePost(t, ana, `hi @${bob.handle.toUpperCase()} and @${bob.handle}, @nobody_by_that_name, mail ${carla.handle}@souk.test`)
    expect(post.mentions).toEqual([{ handle: bob.handle, userId: bob.id }])
    expect((await as(null).api.v1.posts({ id: post.id }).get()).data!.mentions).toEqual([{ handle: bob.handle, userId: bob.id }])
    expect(post.author.handle).toBe(ana.handle)

    const said = await comment(bob, post.id, `@${carla.handle} look, and @${ana.handle}`)
    expect(said.mentions).toEqual([
      { handle: carla.handle, userId: carla.id },
      { handle: ana.handle, userId: ana.id },
    ])
    const listed = await as(carla).api.v1.posts({ id: post.id }).comments.get({ query: {} })
    expect(listed.data!.items[0]!.mentions).toEqual(said.mentions)
  })

  it('keep naming whom they named when written, after the handle changes hands', async () => {
    const [ana, bob, carla] = await Promise.all([person('Ana Keeps'), person('Bob Keeps'), person('Carla Keeps')])
    const old = bob.handle
    const post = await writePost(t, ana, `thanks @${old}`)
    expect((await setHandle(bob, `${old}_new`)).status).toBe(200)
    expect((await setHandle(carla, old)).status).toBe(200)
    expect((await as(null).api.v1.posts({ id: post.id }).get()).data!.mentions).toEqual([{ handle: old, userId: bob.id }])
    // A new post means whoever has the handle now.
    expect((await writePost(t, ana, `hi @${old}`)).mentions).toEqual([{ handle: old, userId: carla.id }])
  })

  it('tell the person mentioned, grouped per post, with a link to the post; never the author for their own mention', async () => {
    const [ana, bob, carla] = await Promise.all([person('Ana Tells'), person('Bob Tells'), person('Carla Tells')])
    const post = await writePost(t, ana, `@${bob.handle} and me, @${ana.handle}`)
    expect(post.mentions.map((m) => m.userId)).toEqual([bob.id, ana.id])
    expect(await mentionsOf(bob)).toMatchObject([{ subject: `post:${post.id}`, actor: { id: ana.id }, summary: 'Ana Tells mentioned you in a post', link: `/posts/${post.id}` }])
    expect(await mentionsOf(ana)).toEqual([])

    // Carla mentions Bob in a comment on the same post: one notification while unread.
    await comment(carla, post.id, `@${bob.handle} agreed`)
    expect(await mentionsOf(bob)).toMatchObject([{ subject: `post:${post.id}`, summary: 'Carla Tells and 1 other mentioned you in a comment', link: `/posts/${post.id}#comments` }])
  })

  it('tell only people who may see the post: not a non-follower of a followers-only post, not across a block either way', async () => {
    const [ana, fan, stranger, blocked, blocker] = await Promise.all([person('Ana Sees'), person('Fan Sees'), person('Stranger Sees'), person('Blocked Sees'), person('Blocker Sees')])
    await followUser(t, fan, ana)
    await followUser(t, blocked, ana)
    expect((await as(ana).api.v1.blocks({ userId: blocked.id }).post()).status).toBe(200)
    expect((await as(blocker).api.v1.blocks({ userId: ana.id }).post()).status).toBe(200)
    const all = [fan, stranger, blocked, blocker]
    const text = all.map((u) => `@${u.handle}`).join(' ')

    const followersOnly = await writePost(t, ana, `followers: ${text}`, 'followers')
    expect(followersOnly.mentions).toHaveLength(4)
    const priv = await writePost(t, ana, `private: ${text}`, 'private')
    const pub = await writePost(t, ana, `public: ${text}`, 'public')
    const told = async (postId: string) => (await Promise.all(all.map(async (u) => ((await mentionsOf(u)).some((n) => n.subject === `post:${postId}`) ? u.handle : null)))).filter((h) => h !== null)
    expect(await told(followersOnly.id)).toEqual([fan.handle])
    expect(await told(priv.id)).toEqual([])
    expect(await told(pub.id)).toEqual([fan.handle, stranger.handle])

    // A comment's mention: not to someone blocked by, or blocking, the commenter.
    const [carla, dan] = await Promise.all([person('Carla Sees'), person('Dan Sees')])
    expect((await as(dan).api.v1.blocks({ userId: carla.id }).post()).status).toBe(200)
    await comment(carla, pub.id, `@${dan.handle} @${stranger.handle}`)
    expect((await mentionsOf(dan)).filter((n) => n.subject === `post:${pub.id}`)).toEqual([])
    expect((await mentionsOf(stranger)).find((n) => n.subject === `post:${pub.id}`)).toMatchObject({ summary: 'Carla Sees and 1 other mentioned you in a comment' })
  })

  it('on an edit, tell only those newly mentioned; a handle dropped leaves the mentions', async () => {
    const [ana, bob, carla] = await Promise.all([person('Ana Edits'), person('Bob Edits'), person('Carla Edits')])
    const post = await writePost(t, ana, `hi @${bob.handle}`)
    await readAll(bob)
    const edited = await as(ana).api.v1.posts({ id: post.id }).patch({ body: `hi @${bob.handle} and @${carla.handle}` })
    expect(edited.status).toBe(200)
    expect(edited.data!.mentions.map((m) => m.userId)).toEqual([bob.id, carla.id])
    expect(await mentionsOf(bob)).toEqual([])
    expect(await mentionsOf(carla)).toMatchObject([{ subject: `post:${post.id}`, summary: 'Ana Edits mentioned you in a post' }])

    const dropped = await as(ana).api.v1.posts({ id: post.id }).patch({ body: `hi @${carla.handle}` })
    expect(dropped.data!.mentions).toEqual([{ handle: carla.handle, userId: carla.id }])

    // A comment edited the same way.
    const said = await comment(bob, post.id, `@${carla.handle}`)
    await readAll(carla)
    const changed = await as(bob).api.v1.comments({ id: said.id }).patch({ body: `@${carla.handle} @${ana.handle}` })
    expect(changed.data!.mentions.map((m) => m.userId)).toEqual([carla.id, ana.id])
    expect(await mentionsOf(carla)).toEqual([])
    expect(await mentionsOf(ana)).toMatchObject([{ summary: 'Bob Edits mentioned you in a comment' }])
  })

  it('tell overlapping people from concurrent posts without deadlock', async () => {
    const [bob, carla] = await Promise.all([person('Bob Overlap'), person('Carla Overlap')])
    const authors = await Promise.all(Array.from({ length: 6 }, (_, i) => person(`Author Overlap ${i}`)))
    const written = await Promise.all(
      authors.map((author, i) => as(author).api.v1.posts.post({ body: i % 2 === 0 ? `@${bob.handle} @${carla.handle}` : `@${carla.handle} @${bob.handle}`, privacy: 'public' })),
    )
    expect(written.map((w) => w.status)).toEqual(authors.map(() => 201))
    expect(await mentionsOf(bob)).toHaveLength(6)
    expect(await mentionsOf(carla)).toHaveLength(6)
  })

  it('do not add a mention notification for the people a comment tells already (the post’s author)', async () => {
    const [ana, bob] = await Promise.all([person('Ana Once'), person('Bob Once')])
    const post = await writePost(t, ana, 'Ask me')
    await comment(bob, post.id, `@${ana.handle} a question`)
    const items = (await as(ana).api.v1.notifications.get({ query: {} })).data!.items
    expect(items.map((n) => n.type)).toEqual(['comment'])
  })
})

describe('handles', () => {
  it('are given distinct to concurrent sign-ups with one display name', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => person('Zoé Same-Name')))
    const handles = users.map((u) => u.handle)
    expect(new Set(handles).size).toBe(6)
    expect(handles).toContain('zoe_same_name')
    for (const handle of handles) expect(handle).toMatch(/^zoe_same_name(_\d+)?$/)
  })

  it('change: 409 `conflict` when taken, 400 when malformed', async () => {
    const [ana, bob] = await Promise.all([person('Ana Change'), person('Bob Change')])
    const taken = await setHandle(ana, bob.handle.toUpperCase())
    expect(taken.status).toBe(409)
    expect(taken.error!.value).toMatchObject({ error: { type: 'conflict' } })
    for (const malformed of ['no spaces', 'x', 'é_accent']) expect((await setHandle(ana, malformed)).status).toBe(400)
    expect((await as(ana).api.v1.me.get()).data!.handle).toBe(ana.handle)
  })
})
