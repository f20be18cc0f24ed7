// Set-based generation of the bench's large data sets (S6's 90 days of traffic, S7's feed): one
// connection, whose session holds the helper functions below and the generators' temporary
// tables, and timed steps that say how many rows each wrote.
import postgres from 'postgres'

export interface Generator {
  sql: postgres.Sql
  /** Rows inserted, by step name. */
  rows: Record<string, number>
  /** What each step wrote and how long it took, in order. */
  timings: string[]
  /** Runs `text` (one or more statements) as the step `name`, timed. */
  step(name: string, text: string): Promise<void>
  /**
   * Runs `load` with the secondary indexes of `tables` dropped and rebuilt after it, and foreign
   * keys not checked row by row: an index built once from sorted rows costs a fraction of a
   * million random insertions, and a checked row locks the row it references. The generators make
   * every reference from rows they wrote first, so nothing goes in that the checks would refuse.
   */
  bulkLoad(tables: string[], load: () => Promise<void>): Promise<void>
  /** Rows inserted in all. */
  total(): number
  end(): Promise<void>
}

/**
 * A connection to `url` ready to generate: work_mem raised, commits not waiting for the disk, and
 * two functions in its session. `pg_temp.id(prefix, at, salt)`: an id as newId makes them (the
 * time first, so ids sort by creation), unique by its salt. `pg_temp.h(salt, m)`: a stable
 * pseudo-random whole number in [0, m).
 */
export async function openGenerator(url: string): Promise<Generator> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const rows: Record<string, number> = {}
  const timings: string[] = []
  await sql.unsafe(`set work_mem = '256MB'; set maintenance_work_mem = '256MB'; set synchronous_commit = off`).simple()
  await sql
    .unsafe(`
    create function pg_temp.id(prefix text, at timestamptz, salt text) returns text language sql immutable as $$
      select prefix || '_' || lpad(to_hex((extract(epoch from at) * 1000)::bigint), 12, '0') || '7' || substr(md5(salt), 1, 19) $$;
    create function pg_temp.h(salt text, m bigint) returns bigint language sql immutable as $$
      select (hashtext(salt)::bigint + 2147483648) % m $$;
  `)
    .simple()
  return {
    sql,
    rows,
    timings,
    async step(name, text) {
      const at = performance.now()
      const result = await sql.unsafe(text).simple()
      const seconds = `${((performance.now() - at) / 1000).toFixed(1)} s`
      if (result.command === 'INSERT') {
        rows[name] = result.count
        timings.push(`${name} ${result.count.toLocaleString('en')} in ${seconds}`)
      } else timings.push(`${name} ${seconds}`)
    },
    async bulkLoad(tables, load) {
      const indexes = await sql.unsafe<{ name: string; definition: string }[]>(
        `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
         where i.indrelid = any($1::regclass[]) and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
        [tables],
      )
      await sql.unsafe(`${indexes.map((i) => `drop index ${i.name};`).join(' ')} set session_replication_role = replica`).simple()
      await load()
      await sql.unsafe('set session_replication_role = default').simple()
      const at = performance.now()
      for (const index of indexes) await sql.unsafe(index.definition).simple()
      timings.push(`${indexes.length} indexes rebuilt in ${((performance.now() - at) / 1000).toFixed(1)} s`)
    },
    total: () => Object.values(rows).reduce((a, b) => a + b, 0),
    end: () => sql.end(),
  }
}
