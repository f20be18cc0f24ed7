import type { LogLevel } from '../config'
import { pgErrorOf } from '../db/errors'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

/**
 * Structured JSON lines on stdout, one object a line. Hand-written rather than pino: it is
 * twenty lines, synchronous (no worker thread under Bun) and has no dependency.
 */
export function createLogger(
  level: LogLevel,
  base: LogFields = {},
  write: (line: string) => void = (line) => void process.stdout.write(line),
): Logger {
  const min = RANK[level]
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < min) return
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }, errorReplacer)}\n`)
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? errorFields(value, 0) : value
}

/** How many `cause`s deep an error is logged. */
const MAX_CAUSES = 3

/**
 * An error as log fields, its causes included. A database error (a failed query from Drizzle or
 * a driver, or Postgres's own) is logged by its code, constraint, table and SQL text, without its
 * message: Drizzle lists the query's parameter values in its message, Postgres quotes values in
 * some of its own (`invalid input syntax for type integer: "..."`), and values are personal data.
 */
function errorFields(error: Error, depth: number): LogFields {
  const { query, code, cause } = error as { query?: unknown; code?: unknown; cause?: unknown }
  const pg = pgErrorOf(error)
  const causeFields = cause instanceof Error && depth < MAX_CAUSES ? { cause: errorFields(cause, depth + 1) } : {}
  const fromDatabase = typeof query === 'string' || (pg !== null && pg.code === code)
  if (!fromDatabase) return { name: error.name, message: error.message, stack: error.stack, ...causeFields }
  // The first stack line repeats the message; only the frames are kept.
  const stack = error.stack?.split('\n').filter((line) => /^\s+at /.test(line)).join('\n')
  const sql = typeof query === 'string' ? query : undefined
  // Postgres's error, wherever it sits in the chain, is summed up here; a cause that is not one
  // (a lost connection under Drizzle's wrapper) is logged as itself.
  if (pg === null) return { name: error.name, sql, stack, ...causeFields }
  return { name: error.name, code: pg.code, constraint: pg.constraint ?? undefined, table: pg.table ?? undefined, sql, stack }
}
