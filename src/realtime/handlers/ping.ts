import type { Handler } from './context'

/** An application-level ping (browsers cannot send protocol pings): answers pong. */
export const ping: Handler<'ping'> = async (_ctx, conn, message) => {
  conn.send({ type: 'pong', ref: message.ref })
}
