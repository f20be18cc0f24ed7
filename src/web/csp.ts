import { createHash } from 'node:crypto'

/**
 * The Content-Security-Policy of rendered pages.
 *
 * Inline scripts (the theme boot, Solid's hydration script and serialized data, the dev reload)
 * are allowed by their SHA-256 hashes rather than a nonce: a page render is cached and answered
 * again (PageCache, ETag revalidation, shared caches for a minute), and a hash stays true of the
 * cached bytes where a nonce would be reused across responses, or mismatch the body a browser
 * revalidated with a 304. The hashes are taken at render, once, and kept with the page.
 */

/** Google Identity Services, on pages only when Google sign-in is configured (Google's CSP guide). */
const GOOGLE = {
  script: ['https://accounts.google.com/gsi/client'],
  frame: ['https://accounts.google.com/gsi/'],
  connect: ['https://accounts.google.com/gsi/'],
  style: ['https://accounts.google.com/gsi/style'],
}

export interface SealedPage {
  html: string
  /** `'sha256-…'` sources, one per distinct inline script the render marked. */
  scriptHashes: string[]
}

/**
 * Hashes the inline scripts the render marked with `nonce="<mark>"` (see RenderInput.scriptMark),
 * and removes the mark. Only marked scripts count: markup that data smuggled into the page is not
 * marked, so it is not allowed by the policy.
 */
export function sealScripts(html: string, mark: string): SealedPage {
  const attribute = ` nonce="${mark}"`
  const hashes = new Set<string>()
  let at = html.indexOf(attribute)
  while (at !== -1) {
    const start = html.indexOf('>', at) + 1
    const end = html.indexOf('</script>', start)
    if (start === 0 || end === -1) throw new Error('a marked script is not closed')
    // Browsers hash the script text after HTML parsing, which turns CR LF and CR into LF.
    const text = html.slice(start, end).replace(/\r\n?/g, '\n')
    hashes.add(`'sha256-${createHash('sha256').update(text).digest('base64')}'`)
    at = html.indexOf(attribute, end)
  }
  return { html: html.replaceAll(attribute, ''), scriptHashes: [...hashes] }
}

/**
 * The policy of one page. Scripts: the app's own files and the hashed inline scripts, never
 * 'unsafe-inline'. Styles: stylesheets from this origin; style *attributes* stay allowed
 * (`style-src-attr`), as Solid renders `style={{…}}` into them and they cannot run code.
 * `'self'` in connect-src also covers ws: and wss: to this host (CSP Level 3), i.e. the socket.
 * Images and media may be blob: (previews of files being uploaded, private chat images).
 */
export function pagePolicy(scriptHashes: string[], options: { google: boolean }): string {
  const google = (sources: string[]) => (options.google ? sources : [])
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'", ...scriptHashes, ...google(GOOGLE.script)],
    ['style-src', "'self'", ...google(GOOGLE.style)],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'blob:'],
    ['media-src', "'self'", 'blob:'],
    ['connect-src', "'self'", ...google(GOOGLE.connect)],
    ['frame-src', ...(options.google ? GOOGLE.frame : ["'none'"])],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ]
  return directives.map((d) => d.join(' ')).join('; ')
}
