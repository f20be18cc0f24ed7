import { t, type TSchema } from 'elysia'
import { bulkIds, minAgeHours } from '../../lib/admin-queues'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { TICKET_AUTHOR_KINDS, TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const messageBody = t.String({ minLength: 1, maxLength: 5_000 })

export namespace SupportModel {
  export const category = enumOf(TICKET_CATEGORIES)
  export const status = enumOf(TICKET_STATUSES)
  export const priority = enumOf(TICKET_PRIORITIES)

  export const openBody = t.Object({
    subject: t.String({ minLength: 3, maxLength: 150, description: 'one line: no line breaks nor other control characters' }),
    category,
    orderId: t.Optional(idSchema('ord', { description: 'one of my own orders (signed in only)' })),
    body: messageBody,
    email: t.Optional(t.String({ format: 'email', maxLength: 254, description: 'required without a session: where the link to the ticket is sent' })),
  })
  export type OpenBody = typeof openBody.static
  export const replyBody = t.Object({ body: messageBody })
  export const noteBody = t.Object({ body: messageBody })
  export const attachmentBody = t.Object({ file: t.File({ description: 'a JPEG, PNG, WebP or GIF image of at most 5 MB and 40 megapixels, recognised by its content' }) })
  export const patchBody = t.Object(
    {
      status: t.Optional(status),
      priority: t.Optional(priority),
      assigneeId: t.Optional(nullable(idSchema('usr', { description: 'an admin; null unassigns' }))),
    },
    { minProperties: 1 },
  )
  export type PatchBody = typeof patchBody.static
  /** What may be set on many tickets at once: whom they are assigned to, their priority (not their status: closing is final). */
  export const bulkPatchBody = t.Object({
    ids: bulkIds(idSchema('tkt')),
    priority: t.Optional(priority),
    assigneeId: t.Optional(nullable(idSchema('usr', { description: 'an admin; null unassigns' }))),
  })

  /** The visitor link's token, sent by the ticket page of a visitor (never in the URL). */
  export const tokenHeaders = t.Object(
    { 'x-ticket-token': t.Optional(t.String({ maxLength: 128, description: 'the token of the emailed link (a visitor’s ticket)' })) },
    { additionalProperties: true },
  )

  export const attachment = t.Object({ position: t.Integer(), url: t.String({ description: 'fetch it with the access token, or the link’s token in X-Ticket-Token' }), width: t.Integer(), height: t.Integer() })
  export const message = t.Object({
    id: idSchema('tkm'),
    author: t.Object({ kind: enumOf(TICKET_AUTHOR_KINDS), name: t.String({ description: '“You” and “Souk support” for the requester; names for staff' }) }),
    body: t.String(),
    internal: t.Boolean({ description: 'a staff note the requester never sees (only staff read these)' }),
    attachments: t.Array(attachment),
    canAttach: t.Boolean({ description: 'the caller may add images to it now (its author, until it is answered)' }),
    createdAt: t.Date(),
  })
  export const person = t.Object({ id: idSchema('usr'), name: t.String() })
  /** What only staff see of a ticket. */
  export const staffView = t.Object({
    requester: t.Object({ kind: enumOf(['user', 'visitor'] as const), id: nullable(idSchema('usr')), name: t.String(), email: nullable(t.String()) }),
    priority,
    assignee: nullable(person),
    firstResponseAt: nullable(t.Date()),
    firstResponseSeconds: nullable(t.Integer({ description: 'from opening to the first staff reply' })),
    resolutionSeconds: nullable(t.Integer({ description: 'from opening to solving (the last time)' })),
    statusMoves: t.Array(status, { description: 'the statuses an admin may set now' }),
  })
  export const order = t.Object({ id: idSchema('ord'), invoiceNumber: t.String() })
  export const ticket = t.Object({
    id: idSchema('tkt'),
    subject: t.String(),
    category,
    status,
    order: nullable(order),
    messages: t.Array(message, { description: 'oldest first' }),
    canReply: t.Boolean({ description: 'the caller may reply now' }),
    /** Why the requester may not reply (closed, or solved too long ago): open a new ticket. */
    replyRefusal: nullable(t.String()),
    createdAt: t.Date(),
    updatedAt: t.Date(),
    solvedAt: nullable(t.Date()),
    closedAt: nullable(t.Date()),
    /** Admins only; null for the requester. */
    staff: nullable(staffView),
  })
  export type Ticket = typeof ticket.static
  export const posted = t.Object({ ticket, messageId: idSchema('tkm', { description: 'the message just written: add images to it' }) })
  export type Posted = typeof posted.static
  export const visitorOpened = t.Object({ message: t.String() })

  export const summary = t.Object({ id: idSchema('tkt'), subject: t.String(), category, status, order: nullable(order), createdAt: t.Date(), updatedAt: t.Date() })
  export const myList = pageOf(summary)
  export const myListQuery = t.Object({ status: t.Optional(status), ...pageQuery })

  export const queueItem = t.Object({
    id: idSchema('tkt'),
    subject: t.String(),
    category,
    status,
    priority,
    requester: t.String({ description: 'the user’s name, or the visitor’s email' }),
    assignee: nullable(person),
    createdAt: t.Date(),
    updatedAt: t.Date(),
    firstResponseSeconds: nullable(t.Integer()),
    resolutionSeconds: nullable(t.Integer()),
  })
  export const queue = pageOf(queueItem)
  export const queueQuery = t.Object({
    status: t.Optional(status),
    priority: t.Optional(priority),
    assignee: t.Optional(t.String({ pattern: '^(me|none|usr_[0-9a-f]{32})$', description: '`me`, `none` (unassigned) or an admin’s id' })),
    minAgeHours,
    ...pageQuery,
  })
  export type QueueQuery = typeof queueQuery.static
  export const assignees = t.Object({ items: t.Array(person) })

  export const ticketParams = t.Object({ id: idSchema('tkt') })
  export const messageParams = t.Object({ id: idSchema('tkt'), messageId: idSchema('tkm') })
  export const attachmentParams = t.Object({ id: idSchema('tkt'), messageId: idSchema('tkm'), position: t.Integer({ minimum: 0, maximum: 9 }) })
}
