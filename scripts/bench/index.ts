// `bun run bench [s1|s2|s3|s4|s5|s6|s7 ...] [--instances 2] [--quick]`: recreates and seeds the bench
// database (souk_bench on the server of DATABASE_URL, never the database the URL names), starts
// Souk (`bun src/main.ts`, production mode) and the raw ceiling (ceiling.ts), runs each scenario
// against both with a load generator in its own process, prints the table with souk/ceiling
// ratios and appends the results to bench/results/<date>.jsonl. S5 (checkout), S6 (admin
// dashboard, which generates its 90 days of orders and messages when it starts) and S7 (home feed,
// which generates its 100,000 people and 1,000,000 posts when it starts) run against Souk only:
// the ceiling has none of them, and their ratio shows as "—". `--instances 2` also runs S2
// across two Souk instances (sharing Postgres and Redis); `--quick` is a short smoke run.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { newSecrets } from '../../src/config'
import { type Cluster, freePort, startCluster, withOpenFiles } from '../cluster'
import type { BenchContext, Target } from './drive'
import { settle } from './proc'
import { appendResults, formatTable, type Result } from './results'
import { catalogRead } from './s1-catalog'
import { chatDelivery } from './s2-chat'
import { IDLE_SOCKETS, idleSockets } from './s3-idle'
import { productPages } from './s4-ssr'
import { checkouts } from './s5-checkout'
import { dashboardReads } from './s6-dashboard'
import { feedReads } from './s7-feed'
import { recreateDatabase, seed } from './setup'
import { enableStatements, StatementCounter } from './statements'

const ROOT = join(import.meta.dir, '..', '..')
// BENCH_DATABASE lets two benches share one Postgres server without recreating each other's data.
const DATABASE = process.env.BENCH_DATABASE ?? 'souk_bench'
const NOFILE = IDLE_SOCKETS * 2 + 10_000
/** Souk's own output (warnings and errors) during the last run. */
const LOG_DIR = join(ROOT, 'bench', 'results', 'logs')

type Scenario = (target: Target, ctx: BenchContext, instances: number) => Promise<Result[]>
const SCENARIOS: Record<string, Scenario> = { s1: catalogRead, s2: chatDelivery, s3: idleSockets, s4: productPages, s5: checkouts, s6: dashboardReads, s7: feedReads }
/** Scenarios the ceiling has no equivalent of. */
const SOUK_ONLY = new Set(['s5', 's6', 's7'])

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const instancesAt = args.indexOf('--instances')
const instances = instancesAt === -1 ? 1 : Number(args[instancesAt + 1])
if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances takes a positive whole number')
const chosen = args.filter((a, i) => !a.startsWith('--') && (instancesAt === -1 || i !== instancesAt + 1)).map((a) => a.toLowerCase())
const unknown = chosen.filter((name) => !(name in SCENARIOS))
if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`)
const scenarios = chosen.length === 0 ? Object.keys(SCENARIOS) : chosen

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const secrets = newSecrets()
const jwtSecret = secrets.JWT_SECRET
// The issuer of access tokens: the bench mints tokens for Souk's sessions with the same secret and URL.
const publicUrl = 'http://souk-bench.localhost'

async function startCeiling(databaseUrl: string): Promise<{ target: Target; proc: Subprocess }> {
  const port = freePort()
  const proc = Bun.spawn(withOpenFiles([process.execPath, join(import.meta.dir, 'ceiling.ts')], NOFILE), {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_URL: databaseUrl },
    stdout: 'inherit',
    stderr: 'inherit',
  })
  const url = `http://127.0.0.1:${port}`
  while ((await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) !== 200) {
    if (proc.exitCode !== null) throw new Error('the ceiling server did not start')
    await Bun.sleep(50)
  }
  return { target: { name: 'ceiling', urls: [url], pids: [proc.pid] }, proc }
}

function startSouk(databaseUrl: string, count: number): Promise<Cluster> {
  const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ...secrets, PUBLIC_URL: publicUrl }
  return startCluster({ instances: count, proxy: false, env, nofile: NOFILE, logDir: LOG_DIR })
}

const soukTarget = (cluster: Cluster): Target => ({ name: 'souk', urls: cluster.instances.map((i) => i.url), pids: cluster.instances.map((i) => i.proc.pid) })

if (scenarios.includes('s4') && !existsSync(join(ROOT, 'web', 'dist', 'server'))) {
  console.log('building the web client (S4 renders its pages) ...')
  Bun.spawnSync([process.execPath, 'run', 'build:web'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
}

const startedAt = performance.now()
rmSync(LOG_DIR, { recursive: true, force: true })
const databaseUrl = await recreateDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', DATABASE)
const data = await seed(databaseUrl)
console.log(`seeded ${DATABASE} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; scenarios: ${scenarios.join(', ')}${quick ? ' (quick)' : ''}`)
const statements = (await enableStatements(databaseUrl)) ? new StatementCounter(databaseUrl) : null
if (statements === null) console.log('pg_stat_statements is not preloaded on this server: statements are not counted')
const ctx: BenchContext = { quick, database: DATABASE, databaseUrl, redisUrl, jwtSecret, publicUrl, data, statements }

const results: Result[] = []
const running: { stop(): Promise<unknown> }[] = []
const stopAll = () => Promise.all(running.splice(0).map((r) => r.stop()))
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))
try {
  let souk = await startSouk(databaseUrl, 1)
  running.push(souk)
  const ceiling = await startCeiling(databaseUrl)
  running.push({ stop: () => (ceiling.proc.kill('SIGTERM'), ceiling.proc.exited) })
  const targets = [soukTarget(souk), ceiling.target]
  for (const name of scenarios) {
    for (const target of targets.filter((t) => t.name === 'souk' || !SOUK_ONLY.has(name))) {
      await settle(targets.flatMap((t) => t.pids))
      console.log(`${name.toUpperCase()} ${target.name} ...`)
      results.push(...(await SCENARIOS[name]!(target, ctx, 1)))
    }
  }
  if (instances > 1 && scenarios.includes('s2')) {
    await souk.stop()
    running.splice(running.indexOf(souk), 1)
    souk = await startSouk(databaseUrl, instances)
    running.push(souk)
    console.log(`S2 souk across ${instances} instances ...`)
    results.push(...(await chatDelivery(soukTarget(souk), ctx, instances)))
  }
} finally {
  await stopAll()
  await statements?.close()
}

const file = appendResults(results)
console.log(`\n${formatTable(results)}`)
console.log(`\nresults appended to ${file}; total ${((performance.now() - startedAt) / 1000).toFixed(0)} s on ${navigator.hardwareConcurrency} cores`)
process.exit(0)
