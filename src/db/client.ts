import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql, type SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema'

export type Schema = typeof schema
/** The one query surface both drivers share; services take this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export type Database =
  | { kind: 'postgres'; db: Db; client: postgres.Sql; url: string; close(): Promise<void> }
  | { kind: 'pglite'; db: Db; client: PGlite; url: null; close(): Promise<void> }

/** Opens Postgres through postgres.js. */
export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} })
  return {
    kind: 'postgres',
    db: drizzlePostgres(client, { schema }) as unknown as Db,
    client,
    url,
    close: () => client.end({ timeout: 5 }),
  }
}

/** Opens embedded PGlite: on disk under `dir`, or in memory when `dir` is null. */
export async function openPglite(dir: string | null): Promise<Database> {
  if (dir !== null) mkdirSync(dir, { recursive: true })
  return wrapPglite(await PGlite.create(dir ?? 'memory://'))
}

export function wrapPglite(client: PGlite): Database {
  return {
    kind: 'pglite',
    db: drizzlePglite(client, { schema }) as unknown as Db,
    client,
    url: null,
    close: () => client.close(),
  }
}

/** Postgres when a URL is configured, PGlite under `<dataDir>/pg` otherwise. */
export function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return config.databaseUrl !== null
    ? Promise.resolve(openPostgres(config.databaseUrl))
    : openPglite(join(config.dataDir, 'pg'))
}

/**
 * Runs raw SQL and returns its rows on either driver (postgres.js answers an array,
 * PGlite `{ rows }`). Numeric and bigint columns come back as strings on postgres.js and
 * as numbers or bigints on PGlite: cast in SQL (`::int`, `::text`) to get one type.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

export { sql }
