import { AppError, type ErrorType } from '../../lib/errors'
import type { Connection } from '../connection'
import type { ErrorCode } from '../protocol'

/** The socket code of each refusal a chat service may throw; anything else is a server error. */
const CODES: Partial<Record<ErrorType, ErrorCode>> = {
  invalid_data: 'BadMessage',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'NotFound',
  conflict: 'Conflict',
  rate_limited: 'RateLimited',
}

/**
 * Runs a chat handler's work, answering a service's refusal (AppError) as an `error` frame with
 * its message, as REST answers it with a status. Other errors go on to the gateway (`Internal`).
 */
export async function answering(conn: Connection, ref: string | undefined, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    const code = error instanceof AppError ? CODES[error.type] : undefined
    if (code === undefined) throw error
    conn.fail(code, (error as AppError).message, ref)
  }
}
