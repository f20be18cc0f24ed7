import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { client, createTestApp, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { SocialModel } from './model'
import { commentLikes, postComments, posts } from './table'
import { followUser, writePost } from './testing'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
const comment = async (user: TestUser, postId: string, body: string, parentId?: string): Promise<SocialModel.Comment> => {
  const created = await as(user).api.v1.posts({ id: postId }).comments.post({ body, ...(parentId === undefined ? {} : { parentId }) })
  expect(created.status).toBe(201)
  return created.data!
}
const thread = async (user: TestUser | null, postId: string, query: SocialModel.ListQuery = {}) => {
  const page = await as(user).api.v1.posts({ id: postId }).comments.get({ query })
  expect(page.status).toBe(200)
  return page.data!
}
/** The post's stored comment_count, and how many of its comments are not deleted. */
const counts = async (postId: string) => {
  const [row] = await t.ctx.database.db.select({ commentCount: posts.commentCount }).from(posts).where(eq(posts.id, postId))
  const live = await t.ctx.database.db.$count(postComments, and(eq(postComments.postId, postId), isNull(postComments.deletedAt)))
  return { commentCount: row!.commentCount, live }
}

describe('writing comments', () => {
  it('threads replies to depth 3: a reply to a depth-3 comment goes beside it, and the list is in thread order', async () => {
    const [author, ana, ben] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t, { displayName: 'Ana' }), signUpAndSignIn(t)])
    const post = await writePost(t, author!, 'Thread me')
    const first = await comment(ana!, post.id, '  First!  ')
    expect(first).toMatchObject({ postId: post.id, parentId: null, depth: 1, status: 'shown', body: 'First!', author: { id: ana!.id, displayName: 'Ana' }, likeCount: 0, likedByMe: false, editedAt: null, canEdit: true, canDelete: true })
    expect(first.id).toMatch(/^pcm_[0-9a-f]{32}$/)
    const second = await comment(ben!, post.id, 'Second')
    const reply = await comment(ben!, post.id, 'A reply', first.id)
    expect(reply).toMatchObject({ parentId: first.id, depth: 2 })
    const deep = await comment(ana!, post.id, 'Deeper', reply.id)
    expect(deep).toMatchObject({ parentId: reply.id, depth: 3 })
    // A reply to depth 3 stays at depth 3, beside the comment replied to (same parent).
    const deeper = await comment(ben!, post.id, 'Deeper still', deep.id)
    expect(deeper).toMatchObject({ parentId: reply.id, depth: 3 })
    const again = await comment(ana!, post.id, 'And again', deeper.id)
    expect(again).toMatchObject({ parentId: reply.id, depth: 3 })

    const order = [first, reply, deep, deeper, again, second].map((c) => c.id)
    expect((await thread(null, post.id)).items.map((c) => c.id)).toEqual(order)
    // Pages follow the thread order.
    const p1 = await thread(author!, post.id, { limit: 4 })
    const p2 = await thread(author!, post.id, { limit: 4, cursor: p1.nextCursor! })
    expect([...p1.items, ...p2.items].map((c) => c.id)).toEqual(order)
    expect(p2.nextCursor).toBeNull()
    // The post's author may delete any comment on it; others only their own.
    expect(p1.items.every((c) => c.canDelete && !c.canEdit)).toBe(true)
    expect((await thread(ana!, post.id)).items.map((c) => c.canDelete)).toEqual([true, false, true, false, true, false])
    expect((await as(null).api.v1.posts({ id: post.id }).get()).data!.commentCount).toBe(6)
    expect((await as(null).api.v1.posts({ id: post.id }).comments.get({ query: { cursor: 'bm90IGEgY3Vyc29y' } })).status).toBe(400)
  })

  it('refuses a parent on another post, blank or too long text, and a signed-out caller', async () => {
    const [author, ana] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t)])
    const post = await writePost(t, author!, 'Here')
    const elsewhere = await writePost(t, author!, 'There')
    const there = await comment(ana!, elsewhere.id, 'On the other post')
    const refused = await as(ana!).api.v1.posts({ id: post.id }).comments.post({ body: 'Reply', parentId: there.id })
    expect(refused.status).toBe(400)
    expect(refused.error!.value).toMatchObject({ error: { type: 'invalid_data', details: [{ field: 'body.parentId', message: 'is not a comment on this post' }] } })
    expect((await as(ana!).api.v1.posts({ id: post.id }).comments.post({ body: 'Reply', parentId: `pcm_${'0'.repeat(32)}` })).status).toBe(400)
    expect((await sendJson(t, 'POST', `/api/v1/posts/${post.id}/comments`, { body: '   ' }, ana!.auth)).status).toBe(400)
    expect((await sendJson(t, 'POST', `/api/v1/posts/${post.id}/comments`, { body: 'x'.repeat(2_001) }, ana!.auth)).status).toBe(400)
    expect((await sendJson(t, 'POST', `/api/v1/posts/${post.id}/comments`, { body: 'x'.repeat(2_000) }, ana!.auth)).status).toBe(201)
    expect((await sendJson(t, 'POST', `/api/v1/posts/${post.id}/comments`, { body: 'hello' })).status).toBe(401)
    expect((await as(ana!).api.v1.posts({ id: `pst_${'0'.repeat(32)}` }).comments.post({ body: 'Nowhere' })).status).toBe(404)
    expect(await counts(post.id)).toEqual({ commentCount: 1, live: 1 })
  })
})

