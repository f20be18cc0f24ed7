// S4 SSR page: anonymous server-rendered product pages (spread over 100 products), 32
// connections. On loopback the time to the whole page stands for the time to first byte:
// Souk renders the page completely before it sends it.
import { type BenchContext, drive, type HttpResult, type Target } from './drive'
import { type Result, toResult } from './results'

export async function productPages(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const paths = ctx.data.productSlugs.map((slug) => `/products/${slug}`)
  const config = { url: target.urls[0], paths, connections: 32, seconds: ctx.quick ? 3 : 10, warmupSeconds: ctx.quick ? 1 : 2, phase: 'S4' }
  const [measured] = await drive<HttpResult>('load-http.mjs', config, { serverPids: target.pids, database: ctx.database })
  const { achieved, latency, errors, bytesPerResponse } = measured!.result
  return [
    toResult(target.name, 'S4 SSR page', instances, measured!, {
      variant: '32 conn',
      unit: 'pages/s',
      offered: null,
      achieved,
      latencyMs: latency,
      errors,
      extra: { kbPerPage: Math.round(bytesPerResponse / 102.4) / 10 },
    }),
  ]
}
