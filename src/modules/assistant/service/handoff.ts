// "Talk to a person": one support ticket per session, opened through support's front door with the
// conversation's transcript and the order it is about (the asker's own, else 400), however many
// times it is asked. A signed-in session records the ticket in the ticket's transaction, under the
// session row's lock, so a second request waits and answers the same ticket. A guest's claims the
// ticket's id in the session itself first (the store's update), so only one of concurrent requests
// opens it, and the claim lives as long as the session; while it is pending, another request is
// told to try again (409). The ticket is a visitor's (the link is emailed to the address given).
import { and, eq } from 'drizzle-orm'
import { runCommitted } from '../../../events/committed'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { CurrentUser } from '../../accounts'
import { canOpenDispute } from '../../disputes'
import { orderLink } from '../../orders'
import { openTicketIn, ticketPath, tickets } from '../../support'
import type { AssistantModel } from '../model'
import { ASSISTANT_LIMITS } from '../rules'
import { assistantSessions } from '../table'
import { guestSessionOf, latestMessages } from './sessions'
import { type AssistantDeps, type GuestHandoff, type GuestSession, guestKey, notFound, type StoredMessage } from './shared'

/** Support's longest message; the transcript keeps the latest messages that fit. */
const TRANSCRIPT_MAX = 5_000
const SUBJECT_MAX = 150

const LEFT_OUT = '(earlier messages left out)'
const CUT = '… (cut)'

/**
 * The conversation as the ticket's first message: the latest messages that fit, oldest first; the
 * latest alone longer than the room is cut rather than left out.
 */
export function transcriptOf(title: string, messages: StoredMessage[]): string {
  const head = `Conversation with the Souk help assistant: “${title}”`
  const lines: string[] = []
  let room = TRANSCRIPT_MAX - head.length - 40
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    const line = `${message.role === 'user' ? 'Asked' : 'Assistant'}: ${message.body}`
    if (line.length + 2 > room) {
      const cut = lines.length === 0
      if (cut) lines.push(`${line.slice(0, room - 2 - CUT.length)}${CUT}`)
      if (!cut || i > 0) lines.unshift(LEFT_OUT)
      break
    }
    room -= line.length + 2
    lines.unshift(line)
  }
  return [head, ...lines].join('\n\n')
}

const subjectOf = (title: string) => `Help assistant: ${title}`.slice(0, SUBJECT_MAX)

/** A dispute to offer about the asker's order: exactly when its page offers one (disputes' own rule). */
async function disputeOfferFor(deps: AssistantDeps, orderId: string | null): Promise<AssistantModel.Handoff['disputeOffer']> {
  if (orderId === null) return null
  return (await canOpenDispute(deps.db, orderId)) ? { orderId, url: `${orderLink(orderId)}#dispute` } : null
}

/**
 * Opens the session's ticket (once) and answers it, with a dispute offered when the asker could
 * open one on the order now. Signed in: one of my sessions (anyone else's: 404). A guest: the
 * cookie's session (`sessionId` must be it), with the email the ticket's link goes to.
 */
export async function handOff(deps: AssistantDeps, asker: CurrentUser | null, cookie: string | undefined, sessionId: string, body: AssistantModel.HandoffBody): Promise<AssistantModel.Handoff> {
  if (asker === null) return handOffGuest(deps, cookie, sessionId, body)
  const done = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(assistantSessions)
      .where(and(eq(assistantSessions.id, sessionId), eq(assistantSessions.userId, asker.id)))
      .for('update')
    if (row === undefined) throw notFound()
    if (row.ticketId !== null) return { ticketId: row.ticketId, orderId: row.orderId, committed: null }
    const transcript = transcriptOf(row.title, await latestMessages(tx, row.id))
    const opened = await openTicketIn(deps.support, tx, asker, { subject: subjectOf(row.title), category: body.orderId === undefined ? 'other' : 'order', orderId: body.orderId, body: transcript })
    const orderId = body.orderId ?? null
    await tx.update(assistantSessions).set({ ticketId: opened.row.id, orderId }).where(eq(assistantSessions.id, row.id))
    return { ticketId: opened.row.id, orderId, committed: opened.committed }
  })
  if (done.committed !== null) await runCommitted(deps, 'assistant', done.committed)
  return { ticketId: done.ticketId, ticketUrl: ticketPath(done.ticketId), disputeOffer: await disputeOfferFor(deps, done.orderId) }
}

