import { afterEach, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../../config'
import { chatCompletionsModel, LanguageModelError, type LanguageModel, type LanguageModelSettings } from './model'
import { groundedTurns } from './prompt'
import { startChatCompletionsServer, type ChatCompletionsServer } from './testing'

const servers: ChatCompletionsServer[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function serve(options: Parameters<typeof startChatCompletionsServer>[0]): ChatCompletionsServer {
  const server = startChatCompletionsServer(options)
  servers.push(server)
  return server
}

const settingsFor = (server: ChatCompletionsServer, overrides: Partial<LanguageModelSettings> = {}): LanguageModelSettings => ({
  url: server.url,
  model: 'souk-test-model',
  key: 'sk-test-key-123',
  timeoutMs: 5_000,
  ...overrides,
})

async function collect(model: LanguageModel, signal = new AbortController().signal): Promise<string[]> {
  const deltas: string[] = []
  for await (const delta of model.stream([{ role: 'user', content: 'Hi' }], signal)) deltas.push(delta)
  return deltas
}

const REPLY = 'Your order ord_1 shipped on 2 May: see [the order](/orders/ord_1). Returns are open 14 days — [Returns](/help/returns).'

describe('chatCompletionsModel()', () => {
  it('yields the streamed deltas in order, which join into the reply', async () => {
    const server = serve({ reply: REPLY })
    const deltas = await collect(chatCompletionsModel(settingsFor(server)))
    expect(deltas.length).toBeGreaterThan(5)
    expect(deltas.join('')).toBe(REPLY)
  })

  it('reads events cut anywhere: mid-JSON, between \\r and \\n, inside a UTF-8 character', async () => {
    const server = serve({ reply: REPLY })
    // However the network cuts the body, the reply is the same: here byte by byte.
    const fetchInPieces = async (url: string, init: RequestInit) => {
      const response = await fetch(url, init)
      const pieces = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          for (let at = 0; at < chunk.length; at++) controller.enqueue(chunk.slice(at, at + 1))
        },
      })
      return new Response(response.body!.pipeThrough(pieces), response)
    }
    expect((await collect(chatCompletionsModel(settingsFor(server), fetchInPieces))).join('')).toBe(REPLY)
  })

  it('posts the model, the bearer key, stream: true and the grounded turns', async () => {
    const server = serve({ reply: 'ok' })
    const turns = groundedTurns({
      question: 'How do I return my lamp?',
      history: [],
      articles: [{ title: 'Returns', url: '/help/returns', excerpt: 'You have 14 days to start a return.' }],
      records: [{ label: 'Order ord_1', url: '/orders/ord_1', facts: 'Delivered on 2 May 2026.' }],
    })
    const deltas: string[] = []
    for await (const delta of chatCompletionsModel(settingsFor(server)).stream(turns, new AbortController().signal)) deltas.push(delta)
    expect(deltas.join('')).toBe('ok')

    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request!.path).toBe('/v1/chat/completions')
    expect(request!.headers.authorization).toBe('Bearer sk-test-key-123')
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.body).toMatchObject({ model: 'souk-test-model', stream: true, messages: turns })
    const system = request!.body.messages![0]!
    expect(system.role).toBe('system')
    expect(system.content).toContain('You have 14 days to start a return.')
    expect(system.content).toContain('url="/help/returns"')
    expect(system.content).toContain('Delivered on 2 May 2026.')
    expect(system.content).not.toContain('lamp')
  })

  it('sends no Authorization header without a key (a local server)', async () => {
    const server = serve({ reply: 'ok' })
    await collect(chatCompletionsModel(settingsFor(server, { key: null })))
    expect(server.requests[0]!.headers.authorization).toBeUndefined()
  })

  it('throws on an HTTP error, with the status and without the key', async () => {
    const server = serve({ fail: 'status' })
    const error = await collect(chatCompletionsModel(settingsFor(server))).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LanguageModelError)
    expect((error as Error).message).toContain('HTTP 500')
    expect((error as Error).message).toContain('the test model failed for Bearer ***')
    expect((error as Error).message).not.toContain('sk-test-key-123')
  })

  it('throws when the connection drops mid-stream, after the deltas that came', async () => {
    const server = serve({ reply: REPLY, fail: 'close' })
    const deltas: string[] = []
    const error = await (async () => {
      for await (const delta of chatCompletionsModel(settingsFor(server)).stream([{ role: 'user', content: 'Hi' }], new AbortController().signal)) {
        deltas.push(delta)
      }
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LanguageModelError)
    expect(REPLY.startsWith(deltas.join(''))).toBe(true)
    expect(deltas.join('')).not.toBe(REPLY)
  })

  it('throws on an answer that is no complete event stream', async () => {
    const answering = async (body: string, contentType: string) => {
      const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(body, { headers: { 'content-type': contentType } }) })
      try {
        return await collect(chatCompletionsModel({ url: `http://127.0.0.1:${server.port}`, model: 'm', key: null, timeoutMs: 5_000 })).catch((e: unknown) => e)
      } finally {
        await server.stop(true)
      }
    }
    const halfAnswer = `data: ${JSON.stringify({ choices: [{ delta: { content: 'Half an' } }] })}\n\n`
    expect(String(await answering(halfAnswer, 'text/event-stream'))).toContain('ended before the answer was complete')
    // A server that ignored stream: true.
    expect(String(await answering(JSON.stringify({ choices: [{ message: { content: 'Hi' } }] }), 'application/json'))).toContain(
      'answered application/json, not an event stream',
    )
    expect(String(await answering('data: {not json\n\n', 'text/event-stream'))).toContain('not JSON')
    expect(String(await answering(`data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`, 'text/event-stream'))).toContain('overloaded')
  })

  it('gives up on a server that hangs within the configured timeout', async () => {
    const server = serve({ reply: REPLY, fail: 'hang' })
    const started = performance.now()
    await expect(collect(chatCompletionsModel(settingsFor(server, { timeoutMs: 300 })))).rejects.toThrow('no complete answer within 300 ms')
    expect(performance.now() - started).toBeLessThan(3_000)
  })

  it('stops when the caller aborts', async () => {
    const server = serve({ reply: REPLY, fail: 'hang' })
    const controller = new AbortController()
    const deltas: string[] = []
    const error = await (async () => {
      for await (const delta of chatCompletionsModel(settingsFor(server)).stream([{ role: 'user', content: 'Hi' }], controller.signal)) {
        deltas.push(delta)
        controller.abort()
      }
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LanguageModelError)
    expect((error as Error).message).toBe('language model: aborted')
    expect(deltas).toHaveLength(1)
  })

  it('runs from the parsed configuration', async () => {
    const server = serve({ reply: 'configured' })
    const dataDir = mkdtempSync(join(tmpdir(), 'souk-llm-'))
    dirs.push(dataDir)
    const config = loadConfig({
      DATA_DIR: dataDir,
      ASSISTANT_MODEL_URL: `${server.url}/`,
      ASSISTANT_MODEL: 'souk-test-model',
      ASSISTANT_MODEL_KEY: 'sk-from-env',
      ASSISTANT_MODEL_TIMEOUT_MS: '1000',
    })
    expect(config.assistant.model).toEqual({ url: server.url, model: 'souk-test-model', key: 'sk-from-env', timeoutMs: 1_000 })
    expect((await collect(chatCompletionsModel(config.assistant.model!))).join('')).toBe('configured')
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-from-env')
  })
})
