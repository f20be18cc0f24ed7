// Sessions with the help assistant. A guest's lives in the ephemeral store only (nothing of it is
// written to the database), under a random id kept in an HttpOnly cookie, ASSISTANT_LIMITS.guestTtlMs
// after its last message; its questions are never recorded as unanswered. A signed-in user's are
// rows, readable, renamable and deletable by their owner alone (anyone else: 404). A guest who signs
// in keeps their conversation only by asking to (`migrateGuestSession`), and into their own account.
import { randomBytes } from 'node:crypto'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import type { CurrentUser } from '../../accounts'
import { ticketPath } from '../../support'
import type { ChatTurn } from '../language-model/model'
import type { AssistantModel } from '../model'
import { ASSISTANT_LIMITS } from '../rules'
import { assistantMessages, assistantSessions } from '../table'
import { answerFrom } from './answer'
import { retrieve } from './retrieve'
import { recordUnanswered } from './unanswered'
import { type AssistantDeps, cleanTitle, type Conn, GUEST_ID, type GuestSession, guestKey, notFound, type StoredMessage, titleOf, toMessage } from './shared'

type SessionRow = typeof assistantSessions.$inferSelect
type MessageRow = typeof assistantMessages.$inferSelect

const ended = () => new AppError('not_found', 'This conversation has ended (a guest’s lasts 30 minutes after its last message, or until it is kept in an account): start a new one')

/** A new guest session under a new random id (nothing to overwrite), titled from its first question. */
async function startGuestSession(deps: Pick<AssistantDeps, 'ephemeral'>, id: string, pair: [question: StoredMessage, answer: StoredMessage], now: Date): Promise<GuestSession> {
  const session: GuestSession = { id, title: titleOf(pair[0].body), createdAt: pair[0].createdAt, updatedAt: now.toISOString(), messages: pair }
  await deps.ephemeral.set(guestKey(id), session, ASSISTANT_LIMITS.guestTtlMs, now.getTime())
  return session
}

/**
 * Adds a question and its answer to a live guest session (keeping the latest ASSISTANT_LIMITS.guestMessagesMax) and
 * moves its end, in one step as to concurrent messages and hand-offs; null when it is gone (kept in
 * an account, or expired): never re-created.
 */
function appendToGuestSession(deps: Pick<AssistantDeps, 'ephemeral'>, id: string, pair: [question: StoredMessage, answer: StoredMessage], now: Date): Promise<GuestSession | null> {
  return deps.ephemeral.update<GuestSession>(
    guestKey(id),
    (session) => ({ ...session, messages: [...session.messages, ...pair].slice(-ASSISTANT_LIMITS.guestMessagesMax), updatedAt: now.toISOString() }),
    ASSISTANT_LIMITS.guestTtlMs,
    now.getTime(),
  )
}

/** The guest session of a cookie's value, or null (none, malformed, or expired). */
export async function guestSessionOf(deps: Pick<AssistantDeps, 'ephemeral' | 'clock'>, cookie: string | undefined): Promise<GuestSession | null> {
  if (cookie === undefined || !GUEST_ID.test(cookie)) return null
  return deps.ephemeral.get<GuestSession>(guestKey(cookie), deps.clock.now().getTime())
}

const fromRow = (row: MessageRow): StoredMessage => ({ ...row, createdAt: row.createdAt.toISOString() })
const turnsOf = (messages: StoredMessage[]): ChatTurn[] => messages.map((message) => ({ role: message.role, content: message.body }))

function toGuestSession(session: GuestSession): AssistantModel.Session {
  return {
    id: session.id,
    title: session.title,
    guest: true,
    ticket: session.handoff?.opened === true ? { id: session.handoff.ticketId, url: ticketPath(session.handoff.ticketId) } : null,
    orderId: null,
    createdAt: new Date(session.createdAt),
    updatedAt: new Date(session.updatedAt),
    messages: session.messages.map(toMessage),
  }
}

/** The latest messages of a stored session, oldest first. */
export async function latestMessages(db: Conn, sessionId: string, limit: number = ASSISTANT_LIMITS.sessionMessagesMax): Promise<StoredMessage[]> {
  const rows = await db.select().from(assistantMessages).where(eq(assistantMessages.sessionId, sessionId)).orderBy(desc(assistantMessages.createdAt), desc(assistantMessages.id)).limit(limit)
  return rows.reverse().map(fromRow)
}

const ownSession = async (db: Conn, user: CurrentUser, id: string): Promise<SessionRow | null> =>
  (await db.select().from(assistantSessions).where(and(eq(assistantSessions.id, id), eq(assistantSessions.userId, user.id))))[0] ?? null

