// The help assistant: answers from the help centre and the asker's own records (see
// service/retrieve.ts), worded by a language model when one is configured (service/answer.ts);
// guests' sessions in the ephemeral store, signed-in users' in tables; the hand-off to a person
// through support (service/handoff.ts). It sits above help, orders, shipments, payments, returns,
// ledger, support, disputes and accounts; nothing depends on it.
import { Elysia, t } from 'elysia'
import type { Cookie } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { authPlugin } from '../accounts'
import { AssistantModel as M } from './model'
import { ASSISTANT_LIMITS } from './rules'
import { handOff } from './service/handoff'
import { askAssistant, deleteSession, getGuestSession, getSession, listSessions, migrateGuestSession, renameSession } from './service/sessions'
import { listUnanswered } from './service/unanswered'
import type { AssistantDeps } from './service/shared'

export { ASSISTANT_EVENTS } from './events'
export { AssistantModel } from './model'
export { ASSISTANT_LIMITS, CITATION_KINDS } from './rules'
export type { AssistantDeps } from './service/shared'
export { chatCompletionsModel } from './language-model/model'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** Per signed-in user, or per client address for a guest (reading the guest session: per address). */
const LIMITS = {
  messages: { scope: 'assistant-messages', limit: 30, windowMs: 10 * MINUTE, per: 'user' },
  handoff: { scope: 'assistant-handoff', limit: 5, windowMs: HOUR, per: 'user' },
  guest: { scope: 'assistant-guest', limit: 120, windowMs: 10 * MINUTE },
} as const

/**
 * The guest cookie's name: `__Secure-` prefixed over https, where browsers then insist on Secure (not
 * `__Host-`, which would need Path=/: the cookie is sent to the assistant's routes only).
 */
function guestCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? '__Secure-souk_assistant' : 'souk_assistant'
}

