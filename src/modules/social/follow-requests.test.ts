import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { writePost } from './testing'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser) => client(t, user)
const summary = async (viewer: TestUser, of: { id: string }) => (await as(viewer).api.v1.users({ id: of.id }).follows.get()).data!
const lock = async (user: TestUser, approveFollowers: boolean) => {
  const res = await as(user).api.v1.me['social-profile'].patch({ approveFollowers })
  expect(res.status).toBe(200)
  expect(res.data).toEqual({ approveFollowers })
}
const ask = async (follower: TestUser, followee: { id: string }) => {
  const res = await as(follower).api.v1.users({ id: followee.id }).follow.post()
  expect(res.status).toBe(200)
  return res.data!
}
const pending = async (user: TestUser) => {
  const page = await as(user).api.v1.me['follow-requests'].get({ query: {} })
  expect(page.status).toBe(200)
  return page.data!.items.map((p) => p.id)
}
const approve = (followee: TestUser, follower: { id: string }) => as(followee).api.v1.me['follow-requests']({ followerId: follower.id }).approve.post()
const decline = (followee: TestUser, follower: { id: string }) => as(followee).api.v1.me['follow-requests']({ followerId: follower.id }).decline.post()
const inbox = async (user: TestUser) => (await as(user).api.v1.notifications.get({ query: {} })).data!.items
const canSee = async (viewer: TestUser, postId: string) => (await as(viewer).api.v1.posts({ id: postId }).get()).status === 200
const followerIds = async (viewer: TestUser, of: { id: string }) => (await as(viewer).api.v1.users({ id: of.id }).followers.get({ query: {} })).data!.items.map((p) => p.id)

/** Bob, who approves his followers, and Ana, who would follow him. */
async function lockedPair() {
  const [bob, ana] = await Promise.all([signUpAndSignIn(t, { displayName: 'Bob' }), signUpAndSignIn(t, { displayName: 'Ana' })])
  await lock(bob!, true)
  return { bob: bob!, ana: ana! }
}

