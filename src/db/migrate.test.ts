import { afterAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { type Database, openPglite, openPostgres, queryRows, sql } from './client'
import { migrateDatabase, migrationStatus } from './migrate'
import { createTestDatabase } from './test-database'

const folders: string[] = []
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

/** A migrations folder of this test's own, in drizzle-kit's layout. */
function migrationsFolder(statements: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'souk-migrations-'))
  folders.push(dir)
  mkdirSync(join(dir, 'meta'))
  const entries = statements.map((stmt, idx) => {
    const tag = `${String(idx).padStart(4, '0')}_step`
    writeFileSync(join(dir, `${tag}.sql`), stmt)
    return { idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true }
  })
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }))
  return dir
}

const folder = migrationsFolder([
  'CREATE TABLE "widgets" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL);',
  'ALTER TABLE "widgets" ADD COLUMN "price_minor" integer DEFAULT 0 NOT NULL;',
])

async function widgetColumns(database: Database): Promise<string[]> {
  const rows = await queryRows<{ column_name: string }>(
    database.db,
    sql`select column_name from information_schema.columns where table_name = 'widgets' order by ordinal_position`,
  )
  return rows.map((r) => r.column_name)
}

async function behavesLikeAMigrator(database: Database) {
  expect(await migrationStatus(database.db, folder)).toEqual({ expected: 2, applied: 0 })
  await migrateDatabase(database, folder)
  expect(await widgetColumns(database)).toEqual(['id', 'name', 'price_minor'])
  expect(await migrationStatus(database.db, folder)).toEqual({ expected: 2, applied: 2 })
  // A second run is a no-op, not an error.
  await migrateDatabase(database, folder)
  expect(await migrationStatus(database.db, folder)).toEqual({ expected: 2, applied: 2 })
}

describe('migrateDatabase() on PGlite', () => {
  it('applies pending migrations once and reports status', async () => {
    const database = await openPglite(null)
    try {
      await behavesLikeAMigrator(database)
    } finally {
      await database.close()
    }
  })
})

const databaseUrl = process.env.DATABASE_URL
describe.skipIf(databaseUrl === undefined)('migrateDatabase() on Postgres', () => {
  async function scratchDatabase() {
    const name = `souk_mig_${randomBytes(5).toString('hex')}`
    const admin = postgres(databaseUrl!, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}"`)
    await admin.end()
    const url = new URL(databaseUrl!)
    url.pathname = `/${name}`
    return {
      url: url.toString(),
      drop: async () => {
        const a = postgres(databaseUrl!, { max: 1, onnotice: () => {} })
        await a.unsafe(`drop database if exists "${name}" with (force)`)
        await a.end()
      },
    }
  }

  it('applies pending migrations once and reports status', async () => {
    const scratch = await scratchDatabase()
    const database = openPostgres(scratch.url)
    try {
      await behavesLikeAMigrator(database)
    } finally {
      await database.close()
      await scratch.drop()
    }
  })

  it('lets instances starting together migrate without racing', async () => {
    const scratch = await scratchDatabase()
    const instances = [openPostgres(scratch.url), openPostgres(scratch.url), openPostgres(scratch.url)]
    try {
      await Promise.all(instances.map((db) => migrateDatabase(db, folder)))
      expect(await migrationStatus(instances[0]!.db, folder)).toEqual({ expected: 2, applied: 2 })
      expect(await widgetColumns(instances[0]!)).toEqual(['id', 'name', 'price_minor'])
    } finally {
      await Promise.all(instances.map((db) => db.close()))
      await scratch.drop()
    }
  })
})

describe('createTestDatabase()', () => {
  it('gives each caller its own migrated database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()])
    try {
      await a.db.execute(sql`create table only_in_a (id int)`)
      const inB = await queryRows<{ t: string | null }>(b.db, sql`select to_regclass('only_in_a')::text as t`)
      expect(inB[0]?.t).toBeNull()
      const status = await migrationStatus(b.db)
      expect(status.applied).toBe(status.expected)
    } finally {
      await Promise.all([a.drop(), b.drop()])
    }
  })
})
