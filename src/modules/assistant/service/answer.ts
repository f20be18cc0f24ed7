// Wording an answer from what retrieval found. Built in (the default, and whenever the model is
// not configured, fails or times out): the intents' sections, then the articles. With a model:
// the same retrieval grounds it (groundedTurns), never the model alone — a question nothing was
// retrieved for gets the built-in "I could not find it" without asking the model. Either way the
// answer is cleaned in one place (safeAnswer) before it is stored or shown.
import type { CurrentUser } from '../../accounts'
import type { AssistantEvent } from '../events'
import type { ChatTurn } from '../language-model/model'
import { groundedTurns } from '../language-model/prompt'
import { escapeMarkdown, safeAnswer } from '../markdown'
import type { Citation } from '../model'
import { ASSISTANT_LIMITS } from '../rules'
import { articleCitation, type Retrieved } from './retrieve'
import type { AssistantDeps } from './shared'

export interface Answer {
  body: string
  citations: Citation[]
  offerPerson: boolean
}

const SIGN_IN = 'To look at your own orders, payments and wallet, [sign in](/signin?next=%2Fhelp) and ask again: I only read an account’s records for its owner.'
const NOT_FOUND = 'I could not find an answer to that in the help centre or your account. A person from Souk support can help: choose “Talk to a person”.'

/** Nothing answers the question: no article good enough, no intent of the asker's, no sign-in to ask for. */
export const nothingFound = (retrieved: Retrieved) => retrieved.articles.length === 0 && retrieved.sections.length === 0 && !retrieved.signInNeeded

function citationsOf(retrieved: Retrieved): Citation[] {
  return [...retrieved.sections.flatMap((section) => section.citations), ...retrieved.articles.map(articleCitation)]
}

/** The answer without a model: the asker's records per intent, then the articles (with their excerpts), or the offer of a person. */
export function builtInAnswer(retrieved: Retrieved): Answer {
  if (nothingFound(retrieved)) return { body: NOT_FOUND, citations: [], offerPerson: true }
  const parts: string[] = []
  if (retrieved.signInNeeded) parts.push(SIGN_IN)
  parts.push(...retrieved.sections.map((section) => section.markdown))
  if (retrieved.articles.length > 0) {
    const intro = parts.length === 0 ? 'These help articles should answer it:' : 'More in the help centre:'
    const links = retrieved.articles.map((hit) => {
      const { label, url } = articleCitation(hit)
      // An article's title and excerpt are plain text (help's): shown as written, never as Markdown.
      return `- [${escapeMarkdown(label)}](${url})${hit.excerpt === '' ? '' : ` — ${escapeMarkdown(hit.excerpt)}`}`
    })
    parts.push(`${intro}\n${links.join('\n')}`)
  }
  return { body: parts.join('\n\n'), citations: citationsOf(retrieved), offerPerson: false }
}

/** Where a model's deltas go: the asker's `user:` topic (signed in only), tagged with the answer they build. */
export interface DeltaTarget {
  asker: CurrentUser | null
  sessionId: string
  messageId: string
}

/**
 * The answer to a question from what was retrieved: the model's, grounded on the articles and the
 * asker's records and streamed as `assistant.delta` to a signed-in asker, when a model is
 * configured and something was retrieved; otherwise, or when the model fails, the built-in one.
 * Either is cleaned by safeAnswer: what retrieval read (an article, a shop's words in a record)
 * may carry words planted for the model, and a model may answer anything.
 */
export async function answerFrom(deps: AssistantDeps, retrieved: Retrieved, question: string, history: ChatTurn[], target: DeltaTarget, signal: AbortSignal): Promise<Answer> {
  const answer = await wordedAnswer(deps, retrieved, question, history, target, signal)
  return { ...answer, body: safeAnswer(answer.body) }
}

async function wordedAnswer(deps: AssistantDeps, retrieved: Retrieved, question: string, history: ChatTurn[], target: DeltaTarget, signal: AbortSignal): Promise<Answer> {
  const builtIn = builtInAnswer(retrieved)
  if (deps.model === null || builtIn.offerPerson) return builtIn
  const articles = retrieved.articles.map((hit) => ({ title: hit.title, url: articleCitation(hit).url, excerpt: hit.excerpt }))
  const records = retrieved.sections.flatMap((section) => section.records)
  if (articles.length === 0 && records.length === 0) return builtIn
  const turns = groundedTurns({ question, history, articles, records })
  const topic = target.asker === null ? null : (`user:${target.asker.id}` as const)
  let text = ''
  try {
    for await (const delta of deps.model.stream(turns, signal)) {
      const piece = delta.slice(0, ASSISTANT_LIMITS.answerMax - text.length)
      text += piece
      if (topic !== null && piece !== '') {
        const event: AssistantEvent = { type: 'event', topic, id: null, kind: 'assistant.delta', data: { sessionId: target.sessionId, messageId: target.messageId, text: piece } }
        // One after the other: the asker's socket receives the pieces in order.
        await deps.bus.publish(topic, event)
      }
      if (text.length === ASSISTANT_LIMITS.answerMax) {
        // The rest is never read: leaving the loop ends the stream, which closes the model's connection.
        deps.log.warn('assistant: the language model’s answer reached its cap; the rest is left out', { chars: ASSISTANT_LIMITS.answerMax })
        text += '…'
        break
      }
    }
  } catch (error) {
    deps.log.warn('assistant: the language model failed; the built-in answer stands', { error: (error as Error).message })
    return builtIn
  }
  // Nothing but control characters is nothing too.
  if (safeAnswer(text).trim() === '') {
    deps.log.warn('assistant: the language model answered nothing; the built-in answer stands')
    return builtIn
  }
  return { body: retrieved.signInNeeded ? `${text}\n\n${SIGN_IN}` : text, citations: builtIn.citations, offerPerson: false }
}
