// Support: tickets between a user (or a visitor, through an emailed link) and staff, with
// replies, images, internal notes, priorities, assignees and the admins' queue (see service.ts).
import { Elysia } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { BulkOutcome, eachItem } from '../../lib/admin-queues'
import { AppError, ErrorResponse } from '../../lib/errors'
import { UPLOAD_LIMITS } from '../../lib/images'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { authPlugin } from '../accounts'
import { SupportModel as M } from './model'
import { addAttachment, addNote, attachmentOf, canFollowTicket, getTicket, listAssignees, listMyTickets, openTicket, replyToTicket, type SupportDeps, ticketQueue, updateTicket } from './service'

export { SUPPORT_EVENTS } from './events'
export { SupportModel } from './model'
export { closeSolvedTickets, closeSolvedTicketsJob, openTicketIn, type SupportDeps, TICKET_CLOSE_CRON, ticketPath } from './service'
export { tickets } from './table'
export { supportTicketsQueue } from './queue'

/** The access rule of the tickets' topic family: `ticket:<id>` is followed by its signed-in requester and admins. */
export const supportTopicRules = (db: Db) => ({ ticket: (viewer: { id: string; role: 'buyer' | 'vendor' | 'admin' }, id: string) => canFollowTicket(db, viewer, id) })

const HOUR = 60 * 60_000
const PHOTO_CACHE = 'private, max-age=31536000, immutable'

export function supportRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: SupportDeps }) {
  const { deps } = ctx
  return new Elysia({ name: 'support', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(uploadGuard)
    .guard({ detail: { tags: ['Support'] } }, (app) =>
      app
        .post(
          '/tickets',
          async ({ viewer, body, status }) => {
            const opened = await openTicket(deps, viewer, body)
            if (opened.kind === 'user') return status(201, opened.posted)
            return status(202, { message: `We sent the link to your ticket to ${opened.email}. Read Souk support’s answers and reply there.` })
          },
          {
            viewer: true,
            body: M.openBody,
            // Per user, or per address for a visitor (each visitor ticket mails a link; the service also caps each mailbox: the address without its `+tag`).
            rateLimit: { scope: 'tickets', limit: 10, windowMs: HOUR, per: 'user' },
            response: { 201: M.posted, 202: M.visitorOpened, 400: ErrorResponse, 429: ErrorResponse },
            detail: {
              summary: 'Open a support ticket (signed in: 201 with the ticket; a visitor gives `email`: 202, the link to the ticket is emailed)',
              description: '`orderId` is one of the caller’s own orders (400 for any other, as for one that does not exist). Add images to the first message with its `messageId`.',
            },
          },
        )
        .get('/tickets', ({ user, query }) => listMyTickets(deps, user, query), {
          auth: true,
          query: M.myListQuery,
          strictQuery: { schema: M.myListQuery },
          response: { 200: M.myList, 400: ErrorResponse },
          detail: { summary: 'My tickets, latest activity first' },
        })
        .get('/tickets/:id', ({ viewer, params, headers }) => getTicket(deps, viewer, headers['x-ticket-token'], params.id), {
          viewer: true,
          params: M.ticketParams,
          headers: M.tokenHeaders,
          response: { 200: M.ticket, 404: ErrorResponse },
          detail: { summary: 'A ticket and its thread (its requester, a visitor with the link’s token in X-Ticket-Token, admins with internal notes); 404 for anyone else' },
        })
        .post('/tickets/:id/replies', ({ viewer, params, headers, body }) => replyToTicket(deps, viewer, headers['x-ticket-token'], params.id, body.body), {
          viewer: true,
          params: M.ticketParams,
          headers: M.tokenHeaders,
          body: M.replyBody,
          rateLimit: { scope: 'ticket-replies', limit: 60, windowMs: HOUR, per: 'user' },
          response: { 200: M.posted, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Reply on a ticket: the requester’s reply makes it open, staff’s pending',
            description: 'A solved ticket is reopened by its requester within 7 days of solving; after that, and once closed, 409: open a new ticket. The other side is told unless they have the ticket open.',
          },
        })
        .post(
          '/tickets/:id/messages/:messageId/attachments',
          ({ viewer, params, headers, body }) => addAttachment(deps, viewer, headers['x-ticket-token'], params.id, params.messageId, body.file),
          {
            viewer: true,
            params: M.messageParams,
            headers: M.tokenHeaders,
            body: M.attachmentBody,
            upload: UPLOAD_LIMITS.maxBytes,
            rateLimit: { scope: 'ticket-attachments', limit: 30, windowMs: HOUR, per: 'user' },
            response: { 200: M.ticket, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Add an image to my message until it is answered (multipart `file`; at most 3; re-encoded without metadata)' },
          },
        )
        .get(
          '/tickets/:id/messages/:messageId/attachments/:position',
          async ({ viewer, params, headers }) => {
            const data = await attachmentOf(deps, viewer, headers['x-ticket-token'], params.id, params.messageId, params.position)
            if (data === null) throw new AppError('not_found', 'No such image')
            return new Response(data, { headers: { 'content-type': 'image/webp', 'cache-control': PHOTO_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            viewer: true,
            params: M.attachmentParams,
            headers: M.tokenHeaders,
            response: { 404: ErrorResponse },
            detail: { summary: 'An image of a ticket’s message (those who may read the message; fetch it with the access token or X-Ticket-Token)', ...fileResponse('The image', ['image/webp']) },
          },
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/tickets', ({ user, query }) => ticketQueue(deps, user, query), {
          query: M.queueQuery,
          strictQuery: { schema: M.queueQuery },
          response: { 200: M.queue, 400: ErrorResponse },
          detail: { summary: 'The support queue, oldest first: by status, priority, assignee (`me`, `none`, an admin) and age, with first-response and resolution times' },
        })
        .get('/admin/tickets/assignees', () => listAssignees(deps), {
          response: { 200: M.assignees },
          detail: { summary: 'Who a ticket may be assigned to: the admins' },
        })
        .patch('/admin/tickets/:id', ({ user, params, body }) => updateTicket(deps, user, params.id, body), {
          params: M.ticketParams,
          body: M.patchBody,
          response: { 200: M.ticket, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Set a ticket’s status (closed is final), priority or assignee (an admin, or null)' },
        })
        .post(
          '/admin/tickets/update',
          ({ user, body: { ids, ...patch } }) => {
            if (Object.keys(patch).length === 0) throw new AppError('invalid_data', 'Say what to set: priority or assigneeId', [{ field: 'body', message: 'needs priority or assigneeId' }])
            return eachItem(ids, (id) => updateTicket(deps, user, id, patch))
          },
          {
            body: M.bulkPatchBody,
            response: { 200: BulkOutcome, 400: ErrorResponse },
            detail: { summary: 'Assign or prioritise several tickets at once (each as its own PATCH would)' },
          },
        )
        .post('/admin/tickets/:id/notes', ({ user, params, body }) => addNote(deps, user, params.id, body.body), {
          params: M.ticketParams,
          body: M.noteBody,
          response: { 200: M.posted, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Add an internal note: staff read it, the requester never does (never announced on the ticket’s topic)' },
        }),
    )
}
