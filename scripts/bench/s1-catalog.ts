// S1 catalog read: GET /api/v1/products (20 items with their shops, newest first), anonymous,
// 64 connections for 10 s, against 10,000 products of 200 shops.
import { type BenchContext, drive, type HttpResult, type Target } from './drive'
import { type Result, toResult } from './results'

export async function catalogRead(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const config = { url: target.urls[0], paths: ['/api/v1/products'], connections: 64, seconds: ctx.quick ? 3 : 10, warmupSeconds: ctx.quick ? 1 : 2, phase: 'S1' }
  const [measured] = await drive<HttpResult>('load-http.mjs', config, { serverPids: target.pids, database: ctx.database })
  const { achieved, latency, errors } = measured!.result
  return [toResult(target.name, 'S1 catalog', instances, measured!, { variant: '64 conn', unit: 'req/s', offered: null, achieved, latencyMs: latency, errors })]
}
