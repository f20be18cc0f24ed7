import type { TSchema } from '@sinclair/typebox'
import { AuthMessage, ChatReadMessage, ChatSendMessage, type ClientMessageType, PingMessage, SubscribeMessage, TypingMessage, UnsubscribeMessage } from '../protocol'
import { auth } from './auth'
import { chatRead } from './chat-read'
import { chatSend } from './chat-send'
import type { Handler } from './context'
import { ping } from './ping'
import { subscribe } from './subscribe'
import { typing } from './typing'
import { unsubscribe } from './unsubscribe'

export interface Route<T extends ClientMessageType> {
  schema: TSchema
  /** Runs the topic-access guard on the message's `topic` before the handler. */
  checksTopicAccess: boolean
  handle: Handler<T>
}

/** One entry per client message type: a new type is a protocol member, a handler file and a line here. */
export const ROUTES: { [T in ClientMessageType]: Route<T> } = {
  subscribe: { schema: SubscribeMessage, checksTopicAccess: true, handle: subscribe },
  unsubscribe: { schema: UnsubscribeMessage, checksTopicAccess: false, handle: unsubscribe },
  ping: { schema: PingMessage, checksTopicAccess: false, handle: ping },
  auth: { schema: AuthMessage, checksTopicAccess: false, handle: auth },
  typing: { schema: TypingMessage, checksTopicAccess: false, handle: typing },
  // Membership is the chat service's check (the message names a conversation, not a topic).
  'chat.send': { schema: ChatSendMessage, checksTopicAccess: false, handle: chatSend },
  'chat.read': { schema: ChatReadMessage, checksTopicAccess: false, handle: chatRead },
}