/**
 * One question and its answer. Signed in (`asker`): in `sessionId` (one of theirs, else 404) or a
 * new session titled from the question; an answer offering a person records the question as
 * unanswered. A guest: in the cookie's session (`sessionId`, if given, must be it), or a new one;
 * answers the guest session's id for the cookie. Retrieval and the model run before any write.
 */
export async function askAssistant(
  deps: AssistantDeps,
  asker: CurrentUser | null,
  cookie: string | undefined,
  body: AssistantModel.AskBody,
  signal: AbortSignal,
): Promise<{ answered: AssistantModel.Answered; guestId: string | null }> {
  const text = body.text.trim()
  if (text === '') throw new AppError('invalid_data', 'Write your question', [{ field: 'body.text', message: 'must not be blank' }])
  const askedAt = deps.clock.now()
  const question: StoredMessage = { id: newId('asm'), role: 'user', body: text, citations: [], offerPerson: false, createdAt: askedAt.toISOString() }
  const answerId = newId('asm')

  if (asker === null) {
    const found = await guestSessionOf(deps, cookie)
    if (body.sessionId !== undefined && found?.id !== body.sessionId) throw ended()
    const id = found?.id ?? `ast_${randomBytes(16).toString('hex')}`
    const retrieved = await retrieve(deps, null, text)
    const answer = await answerFrom(deps, retrieved, text, turnsOf(found?.messages ?? []), { asker: null, sessionId: id, messageId: answerId }, signal)
    const now = deps.clock.now()
    const reply: StoredMessage = { id: answerId, role: 'assistant', ...answer, createdAt: now.toISOString() }
    const session = found === null ? await startGuestSession(deps, id, [question, reply], now) : await appendToGuestSession(deps, id, [question, reply], now)
    // Kept in an account, or expired, while the answer was being made: nothing is written.
    if (session === null) throw ended()
    return { answered: { session: { id, title: session.title, guest: true }, question: toMessage(question), answer: toMessage(reply) }, guestId: id }
  }

  const existing = body.sessionId === undefined ? null : await ownSession(deps.db, asker, body.sessionId)
  if (body.sessionId !== undefined && existing === null) throw notFound()
  const history = existing === null ? [] : await latestMessages(deps.db, existing.id, 20)
  const sessionId = existing?.id ?? newId('ast')
  const retrieved = await retrieve(deps, asker, text)
  const answer = await answerFrom(deps, retrieved, text, turnsOf(history), { asker, sessionId, messageId: answerId }, signal)
  const now = deps.clock.now()
  const reply: StoredMessage = { id: answerId, role: 'assistant', ...answer, createdAt: now.toISOString() }
  const title = await deps.db.transaction(async (tx) => {
    let row: { title: string } | undefined
    if (existing === null) {
      ;[row] = await tx.insert(assistantSessions).values({ id: sessionId, userId: asker.id, title: titleOf(text), ticketId: null, orderId: null, createdAt: askedAt, updatedAt: now }).returning({ title: assistantSessions.title })
    } else {
      // Deleted while the answer was being made: nothing is written.
      ;[row] = await tx
        .update(assistantSessions)
        .set({ updatedAt: now })
        .where(and(eq(assistantSessions.id, sessionId), eq(assistantSessions.userId, asker.id)))
        .returning({ title: assistantSessions.title })
      if (row === undefined) throw notFound()
    }
    await tx.insert(assistantMessages).values([
      { ...question, sessionId, createdAt: askedAt },
      { ...reply, sessionId, createdAt: now },
    ])
    if (answer.offerPerson) await recordUnanswered(tx, asker.id, text, askedAt)
    return row!.title
  })
  return { answered: { session: { id: sessionId, title, guest: false }, question: toMessage(question), answer: toMessage(reply) }, guestId: null }
}

/** The guest session of the cookie (for the launcher to restore it, and to offer keeping it after sign-in), or 404. */
export async function getGuestSession(deps: AssistantDeps, cookie: string | undefined): Promise<AssistantModel.Session> {
  const session = await guestSessionOf(deps, cookie)
  if (session === null) throw new AppError('not_found', 'No guest conversation')
  return toGuestSession(session)
}

async function toSession(db: Conn, row: SessionRow): Promise<AssistantModel.Session> {
  return {
    id: row.id,
    title: row.title,
    guest: false,
    ticket: row.ticketId === null ? null : { id: row.ticketId, url: ticketPath(row.ticketId) },
    orderId: row.orderId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    messages: (await latestMessages(db, row.id)).map(toMessage),
  }
}

