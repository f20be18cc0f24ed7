/**
 * The server's one error shape, `{ error: { type, message, details?, requestId } }`, as a thrown
 * value on the client. Plain TypeScript (no Solid) so `bun test` can exercise it.
 */

export interface FieldProblem {
  field: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly requestId: string | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && typeof (value as FieldProblem).field === 'string' && typeof (value as FieldProblem).message === 'string'
}

/** Builds an ApiError from a status and whatever body came back (tolerates non-JSON proxies). */
export function toApiError(status: number, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? (body as { error: unknown }).error : null
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>
    const details = Array.isArray(e.details) ? e.details.filter(isFieldProblem) : []
    return new ApiError(
      status,
      typeof e.type === 'string' ? e.type : 'unknown_error',
      typeof e.message === 'string' ? e.message : `Request failed (${status})`,
      details,
      typeof e.requestId === 'string' ? e.requestId : null,
    )
  }
  return new ApiError(status, status >= 500 ? 'unknown_error' : 'invalid_data', `Request failed (${status})`)
}

/**
 * Field problems keyed by input name: `body.email` -> `email`, so a form shows each message beside
 * the control it belongs to. Problems that name no form field are left for a toast.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const out: Record<string, string> = {}
  for (const problem of error.details) {
    const name = problem.field.replace(/^(body|query|params)\./, '')
    out[name] ??= problem.message
  }
  return out
}
