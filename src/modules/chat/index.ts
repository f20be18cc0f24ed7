import { and, desc, eq } from 'drizzle-orm'
import { Elysia, t } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { BulkOutcome, eachItem } from '../../lib/admin-queues'
import { AppError, ErrorResponse } from '../../lib/errors'
import { fileResponse } from '../../lib/openapi'
import { UPLOAD_LIMITS } from '../../lib/images'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { actorOf, originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { ChatModel as M } from './model'
import { getConversation, getOrCreateConversation, listConversations } from './service/conversations'
import { deleteMessage, findMessageImage, listMessages, sendImage, sendMessage } from './service/messages'
import { blockUser, listMessageReports, reportMessage, resolveMessageReport, unblockUser } from './service/moderation'
import { markRead } from './service/receipts'
import { canReadConversation, type ChatDeps, toMessage, unreadTotal } from './service/shared'
import { conversations, messages } from './table'
import type { ChatMessage } from './item'
import { confirmStep } from './service/transaction'

export { ChatModel } from './model'
export { blockedEitherWay, type ChatDeps, type ChatPorts } from './service/shared'
export type { AfterSaleNote } from './item'
export { markRead } from './service/receipts'
export { reportsAgainstSender } from './service/moderation'
export { messageReportsQueue } from './service/queue'
export { createChat, messagesBetween, type QuotedMessage, sendMessage } from './service/messages'
export { countMessagesSent } from './service/stats'
export { afterTransactionStep, conversationsAwaitingStep, postAfterSaleNote, takeTransactionStep, type TransactionStepResult } from './service/transaction'

/**
 * Every message an order's buyer and its shop exchanged (all their conversations), oldest first,
 * the latest `limit`: for an admin deciding their dispute, who is no participant (so photos are
 * named, not served: `image` stays, its url answers 404 to an admin).
 */
export async function messagesOfPair(db: Db, input: { buyerId: string; sellerId: string; limit: number }): Promise<ChatMessage[]> {
  const rows = await db
    .select({ message: messages })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.buyerId, input.buyerId), eq(conversations.sellerId, input.sellerId)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(input.limit)
  return rows.reverse().map((row) => toMessage(row.message))
}

/** The access rule of chat's topic family: `conversation:<id>` is followed by its two participants. */
export const chatTopicRules = (db: Db) => ({ conversation: (viewer: { id: string }, id: string) => canReadConversation(db, id, viewer.id) })

const MINUTE = 60_000
// Per client address unless `per` says otherwise; the socket has its own per-connection limit.
const LIMITS = {
  send: { scope: 'chat-send', limit: 120, windowMs: MINUTE },
  // Decoding images costs CPU.
  image: { scope: 'chat-image', limit: 30, windowMs: 10 * MINUTE },
  // Per user: each report costs a moderator's attention.
  report: { scope: 'message-report', limit: 20, windowMs: 60 * MINUTE, per: 'user' },
} as const
/** A message's picture never changes (deleting it makes it 404), so its participants may cache it. */
const IMAGE_CACHE = 'private, max-age=31536000, immutable'

/**
 * Buyer–seller conversations about a product: get-or-create, inbox list, history, sending (REST is
 * the fallback of the socket's `chat.send`), receipts, deletion, reports, blocks and the
 * transaction steps. Participants only: anyone else's conversation or message answers 404.
 */
