import { t } from 'elysia'

/**
 * `t.UnionEnum` without the default Elysia gives it (its first value, for error messages). That
 * default is applied to a missing optional field, so an optional filter or PATCH field would
 * silently become its first value (`?sort` absent -> `relevance`, a PATCH without `status` ->
 * `draft`). Use this for every enum a client may leave out.
 */
export const enumOf = <const T extends readonly [string, ...string[]]>(values: T, options: { description?: string } = {}) =>
  t.UnionEnum(values, { ...options, default: undefined })
