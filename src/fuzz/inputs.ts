// Input generators of the fuzz suites, driven by JSON Schema: the OpenAPI document's schemas for
// REST and the TypeBox schemas of the socket protocol (TypeBox schemas are JSON Schema), so a new
// route or message type is fuzzed without editing the suites.
import fc from 'fast-check'

/** The parts of JSON Schema the generators read (OpenAPI 3.1 schemas are JSON Schema). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minItems?: number
  maxItems?: number
  description?: string
}

/**
 * Fixed by default so a run is reproducible; `FUZZ_SEED` replays a run printed by a failure,
 * `FUZZ_RUNS` changes the cases per operation or message type.
 */
export const fuzzSettings = {
  seed: Number(process.env.FUZZ_SEED ?? 20_261_202),
  runs: (fallback: number) => Number(process.env.FUZZ_RUNS ?? fallback),
}

/** base64url of a string, or of a value's JSON (cursors, token parts). */
export const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** A request or frame short enough to read in a failure message. */
export const preview = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text)

/** Cursor-shaped garbage: base64url JSON of values no list ever encodes, and undecodable text. */
export const craftedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    [],
    [null, null],
    ['\u0000', 'prd_0'],
    ['not a date', 'prd_0'],
    ['2026-13-45T99:99:99Z', 'x'],
    ['9999999-01-01T00:00:00Z', 'x'],
    [1e308, 'x'],
    [-1, -1],
    [Number.MAX_SAFE_INTEGER + 2, 'x'],
    ['x'.repeat(300), 'y'],
    [{}, []],
    ['2026-01-01T00:00:00.000Z', '\ud800'],
    ['2026-01-01T00:00:00.000Z', 1.5, 'extra'],
    { createdAt: '2026-01-01T00:00:00.000Z', id: 'x' },
    'just a string',
    12,
    null,
  ).map(b64),
  fc.jsonValue({ maxDepth: 2 }).map(b64),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 30 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.double())).map(b64),
  fc.constantFrom('!!!', '%', '====', 'W10', '\u0000', 'eyJ', '.'.repeat(512), 'A'.repeat(513)),
)

/** Strings no field should ever choke on: control characters, lone surrogates, huge, injections. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u0001\u0007\u001b[31m\u007f',
    '\r\n\r\nX-Injected: 1',
    '\ud800',
    'x\udfffy',
    '\u202e\u200b\ufeff',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦',
    "' or 1=1 --",
    '"; drop table users; --',
    '../../../etc/passwd',
    '%00%ZZ%',
    '<script>alert(1)</script>',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '０１２',
    'null',
    'true',
    '{}',
    '[]',
    '__proto__',
  ),
  fc.constantFrom(10_000, 65_536).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
)

/** Numbers at and past every boundary a numeric field could have. */
const nastyNumber: fc.Arbitrary<number> = fc.constantFrom(
  0,
  -0,
  -1,
  1.5,
  -1e-9,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  -1e308,
  Number.MIN_VALUE,
)

