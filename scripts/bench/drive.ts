// Runs a load generator as its own process, so its CPU is measured apart from the server's. A
// generator prints JSON lines: `{ type: 'begin', phase }` when a measured phase starts and
// `{ type: 'end', phase, result }` when it ends; the bench samples /proc at both moments.
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withOpenFiles } from '../cluster'
import { type Latency, type Sample, sample } from './proc'
import { type BenchData, type BenchUser, mintTickets } from './setup'
import type { StatementCounter, Statements } from './statements'

/** A server under test: Souk (one or more instances) or the raw ceiling. */
export interface Target {
  name: 'souk' | 'ceiling'
  /** HTTP base URL of each instance. */
  urls: string[]
  pids: number[]
}

/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean
  /** Name of the bench database (its Postgres backends are sampled). */
  database: string
  /** Its URL, for scenarios that check what they wrote. */
  databaseUrl: string
  redisUrl: string
  jwtSecret: string
  /** Souk's PUBLIC_URL: the issuer of the access tokens the bench mints. */
  publicUrl: string
  data: BenchData
  /** Counts what Postgres runs in each phase, when the server has pg_stat_statements. */
  statements: StatementCounter | null
}

/** The socket sign-in of a user on a target: a Souk ticket, or the ceiling's session lookup. */
export async function socketUrls(target: Target, ctx: BenchContext, users: BenchUser[], host: (i: number) => string): Promise<string[]> {
  const wsBase = (i: number) => target.urls[i % target.urls.length]!.replace('http://127.0.0.1', `ws://${host(i)}`)
  if (target.name === 'ceiling') return users.map((u, i) => `${wsBase(i)}/ws?session=${u.sessionId}`)
  const tickets = await mintTickets(users, { redisUrl: ctx.redisUrl, jwtSecret: ctx.jwtSecret, publicUrl: ctx.publicUrl })
  return tickets.map((ticket, i) => `${wsBase(i)}/ws?ticket=${ticket}`)
}

/** What load-http.mjs reports. */
export interface HttpResult {
  achieved: number
  latency: Latency
  errors: number
  bytesPerResponse: number
  /** Responses in the measured phase. */
  requests: number
}

export interface Measured<R> {
  phase: string
  result: R
  before: Sample
  after: Sample
  /** What Postgres ran during the phase (when counted). */
  statements?: Statements
}

export interface DriveOptions {
  /** The processes under test (their CPU and memory are sampled). */
  serverPids: number[]
  /** The bench database (its Postgres backends are sampled). */
  database: string
  /** Open-files limit of the generator, raised through prlimit (many sockets). */
  nofile?: number
  /** Counts the statements of each phase. */
  statements?: StatementCounter | null
}

/**
 * Runs `bun <script> <config file>` (`node` for .mjs) and collects its measured phases. The
 * config goes through a file: 20,000 socket URLs are more than one argument may hold.
 */
export async function drive<R>(script: string, config: unknown, options: DriveOptions): Promise<Measured<R>[]> {
  const runtime = script.endsWith('.mjs') ? 'node' : process.execPath
  const configFile = join(tmpdir(), `souk-bench-${process.pid}-${script}.json`)
  writeFileSync(configFile, JSON.stringify(config))
  const command = [runtime, join(import.meta.dir, script), configFile]
  const proc = Bun.spawn(withOpenFiles(command, options.nofile), {
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const measured: Measured<R>[] = []
  const begun = new Map<string, Sample>()
  const take = () => sample(options.serverPids, proc.pid, options.database)
  let buffer = ''
  const decoder = new TextDecoder()
  const reader = proc.stdout.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true })
    let newline: number
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      const message = JSON.parse(line) as { type: string; phase: string; result?: R }
      if (message.type === 'begin') {
        begun.set(message.phase, take())
        await options.statements?.reset()
      } else if (message.type === 'end') {
        const after = take()
        measured.push({ phase: message.phase, result: message.result!, before: begun.get(message.phase)!, after, statements: await options.statements?.read() })
      }
    }
  }
  const code = await proc.exited
  rmSync(configFile, { force: true })
  if (code !== 0) throw new Error(`${script} exited with ${code}`)
  return measured
}
