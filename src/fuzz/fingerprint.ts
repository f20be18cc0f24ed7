import { type Db, queryRows, sql } from '../db/client'

/**
 * A digest per table of the public schema, all in one query: equal digests mean no row was added,
 * removed or changed. Rows are hashed whole, so an update that touches no timestamp column is
 * caught too; the fuzz database stays small (tens of rows per table), which keeps this a few
 * milliseconds. No table is exempt: what a refused request may count (rate limits, sign-in
 * lockouts) lives in the limiter, in Redis or memory, not in a table.
 */
export async function createFingerprinter(db: Db): Promise<() => Promise<Record<string, string>>> {
  const tables = (
    await queryRows<{ name: string }>(
      db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    )
  ).map((row) => row.name)
  const columns = sql.join(
    tables.map((name) => sql`(select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from ${sql.identifier(name)} r) as ${sql.identifier(name)}`),
    sql`, `,
  )
  return async () => {
    const [row] = await queryRows<Record<string, string>>(db, sql`select ${columns}`)
    return row!
  }
}

/** The tables whose digest differs between two fingerprints. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((name) => before[name] !== after[name])
}
