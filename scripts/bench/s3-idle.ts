// S3 idle sockets: 20,000 signed-in sockets (a few per user: Souk caps sockets per user), each
// following its `user:<id>` topic, held 30 s; server memory per connection and how fast they connect. The sockets go to 127.0.0.1-4:
// four destination addresses give four times the ephemeral ports of one.
import { openFilesLimit } from '../cluster'
import { type BenchContext, drive, socketUrls, type Target } from './drive'
import type { Latency } from './proc'
import { type Result, toResult } from './results'

export const IDLE_SOCKETS = 20_000
const SOCKETS_PER_USER = 10

type IdleResult = { opened: number; failed: number; seconds: number; rate: number; latency: Latency } | { held: number; dropped: number }

export async function idleSockets(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  // The server and the generator each need a file descriptor per socket, within the hard limit.
  const count = Math.min(ctx.quick ? 2_000 : IDLE_SOCKETS, openFilesLimit().hard - 500)
  const users = Array.from({ length: count }, (_, i) => ctx.data.idleUsers[Math.floor(i / SOCKETS_PER_USER)]!)
  const urls = await socketUrls(target, ctx, users, (i) => `127.0.0.${1 + (i % 4)}`)
  const config = { sockets: urls.map((url, i) => ({ url, userId: users[i]!.id })), holdSeconds: ctx.quick ? 5 : 30, concurrency: 200 }
  const [connect, hold] = await drive<IdleResult>('load-idle.ts', config, { serverPids: target.pids, database: ctx.database, nofile: count + 1_000, statements: ctx.statements })
  if (connect === undefined || hold === undefined || !('opened' in connect.result) || !('held' in hold.result)) throw new Error('load-idle.ts reported no phases')
  const { opened, failed, rate, latency } = connect.result
  const { held, dropped } = hold.result
  const perConnection = (hold.after.serverRss - connect.before.serverRss) / Math.max(1, held)
  return [
    toResult(target.name, 'S3 idle', instances, connect, { variant: `connect ${count}`, unit: 'conn/s', offered: null, achieved: rate, latencyMs: latency, errors: failed, extra: { opened } }, opened),
    toResult(target.name, 'S3 idle', instances, hold, {
      variant: `hold ${config.holdSeconds}s`,
      unit: 'sockets',
      offered: null,
      achieved: held,
      latencyMs: { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN },
      errors: dropped,
      extra: { kbPerConn: Math.round(perConnection / 102.4) / 10 },
    }),
  ]
}
