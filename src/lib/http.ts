import { Elysia, ValidationError } from 'elysia'
import { isDataException, pgErrorOf } from '../db/errors'
import { compressAnswer } from './compression'
import { AppError, ERROR_STATUS, type ErrorDetails, type ErrorType, type FieldProblem } from './errors'
import { refuseBadInput } from './input'
import type { Logger } from './log'
import type { Metrics } from './metrics'

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

/**
 * A file downloaded by the one person it was made for (an export, an invoice): an attachment that
 * no cache keeps, shared or the browser's, and that the browser never sniffs as another type.
 */
export function privateDownload(body: BodyInit, file: { contentType: string; fileName: string }): Response {
  return new Response(body, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}

export function errorBody(type: ErrorType, message: string, requestId: string, details?: ErrorDetails) {
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

export interface HttpBasicsOptions {
  /** A request slower than this logs its access line at warn, marked `slow` (default 500). */
  slowRequestMs?: number
  /** Where each request's duration is recorded, by method, route pattern and status. */
  metrics?: Pick<Metrics, 'request'>
}

/** The route label of a request no route matched (its raw path would make a label per URL). */
const UNMATCHED = 'unmatched'

/**
 * Request ids, the one error shape, compression of text answers (src/lib/compression.ts), the
 * access log and request metrics. Mounted first on the root app; it is global so every plugin's
 * routes share it.
 */
export function httpBasics(log: Logger, { slowRequestMs = 500, metrics }: HttpBasicsOptions = {}) {
  return new Elysia({ name: 'http-basics' })
    .onRequest(({ request, set }) => {
      const given = request.headers.get('x-request-id')
      const id = given !== null && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID()
      meta.set(request, { id, start: performance.now() })
      set.headers['x-request-id'] = id
      log.debug('request start', { requestId: id, method: request.method, path: new URL(request.url).pathname })
    })
    // Before validation, on every route: text Postgres cannot store is refused by name here, once,
    // instead of failing as a 500 in whichever query first receives it.
    .onTransform({ as: 'global' }, ({ request, params, cookie, body }) => refuseBadInput(request, params, cookie, body))
    .onError({ as: 'global' }, ({ code, error, request, path, set }) => {
      const requestId = requestIdOf(request)
      const errorResponse = (type: ErrorType, message: string, details?: ErrorDetails) => {
        set.status = ERROR_STATUS[type]
        // A 429 says when to come back in the standard header too (rateLimitedError puts it in details).
        const retryAfter = type === 'rate_limited' && details !== undefined && 'retryAfter' in details ? details.retryAfter : undefined
        return Response.json(errorBody(type, message, requestId, details), {
          status: ERROR_STATUS[type],
          headers: { 'x-request-id': requestId, ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) },
        })
      }
      if (error instanceof AppError) return errorResponse(error.type, error.message, error.details)
      // Elysia wraps what a route's parse hook throws (a body refused before it is read).
      if (code === 'PARSE' && error.cause instanceof AppError) return errorResponse(error.cause.type, error.cause.message, error.cause.details)
      // A value a check missed, refused by Postgres: the client's error, not ours. The code says
      // which check is missing; the values stay out of the log.
      const pg = pgErrorOf(error)
      if (pg !== null && isDataException(pg)) {
        log.warn('database refused a value', { requestId, method: request.method, path, code: pg.code })
        return errorResponse('invalid_data', 'A value in the request cannot be used')
      }
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
    .mapResponse({ as: 'global' }, compressAnswer)
    .onAfterResponse({ as: 'global' }, (context) => {
      const { request, path, set, responseValue } = context
      const m = meta.get(request)
      // A handler that answers a Response (a rendered page, /metrics) sets its status there.
      const status = responseValue instanceof Response ? responseValue.status : typeof set.status === 'number' ? set.status : 200
      const ms = m === undefined ? 0 : performance.now() - m.start
      // Elysia's route pattern (`/api/v1/products/:id`); empty when no route matched.
      const route = context.route || UNMATCHED
      metrics?.request(request.method, route, status, ms / 1000)
      // The auth macros resolve `user` (required) or `viewer` (optional) onto the context.
      const { user, viewer } = context as { user?: { id: string } | null; viewer?: { id: string } | null }
      const fields = { requestId: m?.id, userId: (user ?? viewer)?.id, method: request.method, path, route, status, ms: Math.round(ms * 10) / 10 }
      if (ms > slowRequestMs) log.warn('request', { ...fields, slow: true })
      else log.info('request', fields)
    })
}
