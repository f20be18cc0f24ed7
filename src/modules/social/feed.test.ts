import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, makeVendor, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { followUser, writePost } from './testing'

// Posts a second apart, so their order is their times' (ties are ordered by id, also tested by the cursor).
const clock = new ManualClock(new Date('2025-09-01T08:00:00Z'))
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ clock })
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
const summary = async (user: TestUser | null, of: { id: string }) => (await as(user).api.v1.users({ id: of.id }).follows.get()).data!

describe('following', () => {
  it('is idempotent both ways, never oneself, and answers the counts a profile shows', async () => {
    const [ana, ben, cy] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    const first = await as(ana!).api.v1.users({ id: ben!.id }).follow.post()
    expect(first.status).toBe(200)
    expect(first.data).toEqual({ followers: 1, following: 0, followedByMe: true, followsMe: false, canFollow: true, approvesFollowers: false, requested: false })
    expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.post()).data!.followers).toBe(1)
    await followUser(t, ben!, ana!)
    await followUser(t, cy!, ben!)
    expect(await summary(ben!, ana!)).toEqual({ followers: 1, following: 1, followedByMe: true, followsMe: true, canFollow: true, approvesFollowers: false, requested: false })
    expect(await summary(null, ben!)).toEqual({ followers: 2, following: 1, followedByMe: false, followsMe: false, canFollow: false, approvesFollowers: false, requested: false })
    expect((await summary(ben!, ben!)).canFollow).toBe(false)

    const self = await as(ana!).api.v1.users({ id: ana!.id }).follow.post()
    expect(self.status).toBe(400)
    expect(self.error!.value).toMatchObject({ error: { type: 'invalid_data', details: [{ field: 'params.id', message: 'is you' }] } })
    const nobody = `usr_${'0'.repeat(32)}`
    expect((await as(ana!).api.v1.users({ id: nobody }).follow.post()).status).toBe(404)
    expect((await as(null).api.v1.users({ id: nobody }).follows.get()).status).toBe(404)
    expect((await sendJson(t, 'POST', `/api/v1/users/${ben!.id}/follow`, {})).status).toBe(401)

    expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.delete()).data).toMatchObject({ followers: 1, followedByMe: false })
    expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.delete()).data).toMatchObject({ followers: 1, followedByMe: false })
  })

  it('is refused across a block, either way', async () => {
    const [ana, ben] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t)])
    await followUser(t, ana!, ben!)
    expect((await as(ben!).api.v1.blocks({ userId: ana!.id }).post()).status).toBe(200)
    for (const [who, whom] of [[ana!, ben!], [ben!, ana!]] as const) {
      const refused = await as(who).api.v1.users({ id: whom.id }).follow.post()
      expect(refused.status).toBe(403)
      expect((await summary(who, whom)).canFollow).toBe(false)
    }
    // Unfollowing stays possible.
    expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.delete()).status).toBe(200)
    expect((await as(ben!).api.v1.blocks({ userId: ana!.id }).delete()).status).toBe(204)
    expect((await as(ana!).api.v1.users({ id: ben!.id }).follow.post()).status).toBe(200)
  })

  it('lists followers and following, the latest first in cursor pages, with whether I follow each', async () => {
    const star = await signUpAndSignIn(t)
    const fans = await Promise.all(Array.from({ length: 5 }, () => signUpAndSignIn(t)))
    for (const fan of fans) {
      clock.advance(1_000)
      await followUser(t, fan, star)
    }
    const viewer = fans[0]!
    await followUser(t, viewer, fans[3]!)
    const first = await as(viewer).api.v1.users({ id: star.id }).followers.get({ query: { limit: 3 } })
    expect(first.data!.items.map((p) => p.id)).toEqual([fans[4]!.id, fans[3]!.id, fans[2]!.id])
    expect(first.data!.items.map((p) => p.followedByMe)).toEqual([false, true, false])
    const second = await as(viewer).api.v1.users({ id: star.id }).followers.get({ query: { limit: 3, cursor: first.data!.nextCursor! } })
    expect(second.data!.items.map((p) => p.id)).toEqual([fans[1]!.id, fans[0]!.id])
    expect(second.data!.nextCursor).toBeNull()
    expect((await as(null).api.v1.users({ id: viewer.id }).following.get({ query: {} })).data!.items.map((p) => p.id)).toEqual([fans[3]!.id, star.id])
    expect((await as(null).api.v1.users({ id: star.id }).followers.get({ query: { cursor: 'forged' } })).status).toBe(400)
  })

  it('follows a shop through its owner’s account, which its storefront names', async () => {
    const { user: owner, vendor } = await makeVendor(t)
    const fan = await signUpAndSignIn(t)
    const shopPage = await as(null).api.v1.vendors({ slug: vendor.slug }).get()
    expect(shopPage.data!.ownerId).toBe(owner.id)
    await followUser(t, fan, { id: shopPage.data!.ownerId })
    clock.advance(1_000)
    const post = await writePost(t, owner, 'New #rugs in the shop', 'followers')
    expect((await as(fan).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id)).toEqual([post.id])
  })
})