/** One of my sessions with its messages and the ticket its hand-off opened; anyone else's: 404. */
export async function getSession(deps: Pick<AssistantDeps, 'db'>, user: CurrentUser, id: string): Promise<AssistantModel.Session> {
  const row = await ownSession(deps.db, user, id)
  if (row === null) throw notFound()
  return toSession(deps.db, row)
}

/** My sessions, the latest activity first. */
export async function listSessions(deps: Pick<AssistantDeps, 'db'>, user: CurrentUser, query: { cursor?: string; limit?: number }): Promise<Page<AssistantModel.Summary>> {
  const after = decodeTimeCursor(query.cursor, 'ast')
  const limit = query.limit ?? DEFAULT_LIMIT
  const rows = await deps.db
    .select()
    .from(assistantSessions)
    .where(
      and(
        eq(assistantSessions.userId, user.id),
        after === null ? undefined : or(lt(assistantSessions.updatedAt, after.time), and(eq(assistantSessions.updatedAt, after.time), lt(assistantSessions.id, after.id))),
      ),
    )
    .orderBy(desc(assistantSessions.updatedAt), desc(assistantSessions.id))
    .limit(limit + 1)
  return toPage(
    rows,
    limit,
    (row) => [row.updatedAt.toISOString(), row.id],
    (row) => ({ id: row.id, title: row.title, ticketId: row.ticketId, createdAt: row.createdAt, updatedAt: row.updatedAt }),
  )
}

/** Renames one of my sessions; anyone else's: 404. */
export async function renameSession(deps: Pick<AssistantDeps, 'db'>, user: CurrentUser, id: string, title: string): Promise<AssistantModel.Session> {
  const [row] = await deps.db
    .update(assistantSessions)
    .set({ title: cleanTitle(title) })
    .where(and(eq(assistantSessions.id, id), eq(assistantSessions.userId, user.id)))
    .returning()
  if (row === undefined) throw notFound()
  return toSession(deps.db, row)
}

/** Deletes one of my sessions and its messages (its ticket stays, in support); anyone else's: 404. */
export async function deleteSession(deps: Pick<AssistantDeps, 'db'>, user: CurrentUser, id: string): Promise<void> {
  const [row] = await deps.db
    .delete(assistantSessions)
    .where(and(eq(assistantSessions.id, id), eq(assistantSessions.userId, user.id)))
    .returning({ id: assistantSessions.id })
  if (row === undefined) throw notFound()
}

/** Said in a kept session whose guest hand-off opened a visitor's ticket: that ticket is not the account's (only its emailed link opens it). */
const HANDED_OFF_AS_GUEST = 'Before you signed in, this conversation was handed to a person: the link to that ticket was sent to the email address you gave then.'

/**
 * Keeps the cookie's guest session in the signed-in user's account: taken from the store in one
 * step (of two concurrent calls, one gets it, the other finds nothing: 404; a message answered
 * meanwhile finds it gone), then written as a session of theirs with its messages, under new ids
 * (the same conversation kept twice, after a put-back, is two sessions, never a 500). A guest's
 * ticket is a visitor's, which the account cannot open: the session is kept without it, saying
 * where its link went. Nothing to keep: 404. Put back if the write fails.
 */
export async function migrateGuestSession(deps: AssistantDeps, user: CurrentUser, cookie: string | undefined): Promise<AssistantModel.Session> {
  const none = () => new AppError('not_found', 'No guest conversation to keep')
  if (cookie === undefined || !GUEST_ID.test(cookie)) throw none()
  const now = deps.clock.now()
  const guest = await deps.ephemeral.take<GuestSession>(guestKey(cookie), now.getTime())
  if (guest === null) throw none()
  const row: SessionRow = { id: newId('ast'), userId: user.id, title: guest.title, ticketId: null, orderId: null, createdAt: new Date(guest.createdAt), updatedAt: new Date(guest.updatedAt) }
  const messages = guest.messages.map((message) => ({ ...message, id: newId('asm'), sessionId: row.id, createdAt: new Date(message.createdAt) }))
  if (guest.handoff?.opened === true) {
    messages.push({ id: newId('asm'), sessionId: row.id, role: 'assistant', body: HANDED_OFF_AS_GUEST, citations: [], offerPerson: false, createdAt: new Date(guest.handoff.claimedAt) })
  }
  try {
    await deps.db.transaction(async (tx) => {
      await tx.insert(assistantSessions).values(row)
      if (messages.length > 0) await tx.insert(assistantMessages).values(messages)
    })
  } catch (error) {
    await deps.ephemeral.set(guestKey(cookie), guest, ASSISTANT_LIMITS.guestTtlMs, now.getTime())
    throw error
  }
  return toSession(deps.db, row)
}
