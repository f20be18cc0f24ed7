import { AppError } from './errors'

/**
 * Characters Postgres cannot store in text or jsonb: U+0000 (22021 / 22P05), and UTF-16 halves
 * without their other half, which no UTF-8 encodes (drivers silently turn them into U+FFFD). With
 * the `u` flag a well-formed surrogate pair is one code point, so only a lone half matches `\p{Cs}`.
 */
const UNSTORABLE = /[\u0000\p{Cs}]/u

/** Deeper than any request shape of ours; past it a value is refused rather than walked. */
const MAX_DEPTH = 32

/** Whether Postgres can store `text` as it is. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text)

export const NOT_STORABLE = 'contains a character that cannot be stored (U+0000 or half a surrogate pair)'
/**
 * Keys that shadow how JavaScript turns a value into text: an object with its own `toString` (which
 * JSON can carry, as data) throws wherever it is printed, including Elysia's own validation message.
 */
const SHADOWING_KEYS = new Set(['toString', 'valueOf', 'toJSON'])
export const SHADOWING_KEY = 'has a field named toString, valueOf or toJSON'

/** A field of a request refused before any route sees it, and why. */
export interface RefusedField {
  field: string
  message: string
}

/**
 * The first value in `value` (walking plain objects and arrays, named by path: `body.tags.1`) that
 * no route may receive: text Postgres cannot store, or an object with a key in SHADOWING_KEYS. An
 * offending key is reported at its object. Files and other non-plain values are not text and are
 * left to their own checks. Null when all is well.
 */
export function findRefusedValue(value: unknown, path: string, depth = 0): RefusedField | null {
  if (typeof value === 'string') return isStorableText(value) ? null : { field: path, message: NOT_STORABLE }
  if (typeof value !== 'object' || value === null) return null
  if (depth > MAX_DEPTH) return { field: path, message: 'is nested too deeply' }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findRefusedValue(item, `${path}.${index}`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return null
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return { field: path, message: NOT_STORABLE }
    if (SHADOWING_KEYS.has(key)) return { field: path, message: SHADOWING_KEY }
    const found = findRefusedValue(item, `${path}.${key}`, depth + 1)
    if (found !== null) return found
  }
  return null
}

const refuse = ({ field, message }: RefusedField) => new AppError('invalid_data', `Invalid ${field}`, [{ field, message }])

/**
 * Throws a 400 naming the first path parameter, query parameter, cookie or body field of a request
 * that findRefusedValue refuses. Query parameters are read from the URL, so parameters a route
 * reads itself (`attr.*`) are covered as well as declared ones. A path parameter that is not
 * valid percent-encoded UTF-8 reaches routes as null, and is refused here too. Cookies are checked
 * as Elysia reads them (a cookie that looks like JSON is parsed).
 */
export function refuseBadInput(request: Request, params: Record<string, unknown> | undefined, cookies: Record<string, { value: unknown }>, body: unknown): void {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value !== 'string') throw refuse({ field: `params.${name}`, message: 'is not valid percent-encoded UTF-8' })
    if (!isStorableText(value)) throw refuse({ field: `params.${name}`, message: NOT_STORABLE })
  }
  const queryStart = request.url.indexOf('?')
  if (queryStart !== -1) {
    for (const [name, value] of new URLSearchParams(request.url.slice(queryStart + 1))) {
      if (!isStorableText(name) || !isStorableText(value)) throw refuse({ field: `query.${name}`, message: NOT_STORABLE })
    }
  }
  for (const [name, cookie] of Object.entries(cookies)) {
    const found = findRefusedValue(cookie.value, `cookie.${name}`)
    if (found !== null) throw refuse(found)
  }
  const found = findRefusedValue(body, 'body')
  if (found !== null) throw refuse(found)
}
