import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eq } from 'drizzle-orm'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { postLikes, posts } from './table'
import { writePost } from './testing'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser) => client(t, user)
const stored = async (postId: string) => {
  const [row] = await t.ctx.database.db.select({ likeCount: posts.likeCount }).from(posts).where(eq(posts.id, postId))
  const likes = await t.ctx.database.db.select().from(postLikes).where(eq(postLikes.postId, postId))
  return { likeCount: row!.likeCount, rows: likes.length }
}

describe('likes', () => {
  it('count exactly under 100 concurrent likes by 100 users', async () => {
    const author = await signUpAndSignIn(t)
    const post = await writePost(t, author, 'Like me')
    const fans = await Promise.all(Array.from({ length: 100 }, () => signUpAndSignIn(t)))
    const liked = await Promise.all(fans.map((fan) => as(fan).api.v1.posts({ id: post.id }).like.post()))
    expect(liked.map((r) => r.status)).toEqual(fans.map(() => 200))
    expect(await stored(post.id)).toEqual({ likeCount: 100, rows: 100 })
    expect((await as(author).api.v1.posts({ id: post.id }).get()).data).toMatchObject({ likeCount: 100, likedByMe: false })
    expect((await as(fans[7]!).api.v1.posts({ id: post.id }).get()).data).toMatchObject({ likeCount: 100, likedByMe: true })

    // Half take theirs back while the other half like again: only the unlikes move the count.
    const mixed = await Promise.all(fans.map((fan, i) => (i % 2 === 0 ? as(fan).api.v1.posts({ id: post.id }).like.delete() : as(fan).api.v1.posts({ id: post.id }).like.post())))
    expect(mixed.map((r) => r.status)).toEqual(fans.map(() => 200))
    expect(await stored(post.id)).toEqual({ likeCount: 50, rows: 50 })

    // Who liked, the latest first, in pages.
    const first = await as(author).api.v1.posts({ id: post.id }).likes.get({ query: { limit: 30 } })
    const second = await as(author).api.v1.posts({ id: post.id }).likes.get({ query: { limit: 30, cursor: first.data!.nextCursor! } })
    const likers = [...first.data!.items, ...second.data!.items].map((p) => p.id)
    expect(second.data!.nextCursor).toBeNull()
    expect(likers.sort()).toEqual(fans.filter((_, i) => i % 2 === 1).map((fan) => fan.id).sort())
  }, 60_000)

  it('toggle idempotently: liking twice is one like, unliking twice leaves none', async () => {
    const [author, fan] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t)])
    const post = await writePost(t, author!, 'Toggle')
    const like = () => as(fan!).api.v1.posts({ id: post.id }).like
    expect((await like().post()).data).toEqual({ likeCount: 1, likedByMe: true })
    expect((await like().post()).data).toEqual({ likeCount: 1, likedByMe: true })
    expect((await like().delete()).data).toEqual({ likeCount: 0, likedByMe: false })
    expect((await like().delete()).data).toEqual({ likeCount: 0, likedByMe: false })
    expect(await stored(post.id)).toEqual({ likeCount: 0, rows: 0 })
    // The author may like their own post too.
    expect((await as(author!).api.v1.posts({ id: post.id }).like.post()).data).toEqual({ likeCount: 1, likedByMe: true })
  })
})
