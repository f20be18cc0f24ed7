import { EventSourceParserStream } from 'eventsource-parser/stream'
import type { Config } from '../../../config'

/** One turn of a chat, as OpenAI-compatible endpoints take them. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** A model that words a reply; the assistant's only view of whichever provider is configured. */
export interface LanguageModel {
  /**
   * The reply to `turns`, as text deltas in order. Throws a LanguageModelError on an HTTP error, a
   * stream that breaks off or makes no sense, the configured timeout, or `signal` aborting.
   */
  stream(turns: ChatTurn[], signal: AbortSignal): AsyncIterable<string>
}

export type LanguageModelSettings = NonNullable<Config['assistant']['model']>

/** `fetch`'s call shape, so tests may pass their own; Bun's `typeof fetch` carries extra members. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

export class LanguageModelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`language model: ${message}`, options)
    this.name = 'LanguageModelError'
  }
}

/** What one chunk of a streamed chat completion may carry (the fields this client reads). */
interface CompletionChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[]
  error?: { message?: string }
}

/** An event larger than this is no chat delta: the parser stops rather than buffer without end. */
const MAX_EVENT_CHARS = 1_000_000
/** How much of an error answer's body goes into the error's message. */
const ERROR_BODY_CHARS = 300

/**
 * The model behind an OpenAI-compatible chat endpoint: POSTs `<url>/chat/completions` with
 * `stream: true` and reads the Server-Sent Events it answers (`data: {choices:[{delta}]}` …
 * `data: [DONE]`). The whole call, body included, is bounded by `settings.timeoutMs`.
 */
export function chatCompletionsModel(settings: LanguageModelSettings, fetchImpl: FetchLike = fetch): LanguageModel {
  const endpoint = `${settings.url}/chat/completions`
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' }
  if (settings.key !== null) headers.authorization = `Bearer ${settings.key}`
  // The key must never reach a log line, and an endpoint may quote a bad key in its error body.
  const scrub = (text: string) => (settings.key === null ? text : text.replaceAll(settings.key, '***'))

  return {
    async *stream(turns, signal) {
      const timeout = AbortSignal.timeout(settings.timeoutMs)
      // Ours, so a consumer that stops reading early closes the connection.
      const done = new AbortController()
      const combined = AbortSignal.any([signal, timeout, done.signal])
      const failure = (error: unknown): LanguageModelError => {
        if (error instanceof LanguageModelError) return error
        if (timeout.aborted) return new LanguageModelError(`no complete answer within ${settings.timeoutMs} ms`, { cause: error })
        if (signal.aborted) return new LanguageModelError('aborted', { cause: error })
        return new LanguageModelError(scrub(error instanceof Error ? error.message : String(error)), { cause: error })
      }
      try {
        const response = await fetchImpl(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: settings.model, stream: true, messages: turns }),
          // A redirect would replay the user's records (and the key) to wherever it points.
          redirect: 'error',
          signal: combined,
        })
        if (!response.ok) {
          const body = await response.text().catch(() => '')
          throw new LanguageModelError(`HTTP ${response.status}${body === '' ? '' : `: ${scrub(body).slice(0, ERROR_BODY_CHARS)}`}`)
        }
        const type = response.headers.get('content-type') ?? ''
        // A server that ignores `stream: true` answers one JSON body, which this client does not read.
        if (!type.startsWith('text/event-stream') || response.body === null) throw new LanguageModelError(`answered ${type || 'no content type'}, not an event stream`)
        const events = response.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream({ maxBufferSize: MAX_EVENT_CHARS }))
          .getReader()
        let finished = false
        for (let read = await events.read(); !read.done; read = await events.read()) {
          // Events already buffered must not outlive an abort.
          combined.throwIfAborted()
          const event = read.value
          if (event.data === '[DONE]') return
          const chunk = parseChunk(event.data)
          if (chunk.error !== undefined) throw new LanguageModelError(`error in the stream: ${scrub(chunk.error.message ?? 'unknown')}`)
          for (const choice of chunk.choices ?? []) {
            const content = choice.delta?.content
            if (typeof content === 'string' && content !== '') yield content
            if (typeof choice.finish_reason === 'string') finished = true
          }
        }
        // Some servers end with a finish_reason and close without [DONE]; a stream with neither broke off.
        if (!finished) throw new LanguageModelError('the stream ended before the answer was complete')
      } catch (error) {
        throw failure(error)
      } finally {
        done.abort()
      }
    },
  }
}

function parseChunk(data: string): CompletionChunk {
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    throw new LanguageModelError('an event of the stream is not JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LanguageModelError('an event of the stream is not an object')
  return parsed as CompletionChunk
}
