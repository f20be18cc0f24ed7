import { toOpenAPISchema } from '@elysiajs/openapi/openapi'
import { ScalarRender } from '@elysiajs/openapi/scalar'
import type { AnyElysia } from 'elysia'

/**
 * Marks a route as meant for API users or machines only, with the reason: spread into its
 * `detail`. The OpenAPI document shows the mark (`x-api-only`), and the integration report
 * (scripts/report.ts) counts the route as deliberately reached by no screen.
 */
export function apiOnly(reason: string) {
  return { 'x-api-only': reason }
}

type Response = { description: string; content?: Record<string, unknown> }
type Operation = {
  security?: unknown[]
  requestBody?: { content: Record<string, unknown> }
  responses?: Record<string, Response>
  'x-file-response'?: Response
}

/**
 * The success answer of a route that answers file bytes (an image, a CSV): spread into its
 * `detail`. Elysia cannot describe a binary answer from a schema, so the document gets it from here.
 */
export function fileResponse(description: string, mediaTypes: string[]) {
  const binary = { schema: { type: 'string', format: 'binary' } }
  return { 'x-file-response': { description, content: Object.fromEntries(mediaTypes.map((type) => [type, binary])) } }
}

type Document = { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> }

export interface ApiDocsOptions {
  info: { title: string; version: string; description: string }
  /** Where the API is reached (PUBLIC_URL). */
  serverUrl: string
  securitySchemes: Record<string, unknown>
  /** Path items the routes cannot describe themselves (the socket upgrade). */
  paths: Record<string, Record<string, unknown>>
}

/** The 415 answer, in the error shape the operation's other errors are documented with. */
function unsupportedMediaType(operation: Operation): Response {
  const documented = Object.entries(operation.responses ?? {}).find(([status]) => status.startsWith('4'))?.[1]
  return { description: 'The body was not sent as application/json', ...(documented?.content === undefined ? {} : { content: documented.content }) }
}

type BodySchema = { schema?: { properties?: Record<string, Record<string, unknown>> } }

/** A request body's media types with their properties copied without `elysiaMeta` (the route's own schema objects stay as they are: Elysia reads the mark). */
function withoutElysiaMeta(content: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(content as Record<string, BodySchema>).map(([type, media]) => {
      const properties = media.schema?.properties
      if (properties === undefined || !Object.values(properties).some((property) => 'elysiaMeta' in property)) return [type, media]
      const cleaned = Object.fromEntries(Object.entries(properties).map(([name, { elysiaMeta: _, ...property }]) => [name, property]))
      return [type, { ...media, schema: { ...media.schema, properties: cleaned } }]
    }),
  )
}

/**
 * What @elysiajs/openapi emits, made valid for standard tools: a public operation declares
 * `security: []` (none is required) instead of nothing, a file answer gets its `fileResponse`, a
 * body-less answer (`t.Undefined()`, emitted as `content: { type: 'undefined' }`, which is not a
 * media type) has no content, a JSON body is documented as JSON only, with its 415, and a batch of
 * files (`t.Files`) loses the mark Elysia leaves in its schema (`elysiaMeta`, unknown to OpenAPI).
 */
function finish(operations: Operation[]): void {
  for (const operation of operations) {
    operation.security ??= []
    if (operation['x-file-response'] !== undefined) {
      operation.responses = { 200: operation['x-file-response'], ...operation.responses }
      delete operation['x-file-response']
    }
    for (const response of Object.values(operation.responses ?? {})) {
      if (typeof response.content?.type === 'string') delete response.content
    }
    if (operation.requestBody !== undefined) operation.requestBody.content = withoutElysiaMeta(operation.requestBody.content)
    // bodyGuard (body-guard.ts) takes a JSON body as JSON only, and answers 415 to anything else.
    const json = operation.requestBody?.content['application/json']
    if (json !== undefined) {
      operation.requestBody!.content = { 'application/json': json }
      operation.responses = { ...operation.responses, 415: unsupportedMediaType(operation) }
    }
  }
}

/**
 * The OpenAPI 3.1 document at /api/docs/json and its reference page at /api/docs, built from the
 * routes of the whole app on first request (mounted as a functional plugin, it sees routes added
 * after it). The socket is described in `paths` as the GET it is; Elysia's own WS route is left out.
 */
export function apiDocs(options: ApiDocsOptions) {
  return <T extends AnyElysia>(app: T): T => {
    let cached: { routes: number; document: Document } | null = null
    const document = (): Document => {
      if (cached?.routes === app.routes.length) return cached.document
      // Dotted paths (`export.csv`) are routes here, not static files.
      const { paths, components } = toOpenAPISchema(app, { staticFile: false, methods: ['options', 'ws'], paths: ['/api/docs', '/api/docs/json'] }) as unknown as Document
      finish(Object.values(paths).flatMap((item) => Object.values(item)))
      const built: Document = {
        openapi: '3.1.2',
        info: options.info,
        servers: [{ url: options.serverUrl }],
        paths: { ...paths, ...options.paths },
        components: { ...components, securitySchemes: options.securitySchemes },
      } as Document
      cached = { routes: app.routes.length, document: built }
      return built
    }
    const page = ScalarRender(options.info, { url: '/api/docs/json', version: 'latest', _integration: 'elysiajs' } as never)
    app.get('/api/docs/json', () => document(), { detail: { hide: true } })
    app.get('/api/docs', () => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } }), { detail: { hide: true } })
    return app
  }
}