describe('private profiles', () => {
  it('default to open; the setting reads back and shows in the profile summary', async () => {
    const [bob, ana] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t)])
    expect((await as(bob!).api.v1.me['social-profile'].get()).data).toEqual({ approveFollowers: false })
    expect((await summary(ana!, bob!)).approvesFollowers).toBe(false)
    await lock(bob!, true)
    expect((await as(bob!).api.v1.me['social-profile'].get()).data).toEqual({ approveFollowers: true })
    expect(await summary(ana!, bob!)).toMatchObject({ approvesFollowers: true, requested: false, followedByMe: false, canFollow: true })
    const bad = await as(bob!).api.v1.me['social-profile'].patch({ approveFollowers: 'yes' as unknown as boolean })
    expect(bad.status).toBe(400)
  })

  it('make a follow a request, not a follow: a followers-only post stays hidden until it is approved', async () => {
    const { bob, ana } = await lockedPair()
    const post = await writePost(t, bob, 'For my followers', 'followers')
    const asked = await ask(ana, bob)
    expect(asked).toMatchObject({ followers: 0, followedByMe: false, requested: true, approvesFollowers: true })
    // Again: still one request.
    expect(await ask(ana, bob)).toMatchObject({ followers: 0, requested: true })
    expect(await pending(bob)).toEqual([ana.id])
    expect(await followerIds(bob, bob)).toEqual([])
    // A pending request grants nothing: not the post, its comments or likes, nor the home feed.
    expect(await canSee(ana, post.id)).toBe(false)
    expect((await as(ana).api.v1.posts({ id: post.id }).comments.get({ query: {} })).status).toBe(404)
    expect((await as(ana).api.v1.posts({ id: post.id }).likes.get({ query: {} })).status).toBe(404)
    expect((await as(ana).api.v1.users({ id: bob.id }).posts.get({ query: {} })).data!.items).toEqual([])
    expect((await as(ana).api.v1.feed.get({ query: {} })).data!.items).toEqual([])

    expect((await approve(bob, ana)).status).toBe(204)
    expect(await summary(ana, bob)).toMatchObject({ followers: 1, followedByMe: true, requested: false })
    expect(await pending(bob)).toEqual([])
    expect(await canSee(ana, post.id)).toBe(true)
    expect((await as(ana).api.v1.feed.get({ query: {} })).data!.items.map((p) => p.id)).toEqual([post.id])
    // Following already: asking again changes nothing and makes no request.
    expect(await ask(ana, bob)).toMatchObject({ followers: 1, followedByMe: true, requested: false })
    expect(await pending(bob)).toEqual([])
  })

  it('answer a repeated approve with no change, and 404 when nothing is pending', async () => {
    const { bob, ana } = await lockedPair()
    const stranger = (await signUpAndSignIn(t))!
    expect((await approve(bob, stranger)).status).toBe(404)
    expect((await decline(bob, stranger)).status).toBe(404)
    await ask(ana, bob)
    expect((await approve(bob, ana)).status).toBe(204)
    expect((await approve(bob, ana)).status).toBe(204)
    expect((await summary(bob, bob)).followers).toBe(1)
    // Declining once they follow: nothing is pending.
    expect((await decline(bob, ana)).status).toBe(404)
    // Someone else's request is not mine to approve.
    const carla = (await signUpAndSignIn(t))!
    await ask(carla, bob)
    expect((await approve(ana, carla)).status).toBe(404)
    expect(await pending(bob)).toEqual([carla.id])
  })

  it('decline a request: no follow, nothing pending, and the requester may ask again', async () => {
    const { bob, ana } = await lockedPair()
    await ask(ana, bob)
    expect((await decline(bob, ana)).status).toBe(204)
    expect(await summary(ana, bob)).toMatchObject({ followers: 0, followedByMe: false, requested: false })
    expect(await pending(bob)).toEqual([])
    expect((await decline(bob, ana)).status).toBe(404)
    expect((await approve(bob, ana)).status).toBe(404)
    expect(await ask(ana, bob)).toMatchObject({ requested: true })
  })

  it('let the requester withdraw through unfollow', async () => {
    const { bob, ana } = await lockedPair()
    await ask(ana, bob)
    const withdrawn = await as(ana).api.v1.users({ id: bob.id }).follow.delete()
    expect(withdrawn.status).toBe(200)
    expect(withdrawn.data).toMatchObject({ followedByMe: false, requested: false })
    expect(await pending(bob)).toEqual([])
    expect((await approve(bob, ana)).status).toBe(404)
  })

  it('settle an approve and a decline racing on one request with exactly one outcome', async () => {
    for (let round = 0; round < 5; round++) {
      const { bob, ana } = await lockedPair()
      await ask(ana, bob)
      const [approved, declined] = await Promise.all([approve(bob, ana), decline(bob, ana)])
      expect([approved.status, declined.status].sort()).toEqual([204, 404])
      const follows = (await summary(ana, bob)).followedByMe
      expect(follows).toBe(approved.status === 204)
      expect(await pending(bob)).toEqual([])
    }
  })

  it('make two approves racing one follow, and one notice', async () => {
    const { bob, ana } = await lockedPair()
    await ask(ana, bob)
    const answers = await Promise.all([approve(bob, ana), approve(bob, ana), approve(bob, ana)])
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204])
    expect((await summary(bob, bob)).followers).toBe(1)
    expect((await inbox(ana)).filter((n) => n.type === 'follow_request')).toHaveLength(1)
  })

  it('are never asked across a block, and a block hides a pending request both ways', async () => {
    const { bob, ana } = await lockedPair()
    expect((await as(bob).api.v1.blocks({ userId: ana.id }).post()).status).toBe(200)
    expect((await as(ana).api.v1.users({ id: bob.id }).follow.post()).status).toBe(403)
    expect(await pending(bob)).toEqual([])
    expect((await as(bob).api.v1.blocks({ userId: ana.id }).delete()).status).toBe(204)

    // Asked first, then a block, by either side: the request is gone from every view and cannot be approved.
    for (const blocker of [bob, ana]) {
      const other = blocker === bob ? ana : bob
      await ask(ana, bob)
      expect(await pending(bob)).toEqual([ana.id])
      expect((await as(blocker).api.v1.blocks({ userId: other.id }).post()).status).toBe(200)
      expect(await pending(bob)).toEqual([])
      expect((await summary(ana, bob)).requested).toBe(false)
      expect((await approve(bob, ana)).status).toBe(404)
      expect((await decline(bob, ana)).status).toBe(404)
      // Unlocking does not accept it either: it is dropped.
      await lock(bob, false)
      await lock(bob, true)
      expect((await summary(bob, bob)).followers).toBe(0)
      expect((await as(blocker).api.v1.blocks({ userId: other.id }).delete()).status).toBe(204)
      expect(await pending(bob)).toEqual([])
    }
  })

  it('accept every pending request when approval is turned off; existing followers stay, later follows are immediate', async () => {
    const [bob, ana, cy, dee] = await Promise.all([signUpAndSignIn(t, { displayName: 'Bob' }), signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    await ask(dee!, bob!)
    await lock(bob!, true)
    await ask(ana!, bob!)
    await ask(cy!, bob!)
    expect((await pending(bob!)).sort()).toEqual([ana!.id, cy!.id].sort())
    await lock(bob!, false)
    expect(await pending(bob!)).toEqual([])
    expect((await followerIds(bob!, bob!)).sort()).toEqual([ana!.id, cy!.id, dee!.id].sort())
    for (const who of [ana!, cy!]) expect(await inbox(who)).toMatchObject([{ type: 'follow_request', summary: 'Bob accepted your follow request', link: `/users/${bob!.id}` }])
    const eve = (await signUpAndSignIn(t))!
    expect(await ask(eve, bob!)).toMatchObject({ followedByMe: true, requested: false, approvesFollowers: false })
  })

  it('let a deleted account’s pending request be neither approved nor accepted by unlocking', async () => {
    const { bob, ana } = await lockedPair()
    await ask(ana, bob)
    expect((await as(ana).api.v1.me.delete({ password: ana.password })).status).toBe(204)
    expect(await pending(bob)).toEqual([])
    expect((await approve(bob, ana)).status).toBe(404)
    await lock(bob, false)
    expect(await followerIds(bob, bob)).toEqual([])
    expect((await summary(bob, bob)).followers).toBe(0)
  })

  it('leave no request stranded when a follow races the account unlocking: each ends a follow', async () => {
    for (let round = 0; round < 5; round++) {
      const { bob, ana } = await lockedPair()
      await Promise.all([ask(ana, bob), lock(bob, false)])
      expect(await pending(bob)).toEqual([])
      expect(await summary(ana, bob)).toMatchObject({ followedByMe: true, requested: false, approvesFollowers: false })
    }
  })

  it('tell the followee of requests, grouped, and the requester of the approval; a decline tells nobody', async () => {
    const { bob, ana } = await lockedPair()
    const cy = (await signUpAndSignIn(t, { displayName: 'Cy' }))!
    await ask(ana, bob)
    await ask(ana, bob)
    expect(await inbox(bob)).toMatchObject([{ type: 'follow_request', subject: `follow-requests:${bob.id}`, summary: 'Ana asked to follow you', link: '/account/follow-requests' }])
    await ask(cy, bob)
    expect((await inbox(bob)).map((n) => n.summary)).toEqual(['Cy and 1 other asked to follow you'])
    // No "followed you" on approval: Bob did it himself.
    expect((await approve(bob, ana)).status).toBe(204)
    expect(await inbox(ana)).toMatchObject([{ type: 'follow_request', actor: { id: bob.id, name: 'Bob' }, summary: 'Bob accepted your follow request', link: `/users/${bob.id}` }])
    expect((await decline(bob, cy)).status).toBe(204)
    expect(await inbox(cy)).toEqual([])
    expect((await inbox(bob)).map((n) => n.type)).toEqual(['follow_request'])
  })

  it('follow the preference: follow requests off in the app tell Bob nothing', async () => {
    const { bob, ana } = await lockedPair()
    expect((await as(bob).api.v1.notifications.preferences.put({ items: [{ type: 'follow_request', inApp: false, email: false }] })).status).toBe(200)
    await ask(ana, bob)
    expect(await inbox(bob)).toEqual([])
    expect(await pending(bob)).toEqual([ana.id])
  })

  it('list requests in cursor pages, the latest first, for their followee alone', async () => {
    const bob = (await signUpAndSignIn(t))!
    await lock(bob, true)
    const askers = []
    for (let n = 0; n < 3; n++) {
      const asker = (await signUpAndSignIn(t))!
      await ask(asker, bob)
      askers.push(asker.id)
    }
    const first = await as(bob).api.v1.me['follow-requests'].get({ query: { limit: 2 } })
    expect(first.data!.items).toHaveLength(2)
    expect(first.data!.nextCursor).not.toBeNull()
    const second = await as(bob).api.v1.me['follow-requests'].get({ query: { limit: 2, cursor: first.data!.nextCursor! } })
    expect([...first.data!.items, ...second.data!.items].map((p) => p.id)).toEqual([...askers].reverse())
    expect(second.data!.nextCursor).toBeNull()
    expect((await client(t, {}).api.v1.me['follow-requests'].get({ query: {} })).status).toBe(401)
  })
})