/** A value of any JSON type but `schema`'s, or one past its bounds. */
export function badValue(schema: JsonSchema = {}, name = ''): fc.Arbitrary<unknown> {
  const types = typesOf(schema)
  const options: fc.Arbitrary<unknown>[] = [
    nastyString,
    nastyNumber,
    // Own keys shadowing Object.prototype: `{"toString":1}` cannot even be turned into a string.
    fc.constantFrom(null, true, false, [], {}, [null], { $gt: '' }, ...['{"__proto__":{"admin":true}}', '{"toString":1}', '[{"valueOf":{},"toString":"x"}]'].map((json) => JSON.parse(json) as unknown)),
    fc.jsonValue({ maxDepth: 3 }),
  ]
  if (types.includes('string')) {
    if (schema.maxLength !== undefined) options.push(fc.constant('x'.repeat(schema.maxLength + 1)))
    if (schema.minLength !== undefined && schema.minLength > 0) options.push(fc.constant('x'.repeat(schema.minLength - 1)))
    if (schema.pattern !== undefined || schema.format !== undefined) {
      // Almost valid: a valid value with a control character or a space around it.
      options.push(fc.tuple(validValue(schema), fc.constantFrom('\u0000', ' ', '\n', '%', '\ud800')).map(([v, c]) => `${String(v)}${c}`))
    }
    if (schema.enum !== undefined) options.push(fc.constantFrom('NOT_IN_ENUM', String(schema.enum[0]).toUpperCase()))
  }
  if (types.includes('integer') || types.includes('number')) {
    const bounds = [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].filter((b): b is number => b !== undefined)
    const around = bounds.flatMap((b) => [b - 1, b + 1, b + 0.5, String(b + 1), `${b}abc`])
    if (around.length > 0) options.push(fc.constantFrom(...around))
  }
  if (types.includes('array')) {
    options.push(fc.constant(Array.from({ length: (schema.maxItems ?? 1000) + 1 }, () => null)))
    if (schema.items !== undefined) options.push(badValue(schema.items).map((item) => [item]))
  }
  if (types.includes('object') && schema.properties !== undefined) options.push(badBody(schema))
  // A cursor is decoded by the list it pages, so crafted ones reach deeper than wrong types.
  if (/cursor/i.test(name) || /cursor/i.test(schema.description ?? '')) return fc.oneof({ weight: 3, arbitrary: craftedCursor }, { weight: 1, arbitrary: fc.oneof(...options) })
  return fc.oneof(...options)
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type]
  const members = schema.anyOf ?? schema.oneOf ?? []
  return members.flatMap(typesOf)
}

/** A value `schema` accepts, small; used to build "valid but for one field" inputs. */
export function validValue(schema: JsonSchema = {}): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum)
  const members = schema.anyOf ?? schema.oneOf
  if (members !== undefined && members.length > 0) {
    // TypeBox's coercible integers are `anyOf [string format integer, integer]` with bounds outside.
    const bounded = members.map((m) => ({ minimum: schema.minimum, maximum: schema.maximum, ...m }))
    return fc.oneof(...bounded.map(validValue))
  }
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => validValue({ ...schema, type })))
  switch (schema.type) {
    case 'string':
      return validString(schema)
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(Math.min(schema.maximum ?? 1000, 2 ** 31)) })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(validValue(schema.items), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) })
    case 'object':
      return validBody(schema)
    default:
      return fc.jsonValue({ maxDepth: 1 })
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<unknown> {
  const minLength = schema.minLength ?? 0
  const maxLength = schema.maxLength ?? 40
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength
  switch (schema.format) {
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? 0), max: Math.floor(Math.min(schema.maximum ?? 1000, 2 ** 31)) }).map(String)
    case 'uuid':
      return fc.uuid()
    case 'email':
      return fc.emailAddress().filter(fits)
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
    case 'uri':
      return fc.webUrl().filter(fits)
    case 'binary':
      return fc.constant('not really a file')
  }
  if (schema.pattern !== undefined) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
    } catch {
      // a pattern fast-check cannot invert: plain strings, which are then mostly invalid
    }
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 40)) })
}

function validBody(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const arbitraries = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, validValue(value)]))
  return fc.record(arbitraries, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) }) as fc.Arbitrary<Record<string, unknown>>
}

/**
 * An object for `schema` broken in one way: one field of a bad type or past its bounds, a required
 * field missing, or unknown fields (prototype keys among them) added.
 */
export function badBody(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(schema.properties ?? {})
  const base = validBody(schema)
  const variants: fc.Arbitrary<Record<string, unknown>>[] = [
    // fast-check's dictionaries and the spread keep `__proto__` an own key, as JSON.parse would.
    fc
      .tuple(base, fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'id', 'isAdmin', '\u0000', 'x'.repeat(300)), badValue(), { minKeys: 1, maxKeys: 3 }))
      .map(([body, extra]) => ({ ...body, ...extra })),
  ]
  if (keys.length > 0) {
    variants.push(
      fc.constantFrom(...keys).chain((key) => fc.tuple(base, fc.constant(key), badValue(schema.properties![key], key))).map(([body, key, value]) => ({ ...body, [key]: value })),
    )
  }
  const required = schema.required ?? []
  if (required.length > 0) {
    variants.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([body, key]) => {
        const { [key]: _dropped, ...rest } = body
        return rest
      }),
    )
  }
  return fc.oneof(...variants)
}
