// What the bench measures outside the load generator: CPU seconds and resident memory of
// processes, read from /proc (Linux), and the latency summary every scenario reports.
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = Number(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim()) || 100

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null // the process ended
  }
}

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === null) return 0
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** Resident memory of a process in bytes. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')
  return match === null ? 0 : Number(match[1]) * 1024
}

/**
 * The Postgres processes that work for the bench: the server's own (checkpointer, WAL writer,
 * ...) and the backends connected to the bench database. Backends of other databases (other
 * people's tests on a shared machine) are left out.
 */
export function postgresPids(database: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    if (read(`/proc/${entry}/comm`)?.trim() !== 'postgres') continue
    const title = (read(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ')
    // A backend's title is "postgres: <cluster>: <user> <database> <client> <state>".
    const backend = / \d+\.\d+\.\d+\.\d+\(\d+\)| \[local\]/.test(title)
    if (!backend || title.split(' ').includes(database)) pids.push(Number(entry))
  }
  return pids
}

export interface Sample {
  at: number
  server: number
  postgres: number
  generator: number
  serverRss: number
}

/** CPU seconds so far of the server processes, the bench's Postgres processes and the generator. */
export function sample(serverPids: number[], generatorPid: number, database: string): Sample {
  const sum = (pids: number[], f: (pid: number) => number) => pids.reduce((total, pid) => total + f(pid), 0)
  return {
    at: performance.now(),
    server: sum(serverPids, cpuSeconds),
    postgres: sum(postgresPids(database), cpuSeconds),
    generator: cpuSeconds(generatorPid),
    serverRss: sum(serverPids, rssBytes),
  }
}

export interface Latency {
  p50: number
  p90: number
  p99: number
  max: number
}

/** Percentiles of latencies in milliseconds (nearest rank). */
export function latencyOf(values: number[]): Latency {
  if (values.length === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN }
  const sorted = Float64Array.from(values).sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! }
}

/** Waits (at most `timeoutMs`) until the processes use less than 5% of a core: the previous run's work is done. */
export async function settle(pids: number[], timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  const used = () => pids.reduce((total, pid) => total + cpuSeconds(pid), 0)
  for (let before = used(); performance.now() < deadline; ) {
    await Bun.sleep(500)
    const now = used()
    if (now - before < 0.025) return
    before = now
  }
}
