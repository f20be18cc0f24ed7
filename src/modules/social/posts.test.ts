import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { sql } from 'drizzle-orm'
import { adminWithCategory, client, createTestApp, errorOf, makeProduct, makeVendor, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { followUser, writePost } from './testing'

let t: TestApp
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ categoryId } = await adminWithCategory(t))
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
const tagPostIds = async (tag: string, user: TestUser | null = null) => (await as(user).api.v1.tags({ tag }).posts.get({ query: {} })).data!.items.map((p) => p.id)
/** Moves a post's writing back by `hours`. */
const age = (id: string, hours: number) => t.ctx.database.db.execute(sql`update posts set created_at = created_at - make_interval(hours => ${hours}) where id = ${id}`)

describe('writing a post', () => {
  it('stores the text trimmed with its #tags, as its author sees it', async () => {
    const author = await signUpAndSignIn(t, { displayName: 'Nadia' })
    const created = await as(author).api.v1.posts.post({ body: '  Fresh #Zellige tiles from #Fès, more #zellige soon  ', privacy: 'public' })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      author: { id: author.id, displayName: 'Nadia', avatarUrl: null },
      body: 'Fresh #Zellige tiles from #Fès, more #zellige soon',
      privacy: 'public',
      tags: ['zellige', 'fès'],
      product: null,
      likeCount: 0,
      likedByMe: false,
      editedAt: null,
      canEdit: true,
      canDelete: true,
    })
    expect(created.data!.id).toMatch(/^pst_[0-9a-f]{32}$/)
    expect(created.data!.editableUntil!.getTime() - created.data!.createdAt.getTime()).toBe(24 * 3_600_000)
    // Another caller sees it without the author's powers; the tag page finds it in any case.
    expect((await as(null).api.v1.posts({ id: created.data!.id }).get()).data).toMatchObject({ canEdit: false, canDelete: false, editableUntil: null })
    expect(await tagPostIds('ZELLIGE')).toEqual([created.data!.id])
    expect(await tagPostIds('FE\u0300S')).toEqual([created.data!.id])
  })

  it('refuses text that is only spaces or too long, an unknown privacy, and a signed-out caller', async () => {
    const author = await signUpAndSignIn(t)
    const blank = await sendJson(t, 'POST', '/api/v1/posts', { body: '   ', privacy: 'public' }, author.auth)
    expect(blank.status).toBe(400)
    expect((await errorOf(blank)).details).toEqual([{ field: 'body.body', message: 'must not be only spaces' }])
    expect((await sendJson(t, 'POST', '/api/v1/posts', { body: 'x'.repeat(5_001), privacy: 'public' }, author.auth)).status).toBe(400)
    expect((await sendJson(t, 'POST', '/api/v1/posts', { body: 'x'.repeat(5_000), privacy: 'public' }, author.auth)).status).toBe(201)
    expect((await sendJson(t, 'POST', '/api/v1/posts', { body: 'hello', privacy: 'friends' }, author.auth)).status).toBe(400)
    expect((await sendJson(t, 'POST', '/api/v1/posts', { body: 'hello', privacy: 'public' })).status).toBe(401)
    expect((await as(null).api.v1.tags({ tag: 'not a tag' }).posts.get({ query: {} })).status).toBe(400)
  })

  it('shows a linked public product as its card, and refuses one that is not public', async () => {
    const { user: owner } = await makeVendor(t)
    const lamp = await makeProduct(t, owner, { categoryId, title: 'Copper lamp' })
    const draft = await makeProduct(t, owner, { categoryId, title: 'Unfinished lamp', status: 'draft' })
    const post = await writePost(t, owner, 'Just finished this #lamp', 'public', lamp.id)
    expect(post.product).toMatchObject({ id: lamp.id, title: 'Copper lamp' })
    const refused = await as(owner).api.v1.posts.post({ body: 'Soon', privacy: 'public', productId: draft.id })
    expect(refused.status).toBe(400)
    expect(refused.error!.value).toMatchObject({ error: { details: [{ field: 'body.productId', message: 'is not a public product' }] } })
    expect((await as(owner).api.v1.posts.post({ body: 'Soon', privacy: 'public', productId: `prd_${'0'.repeat(32)}` })).status).toBe(400)
    // The card goes when the product stops being public.
    expect((await as(owner).api.v1.products({ slug: lamp.slug }).patch({ status: 'archived' })).status).toBe(200)
    expect((await as(null).api.v1.posts({ id: post.id }).get()).data!.product).toBeNull()
  })
})

