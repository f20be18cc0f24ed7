import { TtlCache } from '../lib/cache'
import type { Bus } from '../realtime/bus'

/**
 * Bus topic that drops cached anonymous page renders (and every cached catalog list, whatever the
 * paths: see ProductListCache). A module that changes public data publishes
 * `{ paths: ['/products/prd_1', '/catalog'] }` (path prefixes) or `{}` for every page, through
 * `invalidatePages` below. Over Redis the message reaches every instance.
 */
export const PAGE_INVALIDATION_TOPIC = 'web:pages:invalidate'

export interface PageInvalidation {
  paths?: string[]
}

export function invalidatePages(bus: Bus, paths?: string[]): Promise<void> {
  return bus.publish(PAGE_INVALIDATION_TOPIC, (paths === undefined ? {} : { paths }) satisfies PageInvalidation)
}

export interface CachedPage {
  html: string
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

/** Reads a bus message defensively: it may come from another instance or version. */
export function parseInvalidation(message: unknown): string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const paths = (message as PageInvalidation).paths
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : undefined
}
