import type { ChatTurn } from './model'

/** What a test server received: lower-cased headers and the JSON body. */
export interface RecordedRequest {
  path: string
  headers: Record<string, string>
  body: { model?: string; stream?: boolean; messages?: ChatTurn[] } & Record<string, unknown>
  /** The client closed the connection before the reply's end. */
  aborted: boolean
}

export interface ChatCompletionsServer {
  /** The base URL, as ASSISTANT_MODEL_URL takes it (`/chat/completions` is under it). */
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface ChatCompletionsServerOptions {
  /** The reply, streamed as deltas of a few characters, each event written split mid-JSON. */
  reply?: string
  /**
   * How to fail instead: `status` answers HTTP 500 (quoting the Authorization header); `close` sends part of the reply and drops the
   * connection; `hang` sends part of the reply, then nothing until the client gives up.
   */
  fail?: 'status' | 'close' | 'hang'
  /** The reply's deltas again and again, never finished: the client must stop reading by itself. */
  endless?: boolean
  /** Called as each request arrives (once recorded): the answer waits for the promise it gives, if any (a test holds a request mid-flight). */
  hold?: () => Promise<unknown> | undefined
}

/**
 * A real HTTP server on a free port of 127.0.0.1 speaking the chat-completions protocol, for tests
 * of the real client path. Every request is recorded before it is answered.
 */
export function startChatCompletionsServer(options: ChatCompletionsServerOptions = {}): ChatCompletionsServer {
  const reply = options.reply ?? 'Hello from the test model.'
  const requests: RecordedRequest[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const path = new URL(request.url).pathname
      if (request.method !== 'POST' || !path.endsWith('/chat/completions')) return new Response('not found', { status: 404 })
      const recorded: RecordedRequest = { path, headers: Object.fromEntries(request.headers), body: (await request.json()) as RecordedRequest['body'], aborted: false }
      requests.push(recorded)
      await options.hold?.()
      if (options.fail === 'status') {
        // Quotes the credentials it got, as some providers do: the client must not pass them on.
        return Response.json({ error: { message: `the test model failed for ${request.headers.get('authorization')}` } }, { status: 500 })
      }
      const { head, deltas, tail } = sseWrites(reply)
      const writes = [...head, ...deltas, ...tail]
      const writeAt = (i: number) => (options.endless === true && i >= head.length ? deltas[(i - head.length) % deltas.length] : writes[i])
      const half = Math.max(1, Math.floor(writes.length / 2))
      const encoder = new TextEncoder()
      let next = 0
      let finished = false
      request.signal.addEventListener('abort', () => void (recorded.aborted = !finished), { once: true })
      return new Response(
        new ReadableStream<Uint8Array>({
          // One write a pull, then a turn of the event loop so it leaves before the next: the client
          // reads events cut in pieces (mid-JSON, between \r and \n) rather than one coalesced body.
          async pull(controller) {
            if (options.fail !== undefined && next === half) {
              // Drops every connection at once, this one mid-body: the server is done after it.
              if (options.fail === 'close') return void server.stop(true)
              // Hang: answer no more until the client gives up (or the server closes).
              if (request.signal.aborted) return controller.close()
              return new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }))
            }
            const write = writeAt(next++)
            if (write === undefined) {
              finished = true
              return controller.close()
            }
            controller.enqueue(encoder.encode(write))
            await new Promise((resolve) => setImmediate(resolve))
          },
        }),
        { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } },
      )
    },
  })
  return { url: `http://127.0.0.1:${server.port}/v1`, requests, close: () => server.stop(true) }
}

/**
 * The SSE of a streamed completion, as writes: a keep-alive comment and a role chunk (`head`), the
 * reply in deltas of up to 7 characters (one in a multi-line event), a finish_reason and [DONE]
 * (`tail`) — every event cut in two, mid-JSON, across writes.
 */
function sseWrites(reply: string): { head: string[]; deltas: string[]; tail: string[] } {
  const chunk = (delta: Record<string, string>, finish: string | null = null) =>
    JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', model: 'test', choices: [{ index: 0, delta, finish_reason: finish }] })
  const halves = (event: string) => {
    const middle = Math.ceil(event.length / 2)
    return [event.slice(0, middle), event.slice(middle)]
  }
  const pieces = reply.match(/[\s\S]{1,7}/g) ?? []
  return {
    head: [': keep-alive\n\n', `data: ${chunk({ role: 'assistant', content: '' })}\n\n`].flatMap(halves),
    // JSON may span several data lines of one event; the parser joins them with a newline.
    deltas: pieces.map((content, i) => (i === 0 ? `data: ${chunk({ content }).replace(',"choices"', ',\ndata: "choices"')}\n\n` : `data: ${chunk({ content })}\r\n\r\n`)).flatMap(halves),
    tail: [`data: ${chunk({}, 'stop')}\n\n`, 'data: [DONE]\n\n'].flatMap(halves),
  }
}
