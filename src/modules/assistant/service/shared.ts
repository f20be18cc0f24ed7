import type { Db, Tx } from '../../../db/client'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import type { EphemeralStore } from '../../../lib/ephemeral-store'
import { AppError } from '../../../lib/errors'
import type { Logger } from '../../../lib/log'
import type { ReturnsDeps } from '../../returns'
import type { SupportDeps } from '../../support'
import type { LanguageModel } from '../language-model/model'
import type { AssistantModel, Citation } from '../model'
import { ASSISTANT_LIMITS, type MessageRole } from '../rules'

export interface AssistantDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** Where guests' sessions live (never the database). */
  ephemeral: EphemeralStore
  /** The model that words answers from what was retrieved; null: the built-in answers. */
  model: LanguageModel | null
  /** Support, through which the hand-off opens its ticket. */
  support: SupportDeps
  /** Returns' reader of an order's return window. */
  returns: Pick<ReturnsDeps, 'db' | 'clock' | 'readSettings'>
}

export type Conn = Db | Tx

/** A message as the guest store and the tables hold it (times as ISO text in the store). */
export interface StoredMessage {
  id: string
  role: MessageRole
  body: string
  citations: Citation[]
  offerPerson: boolean
  createdAt: string
}

/**
 * A guest session's hand-off, claimed in the session itself (so it lives as long as the session, and
 * every change to the session keeps it): pending while its ticket is being opened, then open.
 */
export interface GuestHandoff {
  ticketId: string
  claimedAt: string
  opened: boolean
}

/** A guest's session in the ephemeral store, under `guestKey(id)`, ASSISTANT_LIMITS.guestTtlMs after its last message. */
export interface GuestSession {
  id: string
  title: string
  /** Absent until a hand-off claims it. */
  handoff?: GuestHandoff
  createdAt: string
  updatedAt: string
  /** The latest ASSISTANT_LIMITS.guestMessagesMax, oldest first. */
  messages: StoredMessage[]
}

/** Created under a new id, then changed only with the store's `update` (never read, changed and set back): no message or hand-off is lost to a concurrent request. */
export const guestKey = (id: string) => `assistant:guest:${id}`

/** A guest session's id: `ast_` and 128 random bits, a bearer secret kept in the HttpOnly cookie. */
export const GUEST_ID = /^ast_[0-9a-f]{32}$/

export const toMessage = (message: StoredMessage): AssistantModel.Message => ({ ...message, createdAt: new Date(message.createdAt) })

export const notFound = () => new AppError('not_found', 'No such conversation')

/** C0 and C1 control characters and Unicode's line separators: a title is one line. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** A session's title from its first question: one line, at most ASSISTANT_LIMITS.titleMax characters, cut at a word. */
export function titleOf(question: string): string {
  const line = question.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim()
  if (line.length <= ASSISTANT_LIMITS.titleMax) return line
  const cut = line.slice(0, ASSISTANT_LIMITS.titleMax - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > ASSISTANT_LIMITS.titleMax / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/** A title as renamed: one line, not blank. */
export function cleanTitle(title: string): string {
  const clean = title.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim()
  if (clean === '') throw new AppError('invalid_data', 'Give the conversation a title', [{ field: 'body.title', message: 'must not be blank' }])
  return clean
}
