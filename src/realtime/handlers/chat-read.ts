import { markRead } from '../../modules/chat'
import { answering } from './chat-errors'
import type { Handler } from './context'

/** A read receipt: moves the user's read pointer forward only (the chat service decides), answered with `ack`. */
export const chatRead: Handler<'chat.read'> = async (ctx, conn, { ref, conversationId, upTo }) =>
  answering(conn, ref, async () => {
    const receipt = await markRead(ctx.services.chat, conn.user.id, conversationId, upTo)
    conn.send({ type: 'ack', ref, of: 'chat.read', receipt })
  })