export function chatRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: ChatDeps }) {
  const { deps } = ctx
  const created = <T>(status: (code: 201, body: T) => unknown, body: T) => status(201, body)
  return new Elysia({ name: 'chat', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(uploadGuard)
    .use(originPlugin(ctx.config))
    .guard({ auth: true, detail: { tags: ['Chat'] } }, (app) =>
      app
        .post(
          '/conversations',
          async ({ user, body, status }) => {
            const { conversation, created: isNew } = await getOrCreateConversation(deps, user.id, body.productId)
            return isNew ? status(201, conversation) : conversation
          },
          {
            body: M.createBody,
            response: { 200: M.conversation, 201: M.conversation, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
            detail: {
              summary: 'Message the seller of a product: my conversation about it (201 when new)',
              description: 'Refused with 403 for one’s own product and between blocked users.',
            },
          },
        )
        .get('/conversations', ({ user, query }) => listConversations(deps, user.id, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.conversationPage, 400: ErrorResponse },
          detail: { summary: 'My conversations, latest activity first (`productId` narrows to one product)' },
        })
        .get('/conversations/:id', ({ user, params }) => getConversation(deps, user.id, params.id), {
          params: M.conversationParams,
          response: { 200: M.conversation, 404: ErrorResponse },
          detail: { summary: 'One of my conversations, with its product header and receipts' },
        })
        .get('/conversations/:id/messages', ({ user, params, query }) => listMessages(deps, user.id, params.id, query), {
          params: M.conversationParams,
          query: M.historyQuery,
          strictQuery: { schema: M.historyQuery },
          response: { 200: M.messagePage, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'The messages of one of my conversations, newest first (cursor pages)' },
        })
        .post(
          '/conversations/:id/messages',
          async ({ user, params, body, status }) => {
            const sent = await sendMessage(deps, user.id, params.id, body)
            return sent.created ? status(201, sent.message) : sent.message
          },
          {
            params: M.conversationParams,
            body: M.sendBody,
            rateLimit: LIMITS.send,
            response: { 200: M.message, 201: M.message, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
            detail: {
              summary: 'Send a text message (the socket’s chat.send is the usual way)',
              description: 'A retry with the same clientId answers the first message with 200 and sends nothing. 403 between blocked users.',
            },
          },
        )
        .post(
          '/conversations/:id/images',
          async ({ user, params, body, status }) => {
            const sent = await sendImage(deps, user.id, params.id, body)
            return sent.created ? status(201, sent.message) : sent.message
          },
          {
            params: M.conversationParams,
            body: M.imageBody,
            upload: UPLOAD_LIMITS.maxBytes,
            rateLimit: LIMITS.image,
            response: {
              200: M.message,
              201: M.message,
              400: ErrorResponse,
              403: ErrorResponse,
              404: ErrorResponse,
              409: ErrorResponse,
              413: ErrorResponse,
              415: ErrorResponse,
              429: ErrorResponse,
            },
            detail: { summary: 'Send a photo (multipart: file, clientId, caption?); re-encoded without metadata' },
          },
        )
        .post('/conversations/:id/read', ({ user, params, body }) => markRead(deps, user.id, params.id, body.upTo), {
          params: M.conversationParams,
          body: M.readBody,
          response: { 200: M.receipt, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Read receipt: move my read pointer forward to `upTo` (never back)' },
        })
        .post('/conversations/:id/confirm-sale', ({ user, params }) => confirmStep(deps, user.id, params.id, 'sale_confirmed'), {
          params: M.conversationParams,
          response: { 200: M.conversation, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'The seller confirms the sale (409 for the buyer, or when not the next step)' },
        })
        .post('/conversations/:id/confirm-receipt', ({ user, params }) => confirmStep(deps, user.id, params.id, 'receipt_confirmed'), {
          params: M.conversationParams,
          response: { 200: M.conversation, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'The buyer confirms receipt after the sale was confirmed: the transaction is completed' },
        })
        .delete(
          '/messages/:id',
          async ({ user, params, status }) => {
            await deleteMessage(deps, user.id, params.id)
            return status(204, undefined)
          },
          {
            params: M.messageParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'Delete my message: both sides see "message deleted"' },
          },
        )
        .get(
          '/messages/:id/image.webp',
          async ({ user, params }) => {
            const found = await findMessageImage(deps, user.id, params.id)
            if (found === null) throw new AppError('not_found', 'No such image')
            return new Response(found.image, { headers: { 'content-type': found.contentType, 'cache-control': IMAGE_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.messageParams,
            response: { 404: ErrorResponse },
            detail: { summary: 'The photo of an image message (participants only; fetch it with the access token)', ...fileResponse('The photo', ['image/webp']) },
          },
        )
        .post('/messages/:id/report', async ({ user, params, body, status }) => created(status, await reportMessage(deps, user.id, params.id, body)), {
          params: M.messageParams,
          body: M.reportBody,
          rateLimit: LIMITS.report,
          response: { 201: M.report, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Report a message of the other side to the moderators' },
        })
        .post('/blocks/:userId', ({ user, params }) => blockUser(deps, user.id, params.userId), {
          params: M.userParams,
          response: { 200: M.block, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Block a user: neither of us can message or follow the other, or see the other’s posts; our conversations say so' },
        })
        .delete(
          '/blocks/:userId',
          async ({ user, params, status }) => {
            await unblockUser(deps, user.id, params.userId)
            return status(204, undefined)
          },
          {
            params: M.userParams,
            response: { 204: t.Undefined() },
            detail: { summary: 'Lift my block of a user' },
          },
        )
        .get('/inbox/unread-count', async ({ user }) => ({ unreadTotal: await unreadTotal(deps.db, user.id) }), {
          response: { 200: M.unreadCount },
          detail: { summary: 'Unread messages across my conversations (the header badge; live as `inbox` on user:<id>)' },
        }),
    )
    .get('/admin/message-reports', ({ query }) => listMessageReports(deps, query), {
      auth: 'admin',
      query: M.reportsQuery,
      strictQuery: { schema: M.reportsQuery },
      response: { 200: M.reportPage, 400: ErrorResponse },
      detail: { tags: ['Admin'], summary: 'Reported chat messages, oldest first (`status`: open, the default, or resolved; `minAgeHours`: reported at least that long ago)' },
    })
    .post('/admin/message-reports/dismiss', ({ user, body, origin }) => eachItem(body.ids, (id) => resolveMessageReport(deps, actorOf(user, origin), id, { action: 'dismiss' })), {
      auth: 'admin',
      body: M.reportsBody,
      response: { 200: BulkOutcome, 400: ErrorResponse },
      detail: { tags: ['Admin'], summary: 'Dismiss several reported messages at once (each as its own resolve would; those already resolved are listed as failed)' },
    })
    .post('/admin/message-reports/:id/resolve', ({ user, params, body, origin }) => resolveMessageReport(deps, actorOf(user, origin), params.id, body), {
      auth: 'admin',
      params: M.reportParams,
      body: M.resolveBody,
      response: { 200: M.report, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      detail: {
        tags: ['Admin'],
        summary: 'Resolve a reported message: dismiss, delete the message, or block its sender for the reporter (409 once resolved)',
      },
    })
}
