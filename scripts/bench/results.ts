// One line of the bench's results: printed in the table, appended to bench/results/<date>.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Measured } from './drive'
import type { Latency } from './proc'
import type { Statements } from './statements'

/** A generator busier than this (cores) may have held the server back: the figure is a lower bound. */
const GENERATOR_LIMIT = 0.9

export interface Result {
  time: string
  scenario: string
  /** e.g. `1000/s`, `closed`, `connect`: one scenario may measure several things. */
  variant: string
  target: 'souk' | 'ceiling'
  instances: number
  seconds: number
  unit: string
  /** Offered rate (per second), null for closed-loop or fixed-concurrency load. */
  offered: number | null
  achieved: number
  latencyMs: Latency
  errors: number
  serverRssMb: number
  cpuSeconds: { server: number; postgres: number; generator: number }
  /** The generator used ≥ 0.9 core: the server may be faster than this says. */
  lowerBound: boolean
  /** Scenario-specific figures (RSS per connection, ...). */
  extra?: Record<string, number>
  /** What Postgres ran, when counted (see statements.ts), with `perUnit`: statements per request or message. */
  statements?: Statements & { units: number; perUnit: number }
}

export interface PhaseFigures {
  variant: string
  unit: string
  offered: number | null
  achieved: number
  latencyMs: Latency
  errors: number
  extra?: Record<string, number>
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

/**
 * A result from a measured phase: the generator's figures and the /proc samples around them. With
 * `units` (requests answered, messages delivered) it adds the CPU milliseconds of the server and of
 * Postgres per unit, and the statements per unit.
 */
export function toResult(target: Result['target'], scenario: string, instances: number, measured: Measured<unknown>, figures: PhaseFigures, units?: number): Result {
  const { before, after } = measured
  const seconds = (after.at - before.at) / 1000
  const generator = after.generator - before.generator
  const perUnit: Record<string, number> =
    units === undefined || units === 0
      ? {}
      : { srvMsPerUnit: round(((after.server - before.server) * 1000) / units, 3), pgMsPerUnit: round(((after.postgres - before.postgres) * 1000) / units, 3) }
  const statements = measured.statements === undefined || units === undefined || units === 0 ? undefined : { ...measured.statements, units, perUnit: round(measured.statements.calls / units) }
  return {
    time: new Date().toISOString(),
    scenario,
    target,
    instances,
    seconds: round(seconds),
    ...figures,
    extra: { ...figures.extra, ...perUnit, ...(statements === undefined ? {} : { stmtPerUnit: statements.perUnit }) },
    statements,
    achieved: round(figures.achieved, 1),
    serverRssMb: round(after.serverRss / 2 ** 20, 1),
    cpuSeconds: { server: round(after.server - before.server), postgres: round(after.postgres - before.postgres), generator: round(generator) },
    lowerBound: generator / seconds >= GENERATOR_LIMIT,
  }
}

/** Appends results to bench/results/<YYYY-MM-DD>.jsonl; returns the file. */
export function appendResults(results: Result[]): string {
  const dir = join(import.meta.dir, '..', '..', 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${new Date().toISOString().slice(0, 10)}.jsonl`)
  appendFileSync(file, results.map((r) => `${JSON.stringify(r)}\n`).join(''))
  return file
}

// A latency without samples is NaN, which reads back from JSON as null.
const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(0))

/** The table: one row per result, then souk/ceiling ratios ("—" for a scenario the ceiling did not run). */
export function formatTable(results: Result[]): string {
  const header = ['scenario', 'variant', 'target', 'n', 'offered', 'achieved', 'unit', 'p50', 'p90', 'p99', 'max', 'errors', 'rss MB', 'cpu srv', 'cpu pg', 'cpu gen', '']
  const rows = results.map((r) => [
    r.scenario,
    r.variant,
    r.target,
    String(r.instances),
    r.offered === null ? '-' : String(r.offered),
    String(r.achieved),
    r.unit,
    ms(r.latencyMs.p50),
    ms(r.latencyMs.p90),
    ms(r.latencyMs.p99),
    ms(r.latencyMs.max),
    String(r.errors),
    String(r.serverRssMb),
    r.cpuSeconds.server.toFixed(1),
    r.cpuSeconds.postgres.toFixed(1),
    r.cpuSeconds.generator.toFixed(1),
    [r.lowerBound ? 'lower bound (generator ≥ 0.9 core)' : '', ...Object.entries(r.extra ?? {}).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(' '),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]

  const ratios: string[] = []
  for (const souk of results.filter((r) => r.target === 'souk')) {
    const ceiling = results.find((r) => r.target === 'ceiling' && r.scenario === souk.scenario && r.variant === souk.variant)
    const name = `${souk.scenario} ${souk.variant}${souk.instances > 1 ? ` (${souk.instances} instances)` : ''}`
    if (ceiling === undefined) ratios.push(`${name}: souk/ceiling — (no ceiling run), p99 ${ms(souk.latencyMs.p99)} ms`)
    else if (ceiling.achieved > 0) ratios.push(`${name}: souk/ceiling ${souk.unit} ${(souk.achieved / ceiling.achieved).toFixed(2)}x, p99 ${ms(souk.latencyMs.p99)} vs ${ms(ceiling.latencyMs.p99)} ms`)
  }
  const counted = results.filter((r) => r.statements !== undefined).map((r) => {
    const s = r.statements!
    const top = s.top.map((t) => `    ${(t.calls / s.units).toFixed(2)}/unit  calls ${t.calls} plans ${t.plans} rows/call ${(t.rows / Math.max(1, t.calls)).toFixed(1)}  exec ${(t.execMs / Math.max(1, t.calls)).toFixed(3)} ms  plan ${(t.planMs / Math.max(1, t.plans)).toFixed(3)} ms  ${t.query}`)
    return [`${r.scenario} ${r.variant} ${r.target}: ${s.perUnit} statements per unit, ${s.distinct} distinct; exec ${s.execMs} ms, planning ${s.planMs} ms in all`, ...top].join('\n')
  })
  return [...table, '', ...ratios, ...(counted.length === 0 ? [] : ['', 'Statements (pg_stat_statements; per unit = per request or delivered message):', ...counted])].join('\n')
}
