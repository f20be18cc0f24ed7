import { describe, expect, it } from 'bun:test'
import { connectAs, type TestSocket } from '../../realtime/test-client'
import { client, signUpAndSignIn, type TestApp, type TestUser, useTwoInstances } from '../../testing'
import { followUser, writePost } from './testing'

// Live social over real sockets, on two instances sharing one database and Redis: a new post
// reaches the author's online followers on whichever instance their socket is; a post's page
// follows its counts and new comments on `post:<id>`.

describe.skipIf(process.env.REDIS_URL === undefined)('live posts across two instances', () => {
  const cluster = useTwoInstances()

  /** A socket of `user` on an instance, following their own `user:` topic (as every signed-in tab does). */
  const online = async (app: TestApp, wsUrl: string, user: TestUser) => {
    const socket = await connectAs(app, wsUrl, user)
    cluster.sockets.push(socket)
    expect(await socket.ask({ type: 'subscribe', topic: `user:${user.id}` })).toMatchObject({ type: 'subscribed' })
    return socket
  }
  const feedPosts = (socket: TestSocket) => socket.received.filter((m) => m.type === 'event' && m.kind === 'feed.post').map((m) => m.data)
  /** Resolves once everything the server sent the socket before now has arrived (a ping answered after it). */
  const settled = (socket: TestSocket) => socket.ask({ type: 'ping' })

  it('sends feed.post to online followers on either instance, and not to a stranger, a blocked follower or the author', async () => {
    const { a, b, wsA, wsB } = cluster
    const [author, near, far, stranger, blocked] = await Promise.all([signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a)])
    for (const follower of [near!, far!, blocked!]) await followUser(a, follower, author!)
    expect((await client(a, author!).api.v1.blocks({ userId: blocked!.id }).post()).status).toBe(200)
    const [authorOnA, nearOnA, farOnB, strangerOnB, blockedOnB] = await Promise.all([
      online(a, wsA, author!),
      online(a, wsA, near!),
      online(b, wsB, far!),
      online(b, wsB, stranger!),
      online(b, wsB, blocked!),
    ])

    const post = await writePost(a, author!, 'Fresh from the kiln', 'followers')
    const expected = { postId: post.id, authorId: author!.id }
    expect((await farOnB.next('event', (m) => m.kind === 'feed.post')).topic).toBe(`user:${far!.id}`)
    expect((await nearOnA.next('event', (m) => m.kind === 'feed.post')).data).toEqual(expected)
    expect(feedPosts(farOnB)).toEqual([expected])
    // Each instance sent its own followers' events in one go: the others have had theirs by now.
    for (const socket of [authorOnA, strangerOnB, blockedOnB]) {
      await settled(socket)
      expect(feedPosts(socket)).toEqual([])
    }
    expect(feedPosts(nearOnA)).toEqual([expected])
  })

  it('announces no private post', async () => {
    const { a, b, wsB } = cluster
    const [author, follower] = await Promise.all([signUpAndSignIn(a), signUpAndSignIn(a)])
    await followUser(a, follower!, author!)
    const socket = await online(b, wsB, follower!)
    const secret = await writePost(a, author!, 'Only for me', 'private')
    const open = await writePost(a, author!, 'For everyone')
    await socket.next('event', (m) => m.kind === 'feed.post' && m.data.postId === open.id)
    expect(feedPosts(socket).map((data) => data.postId)).toEqual([open.id])
    expect(feedPosts(socket).map((data) => data.postId)).not.toContain(secret.id)
  })

  it('lets only those who see a post follow post:<id>', async () => {
    const { a, b, wsB } = cluster
    const [author, follower, stranger] = await Promise.all([signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a)])
    await followUser(a, follower!, author!)
    const post = await writePost(a, author!, 'Followers only', 'followers')
    const strangerOnB = await connectAs(b, wsB, stranger!)
    const followerOnB = await connectAs(b, wsB, follower!)
    cluster.sockets.push(strangerOnB, followerOnB)
    expect(await strangerOnB.ask({ type: 'subscribe', topic: `post:${post.id}` })).toMatchObject({ type: 'error', code: 'TopicForbidden' })
    expect(await followerOnB.ask({ type: 'subscribe', topic: `post:${post.id}` })).toMatchObject({ type: 'subscribed' })
  })

  it('sends a like’s counts, and a new comment with the counts, to whoever follows the post', async () => {
    const { a, b, wsB } = cluster
    const [author, reader, fan] = await Promise.all([signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a, { displayName: 'Fan' })])
    const post = await writePost(a, author!, 'Watch this space')
    const readerOnB = await connectAs(b, wsB, reader!)
    cluster.sockets.push(readerOnB)
    const topic = `post:${post.id}`
    expect(await readerOnB.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'subscribed' })

    expect((await client(a, fan!).api.v1.posts({ id: post.id }).like.post()).status).toBe(200)
    expect(await readerOnB.next('event', (m) => m.topic === topic && m.kind === 'post.counts')).toMatchObject({ id: 1, data: { likeCount: 1, commentCount: 0 } })

    const written = await client(a, fan!).api.v1.posts({ id: post.id }).comments.post({ body: 'Lovely!' })
    expect(written.status).toBe(201)
    // The topic names the comment only; each reader reads it as they may see it.
    const arrived = await readerOnB.next('event', (m) => m.topic === topic && m.kind === 'post.comment')
    expect(arrived.data).toEqual({ commentId: written.data!.id, parentId: null })
    const read = await client(a, reader!).api.v1.comments({ id: written.data!.id }).get()
    expect(read.status).toBe(200)
    expect(read.data).toMatchObject({
      id: written.data!.id,
      postId: post.id,
      status: 'shown',
      author: { id: fan!.id, displayName: 'Fan' },
      body: 'Lovely!',
      canEdit: false,
      canDelete: false,
    })
    expect(await readerOnB.next('event', (m) => m.topic === topic && m.kind === 'post.counts' && m.data.commentCount === 1)).toMatchObject({ data: { likeCount: 1 } })
    // In the log's order: the like's counts, then the comment's counts and the comment itself.
    expect(readerOnB.eventIds(topic)).toEqual([1, 2, 3])
  })

  it('never puts a comment’s text on post:<id>: a reader across a block, or after its deletion, cannot read it', async () => {
    const { a, b, wsB } = cluster
    const [author, reader, writer] = await Promise.all([signUpAndSignIn(a), signUpAndSignIn(a), signUpAndSignIn(a)])
    const post = await writePost(a, author!, 'Open to all')
    expect((await client(a, writer!).api.v1.blocks({ userId: reader!.id }).post()).status).toBe(200)
    const readerOnB = await connectAs(b, wsB, reader!)
    cluster.sockets.push(readerOnB)
    const topic = `post:${post.id}`
    expect(await readerOnB.ask({ type: 'subscribe', topic })).toMatchObject({ type: 'subscribed' })

    const written = await client(a, writer!).api.v1.posts({ id: post.id }).comments.post({ body: 'Not for the one I blocked' })
    expect(written.status).toBe(201)
    const arrived = await readerOnB.next('event', (m) => m.topic === topic && m.kind === 'post.comment')
    expect(JSON.stringify(arrived)).not.toContain('Not for the one I blocked')
    expect((await client(a, reader!).api.v1.comments({ id: written.data!.id }).get()).status).toBe(404)
    // The author reads it; once deleted, nobody does (and a replay of the topic carries no text).
    expect((await client(a, author!).api.v1.comments({ id: written.data!.id }).get()).status).toBe(200)
    expect((await client(a, writer!).api.v1.comments({ id: written.data!.id }).delete()).status).toBe(204)
    expect((await client(a, author!).api.v1.comments({ id: written.data!.id }).get()).status).toBe(404)
  })
})
