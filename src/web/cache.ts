import type { Bus } from '../realtime/bus'

/**
 * Bus topic that drops cached anonymous page renders. A module that changes public data publishes
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
}

/** Short-lived, size-bounded cache of anonymous renders, keyed by path + query. */
export class PageCache {
  private readonly entries = new Map<string, { page: CachedPage; expires: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedPage | null {
    const entry = this.entries.get(key)
    if (entry === undefined) return null
    if (entry.expires <= this.now()) {
      this.entries.delete(key)
      return null
    }
    return entry.page
  }

  set(key: string, page: CachedPage): void {
    if (this.ttlMs <= 0) return
    this.entries.delete(key)
    // Map keeps insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, { page, expires: this.now() + this.ttlMs })
  }

  /** Drops entries whose path starts with one of `prefixes`, or everything when none are given. */
  invalidate(prefixes?: string[]): void {
    if (prefixes === undefined) return this.entries.clear()
    for (const key of this.entries.keys()) {
      const path = key.split('?', 1)[0]!
      if (prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) this.entries.delete(key)
    }
  }

  get size(): number {
    return this.entries.size
  }
}

/** Reads a bus message defensively: it may come from another instance or version. */
export function parseInvalidation(message: unknown): string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const paths = (message as PageInvalidation).paths
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : undefined
}
