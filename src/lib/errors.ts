import { t } from 'elysia'

/** The closed set of error types a client can see, each with its HTTP status. */
export const ERROR_STATUS = {
  invalid_data: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  length_required: 411,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  unknown_error: 500,
  not_ready: 503,
} as const

export type ErrorType = keyof typeof ERROR_STATUS

/** One field-level problem, as listed in `details` of an invalid_data error. */
export interface FieldProblem {
  field: string
  message: string
}

/** The only error services throw; `onError` maps it to the standard body. */
export class AppError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }

  get status(): number {
    return ERROR_STATUS[this.type]
  }
}

/**
 * The body every error answer has (built by `errorBody` in http.ts), as a schema: routes list it
 * under each error status they can answer, so OpenAPI and the typed client see it.
 */
export const ErrorResponse = t.Object(
  {
    error: t.Object({
      type: t.UnionEnum(Object.keys(ERROR_STATUS) as [ErrorType, ...ErrorType[]]),
      message: t.String(),
      details: t.Optional(t.Unknown()),
      requestId: t.String(),
    }),
  },
  { description: 'The error shape shared by every route' },
)
