import { Elysia, ValidationError } from 'elysia'
import { AppError, ERROR_STATUS, type ErrorType, type FieldProblem } from './errors'
import type { Logger } from './log'

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/

interface RequestMeta {
  id: string
  start: number
}

/** Per-request facts kept beside the Request, so every hook (including onError) sees them. */
const meta = new WeakMap<Request, RequestMeta>()

export function requestIdOf(request: Request): string {
  return meta.get(request)?.id ?? 'unknown'
}

export function errorBody(type: ErrorType, message: string, requestId: string, details?: unknown) {
  return { error: { type, message, ...(details === undefined ? {} : { details }), requestId } }
}

/** Elysia's validation failure as field problems: `body.email`, `query.limit`, ... */
function fieldProblems(error: Readonly<ValidationError>): FieldProblem[] {
  // Elysia checks coerced query/param scalars (numbers, booleans) on their own and reports them as
  // type 'property' without a path; such schemas name their field in `title` (see pageQuery).
  if (error.type === 'property') {
    const title = (error.validator as { title?: unknown } | undefined)?.title
    const field = typeof title === 'string' ? title : 'request'
    return error.all.map((e) => ({ field, message: e.summary ?? e.message }))
  }
  return error.all.map((e) => {
    const path = 'path' in e && typeof e.path === 'string' ? e.path.replace(/^\//, '').replaceAll('/', '.') : ''
    return { field: path === '' ? error.type : `${error.type}.${path}`, message: e.summary ?? e.message }
  })
}

/**
 * Request ids, the one error shape and the access log. Mounted first on the root app; it is
 * global so every plugin's routes share it.
 */
export function httpBasics(log: Logger) {
  return new Elysia({ name: 'http-basics' })
    .onRequest(({ request, set }) => {
      const given = request.headers.get('x-request-id')
      const id = given !== null && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID()
      meta.set(request, { id, start: performance.now() })
      set.headers['x-request-id'] = id
      log.debug('request start', { requestId: id, method: request.method, path: new URL(request.url).pathname })
    })
    .onError({ as: 'global' }, ({ code, error, request, path, set }) => {
      const requestId = requestIdOf(request)
      const errorResponse = (type: ErrorType, message: string, details?: unknown) => {
        set.status = ERROR_STATUS[type]
        return Response.json(errorBody(type, message, requestId, details), {
          status: ERROR_STATUS[type],
          headers: { 'x-request-id': requestId },
        })
      }
      if (error instanceof AppError) return errorResponse(error.type, error.message, error.details)
      switch (code) {
        case 'VALIDATION': {
          const details = fieldProblems(error)
          const summary = details.map((d) => d.field).join(', ')
          return errorResponse('invalid_data', `Invalid ${summary}`, details)
        }
        case 'PARSE':
          return errorResponse('invalid_data', 'The request body could not be parsed')
        case 'NOT_FOUND':
          return errorResponse('not_found', `No route for ${request.method} ${path}`)
        case 'INVALID_COOKIE_SIGNATURE':
          return errorResponse('invalid_data', 'A cookie has an invalid signature')
        default:
          log.error('unhandled error', { requestId, method: request.method, path, code, error })
          return errorResponse('unknown_error', 'Something went wrong on our side')
      }
    })
    .onAfterResponse({ as: 'global' }, ({ request, path, set }) => {
      const m = meta.get(request)
      const status = typeof set.status === 'number' ? set.status : 200
      log.info('request', {
        requestId: m?.id,
        method: request.method,
        path,
        status,
        ms: m === undefined ? undefined : Math.round((performance.now() - m.start) * 10) / 10,
      })
    })
}