describe('editing a post', () => {
  it('changes text or privacy for 24 hours, marks it edited only when something changed, and re-tags', async () => {
    const author = await signUpAndSignIn(t)
    const other = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Morning at the #souk_old')
    const edit = (user: TestUser, body: { body?: string; privacy?: 'public' | 'followers' | 'private' }) => as(user).api.v1.posts({ id: post.id }).patch(body)

    const same = await edit(author, { privacy: 'public', body: 'Morning at the #souk_old' })
    expect(same.status).toBe(200)
    expect(same.data!.editedAt).toBeNull()

    const changed = await edit(author, { body: 'Evening at the #souk_new' })
    expect(changed.status).toBe(200)
    expect(changed.data).toMatchObject({ body: 'Evening at the #souk_new', tags: ['souk_new'] })
    expect(changed.data!.editedAt).not.toBeNull()
    expect(await tagPostIds('souk_old')).toEqual([])
    expect(await tagPostIds('souk_new')).toEqual([post.id])

    expect((await edit(author, { privacy: 'private' })).data!.privacy).toBe('private')
    expect((await sendJson(t, 'PATCH', `/api/v1/posts/${post.id}`, {}, author.auth)).status).toBe(400)
    // Anyone else: as if it did not exist.
    expect((await edit(other, { body: 'mine now' })).status).toBe(404)

    await age(post.id, 25)
    const late = await edit(author, { body: 'Too late' })
    expect(late.status).toBe(409)
    expect(late.error!.value).toMatchObject({ error: { type: 'conflict', message: 'A post may be changed for 24 hours after it is posted; this one no longer can' } })
    expect((await as(author).api.v1.posts({ id: post.id }).get()).data).toMatchObject({ body: 'Evening at the #souk_new', canEdit: false, canDelete: true })
  })
})

describe('deleting a post', () => {
  it('is its author’s, and hides it everywhere', async () => {
    const author = await signUpAndSignIn(t)
    const fan = await signUpAndSignIn(t)
    await followUser(t, fan, author)
    const post = await writePost(t, author, 'Gone soon #ephemeral_tag')
    expect((await as(fan).api.v1.posts({ id: post.id }).like.post()).status).toBe(200)
    expect((await as(fan).api.v1.posts({ id: post.id }).delete()).status).toBe(404)

    expect((await as(author).api.v1.posts({ id: post.id }).delete()).status).toBe(204)
    for (const user of [author, fan, null]) {
      expect((await as(user).api.v1.posts({ id: post.id }).get()).status).toBe(404)
      expect((await as(user).api.v1.posts({ id: post.id }).likes.get({ query: {} })).status).toBe(404)
      expect((await as(user).api.v1.users({ id: author.id }).posts.get({ query: {} })).data!.items).toEqual([])
      expect(await tagPostIds('ephemeral_tag', user)).toEqual([])
    }
    for (const user of [author, fan]) {
      expect((await as(user).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id)).not.toContain(post.id)
      expect((await as(user).api.v1.posts({ id: post.id }).like.post()).status).toBe(404)
    }
    expect((await as(author).api.v1.posts({ id: post.id }).delete()).status).toBe(404)
    expect((await as(author).api.v1.posts({ id: post.id }).patch({ body: 'back?' })).status).toBe(404)
  })

  it('goes with its author’s account: a deleted account’s posts are seen by no one', async () => {
    const author = await signUpAndSignIn(t)
    const fan = await signUpAndSignIn(t)
    await followUser(t, fan, author)
    const post = await writePost(t, author, 'Farewell #leaving_souk')
    expect((await as(fan).api.v1.posts({ id: post.id }).get()).status).toBe(200)
    expect((await as(author).api.v1.me.delete({ password: author.password })).status).toBe(204)
    for (const user of [fan, null]) {
      expect((await as(user).api.v1.posts({ id: post.id }).get()).status).toBe(404)
      expect(await tagPostIds('leaving_souk', user)).toEqual([])
    }
    expect((await as(fan).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id)).not.toContain(post.id)
    expect((await as(fan).api.v1.posts({ id: post.id }).like.post()).status).toBe(404)
  })
})

