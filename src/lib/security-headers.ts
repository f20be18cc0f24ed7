import { Elysia } from 'elysia'

/** What every answer carries unless its handler set its own (a rendered page sets its CSP). */
function defaults(publicUrl: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    // Anything but a page (photos, avatars, videos, chat images, CSV downloads, JSON, assets), if
    // opened as a document, runs no script and gets an opaque origin: an uploaded file that
    // passes for an image cannot act as the site. Ignored where a file is used as a subresource.
    'content-security-policy': 'sandbox',
    // Only when the public address is https: over plain http it would lock visitors out.
    ...(new URL(publicUrl).protocol === 'https:' ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }
}

/** The policy of an HTML page that brings none: it may not be framed, and nothing else is assumed. */
const FOREIGN_PAGE_POLICY = "frame-ancestors 'none'"

/**
 * Security headers on every answer, errors included, in one place rather than route by route.
 * Elysia merges `set.headers` into a handler's Response only where the Response has no such header,
 * so a route that knows better (the page renderer's CSP with script hashes) keeps its own.
 */
export function securityHeaders(options: { publicUrl: string }) {
  const headers = defaults(options.publicUrl)
  return new Elysia({ name: 'security-headers' })
    .onRequest(({ set }) => {
      Object.assign(set.headers, headers)
    })
    .onAfterHandle({ as: 'global' }, ({ responseValue, set }) => {
      // An HTML page from a library (the API reference runs a CDN script and inline config) would
      // break under `sandbox`; the app's own pages bring a strict policy (src/web/csp.ts).
      if (!(responseValue instanceof Response) || responseValue.headers.has('content-security-policy')) return
      if (responseValue.headers.get('content-type')?.startsWith('text/html') === true) set.headers['content-security-policy'] = FOREIGN_PAGE_POLICY
    })
}
