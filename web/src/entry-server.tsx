import { generateHydrationScript, type RequestEvent, renderToStringAsync } from 'solid-js/web'
import { provideRequestEvent } from 'solid-js/web/storage'
import type { RenderInput, RenderResult, SsrModule } from '../../src/web/contract'
import { App } from './app'
import { renderDocument } from './document'
import { createServerApi, type SsrScope } from './lib/api'

/**
 * Renders one page to a complete HTML document. Waits for every query the page reads (they are
 * serialized once into the HTML and reused by the client while it hydrates).
 */
export async function render(input: RenderInput): Promise<RenderResult> {
  const url = new URL(input.request.url)
  const scope: SsrScope = { api: createServerApi(input.request, input.handle), meta: null, publicUrl: input.publicUrl, boot: input.boot }
  const event = { request: input.request, locals: {}, response: { status: 200, headers: new Headers() }, souk: scope } as RequestEvent
  const body = await provideRequestEvent(event, () => renderToStringAsync(() => <App url={url.pathname + url.search} />))
  const html = renderDocument({
    body,
    meta: scope.meta,
    url,
    publicUrl: input.publicUrl,
    assets: input.assets,
    hydrationScript: generateHydrationScript(),
    boot: input.boot,
    extraBody: input.extraBody,
  })
  return { status: event.response.status ?? 200, headers: event.response.headers, html }
}

export default { render } satisfies SsrModule