export function assistantRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: AssistantDeps }) {
  const { deps } = ctx
  const cookieName = guestCookieName(ctx.config.publicUrl)
  const guestCookie = t.Cookie({ [cookieName]: t.Optional(t.String({ maxLength: 64, description: 'HttpOnly; the guest session’s id' })) })
  // HttpOnly, SameSite=Lax, sent to the assistant's routes only, Secure over https; it slides with each message.
  const cookieOptions = { httpOnly: true, secure: ctx.config.publicUrl.startsWith('https://'), sameSite: 'lax', path: '/api/v1/assistant' } as const
  type Jar = Record<string, Cookie<string | undefined>>
  const jarOf = (cookie: Jar) => cookie[cookieName]!
  const keepGuest = (cookie: Jar, id: string) => jarOf(cookie).set({ ...cookieOptions, value: id, maxAge: ASSISTANT_LIMITS.guestTtlMs / 1000 })
  // Elysia's remove() drops the attributes; an expired cookie with the same ones replaces it.
  const dropGuest = (cookie: Jar) => jarOf(cookie).set({ ...cookieOptions, value: '', maxAge: 0 })
  const guestOf = (cookie: Jar) => jarOf(cookie).value
  return new Elysia({ name: 'assistant', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .guard({ detail: { tags: ['Help'] } }, (app) =>
      app
        .post(
          '/assistant/messages',
          async ({ viewer, body, cookie, request }) => {
            const { answered, guestId } = await askAssistant(deps, viewer, guestOf(cookie), body, request.signal)
            if (guestId !== null) keepGuest(cookie, guestId)
            return answered
          },
          {
            viewer: true,
            cookie: guestCookie,
            body: M.askBody,
            rateLimit: LIMITS.messages,
            response: { 200: M.answered, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
            detail: {
              summary: 'Ask the help assistant: signed in (bearer) in one of my sessions or a new one; a guest in the session of the guest cookie (set by this answer)',
              description:
                'Answers from the help centre’s articles and, signed in, from my own orders, parcels, held payments and sales, return windows and wallet, each answer citing what it drew on. ' +
                'Nothing good enough: `offerPerson` (a signed-in question is kept for admins as unanswered; a guest’s is stored nowhere). A guest’s session is kept in memory or Redis, never the database, ' +
                `${ASSISTANT_LIMITS.guestTtlMs / MINUTE} minutes after its last message. With a language model configured, a signed-in asker receives the answer as it is written (\`assistant.delta\` on \`user:<id>\`); this answer carries the final text. ` +
                '404: `sessionId` is not one of mine (or, for a guest, not the cookie’s live session).',
            },
          },
        )
        .get('/assistant/guest', ({ cookie }) => getGuestSession(deps, guestOf(cookie)), {
          cookie: guestCookie,
          rateLimit: LIMITS.guest,
          response: { 200: M.session, 404: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'The guest conversation of the guest cookie (to restore the launcher, and to offer keeping it after signing in); 404 when there is none or it expired' },
        })
        .post(
          '/assistant/sessions/migrate',
          async ({ user, cookie }) => {
            const kept = await migrateGuestSession(deps, user, guestOf(cookie))
            dropGuest(cookie)
            return kept
          },
          {
            auth: true,
            cookie: guestCookie,
            response: { 200: M.session, 404: ErrorResponse, 503: ErrorResponse },
            detail: {
              summary: 'Keep the guest conversation of the guest cookie in my account (the only way it is ever stored), and clear the cookie; 404 when there is nothing to keep',
              description:
                'Taken from the guest store in one step: of two concurrent calls one keeps it, the other gets 404 (and a guest message answered meanwhile gets 404). ' +
                'A guest hand-off’s ticket is a visitor’s, opened only with the link emailed for it: the kept session has no `ticket`, and a message saying where the link went.',
            },
          },
        )
        .post('/assistant/sessions/:id/handoff', ({ viewer, cookie, params, body }) => handOff(deps, viewer, guestOf(cookie), params.id, body), {
          viewer: true,
          cookie: guestCookie,
          params: M.sessionParams,
          body: M.handoffBody,
          rateLimit: LIMITS.handoff,
          response: { 200: M.handoff, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
          detail: {
            summary: 'Talk to a person: open one support ticket with the conversation’s transcript (and the order it is about); asked again, the same ticket',
            description:
              'Signed in: one of my sessions (anyone else’s: 404), `orderId` one of my orders (else 400). A guest: the guest cookie’s session (`:id` must be it) and `email`, where the link to the ticket is sent (no order); ' +
              '409 while another request of the same guest session is opening its ticket (try again: then it answers that ticket). ' +
              '`disputeOffer`: the order is paid and its payment still held, never disputed — a dispute may be opened from the order’s page (it is not opened here).',
          },
        })
        .guard({ auth: true }, (own) =>
          own
            .get('/assistant/sessions', ({ user, query }) => listSessions(deps, user, query), {
              query: M.listQuery,
              strictQuery: { schema: M.listQuery },
              response: { 200: M.list, 400: ErrorResponse },
              detail: { summary: 'My conversations with the help assistant, the latest activity first' },
            })
            .get('/assistant/sessions/:id', ({ user, params }) => getSession(deps, user, params.id), {
              params: M.sessionParams,
              response: { 200: M.session, 404: ErrorResponse },
              detail: { summary: 'One of my conversations, its messages and the ticket of its hand-off; 404 for anyone else’s' },
            })
            .patch('/assistant/sessions/:id', ({ user, params, body }) => renameSession(deps, user, params.id, body.title), {
              params: M.sessionParams,
              body: M.renameBody,
              response: { 200: M.session, 400: ErrorResponse, 404: ErrorResponse },
              detail: { summary: 'Rename one of my conversations; 404 for anyone else’s' },
            })
            .delete(
              '/assistant/sessions/:id',
              async ({ user, params, status }) => {
                await deleteSession(deps, user, params.id)
                return status(204, undefined)
              },
              {
                params: M.sessionParams,
                response: { 204: t.Undefined(), 404: ErrorResponse },
                detail: { summary: 'Delete one of my conversations and its messages (a ticket it opened stays); 404 for anyone else’s' },
              },
            ),
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin.get('/admin/assistant/unanswered', ({ query }) => listUnanswered(deps, query), {
        query: M.unansweredQuery,
        strictQuery: { schema: M.unansweredQuery },
        response: { 200: M.unansweredList, 400: ErrorResponse },
        detail: { summary: 'Questions the help assistant could not answer, one row per user and question (with how often they asked it), the last asked first (signed-in users’ only: guests’ are not stored), to write the missing articles' },
      }),
    )
}
