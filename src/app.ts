import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
import type { Config } from './config'
import { type Database, queryRows, sql } from './db/client'
import { migrationStatus } from './db/migrate'
import type { Queue } from './jobs/queue'
import { httpBasics } from './lib/http'
import type { Logger } from './lib/log'
import { healthRoutes, type ReadinessChecks } from './modules/health'
import type { Bus } from './realtime/bus'

/** Everything a running Souk shares; built once by main.ts (or a test) and handed to the app. */
export interface AppContext {
  config: Config
  database: Database
  bus: Bus
  queue: Queue | null
  log: Logger
}

function readinessChecks({ database, bus, queue }: AppContext): ReadinessChecks {
  const checks: ReadinessChecks = {
    database: async () => {
      await queryRows(database.db, sql`select 1 as one`)
    },
    migrations: async () => {
      const { expected, applied } = await migrationStatus(database.db)
      if (applied < expected) throw new Error(`${applied} of ${expected} migrations applied`)
    },
    queue: async () => {
      if (queue === null || !queue.started()) throw new Error('job queue not started')
    },
  }
  if (bus.kind === 'redis') checks.redis = () => bus.ping()
  return checks
}

/** Builds the whole HTTP app from the module plugins; tests build it the same way. */
export function createApp(ctx: AppContext) {
  return new Elysia()
    .use(httpBasics(ctx.log))
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/docs/json',
        documentation: {
          info: { title: 'Souk API', version: '1', description: 'REST API of the Souk marketplace. Errors share one shape: { error: { type, message, details?, requestId } }.' },
        },
      }),
    )
    .use(healthRoutes(readinessChecks(ctx)))
}

export type App = ReturnType<typeof createApp>