describe('the home feed', () => {
  it('has the posts of whom I follow and mine, newest first, in cursor pages', async () => {
    const [me, friend, shop, other] = await Promise.all(Array.from({ length: 4 }, () => signUpAndSignIn(t)))
    await followUser(t, me!, friend!)
    await followUser(t, me!, shop!)
    const expected: string[] = []
    for (let i = 0; i < 9; i++) {
      clock.advance(1_000)
      const author = [me!, friend!, shop!][i % 3]!
      expected.unshift((await writePost(t, author, `Post ${i}`, i === 4 ? 'followers' : 'public')).id)
      await writePost(t, other!, `Not followed ${i}`)
    }
    // A private post of someone I follow is theirs alone.
    await writePost(t, friend!, 'Just for me', 'private')

    const pages: string[][] = []
    let cursor: string | undefined
    do {
      const page = await as(me!).api.v1.feed.get({ query: { limit: 4, ...(cursor === undefined ? {} : { cursor }) } })
      expect(page.status).toBe(200)
      pages.push(page.data!.items.map((p) => p.id))
      cursor = page.data!.nextCursor ?? undefined
    } while (cursor !== undefined)
    expect(pages.map((page) => page.length)).toEqual([4, 4, 1])
    expect(pages.flat()).toEqual(expected)
    expect((await as(me!).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id)).toEqual(expected.slice(0, 10))

    // Posts in the same millisecond are ordered by id, and a page boundary between them loses none.
    const sameTime = [await writePost(t, friend!, 'Tie A'), await writePost(t, friend!, 'Tie B'), await writePost(t, friend!, 'Tie C')].map((p) => p.id).sort().reverse()
    const top = await as(me!).api.v1.feed.get({ query: { limit: 2 } })
    const next = await as(me!).api.v1.feed.get({ query: { limit: 2, cursor: top.data!.nextCursor! } })
    expect([...top.data!.items, ...next.data!.items].map((p) => p.id)).toEqual([...sameTime, expected[0]!])

    expect((await as(me!).api.v1.feed.get({ query: { limit: 51 } })).status).toBe(400)
  })

  it('pages through many more authors than a page holds, bursts and quiet ones, losing none', async () => {
    // A page of n reads only the n authors whose newest posts (after the cursor) are the newest:
    // with 8 authors and pages of 2, most pages come from authors left out of the page before.
    const [me, ...authors] = await Promise.all(Array.from({ length: 9 }, () => signUpAndSignIn(t)))
    for (const author of authors) await followUser(t, me!, author)
    const expected: string[] = []
    const post = async (author: TestUser, privacy: 'public' | 'private' = 'public') => {
      clock.advance(1_000)
      const written = await writePost(t, author, `From ${author.id}`, privacy)
      if (privacy === 'public') expected.unshift(written.id)
    }
    // Old posts from everyone, then a burst from one author, a few from others, and an author
    // whose newest post is theirs alone (their older one still counts).
    for (const author of authors) await post(author)
    for (let i = 0; i < 5; i++) await post(authors[2]!)
    await post(authors[5]!)
    await post(authors[0]!)
    await post(authors[7]!)
    await post(authors[7]!, 'private')
    await post(authors[5]!)

    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await as(me!).api.v1.feed.get({ query: { limit: 2, ...(cursor === undefined ? {} : { cursor }) } })
      seen.push(...page.data!.items.map((p) => p.id))
      cursor = page.data!.nextCursor ?? undefined
    } while (cursor !== undefined)
    expect(seen).toEqual(expected)
  })
})
