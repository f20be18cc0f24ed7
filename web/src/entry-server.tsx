import type { Plugin, SerovalNode } from 'seroval'
import { generateHydrationScript, type RequestEvent, renderToStringAsync } from 'solid-js/web'
import { provideRequestEvent } from 'solid-js/web/storage'
import type { RenderInput, RenderResult, SsrModule } from '../../src/web/contract'
import { App } from './app'
import { renderDocument } from './document'
import { createServerApi, type SsrScope } from './lib/api'
import { publicError } from './lib/errors'

type ErrorNode = Record<'type' | 'message' | 'requestId', SerovalNode>

// tsc reads solid-js/web's browser types; the server build's generateHydrationScript takes options.
const serverHydrationScript = generateHydrationScript as unknown as (options: { nonce: string }) => string

/**
 * Writes every error the render serializes (a failed query, an error boundary's error) as an Error
 * holding only publicError's fields. Without it seroval writes all own properties, and Bun gives
 * every Error its stack, source file and line: the page would carry them, in production too.
 */
function publicErrors(requestId: string): Plugin<Error, ErrorNode> {
  const parse = (error: Error, ctx: { parse(value: unknown): SerovalNode }): ErrorNode => {
    const fields = publicError(error, requestId)
    return { type: ctx.parse(fields.type), message: ctx.parse(fields.message), requestId: ctx.parse(fields.requestId) }
  }
  return {
    tag: 'souk/public-error',
    test: (value) => value instanceof Error,
    // Solid's serializer streams; sync is seroval's one-shot mode, the same here.
    parse: { sync: parse, stream: parse },
    // The same shape publicError() reads back in the browser (the name makes it recognisable).
    serialize: (node, ctx) =>
      `Object.assign(new Error(${ctx.serialize(node.message)}),{name:"ApiError",type:${ctx.serialize(node.type)},requestId:${ctx.serialize(node.requestId)}})`,
    deserialize: (node, ctx) =>
      Object.assign(new Error(ctx.deserialize<string>(node.message)), { name: 'ApiError', type: ctx.deserialize<string>(node.type), requestId: ctx.deserialize<string | null>(node.requestId) }),
  }
}

/**
 * Renders one page to a complete HTML document. Waits for every query the page reads (they are
 * serialized once into the HTML and reused by the client while it hydrates).
 */
export async function render(input: RenderInput): Promise<RenderResult> {
  const url = new URL(input.request.url)
  const scope: SsrScope = { api: createServerApi(input.request, input.handle, input.requestId), meta: null, publicUrl: input.publicUrl, boot: input.boot, requestId: input.requestId }
  const event = { request: input.request, locals: {}, response: { status: 200, headers: new Headers() }, souk: scope } as RequestEvent
  // `plugins` is passed on to Solid's serializer (dom-expressions) but missing from its types.
  const options = { nonce: input.scriptMark, plugins: [publicErrors(input.requestId)] } as Parameters<typeof renderToStringAsync>[1]
  const body = await provideRequestEvent(event, () => renderToStringAsync(() => <App url={url.pathname + url.search} />, options))
  const html = renderDocument({
    body,
    meta: scope.meta,
    url,
    publicUrl: input.publicUrl,
    assets: input.assets,
    hydrationScript: serverHydrationScript({ nonce: input.scriptMark }),
    boot: input.boot,
    scriptMark: input.scriptMark,
    extraScript: input.extraScript,
  })
  return { status: event.response.status ?? 200, headers: event.response.headers, html }
}

export default { render } satisfies SsrModule