describe('counts', () => {
  it('stay exact under 50 concurrent comments, then 25 concurrent deletes (each tried twice at once)', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Busy')
    const fans = await Promise.all(Array.from({ length: 50 }, () => signUpAndSignIn(t)))
    const made = await Promise.all(fans.map((fan, i) => as(fan).api.v1.posts({ id: post.id }).comments.post({ body: `Comment ${i}` })))
    expect(made.map((r) => r.status)).toEqual(fans.map(() => 201))
    expect(await counts(post.id)).toEqual({ commentCount: 50, live: 50 })

    // Half are deleted, each by its author and by the post's author at once: one of the two wins, the other finds it gone.
    const doomed = made.slice(0, 25).map((r, i) => ({ id: r.data!.id, by: fans[i]! }))
    const deletes = await Promise.all(doomed.flatMap(({ id, by }) => [as(by).api.v1.comments({ id }).delete(), as(author).api.v1.comments({ id }).delete()]))
    const statuses = deletes.map((r) => r.status)
    expect(statuses.filter((s) => s === 204).length).toBe(25)
    expect(statuses.filter((s) => s === 404).length).toBe(25)
    expect(await counts(post.id)).toEqual({ commentCount: 25, live: 25 })
    expect((await as(author).api.v1.posts({ id: post.id }).get()).data!.commentCount).toBe(25)
    // Deleted comments without replies leave the thread.
    expect((await thread(author, post.id, { limit: 50 })).items.map((c) => c.id).sort()).toEqual(made.slice(25).map((r) => r.data!.id).sort())
  }, 60_000)

  it('count 100 concurrent likes of a comment as 100, and toggle idempotently', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Like the comment')
    const c = await comment(author, post.id, 'Like me')
    const fans = await Promise.all(Array.from({ length: 100 }, () => signUpAndSignIn(t)))
    const liked = await Promise.all(fans.map((fan) => as(fan).api.v1.comments({ id: c.id }).like.post()))
    expect(liked.map((r) => r.status)).toEqual(fans.map(() => 200))
    const [stored] = await t.ctx.database.db.select({ likeCount: postComments.likeCount }).from(postComments).where(eq(postComments.id, c.id))
    const rows = await t.ctx.database.db.select().from(commentLikes).where(eq(commentLikes.commentId, c.id))
    expect({ likeCount: stored!.likeCount, rows: rows.length }).toEqual({ likeCount: 100, rows: 100 })
    expect((await thread(fans[3]!, post.id)).items[0]).toMatchObject({ likeCount: 100, likedByMe: true })
    expect((await thread(author, post.id)).items[0]).toMatchObject({ likeCount: 100, likedByMe: false })

    const like = () => as(author).api.v1.comments({ id: c.id }).like
    expect((await like().post()).data).toEqual({ likeCount: 101, likedByMe: true })
    expect((await like().post()).data).toEqual({ likeCount: 101, likedByMe: true })
    expect((await like().delete()).data).toEqual({ likeCount: 100, likedByMe: false })
    expect((await like().delete()).data).toEqual({ likeCount: 100, likedByMe: false })
    expect((await as(null).api.v1.comments({ id: c.id }).like.post()).status).toBe(401)
    expect((await as(author).api.v1.comments({ id: `pcm_${'0'.repeat(32)}` }).like.post()).status).toBe(404)
  }, 60_000)
})

