import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import type { PGlite } from '@electric-sql/pglite'
import { type Database, openPglite, openPostgres, wrapPglite } from './client'
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate'

/** A test file's own database; `drop()` removes it. */
export type TestDatabase = Database & { drop(): Promise<void> }

const TEMPLATE_LOCK = 7_201_345_113

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** Template name changes whenever a migration changes, so a stale template is never cloned. */
function templateName(): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)))
  }
  hash.update(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json')))
  return `souk_tpl_${hash.digest('hex').slice(0, 16)}`
}

let template: Promise<string> | null = null
let pgliteTemplate: Promise<PGlite> | null = null

async function ensureTemplate(admin: postgres.Sql, baseUrl: string): Promise<string> {
  const name = templateName()
  const reserved = await admin.reserve()
  try {
    // Several test processes may race to build the same template.
    await reserved`select pg_advisory_lock(${TEMPLATE_LOCK})`
    const [found] = await reserved`select 1 from pg_database where datname = ${name}`
    if (found === undefined) {
      const building = `${name}_build_${randomBytes(3).toString('hex')}`
      await reserved.unsafe(`create database "${building}"`)
      const db = openPostgres(withDatabase(baseUrl, building), { max: 1 })
      await migrateDatabase(db)
      await db.close()
      await reserved.unsafe(`alter database "${building}" rename to "${name}"`)
    }
    await reserved`select pg_advisory_unlock(${TEMPLATE_LOCK})`
  } finally {
    reserved.release()
  }
  return name
}

/**
 * Gives the calling test file a migrated database of its own: on Postgres (DATABASE_URL set)
 * a clone of a migrated template, on PGlite a fresh in-memory instance.
 */
export async function createTestDatabase(env: Record<string, string | undefined> = process.env): Promise<TestDatabase> {
  const baseUrl = env.DATABASE_URL
  if (baseUrl === undefined || baseUrl === '') {
    // Cloning a migrated in-memory instance is about twice as fast as booting a new one.
    pgliteTemplate ??= openPglite(null).then(async (database) => {
      await migrateDatabase(database)
      return database.client as PGlite
    })
    const database = wrapPglite((await (await pgliteTemplate).clone()) as PGlite)
    return Object.assign(database, { drop: () => database.close() })
  }
  const admin = postgres(withDatabase(baseUrl, 'postgres'), { max: 1, onnotice: () => {} })
  try {
    template ??= ensureTemplate(admin, baseUrl)
    const tpl = await template
    const name = `souk_t_${randomBytes(6).toString('hex')}`
    await admin.unsafe(`create database "${name}" template "${tpl}"`)
    const database = openPostgres(withDatabase(baseUrl, name), { max: 5 }) as Extract<Database, { kind: 'postgres' }>
    return Object.assign(database, {
      drop: async () => {
        await database.close()
        const dropper = postgres(withDatabase(baseUrl, 'postgres'), { max: 1, onnotice: () => {} })
        await dropper.unsafe(`drop database if exists "${name}" with (force)`)
        await dropper.end()
      },
    })
  } finally {
    await admin.end()
  }
}
