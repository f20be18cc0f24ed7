import { TtlCache } from '../lib/cache'
import type { CachedBody } from '../lib/compression'

export interface CachedPage {
  /** The html, with its gzip form once a request asked for it. */
  body: CachedBody
  etag: string
  /** The page's Content-Security-Policy: it allows this html's inline scripts by hash. */
  csp: string
}

/** Anonymous renders, keyed by path + query (short-lived and size-bounded: see TtlCache). */
export class PageCache extends TtlCache<CachedPage> {
  /** Drops entries whose path starts with one of `prefixes`, or everything when none are given. */
  invalidate(prefixes?: string[]): void {
    if (prefixes === undefined) return this.clear()
    this.clear((key) => {
      const path = key.split('?', 1)[0]!
      return prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
    })
  }
}
