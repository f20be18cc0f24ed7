import { t, type TSchema } from 'elysia'
import { AppError } from './errors'

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

/** Decodes a cursor made by encodeCursor with `arity` parts; anything else is a 400. */
export function decodeCursor(cursor: string, arity: number): Keyset {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = null
  }
  const valid =
    Array.isArray(value) &&
    value.length === arity &&
    value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  if (!valid) throw new AppError('invalid_data', 'The cursor is not valid', [{ field: 'query.cursor', message: 'not a cursor from this list' }])
  return value as Keyset
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
