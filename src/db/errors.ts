/** What a Postgres error says, read the same way on postgres.js and PGlite. */
export interface PgError {
  /** SQLSTATE, e.g. 23505 unique_violation, 23503 foreign_key_violation. */
  code: string
  constraint: string | null
  table: string | null
}

/**
 * The Postgres error inside `error`, or null. Drizzle wraps the driver's error as `cause`;
 * postgres.js names the constraint `constraint_name` (the table `table_name`), PGlite `constraint`
 * (`table`).
 */
export function pgErrorOf(error: unknown): PgError | null {
  let e = error
  for (let depth = 0; depth < 3 && typeof e === 'object' && e !== null; depth++) {
    const { code, constraint_name, constraint, table_name, table } = e as Record<string, unknown>
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const name = constraint_name ?? constraint
      const relation = table_name ?? table
      return { code, constraint: typeof name === 'string' ? name : null, table: typeof relation === 'string' ? relation : null }
    }
    e = (e as { cause?: unknown }).cause
  }
  return null
}

export const UNIQUE_VIOLATION = '23505'
export const FOREIGN_KEY_VIOLATION = '23503'

/**
 * SQLSTATE class 22, data exception: Postgres refused a value itself (22P02 bad text for a type,
 * 22003 out of range, 22007/22008 dates, 22021/22P05 characters it cannot store). The request
 * carried the value, so it is the client's error, whatever check let it through.
 */
export const isDataException = (error: PgError): boolean => error.code.startsWith('22')

/**
 * What an error may tell a person (a job's owner, its log): its message, unless it comes from a
 * query. Drizzle's message lists the query's parameter values and Postgres quotes values in some
 * of its own, so a database error is named by its SQLSTATE only.
 */
export function publicMessageOf(error: unknown): string {
  const pg = pgErrorOf(error)
  const fromQuery = pg !== null || (typeof error === 'object' && error !== null && typeof (error as { query?: unknown }).query === 'string')
  if (fromQuery) return pg === null ? 'A database query failed' : `A database query failed (SQLSTATE ${pg.code})`
  return error instanceof Error ? error.message : String(error)
}
