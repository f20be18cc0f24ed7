import { afterAll, beforeAll, expect, it } from 'bun:test'
import { MAX_REQUEST_BODY } from './app'
import { createTestApp, listen, type TestApp } from './testing'

let t: TestApp
let url: string

beforeAll(async () => {
  t = await createTestApp()
  ;({ url } = listen(t))
}, 60_000)
afterAll(() => t.close())

it('refuses a body over the largest upload before reading it, on any route', async () => {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Uint8Array(MAX_REQUEST_BODY + 1),
  })
  expect(response.status).toBe(413)
})
