import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { ASSISTANT_LIMITS, CITATION_KINDS, MESSAGE_ROLES } from './rules'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const sessionId = idSchema('ast', { description: 'a signed-in session, or a guest’s (the one of the guest cookie)' })

export namespace AssistantModel {
  export const citation = t.Object({
    kind: enumOf(CITATION_KINDS),
    label: t.String({ description: 'what to show: an article’s title, “Order INV-…”' }),
    url: t.String({ description: 'a path of the web app (the article, the order, the wallet)' }),
  })
  export type Citation = typeof citation.static

  export const message = t.Object({
    id: idSchema('asm'),
    role: enumOf(MESSAGE_ROLES),
    body: t.String({ description: 'the question as typed (plain text), or the answer in Markdown (links are paths of the web app)' }),
    citations: t.Array(citation, { description: 'what the answer was drawn from; empty for a question' }),
    offerPerson: t.Boolean({ description: 'the answer found nothing good enough: offer the hand-off to a person' }),
    createdAt: t.Date(),
  })
  export type Message = typeof message.static

  export const sessionRef = t.Object({
    id: sessionId,
    title: t.String({ description: 'made once from the first question' }),
    guest: t.Boolean({ description: 'a guest’s session: kept ASSISTANT_LIMITS.guestTtlMs after its last message, in the guest cookie’s browser only' }),
  })

  export const askBody = t.Object({
    sessionId: t.Optional(sessionId),
    text: t.String({ minLength: 1, maxLength: ASSISTANT_LIMITS.questionMax }),
  })
  export type AskBody = typeof askBody.static

  export const answered = t.Object({ session: sessionRef, question: message, answer: message })
  export type Answered = typeof answered.static

  export const ticketRef = t.Object({
    id: idSchema('tkt'),
    url: t.String({ description: 'the ticket’s page (a guest’s opens with the link emailed to them)' }),
  })

  export const session = t.Object({
    id: sessionId,
    title: t.String(),
    guest: t.Boolean(),
    ticket: nullable(ticketRef),
    orderId: nullable(idSchema('ord', { description: 'the order the hand-off was about' })),
    createdAt: t.Date(),
    updatedAt: t.Date({ description: 'the last message' }),
    messages: t.Array(message, { description: 'oldest first (the latest ASSISTANT_LIMITS.sessionMessagesMax)' }),
  })
  export type Session = typeof session.static

  export const summary = t.Object({
    id: idSchema('ast'),
    title: t.String(),
    ticketId: nullable(idSchema('tkt')),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type Summary = typeof summary.static
  export const list = pageOf(summary)
  export const listQuery = t.Object({ ...pageQuery })
  export type ListQuery = typeof listQuery.static

  export const sessionParams = t.Object({ id: sessionId })
  export const renameBody = t.Object({ title: t.String({ minLength: 1, maxLength: ASSISTANT_LIMITS.titleMax, description: 'one line' }) })

  export const handoffBody = t.Object({
    orderId: t.Optional(idSchema('ord', { description: 'one of my own orders, the one it is about (signed in only)' })),
    email: t.Optional(t.String({ format: 'email', maxLength: 254, description: 'required of a guest: where the link to the ticket is sent' })),
  })
  export type HandoffBody = typeof handoffBody.static
  export const handoff = t.Object({
    ticketId: idSchema('tkt'),
    ticketUrl: t.String({ description: 'the ticket’s page; a guest opens it with the link emailed to them' }),
    disputeOffer: nullable(
      t.Object(
        { orderId: idSchema('ord'), url: t.String({ description: 'the order’s page, where the dispute is opened' }) },
        { description: 'the order is paid and its payment still held, never disputed: the buyer may open a dispute (offered, not opened)' },
      ),
    ),
  })
  export type Handoff = typeof handoff.static

  export const unanswered = t.Object({
    id: idSchema('asq'),
    question: t.String({ description: 'as last asked' }),
    times: t.Integer({ minimum: 1, description: 'how often this user asked it (case, spacing and punctuation aside)' }),
    askedBy: t.Object({ id: idSchema('usr'), name: t.String() }),
    createdAt: t.Date({ description: 'when it was last asked' }),
  })
  export type Unanswered = typeof unanswered.static
  export const unansweredList = pageOf(unanswered)
  export const unansweredQuery = t.Object({ ...pageQuery })
}

export type Citation = AssistantModel.Citation
