// What Postgres ran during a measured phase, from pg_stat_statements (when the server preloads it:
// `shared_preload_libraries = 'pg_stat_statements'`, `pg_stat_statements.track_planning = on`):
// per statement its calls, rows, execution and planning time. The bench resets the counters when a
// phase begins and reads them, for the bench database only, when it ends.
import postgres from 'postgres'

export interface Statement {
  calls: number
  plans: number
  rows: number
  execMs: number
  planMs: number
  query: string
}

export interface Statements {
  /** Statements executed and distinct statement texts. */
  calls: number
  distinct: number
  execMs: number
  planMs: number
  /** The costliest, by execution + planning time. */
  top: Statement[]
}

/** Whether the bench database can count statements (creates the extension there). */
export async function enableStatements(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql`create extension if not exists pg_stat_statements`
    await sql`select count(*) from pg_stat_statements`
    return true
  } catch {
    return false // not preloaded: the bench runs without statement counts
  } finally {
    await sql.end()
  }
}

export class StatementCounter {
  private readonly sql: postgres.Sql

  constructor(url: string) {
    this.sql = postgres(url, { max: 1, onnotice: () => {} })
  }

  async reset(): Promise<void> {
    await this.sql`select pg_stat_statements_reset()`
  }

  /** Everything the bench database ran since reset, but this counter's own statements and transaction control. */
  async read(top = 8): Promise<Statements> {
    const rows = await this.sql<{ calls: string; plans: string; rows: string; exec_ms: number; plan_ms: number; query: string }[]>`
      select calls, plans, rows, total_exec_time as exec_ms, total_plan_time as plan_ms, query from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not like '%pg_stat_statements%' and query not in ('begin', 'commit', 'BEGIN', 'COMMIT', 'ROLLBACK', 'rollback')`
    const all = rows.map((r) => ({ calls: Number(r.calls), plans: Number(r.plans), rows: Number(r.rows), execMs: r.exec_ms, planMs: r.plan_ms, query: r.query.replace(/\s+/g, ' ').slice(0, 240) }))
    const sum = (f: (s: Statement) => number) => all.reduce((total, s) => total + f(s), 0)
    return {
      calls: sum((s) => s.calls),
      distinct: all.length,
      execMs: Math.round(sum((s) => s.execMs)),
      planMs: Math.round(sum((s) => s.planMs)),
      top: all.sort((a, b) => b.execMs + b.planMs - (a.execMs + a.planMs)).slice(0, top),
    }
  }

  close(): Promise<void> {
    return this.sql.end()
  }
}
