import type { Handler } from './context'

/** Stops following a topic; answering `unsubscribed` even if it was not followed (idempotent). */
export const unsubscribe: Handler<'unsubscribe'> = async (ctx, conn, { ref, topic }) => {
  if (conn.topics.delete(topic)) {
    conn.unsubscribe(topic)
    ctx.hub.leave(topic)
    await ctx.presence.unview(conn.id, topic)
  }
  conn.send({ type: 'unsubscribed', ref, topic })
}