describe('editing and deleting', () => {
  it('edits are the author’s for 24 hours (409 after, 403 to others); deletes the author’s or the post author’s, kept as "[deleted]" while replied to', async () => {
    const [author, ana, stranger] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    const post = await writePost(t, author!, 'Edit and delete')
    const c = await comment(ana!, post.id, 'Typo hree')
    const same = await as(ana!).api.v1.comments({ id: c.id }).patch({ body: 'Typo hree' })
    expect(same.data!.editedAt).toBeNull()
    const fixed = await as(ana!).api.v1.comments({ id: c.id }).patch({ body: 'Typo here' })
    expect(fixed.status).toBe(200)
    expect(fixed.data).toMatchObject({ body: 'Typo here', canEdit: true })
    expect(fixed.data!.editedAt).not.toBeNull()
    expect((await as(author!).api.v1.comments({ id: c.id }).patch({ body: 'Not yours' })).status).toBe(403)
    expect((await as(stranger!).api.v1.comments({ id: c.id }).patch({ body: 'Not yours' })).status).toBe(403)
    expect((await as(stranger!).api.v1.comments({ id: c.id }).delete()).status).toBe(403)
    await t.ctx.database.db.execute(sql`update post_comments set created_at = created_at - interval '25 hours' where id = ${c.id}`)
    const late = await as(ana!).api.v1.comments({ id: c.id }).patch({ body: 'Too late' })
    expect(late.status).toBe(409)
    expect(late.error!.value).toMatchObject({ error: { type: 'conflict' } })
    expect((await thread(ana!, post.id)).items[0]).toMatchObject({ body: 'Typo here', canEdit: false, canDelete: true })

    // The post's author deletes Ana's comment, which has a reply: it stays as "[deleted]" (no author, no text).
    const reply = await comment(stranger!, post.id, 'Agreed', c.id)
    expect((await as(author!).api.v1.comments({ id: c.id }).delete()).status).toBe(204)
    const items = (await thread(null, post.id)).items
    expect(items.map((i) => [i.id, i.status])).toEqual([
      [c.id, 'deleted'],
      [reply.id, 'shown'],
    ])
    expect(items[0]).toMatchObject({ author: null, body: null, canDelete: false, canEdit: false })
    expect(await counts(post.id)).toEqual({ commentCount: 1, live: 1 })
    // Gone for every write: edit, delete, like, reply.
    expect((await as(ana!).api.v1.comments({ id: c.id }).patch({ body: 'back?' })).status).toBe(404)
    expect((await as(ana!).api.v1.comments({ id: c.id }).delete()).status).toBe(404)
    expect((await as(ana!).api.v1.comments({ id: c.id }).like.post()).status).toBe(404)
    expect((await as(ana!).api.v1.posts({ id: post.id }).comments.post({ body: 'hello?', parentId: c.id })).status).toBe(400)
    // Once its last reply is deleted too, it leaves the thread.
    expect((await as(stranger!).api.v1.comments({ id: reply.id }).delete()).status).toBe(204)
    expect((await thread(null, post.id)).items).toEqual([])
    expect(await counts(post.id)).toEqual({ commentCount: 0, live: 0 })
  })
})

describe('privacy', () => {
  it('comments of a followers-only post are 404 to a stranger and signed out, in every path', async () => {
    const [author, follower, stranger] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    await followUser(t, follower!, author!)
    const post = await writePost(t, author!, 'For my followers', 'followers')
    const c = await comment(follower!, post.id, 'Seen by followers')
    expect((await thread(follower!, post.id)).items.map((i) => i.id)).toEqual([c.id])
    expect((await as(null).api.v1.posts({ id: post.id }).comments.get({ query: {} })).status).toBe(404)
    expect((await as(stranger!).api.v1.posts({ id: post.id }).comments.get({ query: {} })).status).toBe(404)
    expect((await as(stranger!).api.v1.posts({ id: post.id }).comments.post({ body: 'Let me in' })).status).toBe(404)
    expect((await as(stranger!).api.v1.comments({ id: c.id }).patch({ body: 'x' })).status).toBe(404)
    expect((await as(stranger!).api.v1.comments({ id: c.id }).delete()).status).toBe(404)
    expect((await as(stranger!).api.v1.comments({ id: c.id }).like.post()).status).toBe(404)
    // The follower who stops following loses the post, and with it their comment's paths.
    expect((await as(follower!).api.v1.users({ id: author!.id }).follow.delete()).status).toBe(200)
    expect((await as(follower!).api.v1.posts({ id: post.id }).comments.get({ query: {} })).status).toBe(404)
    expect((await as(follower!).api.v1.comments({ id: c.id }).delete()).status).toBe(404)
    expect(await counts(post.id)).toEqual({ commentCount: 1, live: 1 })
  })

  it('a blocked pair cannot see each other’s comments; a hidden comment with replies keeps its place without author or text', async () => {
    const [author, ana, ben, cy] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    const post = await writePost(t, author!, 'Public talk')
    const byAna = await comment(ana!, post.id, 'Ana here')
    const byBen = await comment(ben!, post.id, 'Ben here')
    const cyToAna = await comment(cy!, post.id, 'Hi Ana', byAna.id)
    expect((await as(ana!).api.v1.blocks({ userId: ben!.id }).post()).status).toBe(200)

    const seen = async (user: TestUser) => (await thread(user, post.id)).items.map((i) => [i.id, i.status])
    expect(await seen(ana!)).toEqual([
      [byAna.id, 'shown'],
      [cyToAna.id, 'shown'],
    ])
    // Ben sees Ana's comment only as a hidden place for Cy's reply.
    expect(await seen(ben!)).toEqual([
      [byAna.id, 'hidden'],
      [cyToAna.id, 'shown'],
      [byBen.id, 'shown'],
    ])
    expect((await thread(ben!, post.id)).items[0]).toMatchObject({ author: null, body: null })
    expect((await seen(cy!)).map(([, status]) => status)).toEqual(['shown', 'shown', 'shown'])
    // Nor can either reply to or like the other's.
    expect((await as(ben!).api.v1.posts({ id: post.id }).comments.post({ body: 'Hey', parentId: byAna.id })).status).toBe(400)
    expect((await as(ben!).api.v1.comments({ id: byAna.id }).like.post()).status).toBe(404)
    expect((await as(ana!).api.v1.comments({ id: byBen.id }).like.post()).status).toBe(404)
  })
})
