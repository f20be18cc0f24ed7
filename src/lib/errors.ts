// Browser-safe: `t` from 'elysia/type-system' and no server-only import, so the web client reads
// error details through these same types (web/src/lib/errors.ts).
import { t } from 'elysia/type-system'

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
  /** Well-formed, but refused as it stands: an Idempotency-Key reused for another request. */
  unprocessable: 422,
  rate_limited: 429,
  unknown_error: 500,
  not_ready: 503,
} as const

export type ErrorType = keyof typeof ERROR_STATUS

/** One field-level problem, as listed in `details` of an invalid_data error. */
export const FieldProblem = t.Object({
  field: t.String({ description: 'where the input is: `body.email`, `query.limit`, ...' }),
  message: t.String(),
})
export type FieldProblem = typeof FieldProblem.static

/** The machine-readable causes an error may name in `details.reason`, for a client to act on. */
export const ERROR_REASONS = [
  'email_not_verified',
  'idempotency_key_reused',
  'bad_signature',
  'stale_signature',
  'insufficient_funds',
  'already_posted',
  'already_voided',
  'dispute_open',
  'already_paid',
  'listing_limit',
  'account_suspended',
  'own_account',
  'last_admin',
] as const
export type ErrorReason = (typeof ERROR_REASONS)[number]

export const RateLimitDetails = t.Object(
  { retryAfter: t.Integer({ minimum: 1, description: 'whole seconds; also sent as Retry-After' }) },
  { description: 'rate_limited: when to try again' },
)
export type RateLimitDetails = typeof RateLimitDetails.static

// Without a default: t.UnionEnum would document its first value as one.
export const ReasonDetails = t.Object(
  { reason: t.UnionEnum(ERROR_REASONS, { default: undefined }) },
  { description: 'why, where the type alone does not say (403 email_not_verified on sign-in, 422 idempotency_key_reused on checkout, 401 bad_signature or stale_signature on a payment webhook)' },
)
export type ReasonDetails = typeof ReasonDetails.static

/** The kinds of thing that stop a checkout (its quote lists them; a refused placement names them). */
export const CHECKOUT_PROBLEM_KINDS = ['not_for_sale', 'short', 'no_shipping_choice', 'no_shipping_option', 'currency_mismatch', 'own_product', 'too_large', 'empty', 'no_address'] as const

export const CheckoutProblem = t.Object({
  kind: t.UnionEnum(CHECKOUT_PROBLEM_KINDS, { default: undefined }),
  message: t.String(),
  productId: t.Optional(t.String()),
  vendorId: t.Optional(t.String()),
  available: t.Optional(t.Integer({ minimum: 0, description: 'how many are left (short, not_for_sale)' })),
})
export type CheckoutProblem = typeof CheckoutProblem.static

/**
 * Every shape `details` takes, declared once: a new kind of detail is added here, so the error
 * body's schema (OpenAPI), the services that throw and the web client all see it.
 */
export const ErrorDetails = t.Union([
  t.Array(FieldProblem, { description: 'what is wrong with which input (invalid_data, a taken unique value, a body too large, ...)' }),
  RateLimitDetails,
  t.Object(
    {
      reason: t.Literal('account_suspended'),
      suspendedUntil: t.Union([t.String({ format: 'date-time' }), t.Null()], { description: 'when it lapses by itself; null: until an admin lifts it' }),
      suspensionReason: t.String(),
    },
    { description: 'forbidden: the account is suspended (on sign-in), until when and why' },
  ),
  ReasonDetails,
  t.Object(
    { status: t.String(), step: t.Optional(t.String()) },
    { description: 'conflict: the status of the product, shop or transaction that refused the change (and the step asked for)' },
  ),
  t.Object({ max: t.Integer() }, { description: 'conflict: the most a product may have (photos, videos)' }),
  t.Object({ available: t.Integer() }, { description: 'conflict: how many of the product a cart may hold now (its stock, at most 999)' }),
  t.Object({ subcategories: t.Integer() }, { description: 'conflict: a category with subcategories cannot be deleted' }),
  t.Object({ products: t.Integer() }, { description: 'conflict: a category with products cannot be deleted' }),
  t.Object({ problems: t.Array(CheckoutProblem) }, { description: 'conflict: what stops a checkout (items sold out meanwhile, a missing delivery choice, ...)' }),
  t.Object({ creditsLeft: t.Integer() }, { description: 'conflict: the boost credits a shop has left (a boost takes one a day)' }),
  t.Object({ featuredSlots: t.Integer(), featuredNow: t.Integer() }, { description: 'conflict: the featured slots of a shop’s plan, and how many of its listings are featured now' }),
])
export type ErrorDetails = typeof ErrorDetails.static

/** The only error services throw; `onError` maps it to the standard body. */
export class AppError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly details?: ErrorDetails,
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
      details: t.Optional(ErrorDetails),
      requestId: t.String(),
    }),
  },
  { description: 'The error shape shared by every route' },
)
