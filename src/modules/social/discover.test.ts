import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { followUser, writePost } from './testing'

// Discover ranks by (likes + 2·comments + 1) / (age_hours + 2)^1.5 at a fixed clock. Posts are
// aged by moving their time back (the clock itself moves seconds only: sessions live 15 minutes),
// and each test starts 8 days after the last, so the 7-day window holds its own posts alone.
const clock = new ManualClock(new Date('2025-09-01T08:00:00Z'))
const DAY = 86_400_000
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ clock })
}, 60_000)
afterAll(() => t.close())
beforeEach(() => clock.advance(8 * DAY))

const as = (user: TestUser | null) => client(t, user ?? {})
const score = (likes: number, comments: number, hours: number) => (likes + 2 * comments + 1) / (hours + 2) ** 1.5
/** Moves a post's writing back by `hours`. */
const age = (id: string, hours: number) => t.ctx.database.db.execute(sql`update posts set created_at = created_at - make_interval(secs => ${hours * 3600}) where id = ${id}`)
const like = async (users: TestUser[], id: string) => {
  for (const user of users) expect((await as(user).api.v1.posts({ id }).like.post()).status).toBe(200)
}
const discover = async (user: TestUser | null, query: { limit?: number; cursor?: string } = {}) => {
  const res = await as(user).api.v1.feed.discover.get({ query })
  expect(res.status).toBe(200)
  return res.data!
}
const discoverIds = async (user: TestUser | null) => (await discover(user, { limit: 50 })).items.map((p) => p.id)

describe('Discover', () => {
  it('ranks by engagement with time decay: a new post with a like beats an old one with more', async () => {
    const author = await signUpAndSignIn(t)
    const fans = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    const posts = {
      old: { likes: 6, comments: 0, hours: 20 },
      fresh: { likes: 1, comments: 0, hours: 1 },
      commented: { likes: 0, comments: 1, hours: 2 },
      liked: { likes: 1, comments: 0, hours: 2 },
      quiet: { likes: 0, comments: 0, hours: 0 },
      stale: { likes: 6, comments: 0, hours: 7 * 24 + 1 },
    }
    const ids: Record<string, string> = {}
    for (const [name, spec] of Object.entries(posts)) {
      const post = await writePost(t, author, `Post ${name}`)
      ids[name] = post.id
      await like(fans.slice(0, spec.likes), post.id)
      if (spec.comments > 0) expect((await as(fans[0]!).api.v1.posts({ id: post.id }).comments.post({ body: 'Lovely' })).status).toBe(201)
      await age(post.id, spec.hours)
    }
    // By the formula: fresh .385, commented .375 (a comment weighs two likes), quiet .354, liked .25, old .068; stale is out of the window.
    const ranked = Object.entries(posts)
      .filter(([name]) => name !== 'stale')
      .sort(([, a], [, b]) => score(b.likes, b.comments, b.hours) - score(a.likes, a.comments, a.hours))
      .map(([name]) => name)
    expect(ranked).toEqual(['fresh', 'commented', 'quiet', 'liked', 'old'])
    const page = await discover(null)
    expect(page.items.map((p) => p.id)).toEqual(ranked.map((name) => ids[name]!))
    expect(page.items[0]).toMatchObject({ body: 'Post fresh', likeCount: 1, likedByMe: false })
    expect((await discover(fans[0]!)).items.map((p) => p.likedByMe)).toEqual([true, false, false, true, true])
  })

  it('pages stably while likes land: later pages rank as of the first, so none repeats or is skipped', async () => {
    const author = await signUpAndSignIn(t)
    const fans = await Promise.all(Array.from({ length: 3 }, () => signUpAndSignIn(t)))
    const ids: string[] = []
    for (let hours = 0; hours < 6; hours++) {
      const post = await writePost(t, author, `Hour ${hours}`)
      await age(post.id, hours)
      ids.push(post.id)
    }
    const first = await discover(null, { limit: 2 })
    expect(first.items.map((p) => p.id)).toEqual(ids.slice(0, 2))

    // Meanwhile the last post gets three likes (counted now, it would rank second, above the
    // cursor, and be skipped), the first one a like, and someone posts.
    clock.advance(1_000)
    await like(fans, ids[5]!)
    await like(fans.slice(0, 1), ids[0]!)
    const fresh = await writePost(t, author, 'Just now')
    expect(score(3, 0, 5)).toBeGreaterThan(score(0, 0, 1))

    const seen = [...first.items]
    let cursor = first.nextCursor
    while (cursor !== null) {
      const page = await discover(null, { limit: 2, cursor })
      seen.push(...page.items)
      cursor = page.nextCursor
    }
    expect(seen.map((p) => p.id)).toEqual(ids)
    // The counts shown are today's.
    expect(seen.find((p) => p.id === ids[5])!.likeCount).toBe(3)

    // A new first page ranks as of now: the new post, and the last post climbing over the second.
    expect(await discoverIds(null)).toEqual([ids[0]!, fresh.id, ids[5]!, ids[1]!, ids[2]!, ids[3]!, ids[4]!])
  })

  it('shows public posts only, never across a block or of a deleted account, to everyone alike', async () => {
    const [author, follower, stranger, blocked, blocker, gone] = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    for (const fan of [follower!, blocked!, blocker!]) await followUser(t, fan, author!)
    const open = await writePost(t, author!, 'For everyone')
    await writePost(t, author!, 'For my followers', 'followers')
    await writePost(t, author!, 'For me', 'private')
    const removed = await writePost(t, author!, 'Soon gone')
    expect((await as(author!).api.v1.posts({ id: removed.id }).delete()).status).toBe(204)
    await writePost(t, gone!, 'Leaving')
    expect((await as(gone!).api.v1.me.delete({ password: gone!.password })).status).toBe(204)
    const blockedOwn = await writePost(t, blocked!, 'From the blocked one')
    expect((await as(author!).api.v1.blocks({ userId: blocked!.id }).post()).status).toBe(200)
    expect((await as(blocker!).api.v1.blocks({ userId: author!.id }).post()).status).toBe(200)

    // Same age, no engagement: the order is by id, newest first.
    const both = [blockedOwn.id, open.id]
    for (const viewer of [follower!, stranger!, null]) expect(await discoverIds(viewer)).toEqual(both)
    expect(await discoverIds(author!)).toEqual([open.id])
    expect(await discoverIds(blocked!)).toEqual([blockedOwn.id])
    expect(await discoverIds(blocker!)).toEqual([blockedOwn.id])
  })

  it('refuses a cursor it did not make', async () => {
    for (const cursor of ['forged', Buffer.from(JSON.stringify(['2025-01-01T00:00:00.000Z', -1, `pst_${'0'.repeat(32)}`])).toString('base64url')]) {
      const res = await as(null).api.v1.feed.discover.get({ query: { cursor } })
      expect(res.status).toBe(400)
    }
    expect((await as(null).api.v1.feed.discover.get({ query: { limit: 51 } })).status).toBe(400)
  })
})
