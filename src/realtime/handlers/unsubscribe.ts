import type { Connection } from '../connection'
import type { Handler, HandlerContext } from './context'

/** Stops following `topic` on this socket: live delivery, its hub feed, "viewing". False if it did not follow it. */
export async function leaveTopic(ctx: HandlerContext, conn: Connection, topic: string): Promise<boolean> {
  if (!conn.topics.delete(topic)) return false
  conn.unsubscribe(topic)
  ctx.hub.leave(topic)
  await ctx.presence.unview(conn.id, topic)
  return true
}

/** Stops following a topic; answering `unsubscribed` even if it was not followed (idempotent). */
export const unsubscribe: Handler<'unsubscribe'> = async (ctx, conn, { ref, topic }) => {
  await leaveTopic(ctx, conn, topic)
  conn.send({ type: 'unsubscribed', ref, topic })
}
