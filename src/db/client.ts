import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm'
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
/**
 * The one query surface both drivers share; services take this. It has no schema: queries name
 * their tables (each module's table.ts), so the database layer knows no module; drizzle-kit finds
 * the tables through the glob in drizzle.config.ts.
 */
export type Db = PgDatabase<PgQueryResultHKT>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export type Database =
  | { kind: 'postgres'; db: Db; client: postgres.Sql; url: string; queries: QueryWatch; close(): Promise<void> }
  | { kind: 'pglite'; db: Db; client: PGlite; url: null; queries: QueryWatch; close(): Promise<void> }

/** Told the SQL text (placeholders, never values) and duration of each query once it settles. */
export type QueryListener = (text: string, seconds: number) => void

/**
 * Watches the queries that go through a Database's Drizzle handle: how many are in flight (waiting
 * for a connection included) against the pool size, and each one's duration as it settles, for
 * metrics and the slow-query log. The job queue's own connections are not watched.
 */
export class QueryWatch {
  inFlight = 0
  private readonly listeners = new Set<QueryListener>()

  constructor(readonly poolSize: number) {}

  /** Adds a listener; returns its removal. */
  listen(listener: QueryListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Counts `query` in flight until it settles, then reports it; answers `query` itself. */
  track<Q extends PromiseLike<unknown>>(text: string, query: Q): Q {
    this.inFlight += 1
    const started = performance.now()
    const settled = () => {
      this.inFlight -= 1
      const seconds = (performance.now() - started) / 1000
      for (const listener of this.listeners) listener(text, seconds)
    }
    // A postgres.js query runs when first awaited and takes modifiers (`.values()`) until then:
    // observe it after the caller's synchronous use, so watching never changes how it runs.
    queueMicrotask(() => void query.then(settled, settled))
    return query
  }
}

/**
 * What Drizzle's postgres.js session uses of a client (options, unsafe, begin, savepoint), with
 * every query tracked; transactions and savepoints hand out watched clients too.
 *
 * Every query with parameters runs as a prepared statement: Drizzle asks postgres.js for an
 * unnamed one unless a query was built with `.prepare()`, and Postgres then parses and plans it
 * at every call. Named, postgres.js prepares each statement text once per connection and Postgres
 * may keep a generic plan of it. (A query without parameters goes by the simple protocol.)
 */
function watchedPostgres(client: postgres.Sql | postgres.TransactionSql, watch: QueryWatch): postgres.Sql {
  const watched = {
    options: (client as postgres.Sql).options,
    unsafe: (text: string, params?: never[], options?: postgres.UnsafeQueryOptions) =>
      watch.track(text, client.unsafe(text, params, params === undefined || params.length === 0 ? options : { ...options, prepare: true })),
    begin: (fn: (tx: postgres.TransactionSql) => unknown) => (client as postgres.Sql).begin((tx) => fn(watchedPostgres(tx, watch) as never)),
    savepoint: (fn: (tx: postgres.TransactionSql) => unknown) => (client as postgres.TransactionSql).savepoint((tx) => fn(watchedPostgres(tx, watch) as never)),
  }
  return watched as unknown as postgres.Sql
}

/** The same for PGlite, whose Drizzle session uses `query` and `transaction`. */
function watchedPglite(client: PGlite | Transaction, watch: QueryWatch): PGlite {
  const watched = {
    query: (text: string, params?: unknown[], options?: Parameters<PGlite['query']>[2]) => watch.track(text, client.query(text, params, options)),
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) => (client as PGlite).transaction((tx) => fn(watchedPglite(tx, watch) as unknown as Transaction)),
  }
  return watched as unknown as PGlite
}

/** Opens Postgres through postgres.js. */
export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const max = options.max ?? 10
  const client = postgres(url, { max, onnotice: () => {} })
  const queries = new QueryWatch(max)
  return {
    kind: 'postgres',
    db: drizzlePostgres({ client: watchedPostgres(client, queries) }) as unknown as Db,
    client,
    url,
    queries,
    close: () => client.end({ timeout: 5 }),
  }
}

/** Opens embedded PGlite: on disk under `dir`, or in memory when `dir` is null. */
export async function openPglite(dir: string | null): Promise<Database> {
  if (dir !== null) mkdirSync(dir, { recursive: true })
  // unaccent: the migrations make a text search configuration of it (social's post search).
  return wrapPglite(await PGlite.create(dir ?? 'memory://', { extensions: { unaccent } }))
}

export function wrapPglite(client: PGlite): Database {
  // One connection: PGlite runs one query at a time.
  const queries = new QueryWatch(1)
  return {
    kind: 'pglite',
    db: drizzlePglite({ client: watchedPglite(client, queries) }) as unknown as Db,
    client,
    url: null,
    queries,
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

/**
 * A statement whose SQL is built once: `build` names each value that varies between calls with
 * `sql.placeholder(name)`, and each call answers the statement with `values` filled in: strings
 * (JSON text too), numbers or null, as the driver takes them (each goes through Drizzle's `sql`
 * tag again, which would make an array a list and drop an undefined). Drizzle walks a built
 * statement's whole tree to turn it into text at every execution; for the hot statements with
 * many parts (a chat send, an event append) that walk cost more server CPU than anything else
 * they do. What a call answers is flat: the text in pieces around its parameters.
 */
export function compiled<K extends string>(build: () => SQL): (values: Record<K, string | number | null>) => SQL {
  let made: { strings: TemplateStringsArray; params: unknown[] } | undefined
  return (values) => {
    made ??= compile(build())
    return sql(made.strings, ...fillPlaceholders(made.params, values))
  }
}

function compile(statement: SQL): { strings: TemplateStringsArray; params: unknown[] } {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement)
  const pieces = text.split(/\$\d+/)
  if (pieces.length !== params.length + 1) throw new Error(`compiled: ${params.length} parameters but ${pieces.length - 1} placeholders in the text`)
  return { strings: Object.assign(pieces, { raw: pieces }), params }
}

/**
 * Takes a transaction-scoped advisory lock on `name` (`cart:usr_…`, `inbox:usr_…`): held until the
 * transaction ends; taking it again in the same transaction is a no-op. Name it by what it guards,
 * so two kinds of lock never share a key.
 */
export async function lockName(tx: Db | Tx, name: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`)
}

export { sql }
