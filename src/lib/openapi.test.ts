// The OpenAPI document is for people who do not use Eden: it must be valid by a standard validator,
// list every route the code has, and generate a usable client with a third-party generator.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import openapiTS, { astToString } from 'openapi-typescript'
import { createTestApp, type TestApp } from '../testing'

let testApp: TestApp
let source: string
let doc: { paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, unknown> }; responses?: Record<string, unknown> }>> }

beforeAll(async () => {
  testApp = await createTestApp()
  source = await (await testApp.request('/api/docs/json')).text()
  doc = JSON.parse(source)
})
afterAll(() => testApp.close())

describe('GET /api/docs/json', () => {
  it("has no errors under Redocly's recommended rules", async () => {
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] }) })
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)
    expect(errors).toEqual([])
  })

  it('documents every REST route of the app, dotted paths included, and the socket upgrade as a GET', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort()
    const routes = testApp.app.routes
      // Pages and built assets are the web client's; the documentation describes itself.
      .filter((r) => r.path.startsWith('/api/v1/') || ['/healthz', '/readyz', '/metrics'].includes(r.path))
      .map((r) => `${r.method} ${r.path}`)
    expect(documented).toEqual([...routes, 'GET /ws'].sort())
    expect(documented).toContain('GET /api/v1/me/products/export.csv')
  })

  it('declares security on every operation (public ones as an empty list), a success response, and JSON bodies as JSON only with their 415', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const media = Object.keys(operation.requestBody?.content ?? {})
        if (media.includes('application/json')) expect({ at: `${method} ${path}`, media, has415: '415' in (operation.responses ?? {}) }).toEqual({ at: `${method} ${path}`, media: ['application/json'], has415: true })
        expect({ at: `${method} ${path}`, security: Array.isArray(operation.security) }).toEqual({ at: `${method} ${path}`, security: true })
        expect({ at: `${method} ${path}`, success: Object.keys(operation.responses ?? {}).some((status) => /^(2|101)/.test(status)) }).toEqual({ at: `${method} ${path}`, success: true })
      }
    }
  })

  it('generates a typed client with openapi-typescript that type-checks calls against the document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'souk-openapi-'))
    writeFileSync(join(dir, 'souk-api.ts'), astToString(await openapiTS(doc as never)))
    writeFileSync(
      join(dir, 'calls.ts'),
      `import type { paths } from './souk-api'
type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never
type Body<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never

export const products = (page: Json<'/api/v1/products', 'get', 200>): string[] => page.items.map((p) => p.title)
export const next = (page: Json<'/api/v1/products', 'get', 200>): string | null => page.nextCursor
export const signIn: Body<'/api/v1/auth/login', 'post'> = { email: 'a@souk.test', password: 'correct horse' }
export const problem = (e: Json<'/api/v1/auth/login', 'post', 400>): string => e.error.requestId
// @ts-expect-error a product list has no 'total' field: the generated types are really checked
export const total = (page: Json<'/api/v1/products', 'get', 200>): number => page.total
`,
    )
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--moduleResolution', 'bundler', '--module', 'ESNext', join(dir, 'calls.ts')], { encoding: 'utf8' })
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.status).toBe(0)
  })
})
