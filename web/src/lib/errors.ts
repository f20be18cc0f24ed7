/**
 * The server's one error shape, `{ error: { type, message, details?, requestId } }`, as a thrown
 * value on the client. Plain TypeScript (no Solid) so `bun test` can exercise it.
 */

import type { ErrorDetails, FieldProblem, RateLimitDetails, ReasonDetails } from '../../../src/lib/errors'

export type { FieldProblem }

/**
 * What some errors say besides field problems (`details` is then an object, not a list), typed by
 * the server's details union: `retryAfter` (seconds until a 429 may be retried) and `reason` (a
 * cause from the server's closed set, e.g. `email_not_verified` on a 403 sign-in).
 */
export type ErrorFacts = Partial<RateLimitDetails & ReasonDetails>

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly requestId: string | null = null,
    readonly facts: ErrorFacts = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Builds an ApiError from a status and whatever body came back (tolerates non-JSON proxies). */
export function toApiError(status: number, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? (body as { error: unknown }).error : null
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>
    const details = detailsOf(e.details)
    return new ApiError(
      status,
      typeof e.type === 'string' ? e.type : 'unknown_error',
      typeof e.message === 'string' ? e.message : `Request failed (${status})`,
      Array.isArray(details) ? details : [],
      typeof e.requestId === 'string' ? e.requestId : null,
      factsOf(details),
    )
  }
  return new ApiError(status, status >= 500 ? 'unknown_error' : 'invalid_data', `Request failed (${status})`)
}

/**
 * `details` of an error in the server's shape, as the server types it (the error body's schema
 * declares the union); a value no member could be (a proxy's own JSON, say) is none.
 */
function detailsOf(value: unknown): ErrorDetails | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorDetails) : undefined
}

function factsOf(details: ErrorDetails | undefined): ErrorFacts {
  if (details === undefined || Array.isArray(details)) return {}
  return {
    ...('retryAfter' in details ? { retryAfter: details.retryAfter } : {}),
    ...('reason' in details ? { reason: details.reason } : {}),
  }
}

const inputName = (field: string) => field.replace(/^(body|query|params)\./, '')

/**
 * Field problems keyed by input name: `body.email` -> `email`, so a form shows each message beside
 * the control it belongs to. Problems that name no form field are left for a toast.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const out: Record<string, string> = {}
  for (const problem of error.details) out[inputName(problem.field)] ??= problem.message
  return out
}

/**
 * What a form says above its fields about `error`. A failed schema check (the server's message is
 * then only "Invalid body.x, ...") says nothing when each problem is shown beside the input it
 * names (`fields`), and names a problem that has no input; any other error says its message,
 * which tells more than the inline note (e.g. "This code is not valid; it may have expired").
 */
export function formMessage(error: unknown, fields: readonly string[]): string | null {
  if (error === undefined || error === null) return null
  if (!(error instanceof ApiError)) return 'Something went wrong. Check your connection and try again.'
  const schemaCheck = error.type === 'invalid_data' && error.message.startsWith('Invalid ')
  if (!schemaCheck) return error.message
  const stray = error.details.find((problem) => !fields.includes(inputName(problem.field)))
  if (stray !== undefined) return `${inputName(stray.field)} ${stray.message}`
  return error.details.length > 0 ? null : error.message
}

/** What a page may show of an error, and all of it a server render may write into the page. */
export interface PublicError {
  type: string
  message: string
  requestId: string | null
}

/** The message of an error that is not the server's answer: its own message may name internals. */
export const UNKNOWN_ERROR_MESSAGE = 'Something went wrong on our side'

/**
 * The public part of any thrown value. An ApiError keeps its type, message and request id (the
 * server already wrote them for the client); so does one a server render serialized into the page
 * (an Error named ApiError carrying only those, see entry-server.tsx). Anything else, a TypeError
 * say, is only "something went wrong", with `requestId` (the page's) for reference.
 */
export function publicError(error: unknown, requestId: string | null = null): PublicError {
  if (error instanceof ApiError) return { type: error.type, message: error.message, requestId: error.requestId ?? requestId }
  if (error instanceof Error && error.name === 'ApiError') {
    const revived = error as Error & Partial<Record<'type' | 'requestId', unknown>>
    if (typeof revived.type === 'string') {
      return { type: revived.type, message: error.message, requestId: typeof revived.requestId === 'string' ? revived.requestId : requestId }
    }
  }
  return { type: 'unknown_error', message: UNKNOWN_ERROR_MESSAGE, requestId }
}
