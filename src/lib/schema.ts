import { t } from 'elysia/type-system'

/**
 * `t.UnionEnum` without the default Elysia gives it (its first value, for error messages). That
 * default is applied to a missing optional field, so an optional filter or PATCH field would
 * silently become its first value (`?sort` absent -> `relevance`, a PATCH without `status` ->
 * `draft`). Use this for every enum a client may leave out.
 */
/**
 * The `Idempotency-Key` header of a request that may be retried safely (checkout, payments,
 * deposits, withdrawals). Other headers stay (the auth macro reads Authorization): Elysia would
 * strip what a closed object does not name.
 */
export const idempotencyHeaders = t.Object(
  { 'idempotency-key': t.String({ pattern: '^[A-Za-z0-9_-]{8,100}$', description: 'one per attempt (a UUID); a retry repeats it' }) },
  { additionalProperties: true },
)

export const enumOf = <const T extends readonly [string, ...string[]]>(values: T, options: { description?: string } = {}) =>
  t.UnionEnum(values, { ...options, default: undefined })
