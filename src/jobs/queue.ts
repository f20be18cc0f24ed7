import { PgBoss, fromPglite } from 'pg-boss'
import type { Database } from '../db/client'
import type { Logger } from '../lib/log'

export interface Queue {
  readonly boss: PgBoss
  /** True between a successful start and stop (readiness). */
  started(): boolean
  stop(): Promise<void>
}

/**
 * Starts the durable job queue (pg-boss) on the app's own database: its own pool on Postgres,
 * the shared PGlite instance otherwise. Kinds and workers are registered by the jobs module.
 */
export async function startQueue(database: Database, log: Logger): Promise<Queue> {
  const boss =
    database.kind === 'postgres'
      ? new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 4 })
      : new PgBoss({ db: fromPglite(database.client), backend: 'pglite', schema: 'pgboss' })
  boss.on('error', (error) => log.error('job queue error', { error }))
  await boss.start()
  let running = true
  return {
    boss,
    started: () => running,
    stop: async () => {
      running = false
      await boss.stop({ graceful: true, timeout: 10_000 })
    },
  }
}
