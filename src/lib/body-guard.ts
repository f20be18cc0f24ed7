import { type AnyElysia, Elysia } from 'elysia'
import { AppError, ErrorResponse } from './errors'

/**
 * Request bodies are checked from their headers: the media type against the route's body schema
 * (every route, see `bodyGuard`), and on upload routes, before a byte of the body is read, the
 * type and the declared length against the route's own limit (the `upload` macro). Bun reads any
 * body up to the server-wide MAX_REQUEST_BODY (src/app.ts); without this an upload route would
 * buffer that much before refusing a file over its 5 MB, and wait forever for a body that a
 * Content-Length promised and never sent.
 */

type BodyMediaType = 'application/json' | 'multipart/form-data' | 'application/x-www-form-urlencoded'

/** Room for the multipart boundaries, part headers and small fields around an uploaded file. */
const MULTIPART_OVERHEAD = 64 * 1024

const MEGABYTE = 1024 * 1024

/**
 * The largest JSON body any route takes: ample for a listing with its description and attributes
 * (the largest JSON bodies), small enough that a JSON body is never buffered and parsed by the
 * megabyte. Refused from its Content-Length, before routing.
 */
export const MAX_JSON_BYTES = MEGABYTE

/** Elysia's `t.File` and `t.Files` are strings of format binary (as OpenAPI names file parts). */
function isFile(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false
  const { format, items } = schema as { format?: unknown; items?: unknown }
  return format === 'binary' || isFile(items)
}

const propertiesOf = (schema: unknown): [string, unknown][] =>
  typeof schema === 'object' && schema !== null ? Object.entries((schema as { properties?: Record<string, unknown> }).properties ?? {}) : []

/** Elysia's names for the URL-encoded form parser, as a route's `parse` option takes them. */
const URLENCODED_PARSERS = new Set(['urlencoded', 'application/x-www-form-urlencoded'])

/** Whether a route's parse hooks (`{ parse: 'urlencoded' }`, stored as `[{ fn: 'urlencoded' }]`) name the form parser. */
function parsesUrlencoded(parse: unknown): boolean {
  const hooks = Array.isArray(parse) ? parse : [parse]
  return hooks.some((hook) => URLENCODED_PARSERS.has(typeof hook === 'object' && hook !== null ? (hook as { fn?: unknown }).fn : hook))
}

/**
 * The media type a body schema is sent as: a multipart form when a field is a file, a URL-encoded
 * form when the route declares Elysia's `parse: 'urlencoded'` (a plain HTML form, as the sandbox
 * payment page posts), JSON otherwise; null without a schema.
 */
export function bodyMediaType(schema: unknown, parse?: unknown): BodyMediaType | null {
  if (schema === undefined || schema === null) return null
  if (propertiesOf(schema).some(([, property]) => isFile(property))) return 'multipart/form-data'
  return parsesUrlencoded(parse) ? 'application/x-www-form-urlencoded' : 'application/json'
}

/** Bun gives a request without a body a null one; a Request built in-process may declare it empty instead. */
const hasBody = (request: Request) => request.body !== null && request.headers.get('content-length') !== '0'

/** Whether `header` names `expected`, with no parameter but a UTF-8 charset (and a form's boundary). */
function accepts(expected: BodyMediaType, header: string): boolean {
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase())
  if (type !== expected) return false
  return parameters.filter((parameter) => parameter !== '').every((parameter) => {
    const [name, value] = parameter.split('=').map((part) => part.trim())
    return expected === 'multipart/form-data' ? name === 'boundary' || name === 'charset' : name === 'charset' && (value === 'utf-8' || value === '"utf-8"')
  })
}

