import { query } from '@solidjs/router'
import type { AssistantModel } from '../../../src/modules/assistant/model'
import { api, must, orMissing } from './api'
import { type EventOf, myTopic, useTopic } from './live'

/**
 * The help assistant: questions and answers (a guest's conversation lives behind an HttpOnly
 * cookie the browser sends to /api/v1/assistant; a signed-in user's in their account), keeping a
 * guest conversation after signing in, Help → Conversations, the hand-off to a person, and the
 * admins' unanswered questions. Shapes come from the server's AssistantModel.
 */

export type AssistantMessage = AssistantModel.Message
export type AssistantCitation = AssistantModel.Citation
export type AssistantSession = AssistantModel.Session
export type AssistantSummary = AssistantModel.Summary
export type AssistantHandoff = AssistantModel.Handoff
export type AssistantDelta = Extract<EventOf<'user'>, { kind: 'assistant.delta' }>['data']

const assistant = () => api().api.v1.assistant

/** Asks in `sessionId` (mine, or the guest cookie's), or starts a new session without it. */
export const askAssistant = async (body: AssistantModel.AskBody) => must(await assistant().messages.post(body))
/** The guest conversation of this browser's cookie; null when there is none (or it expired). Browser only. */
export const getGuestConversation = async () => orMissing(await assistant().guest.get())
/** Keeps this browser's guest conversation in my account (then it is a session of mine); null when there was nothing to keep. */
export const keepGuestConversation = async () => orMissing(await assistant().sessions.migrate.post())
/** My conversations, the latest activity first, in cursor pages. */
export const listConversations = async (page: AssistantModel.ListQuery) => must(await assistant().sessions.get({ query: page }))
/** One of my conversations; null when it is not (anyone else's is not found). */
export const getConversation = query(async (id: string) => orMissing(await assistant().sessions({ id }).get()), 'assistant-session')
export const renameConversation = async (id: string, title: string) => must(await assistant().sessions({ id }).patch({ title }))
export const deleteConversation = async (id: string) => must(await assistant().sessions({ id }).delete())
/** Opens (once) the ticket of a conversation; a guest gives `email`, a signed-in user may name one of their orders. */
export const talkToPerson = async (id: string, body: AssistantModel.HandoffBody) => must(await assistant().sessions({ id }).handoff.post(body))
/** The questions the assistant could not answer (admins), newest first. */
export const listUnanswered = async (page: AssistantModel.ListQuery) => must(await api().api.v1.admin.assistant.unanswered.get({ query: page }))

/**
 * While the calling component lives, hands each piece of an answer a language model is writing
 * for me (`assistant.delta` on my topic; signed in only) to `onDelta`. The pieces come before the
 * HTTP answer to the question, which carries the final text (and replaces them: a model that
 * failed midway leaves the built-in answer).
 */
export function useAnswerDeltas(onDelta: (delta: AssistantDelta) => void): void {
  useTopic(myTopic, { onEvent: (event) => event.kind === 'assistant.delta' && onDelta(event.data) })
}
