// The integration report: which client code reaches each REST route and handles each socket event,
// derived from the code, written to docs/integration.md. `bun run report` writes it; the test suite
// (and `bun run report --check`) fails when the committed file is stale or lists a problem.
//
// What counts as reaching a route: a typed-client call (`api().api.v1.products({ slug }).get()`) or
// a URL literal (`/api/v1/imports/products/template.csv`) in web/src; or a deliberate mark on the
// route, `detail: { 'x-api-only': 'reason' }`, for routes meant for API users or machines only.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const ROOT = join(import.meta.dir, '..')
export const REPORT_PATH = join(ROOT, 'docs', 'integration.md')
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

export interface RouteInfo {
  method: string
  path: string
  /** `public`, `signed-in`, or the roles allowed (`vendor`, `admin`...). */
  auth: string
  inOpenApi: boolean
  apiOnly: string | null
}

interface CallSite {
  method: string
  /** `/api/v1/products/:/images` — parameters are bare `:` so names need not agree. */
  shape: string
  where: string
}

function filesUnder(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

const sources = new Map<string, ts.SourceFile>()

/** A file parsed once per run: call sites, discriminants and topics are each read from it. */
function sourceOf(file: string): ts.SourceFile {
  let source = sources.get(file)
  if (source === undefined) {
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
    sources.set(file, source)
  }
  return source
}

function shapeOf(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? ':' : segment))
    .join('/')
}

/** The function or top-level declaration a node sits in (`getProduct`, `MediaManager`), for the report. */
function enclosingName(node: ts.Node): string {
  for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name !== undefined && ts.isIdentifier(n.name)) return n.name.text
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      const topLevel = ts.isSourceFile(n.parent.parent.parent)
      const isFunction = n.initializer !== undefined && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
      if (topLevel || isFunction) return n.name.text
    }
  }
  return '(module)'
}

/** Declarations a chain may start from: `const jobs = () => api().api.v1.jobs`, `const v1 = api().api.v1`. */
type Aliases = Map<string, ts.Expression>

function aliasesOf(source: ts.SourceFile): Aliases {
  const aliases: Aliases = new Map()
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const init = node.initializer
      if (ts.isArrowFunction(init) && init.parameters.length === 0 && !ts.isBlock(init.body)) aliases.set(node.name.text, init.body)
      else if (!ts.isArrowFunction(init)) aliases.set(node.name.text, init)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return aliases
}

/**
 * The path of an Eden treaty chain ending in an HTTP verb: `x.api.v1.products({ slug }).images.post`
 * → `/api/v1/products/:/images`, following the file's aliases. Null when it does not start at `.api`.
 */
function edenPath(callee: ts.PropertyAccessExpression, aliases: Aliases): string | null {
  const segments: string[] = []
  let node: ts.Expression = callee.expression
  const followed = new Set<string>()
  for (;;) {
    if (ts.isPropertyAccessExpression(node)) {
      segments.unshift(node.name.text)
      node = node.expression
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)) {
      segments.unshift(node.argumentExpression.text)
      node = node.expression
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isObjectLiteralExpression(node.arguments[0]!)) {
      // `products({ slug })` is the segment `products` followed by a parameter.
      segments.unshift(':')
      node = node.expression
    } else if (ts.isCallExpression(node) && node.arguments.length === 0 && ts.isIdentifier(node.expression) && aliases.has(node.expression.text) && !followed.has(node.expression.text)) {
      followed.add(node.expression.text)
      node = aliases.get(node.expression.text)!
    } else if (ts.isIdentifier(node) && aliases.has(node.text) && !followed.has(node.text)) {
      followed.add(node.text)
      node = aliases.get(node.text)!
    } else if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAwaitExpression(node)) {
      node = node.expression
    } else break
  }
  // `api()` is the typed client itself (web/src/lib/api.ts); elsewhere the chain starts at `.api`.
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'api') return '/' + segments.join('/')
  const start = segments.indexOf('api')
  if (start === -1) return null
  return '/' + segments.slice(start).join('/')
}