/**
 * The media type check of every route with a body schema: anything but the type its schema is
 * sent as is a 415, so a `text/plain` or XML body is not taken for something else (XML used to
 * pass as an empty form, a successful no-op change). A request with no body and no type is left
 * to the schema, which says whether the body may be left out.
 *
 * It runs as a transform, once Elysia has parsed the body by its declared type: a parse hook would
 * run before, but any function among a route's parse hooks hides its body from the OpenAPI
 * document. Upload routes, whose bodies must not be read before the check, check it themselves
 * (`upload`). Mount it on the root app, before the routes: it reads the routes' schemas from the
 * app it is mounted on, on first use (routes are all added by then; counting them keeps it right).
 */
export function bodyGuard<T extends AnyElysia>(app: T): T {
  let routeCount = -1
  const expected = new Map<string, BodyMediaType>()
  const expectedOf = (method: string, route: string) => {
    if (app.routes.length !== routeCount) {
      expected.clear()
      for (const declared of app.routes) {
        const type = bodyMediaType(declared.hooks.body, declared.hooks.parse)
        if (type !== null) expected.set(`${declared.method} ${declared.path}`, type)
      }
      routeCount = app.routes.length
    }
    return expected.get(`${method} ${route}`) ?? null
  }
  app.onRequest(({ request }) => {
    const declared = Number(request.headers.get('content-length') ?? 0)
    if (declared > MAX_JSON_BYTES && (request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      throw new AppError('payload_too_large', `A JSON body is at most ${MAX_JSON_BYTES / MEGABYTE} MB`, [{ field: 'body', message: 'is too large' }])
    }
  })
  app.onTransform({ as: 'global' }, ({ request, route }) => {
    const type = expectedOf(request.method, route)
    if (type !== null) refuseOtherMediaType(request, type)
  })
  return app
}

function refuseOtherMediaType(request: Request, type: BodyMediaType): void {
  const header = request.headers.get('content-type')
  if (header === null ? !hasBody(request) : accepts(type, header)) return
  throw new AppError('unsupported_media_type', `This route takes ${type}`, [{ field: 'body', message: `must be sent as ${type}` }])
}

/**
 * The `upload` macro: `{ body: t.Object({ file: t.File(...) }), upload: 5 * MEGABYTE }` declares
 * the largest file a multipart route takes. Checked from the headers before the body is read: not
 * a form is a 415, a declared length over the limit (with room for the form around the file) a
 * 413, a chunked body, whose size is known only once it is read, a 411 (browsers and HTTP clients
 * send a Content-Length with every form).
 */
export const uploadGuard = new Elysia({ name: 'upload-guard' }).macro({
  upload: (maxFileBytes: number) => {
    let field = 'body'
    const refuseUnfit = ({ request }: { request: Request }) => {
      refuseOtherMediaType(request, 'multipart/form-data')
      const declared = request.headers.get('content-length')
      // Over HTTP/1.1 a body comes with a length or chunked; a Request built in-process (tests,
      // server-side calls) may have neither, and is the app's own.
      if (request.headers.has('transfer-encoding') || (declared !== null && !/^\d+$/.test(declared))) {
        throw new AppError('length_required', 'Send the upload with a Content-Length (chunked uploads are refused)')
      }
      if (declared !== null && Number(declared) > maxFileBytes + MULTIPART_OVERHEAD) {
        const limit = `${maxFileBytes / MEGABYTE} MB`
        throw new AppError('payload_too_large', `The file is larger than ${limit}`, [{ field, message: `must be at most ${limit}` }])
      }
    }
    return {
      response: { 411: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
      // The route's options, schema included: the 413 names the file field as the route's own checks do.
      introspect(options: unknown) {
        const file = propertiesOf((options as { body?: unknown }).body).find(([, property]) => isFile(property))
        if (file !== undefined) field = `body.${file[0]}`
      },
      // The check, then the form parser by name, so the OpenAPI document says multipart/form-data.
      // A route's own `parse` takes names; a macro's is typed for functions only, but applies the same.
      parse: [refuseUnfit, 'formdata' as unknown as typeof refuseUnfit],
    }
  },
})
