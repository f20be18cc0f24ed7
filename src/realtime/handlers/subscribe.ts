import { readSince } from '../../events/log'
import { MAX_TOPICS_PER_SOCKET } from '../protocol'
import { parseTopic } from '../topics'
import type { Connection } from '../connection'
import { asProtocolEvents, type Feed } from '../hub'
import type { Handler, HandlerContext } from './context'

/**
 * Follows a topic (access was checked by the guard). Without `since` it goes live at once. With
 * `since` it first replays the missed durable events from the log, collecting live events
 * meanwhile, brings the topic's feed up to the last replayed id (events committed but still on
 * their way through the bus would otherwise reach the socket a second time), then sends the
 * collected ones above that id and goes live, all in one tick: no gap, no repeat. When `since`
 * cannot be replayed it answers `resync` instead and goes live after the topic's latest id.
 */
export const subscribe: Handler<'subscribe'> = async (ctx, conn, { ref, topic, since }) => {
  if (conn.topics.has(topic)) {
    // Already followed: nothing is replayed twice; the answer says where the socket is.
    return void conn.send({ type: 'subscribed', ref, topic, replayed: 0, lastId: ctx.hub.lastIdOf(topic) })
  }
  if (conn.topics.size >= MAX_TOPICS_PER_SOCKET) {
    return conn.fail('TooManySubscriptions', `A socket follows at most ${MAX_TOPICS_PER_SOCKET} topics`, ref)
  }
  // Counts as viewing (chat notifications), on every instance, before the client hears `subscribed`.
  await ctx.presence.view(conn.id, topic)
  const feed = await ctx.hub.join(topic).catch((error: unknown) => {
    void ctx.presence.unview(conn.id, topic)
    throw error
  })
  if (conn.closed) return ctx.hub.leave(topic)
  conn.topics.add(topic)
  try {
    if (since === undefined) {
      conn.subscribe(topic)
      conn.send({ type: 'subscribed', ref, topic, replayed: 0, lastId: feed.lastId })
    } else {
      await replayThenGoLive(ctx, conn, feed, { ref, topic, since })
    }
  } catch (error) {
    // Not half-subscribed: a retry must start over, not be taken for "already followed".
    if (conn.topics.delete(topic)) {
      conn.unsubscribe(topic)
      ctx.hub.leave(topic)
      void ctx.presence.unview(conn.id, topic)
    }
    throw error
  }

  const { family, id } = parseTopic(topic)
  // Presence starts with the current state, so a client needs no separate REST call.
  if (family === 'presence') conn.send({ type: 'event', topic: `presence:${id}`, id: null, kind: 'presence', data: await ctx.presence.status(id) })
}

async function replayThenGoLive(ctx: HandlerContext, conn: Connection, feed: Feed, { ref, topic, since }: { ref?: string; topic: string; since: number }) {
  const live = ctx.hub.collect(feed)
  try {
    const replay = await readSince(ctx.db, ctx.clock.now(), topic, since)
    let lastId: number
    if (replay.kind === 'resync') {
      lastId = replay.latestId
      conn.send({ type: 'resync', ref, topic, reason: 'ReplayWindowExceeded', lastId })
    } else {
      for (const event of asProtocolEvents(replay.events)) if (!(await conn.sendPaced(event))) return
      lastId = replay.events.at(-1)?.id ?? since
      conn.send({ type: 'subscribed', ref, topic, replayed: replay.events.length, lastId })
    }
    await ctx.hub.advance(feed, lastId)
    if (conn.closed) return
    // From here to subscribe nothing awaits, so no live event can slip between the two.
    for (const event of live.events) if (event.id === null || event.id > lastId) conn.send(event)
    conn.subscribe(topic)
  } finally {
    live.stop()
  }
}
