import { sendMessage } from '../../modules/chat'
import { answering } from './chat-errors'
import type { Handler } from './context'

/**
 * Sends a chat message: stored and published on `conversation:<id>` by the chat service (which
 * checks membership and blocks), then answered with `ack` mapping the client id to the stored
 * message. A retried client id answers the first message again.
 */
export const chatSend: Handler<'chat.send'> = async (ctx, conn, { ref, conversationId, clientId, body }) =>
  answering(conn, ref, async () => {
    const { message } = await sendMessage(ctx.services.chat, conn.user.id, conversationId, { clientId, body })
    conn.send({ type: 'ack', ref, of: 'chat.send', clientId, message })
  })
