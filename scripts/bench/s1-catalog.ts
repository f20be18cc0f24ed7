// S1 catalog read: GET /api/v1/products (20 items with their shops), anonymous, 64 connections
// for 10 s, against 10,000 products of 200 shops: the first page (newest first, the same request
// every time: what a list cache serves), then filtered lists where every request is a search of
// its own (category, price range, in stock, sort), so no cache can answer it.
import { type BenchContext, drive, type HttpResult, type Target } from './drive'
import { type Result, toResult } from './results'
import { KINDS } from './setup'

const SORTS = ['newest', 'price_asc', 'price_desc']

/** `count` distinct filtered searches: one category, a price range of 10–30 MAD within the seeded 50–100, in stock or not, one of three sorts. */
export function filteredPaths(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const minPrice = 5_000 + ((i * 7) % 400) * 10
    const params = new URLSearchParams({ category: `bench-${KINDS[i % KINDS.length]}`, minPrice: String(minPrice), maxPrice: String(minPrice + 1_000 + (i % 1_000)), sort: SORTS[i % SORTS.length]! })
    if (i % 2 === 0) params.set('inStock', 'true')
    return `/api/v1/products?${params}`
  })
}

export async function catalogRead(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const results: Result[] = []
  const variants = [
    { name: '64 conn', paths: ['/api/v1/products'] },
    // More distinct searches than the run makes requests: none repeats within the cache's lifetime.
    { name: 'filtered, 64 conn', paths: filteredPaths(60_000) },
  ]
  for (const variant of variants) {
    const config = { url: target.urls[0], paths: variant.paths, connections: 64, seconds: ctx.quick ? 3 : 10, warmupSeconds: ctx.quick ? 1 : 2, phase: 'S1' }
    const [measured] = await drive<HttpResult>('load-http.mjs', config, { serverPids: target.pids, database: ctx.database, statements: ctx.statements })
    const { achieved, latency, errors, requests } = measured!.result
    results.push(toResult(target.name, 'S1 catalog', instances, measured!, { variant: variant.name, unit: 'req/s', offered: null, achieved, latencyMs: latency, errors }, requests))
  }
  return results
}
