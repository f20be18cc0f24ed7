import { describe, expect, it } from 'bun:test'
import { Elysia, t } from 'elysia'
import { bodyGuard, bodyMediaType } from './body-guard'
import { httpBasics } from './http'
import { createLogger } from './log'

// The URL-encoded form routes (`parse: 'urlencoded'`, as a plain HTML form posts), on an app of
// their own: the guard and the error shape are the real ones, the routes are this test's.
const app = new Elysia()
  .use(httpBasics(createLogger('silent')))
  .use(bodyGuard)
  .post('/form', ({ body }) => body, { parse: 'urlencoded', body: t.Object({ name: t.String(), note: t.Optional(t.String()) }) })
  .post('/json', ({ body }) => body, { body: t.Object({ name: t.String() }) })

const post = (path: string, body: BodyInit, contentType?: string) =>
  app.handle(new Request(`http://localhost${path}`, { method: 'POST', body, headers: contentType === undefined ? {} : { 'content-type': contentType } }))

describe('bodyMediaType()', () => {
  it('names a URL-encoded form for a route that parses one, by either of Elysia\'s names', () => {
    const schema = t.Object({ name: t.String() })
    expect(bodyMediaType(schema, [{ fn: 'urlencoded' }])).toBe('application/x-www-form-urlencoded')
    expect(bodyMediaType(schema, 'application/x-www-form-urlencoded')).toBe('application/x-www-form-urlencoded')
    expect(bodyMediaType(schema, [{ fn: 'json' }])).toBe('application/json')
    expect(bodyMediaType(schema)).toBe('application/json')
    expect(bodyMediaType(undefined, [{ fn: 'urlencoded' }])).toBeNull()
  })

  it('reads the route option as Elysia stores it', () => {
    const route = app.routes.find((r) => r.path === '/form')!
    expect(bodyMediaType(route.hooks.body, route.hooks.parse)).toBe('application/x-www-form-urlencoded')
  })
})

describe('a URL-encoded form route', () => {
  it('takes a form as a browser posts it, with or without a UTF-8 charset', async () => {
    const plain = await post('/form', 'name=Amira+B.&note=caf%C3%A9', 'application/x-www-form-urlencoded')
    expect(plain.status).toBe(200)
    expect(await plain.json()).toEqual({ name: 'Amira B.', note: 'café' })
    const fetched = await post('/form', new URLSearchParams({ name: 'Youssef' }))
    expect(fetched.status).toBe(200)
    expect(await fetched.json()).toEqual({ name: 'Youssef' })
    expect((await post('/form', 'name=Nadia', 'application/x-www-form-urlencoded; charset=UTF-8')).status).toBe(200)
  })

  it('refuses JSON, a multipart form, text and another charset (415)', async () => {
    const multipart = new FormData()
    multipart.append('name', 'Amira')
    for (const [body, type] of [
      [JSON.stringify({ name: 'Amira' }), 'application/json'],
      [multipart, undefined],
      ['name=Amira', 'text/plain'],
      ['name=Amira', 'application/x-www-form-urlencoded; charset=latin1'],
    ] as const) {
      const response = await post('/form', body, type)
      expect({ type, status: response.status }).toEqual({ type, status: 415 })
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe('This route takes application/x-www-form-urlencoded')
    }
  })

  it('leaves a JSON route refusing a form (415)', async () => {
    expect((await post('/json', new URLSearchParams({ name: 'Amira' }))).status).toBe(415)
    expect((await post('/json', JSON.stringify({ name: 'Amira' }), 'application/json')).status).toBe(200)
  })
})