describe('privacy', () => {
  it('shows public posts to everyone, followers-only to followers and the author, private to the author, and nothing across a block — in every path', async () => {
    const [author, follower, stranger, blocked, blocker] = await Promise.all(Array.from({ length: 5 }, () => signUpAndSignIn(t)))
    for (const fan of [follower, blocked, blocker]) await followUser(t, fan!, author!)
    const posts = {
      public: await writePost(t, author!, 'For all #matrix_tag', 'public'),
      followers: await writePost(t, author!, 'For my followers #matrix_tag', 'followers'),
      private: await writePost(t, author!, 'For me #matrix_tag', 'private'),
    }
    // The author blocks one follower; another follower blocks the author: the block works both ways.
    expect((await as(author!).api.v1.blocks({ userId: blocked!.id }).post()).status).toBe(200)
    expect((await as(blocker!).api.v1.blocks({ userId: author!.id }).post()).status).toBe(200)

    const names = Object.keys(posts) as (keyof typeof posts)[]
    const nameOf = new Map(names.map((name) => [posts[name].id, name]))
    const named = (ids: string[]) => ids.flatMap((id) => nameOf.get(id) ?? []).sort()
    /** Which of the three posts `user` sees through each path. */
    async function seenBy(user: TestUser | null) {
      const c = as(user)
      const statuses = await Promise.all(names.map(async (name) => (await c.api.v1.posts({ id: posts[name].id }).get()).status))
      const likeLists = await Promise.all(names.map(async (name) => (await c.api.v1.posts({ id: posts[name].id }).likes.get({ query: {} })).status))
      return {
        post: names.filter((_, i) => statuses[i] === 200).sort(),
        likes: names.filter((_, i) => likeLists[i] === 200).sort(),
        profile: named((await c.api.v1.users({ id: author!.id }).posts.get({ query: {} })).data!.items.map((p) => p.id)),
        tag: named((await c.api.v1.tags({ tag: 'matrix_tag' }).posts.get({ query: {} })).data!.items.map((p) => p.id)),
      }
    }
    const everywhere = (...seen: (keyof typeof posts)[]) => ({ post: seen, likes: seen, profile: seen, tag: seen })
    expect(await seenBy(author!)).toEqual(everywhere('followers', 'private', 'public'))
    expect(await seenBy(follower!)).toEqual(everywhere('followers', 'public'))
    expect(await seenBy(stranger!)).toEqual(everywhere('public'))
    expect(await seenBy(null)).toEqual(everywhere('public'))
    expect(await seenBy(blocked!)).toEqual(everywhere())
    expect(await seenBy(blocker!)).toEqual(everywhere())

    // The home feed: the author's own, a follower's share; not a stranger's (follows no one), not across a block.
    const feed = async (user: TestUser) => named((await as(user).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id))
    expect(await feed(author!)).toEqual(['followers', 'private', 'public'])
    expect(await feed(follower!)).toEqual(['followers', 'public'])
    expect(await feed(stranger!)).toEqual([])
    expect(await feed(blocked!)).toEqual([])
    expect(await feed(blocker!)).toEqual([])
    expect((await as(null).api.v1.feed.get({ query: {} })).status).toBe(401)

    // Liking: only what one may see; the rest answers 404 as if absent.
    const likeStatus = async (user: TestUser | null, name: keyof typeof posts) => (await as(user).api.v1.posts({ id: posts[name].id }).like.post()).status
    expect(await Promise.all(names.map((name) => likeStatus(follower!, name)))).toEqual([200, 200, 404])
    expect(await Promise.all(names.map((name) => likeStatus(stranger!, name)))).toEqual([200, 404, 404])
    expect(await Promise.all(names.map((name) => likeStatus(blocked!, name)))).toEqual([404, 404, 404])
    expect(await Promise.all(names.map((name) => likeStatus(blocker!, name)))).toEqual([404, 404, 404])
    expect(await likeStatus(null, 'public')).toBe(401)
    // The author sees who liked, and a stranger sees the likes of the public post only.
    expect((await as(author!).api.v1.posts({ id: posts.followers.id }).likes.get({ query: {} })).data!.items.map((p) => p.id)).toEqual([follower!.id])
    expect((await as(null).api.v1.posts({ id: posts.public.id }).likes.get({ query: {} })).data!.items.map((p) => p.id).sort()).toEqual([follower!.id, stranger!.id].sort())

    // Unfollowing takes the followers-only post away; lifting a block gives the public one back.
    expect((await as(follower!).api.v1.users({ id: author!.id }).follow.delete()).status).toBe(200)
    expect((await as(follower!).api.v1.posts({ id: posts.followers.id }).get()).status).toBe(404)
    expect((await as(author!).api.v1.blocks({ userId: blocked!.id }).delete()).status).toBe(204)
    expect((await as(blocked!).api.v1.posts({ id: posts.public.id }).get()).status).toBe(200)
  })
})