/** A pending claim this old was left by a request that died before opening its ticket: another may claim anew. */
const CLAIM_ABANDONED_MS = 2 * 60_000

async function handOffGuest(deps: AssistantDeps, cookie: string | undefined, sessionId: string, body: AssistantModel.HandoffBody): Promise<AssistantModel.Handoff> {
  const session = await guestSessionOf(deps, cookie)
  if (session === null || session.id !== sessionId) throw notFound()
  const answer = (ticketId: string) => ({ ticketId, ticketUrl: ticketPath(ticketId), disputeOffer: null })
  if (session.handoff?.opened === true) return answer(session.handoff.ticketId)
  // A claim left pending by a request that opened its ticket but could not say so (the store failed
  // after the commit) is that ticket, not an abandoned claim.
  if (session.handoff !== undefined && (await ticketExists(deps, session.handoff.ticketId))) {
    await markOpened(deps, session.id, session.handoff.ticketId)
    return answer(session.handoff.ticketId)
  }
  if (body.orderId !== undefined) throw new AppError('invalid_data', 'Sign in to ask about one of your orders', [{ field: 'body.orderId', message: 'is not one of your orders' }])
  if (body.email === undefined) throw new AppError('invalid_data', 'Give your email: we send you the link to your ticket', [{ field: 'body.email', message: 'is required without signing in' }])
  const now = deps.clock.now()
  const claim: GuestHandoff = { ticketId: newId('tkt'), claimedAt: now.toISOString(), opened: false }
  const free = (handoff: GuestHandoff | undefined) => handoff === undefined || (!handoff.opened && now.getTime() - Date.parse(handoff.claimedAt) >= CLAIM_ABANDONED_MS)
  const claimed = await changeHandoff(deps, session.id, (handoff) => (free(handoff) ? claim : handoff))
  if (claimed === null) throw notFound()
  const won = claimed.handoff!
  if (won.ticketId !== claim.ticketId) {
    if (won.opened) return answer(won.ticketId)
    throw new AppError('conflict', 'Your ticket is being opened: try again in a moment')
  }
  let committed
  try {
    ;({ committed } = await deps.db.transaction((tx) =>
      openTicketIn(deps.support, tx, null, { subject: subjectOf(claimed.title), category: 'other', email: body.email, body: transcriptOf(claimed.title, claimed.messages) }, claim.ticketId),
    ))
  } catch (error) {
    // Ours only: a claim taken over as abandoned is left to its new owner.
    await changeHandoff(deps, session.id, (handoff) => (handoff?.ticketId === claim.ticketId ? undefined : handoff))
    throw error
  }
  await runCommitted(deps, 'assistant', committed)
  // The ticket stands (its link emailed) whether or not the session can still be told: gone
  // meanwhile (kept in an account, expired) or the store failing, the next click finds the ticket.
  await markOpened(deps, session.id, claim.ticketId).catch((error: unknown) =>
    deps.log.warn('assistant: a guest hand-off opened its ticket but could not mark it in the session', { error: (error as Error).message }),
  )
  return answer(claim.ticketId)
}

const ticketExists = async (deps: AssistantDeps, id: string) => (await deps.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, id))).length > 0

/** Marks the session's claim of `ticketId` opened (a claim taken over since is left to its owner). */
const markOpened = (deps: AssistantDeps, sessionId: string, ticketId: string) =>
  changeHandoff(deps, sessionId, (handoff) => (handoff?.ticketId === ticketId ? { ...handoff, opened: true } : handoff))

/** Changes a live guest session's hand-off (and moves its end: a click is activity); null when the session is gone. */
function changeHandoff(deps: AssistantDeps, id: string, change: (handoff: GuestHandoff | undefined) => GuestHandoff | undefined): Promise<GuestSession | null> {
  return deps.ephemeral.update<GuestSession>(guestKey(id), (session) => ({ ...session, handoff: change(session.handoff) }), ASSISTANT_LIMITS.guestTtlMs, deps.clock.now().getTime())
}
