import { join } from 'node:path'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type Database, type Db, queryRows, sql } from './client'

export const MIGRATIONS_FOLDER = join(import.meta.dir, '..', '..', 'drizzle')

/** Arbitrary constant shared by every instance: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 7_201_345_112

/**
 * Applies pending migrations. On Postgres it holds a session advisory lock on a dedicated
 * connection, so instances starting together apply each migration exactly once.
 */
export async function migrateDatabase(database: Database, folder = MIGRATIONS_FOLDER): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: folder })
    return
  }
  const conn = postgres(database.url, { max: 1, onnotice: () => {} })
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`
    await migratePostgres(drizzlePostgres(conn), { migrationsFolder: folder })
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`
  } finally {
    await conn.end({ timeout: 5 })
  }
}

/** How many migrations the folder holds and how many the database has applied. */
export async function migrationStatus(db: Db, folder = MIGRATIONS_FOLDER): Promise<{ expected: number; applied: number }> {
  const expected = readMigrationFiles({ migrationsFolder: folder }).length
  const [exists] = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  )
  if (exists?.present !== true) return { expected, applied: 0 }
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
  return { expected, applied: row?.n ?? 0 }
}
