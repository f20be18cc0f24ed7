// S7 home feed, against Souk only (the ceiling has no feed), over the data of feed-data.ts
// (generated here, the first time S7 runs in an invocation): 100,000 people, 1,000,000 posts, a
// reader following 2,000 accounts. Reads: GET /api/v1/feed as the reader, the first page and the
// second (through the first's cursor), one connection and then 8; target (issue #21): p99 < 50 ms.
// The plan of the feed's query for the reader (EXPLAIN ANALYZE, BUFFERS) goes with the figures, in
// full to bench/results/logs/s7-feed-plan.txt. Fan-out: 2,000 of the popular account's 100,000
// followers online, each socket on its `user:<id>`; the account posts, and each socket should get
// `feed.post` (ephemeral, `{ postId, authorId }`); target: all within 1 s.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { openPostgres } from '../../src/db/client'
import { feedQuery } from '../../src/modules/social/service/feed'
import { type BenchContext, drive, type HttpResult, socketUrls, type Target } from './drive'
import { type FeedData, seedFeed } from './feed-data'
import { type Latency, settle } from './proc'
import { type Result, toResult } from './results'
import { accessTokens } from './setup'

interface FanOutResult {
  posted: number
  sockets: number
  expected: number
  received: number
  errors: number
  latency: Latency
}

/** What EXPLAIN (ANALYZE, BUFFERS) says of a query, in short. */
interface PlanSummary {
  planningMs: number
  executionMs: number
  /** Shared buffers found in memory and read from outside it, by the whole plan. */
  sharedHit: number
  sharedRead: number
  rows: number
}

const CONNECTIONS = [1, 8]
const LOG_DIR = join(import.meta.dir, '..', '..', 'bench', 'results', 'logs')
const round = (value: number) => Math.round(value * 100) / 100

/** Explains the reader's first feed page as Souk asks for it; writes the whole plan to the log and returns its summary. */
async function explainFeed(url: string, readerId: string): Promise<PlanSummary> {
  const database = openPostgres(url, { max: 1 })
  const query = feedQuery(database.db, readerId, {}).rows.toSQL()
  await database.close()
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const explain = (options: string) => sql.unsafe(`explain (${options}) ${query.sql}`, query.params as postgres.ParameterOrJSON<never>[])
  // Once to warm the cache as the HTTP phases left it, then the plan that is reported.
  await explain('analyze')
  const text = (await explain('analyze, buffers')).map((row) => row['QUERY PLAN'] as string).join('\n')
  const [json] = await explain('analyze, buffers, format json')
  await sql.end()
  const raw = json!['QUERY PLAN'] as unknown
  const [plan] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, number>; 'Planning Time': number; 'Execution Time': number }[]
  mkdirSync(LOG_DIR, { recursive: true })
  writeFileSync(join(LOG_DIR, 's7-feed-plan.txt'), `${query.sql}\n\n${JSON.stringify(query.params)}\n\n${text}\n`)
  return {
    planningMs: round(plan!['Planning Time']),
    executionMs: round(plan!['Execution Time']),
    sharedHit: plan!.Plan['Shared Hit Blocks']!,
    sharedRead: plan!.Plan['Shared Read Blocks']!,
    rows: plan!.Plan['Actual Rows']!,
  }
}

/** The reader's first page, checked: the cursor of the second. */
async function firstPage(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/feed`, { headers: { authorization: `Bearer ${token}` } })
  const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null }
  if (response.status !== 200 || body.items?.length !== 20 || typeof body.nextCursor !== 'string') {
    throw new Error(`S7: the reader's feed answered ${response.status} with ${body.items?.length ?? 'no'} items: ${JSON.stringify(body).slice(0, 300)}`)
  }
  return body.nextCursor
}

async function readPages(target: Target, ctx: BenchContext, instances: number, data: FeedData): Promise<Result[]> {
  const [token] = await accessTokens([data.reader], ctx)
  const url = target.urls[0]!
  const cursor = await firstPage(url, token!)
  const pages = [
    { name: 'page 1', path: '/api/v1/feed' },
    { name: 'page 2', path: `/api/v1/feed?cursor=${encodeURIComponent(cursor)}` },
  ]
  const results: Result[] = []
  for (const page of pages) {
    for (const connections of CONNECTIONS) {
      await settle(target.pids)
      const phase = `S7 ${page.name} ${connections}`
      const config = { url, paths: [page.path], headers: { authorization: `Bearer ${token}` }, connections, seconds: ctx.quick ? 3 : 10, warmupSeconds: ctx.quick ? 1 : 2, phase }
      const [measured] = await drive<HttpResult>('load-http.mjs', config, { serverPids: target.pids, database: ctx.database })
      const { achieved, latency, errors } = measured!.result
      results.push(toResult(target.name, 'S7 feed', instances, measured!, { variant: `${page.name}, ${connections} conn`, unit: 'req/s', offered: null, achieved, latencyMs: latency, errors }))
    }
  }
  return results
}

async function fanOut(target: Target, ctx: BenchContext, instances: number, data: FeedData): Promise<Result> {
  const followers = data.followers.slice(0, ctx.quick ? 200 : data.followers.length)
  const [authorToken] = await accessTokens([data.author], ctx)
  const urls = await socketUrls(target, ctx, followers, () => '127.0.0.1')
  const config = { sockets: followers.map((user, i) => ({ url: urls[i]!, userId: user.id })), url: target.urls[0], authorToken, posts: ctx.quick ? 1 : 3, waitSeconds: 5 }
  await settle(target.pids)
  const [measured] = await drive<FanOutResult>('load-feed.ts', config, { serverPids: target.pids, database: ctx.database, nofile: followers.length + 1_000 })
  const { posted, sockets, expected, received, errors, latency } = measured!.result
  const none = received === 0
  if (none) console.log(`S7 fan-out: n/a (no feed.post events): none of ${sockets} sockets received one within 5 s of the post`)
  else if (received < expected) console.error(`S7 fan-out: ${expected - received} of ${expected} feed.post events did not arrive within 5 s`)
  return toResult(target.name, 'S7 feed', instances, measured!, {
    variant: `fan-out, ${sockets} of 100,000 followers online${none ? ': n/a (no feed.post events)' : ''}`,
    unit: 'received',
    offered: null,
    achieved: received,
    latencyMs: latency,
    errors,
    extra: { expected, posted },
  })
}

export async function feedReads(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const data = (ctx.data.feed ??= await seedFeed(ctx.databaseUrl))
  const reads = await readPages(target, ctx, instances, data)
  const plan = await explainFeed(ctx.databaseUrl, data.reader.id)
  console.log(
    `S7 feed plan (reader, first page): planning ${plan.planningMs} ms, execution ${plan.executionMs} ms, ` +
      `buffers shared hit ${plan.sharedHit} read ${plan.sharedRead}, ${plan.rows} rows (bench/results/logs/s7-feed-plan.txt)`,
  )
  // The plan and the seed's cost go with the first row.
  reads[0]!.extra = { planMs: plan.planningMs, execMs: plan.executionMs, bufHit: plan.sharedHit, bufRead: plan.sharedRead, seedS: Math.round(data.seconds) }
  return [...reads, await fanOut(target, ctx, instances, data)]
}
