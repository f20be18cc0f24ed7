import type { Handler } from './context'

/**
 * Re-authenticates the socket with a fresh access token (after the client refreshed it), which
 * moves its expiry. The token must be the same user's; otherwise the socket keeps its old one.
 * A role that changed meanwhile is taken on, and the topics it may not follow are stopped.
 */
export const auth: Handler<'auth'> = async (ctx, conn, { ref, accessToken }) => {
  const result = await ctx.authenticate(accessToken)
  if (result === null || result.user.id !== conn.user.id) {
    return conn.fail('Unauthorized', 'This access token is not valid for this socket', ref)
  }
  const roleChanged = result.user.role !== conn.user.role
  ctx.moveSession(conn, result.user)
  conn.expiresAtMs = result.expiresAtMs
  conn.send({ type: 'ack', ref, of: 'auth', expiresAt: new Date(result.expiresAtMs).toISOString() })
  if (roleChanged) await ctx.recheckTopics(conn)
}