/** `/api/v1/...` in a string or template literal: template spans become parameters. */
function literalPath(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression): string | null {
  const text = ts.isTemplateExpression(node) ? node.head.text + node.templateSpans.map((span) => `:${span.literal.text}`).join('') : node.text
  if (!text.startsWith('/api/')) return null
  // A template literal puts `:` where a value goes; whatever follows it in the segment belongs to it.
  return text
    .split(/[?#]/)[0]!
    .split('/')
    .map((segment) => (segment.includes(':') ? ':' : segment))
    .join('/')
}

/** Every typed-client call and API URL literal in these files. */
export function callSites(files: string[]): CallSite[] {
  const sites: CallSite[] = []
  for (const file of files) {
    const source = sourceOf(file)
    const where = (node: ts.Node) => `${relative(ROOT, file)} ${enclosingName(node)}`
    const aliases = aliasesOf(source)
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && HTTP_METHODS.has(node.expression.name.text)) {
        const path = edenPath(node.expression, aliases)
        if (path !== null) sites.push({ method: node.expression.name.text.toUpperCase(), shape: path, where: where(node) })
      }
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
        const path = literalPath(node)
        // A URL in the client is followed as a link or fetched: a GET.
        if (path !== null) sites.push({ method: 'GET', shape: path, where: where(node) })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return sites
}

/** Route shapes match call shapes segment by segment; a call's parameter matches any route segment. */
function reaches(site: CallSite, route: RouteInfo): boolean {
  if (site.method !== route.method) return false
  const want = shapeOf(route.path).split('/')
  const got = site.shape.split('/')
  return want.length === got.length && want.every((segment, i) => segment === got[i] || (got[i] === ':' && segment === ':'))
}

interface Mention {
  value: string
  where: string
}

/**
 * Where a discriminant (`type` or `kind`) value is produced — an object literal `{ kind: 'x' }` —
 * and where it is consumed: compared (`m.kind === 'x'`, `case 'x'` in `switch (m.kind)`) or used as
 * a key of a handler table (`{ 'chat.send': { handle } }`, with `keys`).
 */
export function discriminantMentions(files: string[], property: string, options: { keys?: boolean } = {}) {
  const produced: Mention[] = []
  const consumed: Mention[] = []
  const isDiscriminant = (node: ts.Expression) => ts.isPropertyAccessExpression(node) && node.name.text === property
  for (const file of files) {
    const source = sourceOf(file)
    const where = (node: ts.Node) => `${relative(ROOT, file)} ${enclosingName(node)}`
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === property) {
        let value = node.initializer
        while (ts.isAsExpression(value) || ts.isSatisfiesExpression(value)) value = value.expression
        if (ts.isStringLiteral(value)) produced.push({ value: value.text, where: where(node) })
      }
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) {
        const [a, b] = [node.left, node.right]
        if (isDiscriminant(a) && ts.isStringLiteral(b)) consumed.push({ value: b.text, where: where(node) })
        if (isDiscriminant(b) && ts.isStringLiteral(a)) consumed.push({ value: a.text, where: where(node) })
      }
      if (ts.isCaseClause(node) && ts.isStringLiteral(node.expression) && isDiscriminant(node.parent.parent.expression)) {
        consumed.push({ value: node.expression.text, where: where(node) })
      }
      if (options.keys === true && ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && ts.isObjectLiteralExpression(node.initializer)) {
        consumed.push({ value: node.name.text, where: where(node) })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return { produced, consumed }
}

/** Topics the client follows, by family: a string or template literal starting `<family>:`. */
function topicMentions(files: string[], families: Set<string>): Mention[] {
  const mentions: Mention[] = []
  for (const file of files) {
    const source = sourceOf(file)
    const visit = (node: ts.Node) => {
      const text = ts.isTemplateExpression(node) ? node.head.text : ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : null
      const family = text === null ? undefined : /^(\w+):/.exec(text)?.[1]
      if (family !== undefined && families.has(family)) mentions.push({ value: family, where: `${relative(ROOT, file)} ${enclosingName(node)}` })
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return mentions
}

/** The app's REST routes (not the pages, assets or the socket), with what the code says of each. */
export async function appRoutes(): Promise<RouteInfo[]> {
  const { createTestApp } = await import('../src/testing')
  const testApp = await createTestApp()
  try {
    const doc = (await (await testApp.request('/api/docs/json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)),
    )
    return testApp.app.routes
      // The OpenAPI plugin's page and document describe the routes; they are not routes of Souk's.
      .filter((route) => route.method !== 'WS' && !route.path.startsWith('/api/docs'))
      .filter((route) => route.path.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(route.path))
      .map((route) => {
        const detail = ((route.hooks as { detail?: Record<string, unknown> } | undefined)?.detail ?? {}) as Record<string, unknown>
        const auth = detail['x-souk-auth']
        return {
          method: route.method,
          path: route.path,
          auth: typeof auth === 'string' ? auth : Array.isArray(detail.security) && detail.security.length > 0 ? 'signed-in' : 'public',
          inOpenApi: documented.has(`${route.method} ${route.path}`),
          apiOnly: typeof detail['x-api-only'] === 'string' ? detail['x-api-only'] : null,
        }
      })
  } finally {
    await testApp.close()
  }
}

interface Report {
  markdown: string
  problems: string[]
}

const list = (mentions: Mention[], value: string) => [...new Set(mentions.filter((m) => m.value === value).map((m) => `\`${m.where}\``))].join('<br>') || '—'

export async function buildReport(): Promise<Report> {
  const { ClientMessage, EventMessage, ServerMessage } = await import('../src/realtime/protocol')
  const { familyOf } = await import('../src/lib/event-schema')
  const routes = await appRoutes()
  const serverFiles = filesUnder(join(ROOT, 'src'), (name) => /\.ts$/.test(name) && !name.endsWith('.test.ts') && !name.startsWith('test'))
  const webFiles = filesUnder(join(ROOT, 'web', 'src'), (name) => /\.tsx?$/.test(name))
  // A file URL the server puts in a response (an avatar, a photo) is followed by the page showing it.
  const sites = [
    ...callSites(webFiles),
    ...callSites(serverFiles)
      .filter((site) => site.method === 'GET')
      .map((site) => ({ ...site, where: `${site.where} (a URL in its answers)` })),
  ]
  const problems: string[] = []

  const routeRows = routes.map((route) => {
    const reachedBy = [...new Set(sites.filter((site) => reaches(site, route)).map((site) => `\`${site.where}\``))]
    if (reachedBy.length === 0 && route.apiOnly === null) problems.push(`route ${route.method} ${route.path} is reached by no client code and not marked API-only`)
    if (!route.inOpenApi) problems.push(`route ${route.method} ${route.path} is missing from the OpenAPI document`)
    const reach = reachedBy.length > 0 ? reachedBy.join('<br>') : route.apiOnly !== null ? `API-only: ${route.apiOnly}` : '**unreached**'
    return `| ${route.method} | \`${route.path}\` | ${route.auth} | ${route.inOpenApi ? 'yes' : '**no**'} | ${reach} |`
  })

  const literal = (schema: unknown, key: string) => ((schema as { properties: Record<string, { const?: string }> }).properties[key]?.const ?? '?') as string
  const clientTypes = ClientMessage.anyOf.map((member) => literal(member, 'type'))
  const serverTypes = [...new Set(ServerMessage.anyOf.map((member) => literal(member, 'type')))]
  const server = { types: discriminantMentions(serverFiles, 'type', { keys: true }), kinds: discriminantMentions(serverFiles, 'kind') }
  const web = { types: discriminantMentions(webFiles, 'type'), kinds: discriminantMentions(webFiles, 'kind') }

  const clientRows = clientTypes.map((type) => {
    if (!server.types.consumed.some((m) => m.value === type)) problems.push(`client message ${type} has no server handler`)
    return `| \`${type}\` | ${list(server.types.consumed, type)} | ${list(web.types.produced, type)} |`
  })
  const serverRows = serverTypes.map((type) => {
    if (!web.types.consumed.some((m) => m.value === type)) problems.push(`server message ${type} is handled by no client code`)
    return `| \`${type}\` | ${list(server.types.produced, type)} | ${list(web.types.consumed, type)} |`
  })
  const events = EventMessage.anyOf.map((member) => ({ kind: literal(member, 'kind'), family: familyOf(member), durable: (member.properties.id as { type?: string }).type !== 'null' }))
  // Following a topic whose family carries one kind handles that kind (`presence:<id>` → presence).
  const followed = topicMentions(webFiles, new Set(events.map((e) => e.family)))
  const handlers = [...web.kinds.consumed]
  for (const event of events) {
    if (events.filter((e) => e.family === event.family).length === 1) handlers.push(...followed.filter((m) => m.value === event.family).map((m) => ({ value: event.kind, where: m.where })))
  }
  const eventRows = events.map(({ kind, family, durable }) => {
    if (!server.kinds.produced.some((m) => m.value === kind)) problems.push(`event kind ${kind} has no publisher`)
    if (!handlers.some((m) => m.value === kind)) problems.push(`event kind ${kind} is handled by no client code`)
    return `| \`${kind}\` | ${family} | ${durable ? 'durable' : 'ephemeral'} | ${list(server.kinds.produced, kind)} | ${list(handlers, kind)} |`
  })

  const reached = routes.filter((route) => sites.some((site) => reaches(site, route))).length
  const apiOnly = routes.filter((route) => route.apiOnly !== null && !sites.some((site) => reaches(site, route))).length
  const markdown = [
    '# Integration report',
    '',
    'Generated from the code by `bun run report` (scripts/report.ts); do not edit by hand. The test suite',
    'fails when this file is stale or when the problems list below is not empty.',
    '',
    '## Totals',
    '',
    `- REST routes: ${routes.length} — reached by client code: ${reached}, API-only by mark: ${apiOnly}, unreached: ${routes.length - reached - apiOnly}; in OpenAPI: ${routes.filter((r) => r.inOpenApi).length}`,
    `- Socket messages: ${clientTypes.length} client → server, ${serverTypes.length} server → client; event kinds: ${EventMessage.anyOf.length}`,
    `- Problems: ${problems.length}`,
    '',
    '## REST routes',
    '',
    'Reached by: the typed-client calls and URL literals in web/src that match the route (file and the',
    'declaration they sit in), or the route\'s `x-api-only` mark with its reason.',
    '',
    '| method | path | auth | OpenAPI | reached by |',
    '| --- | --- | --- | --- | --- |',
    ...routeRows,
    '',
    '## Socket: client → server messages',
    '',
    '| type | server handler | sent by |',
    '| --- | --- | --- |',
    ...clientRows,
    '',
    '## Socket: server → client messages',
    '',
    '| type | sent by | handled by |',
    '| --- | --- | --- |',
    ...serverRows,
    '',
    '## Event kinds',
    '',
    '| kind | topic | kept | published by | handled by |',
    '| --- | --- | --- | --- | --- |',
    ...eventRows,
    '',
    '## Problems',
    '',
    ...(problems.length === 0 ? ['None.'] : problems.map((p) => `- ${p}`)),
    '',
  ].join('\n')
  return { markdown, problems }
}

if (import.meta.main) {
  const { markdown, problems } = await buildReport()
  if (process.argv.includes('--check')) {
    const committed = readFileSync(REPORT_PATH, 'utf8')
    if (committed !== markdown) console.error('docs/integration.md is stale: run `bun run report` and commit it.')
    for (const problem of problems) console.error(problem)
    process.exit(committed === markdown && problems.length === 0 ? 0 : 1)
  }
  writeFileSync(REPORT_PATH, markdown)
  console.log(`wrote ${relative(ROOT, REPORT_PATH)}: ${problems.length} problem(s)`)
  for (const problem of problems) console.log(`  ${problem}`)
  process.exit(0)
}
