import { t, type TSchema } from 'elysia'
import { AppError } from './errors'
import type { IdPrefix } from './ids'
import { isStorableText } from './input'

export const DEFAULT_LIMIT = 20
export const MAX_LIMIT = 100

/** Query parameters of every cursor-paged list; spread into a route's query schema. */
export const pageQuery = {
  cursor: t.Optional(t.String({ maxLength: 512, description: 'opaque cursor from a previous page' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, title: 'query.limit' })),
}

/** The `{ items, nextCursor }` envelope of a page of `item`. */
export const pageOf = <T extends TSchema>(item: T) =>
  t.Object({ items: t.Array(item), nextCursor: t.Union([t.String(), t.Null()]) })

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** A keyset position: the sort values of the last item seen, e.g. `[createdAt, id]`. */
export type Keyset = (string | number)[]

export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/**
 * One part of a cursor: how its JSON value is read back, undefined when it is not one this list
 * made. A cursor is the client's to send, so each part is checked for its kind before any query
 * sees it (Postgres refuses what does not fit its column, which would be a 500).
 */
export type CursorPart<T> = (value: unknown) => T | undefined

/** `toISOString()` output, the only form a cursor of ours holds times in (years 1970 to 9999). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const INT4_MAX = 2_147_483_647

/** The kinds of cursor parts; a list names its parts in order, e.g. `[cursorPart.time, cursorPart.id('prd')]`. */
export const cursorPart = {
  /** A point in time, as written by `toISOString()`. */
  time: ((value) => {
    if (typeof value !== 'string' || !ISO_TIME.test(value)) return undefined
    const at = new Date(value)
    return at.getTime() >= 0 && at.toISOString() === value ? at : undefined
  }) satisfies CursorPart<Date>,
  /** An id with this prefix (see ids.ts). */
  id: (prefix: IdPrefix): CursorPart<string> => {
    const shape = new RegExp(`^${prefix}_[0-9a-f]{32}$`)
    return (value) => (typeof value === 'string' && shape.test(value) ? value : undefined)
  },
  /** A whole number in `min..max` (default: a non-negative Postgres integer). */
  integer:
    (min = 0, max = INT4_MAX): CursorPart<number> =>
    (value) =>
      Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : undefined,
  /** Text a row holds (a name), at most `maxLength` characters, storable by Postgres. */
  text:
    (maxLength: number): CursorPart<string> =>
    (value) =>
      typeof value === 'string' && value.length <= maxLength && isStorableText(value) ? value : undefined,
  /** One of a closed set of names (a sort order). */
  oneOf:
    <const S extends string>(names: readonly S[]): CursorPart<S> =>
    (value) =>
      names.includes(value as S) ? (value as S) : undefined,
}

type PartValues<P extends readonly CursorPart<unknown>[]> = { -readonly [K in keyof P]: P[K] extends CursorPart<infer T> ? T : never }

/**
 * Decodes a cursor made by encodeCursor from a position of these parts, each checked for its
 * kind; anything else (forged, truncated, another list's, a value out of range) is a 400 naming
 * `query.cursor`.
 */
export function decodeCursor<const P extends readonly CursorPart<unknown>[]>(cursor: string, parts: P): PartValues<P> {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = null
  }
  const decoded = Array.isArray(value) && value.length === parts.length ? parts.map((read, i) => read(value[i])) : null
  if (decoded === null || decoded.includes(undefined)) {
    throw new AppError('invalid_data', 'The cursor is not valid', [{ field: 'query.cursor', message: 'not a cursor from this list' }])
  }
  return decoded as PartValues<P>
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says another page exists,
 * and the cursor points after the last returned row.
 */
export function toPage<Row, Item = Row>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => Keyset,
  toItem: (row: Row) => Item = (row) => row as unknown as Item,
): Page<Item> {
  const hasMore = rows.length > limit
  const kept = hasMore ? rows.slice(0, limit) : rows
  const last = kept.at(-1)
  return { items: kept.map(toItem), nextCursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null }
}

/** A `[time, id]` keyset cursor of a list ordered by a timestamp then id, or null for the first page. */
export function decodeTimeCursor(cursor: string | undefined, idPrefix: IdPrefix): { time: Date; id: string } | null {
  if (cursor === undefined) return null
  const [time, id] = decodeCursor(cursor, [cursorPart.time, cursorPart.id(idPrefix)])
  return { time, id }
}
