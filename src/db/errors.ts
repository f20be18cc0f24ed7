/** What a Postgres error says, read the same way on postgres.js and PGlite. */
export interface PgError {
  /** SQLSTATE, e.g. 23505 unique_violation, 23503 foreign_key_violation. */
  code: string
  constraint: string | null
}

/**
 * The Postgres error inside `error`, or null. Drizzle wraps the driver's error as `cause`;
 * postgres.js names the constraint `constraint_name`, PGlite `constraint`.
 */
export function pgErrorOf(error: unknown): PgError | null {
  let e = error
  for (let depth = 0; depth < 3 && typeof e === 'object' && e !== null; depth++) {
    const { code, constraint_name, constraint } = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const name = constraint_name ?? constraint
      return { code, constraint: typeof name === 'string' ? name : null }
    }
    e = (e as { cause?: unknown }).cause
  }
  return null
}

export const UNIQUE_VIOLATION = '23505'
export const FOREIGN_KEY_VIOLATION = '23503'
