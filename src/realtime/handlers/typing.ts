import type { Handler } from './context'

/**
 * Announces that the user is typing in a conversation, as an ephemeral event on its topic.
 * Only on a topic the socket follows (so access was checked when it subscribed). No answer.
 */
export const typing: Handler<'typing'> = async (ctx, conn, { ref, topic, typing: isTyping }) => {
  if (!topic.startsWith('conversation:') || !conn.topics.has(topic)) {
    return conn.fail('TopicForbidden', 'Typing is announced on a conversation topic this socket follows', ref)
  }
  await ctx.presence.typing(topic as `conversation:${string}`, conn.user.id, isTyping)
}
