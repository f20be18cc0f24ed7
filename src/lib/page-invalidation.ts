import type { Bus } from './bus'

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

/** Reads a bus message defensively: it may come from another instance or version. */
export function parseInvalidation(message: unknown): string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const paths = (message as PageInvalidation).paths
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : undefined
}
