import type { TObject } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { AppError, type FieldProblem } from './errors'

export interface StrictQueryRule {
  /** The route's query schema: its properties are the parameters it takes. */
  schema: TObject
  /** Also accept `<prefix><key>` parameters (e.g. `attr.` with `/^attr\.([a-z_]+)$/`); key group 1. */
  extra?: RegExp
}

/**
 * Reads a query string strictly: a parameter the route does not declare, or one given twice, is a
 * 400 naming it. Elysia only parses the parameters a schema declares and drops the rest silently,
 * which is how a client's `featured=true` can be ignored without anyone noticing. Returns the
 * `extra` parameters (key -> value).
 */
export function readStrictQuery(url: string, rule: StrictQueryRule): Record<string, string> {
  const params = new URL(url).searchParams
  const extras: Record<string, string> = {}
  const problems: FieldProblem[] = []
  const seen = new Set<string>()
  for (const [name, value] of params) {
    const field = `query.${name}`
    if (seen.has(name)) {
      problems.push({ field, message: 'is given more than once' })
      continue
    }
    seen.add(name)
    if (name in rule.schema.properties) continue
    const key = rule.extra?.exec(name)?.[1]
    if (key === undefined) problems.push({ field, message: 'is not a parameter of this list' })
    else if (value === '' || value.length > 100) problems.push({ field, message: 'must be 1 to 100 characters' })
    else extras[key] = value
  }
  if (problems.length > 0) throw new AppError('invalid_data', `Invalid ${problems.map((p) => p.field).join(', ')}`, problems)
  return extras
}

/** The `strictQuery` macro: `{ query: schema, strictQuery: { schema } }`; resolves `queryExtras`. */
export const strictQueryPlugin = new Elysia({ name: 'strict-query' }).macro({
  strictQuery: (rule: StrictQueryRule) => ({
    resolve: ({ request }) => ({ queryExtras: readStrictQuery(request.url, rule) }),
  }),
})
