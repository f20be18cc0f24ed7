import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
import type { Config } from './config'
import { type Database, queryRows, sql } from './db/client'
import { migrationStatus } from './db/migrate'
import type { Queue } from './jobs/queue'
import type { Clock } from './lib/clock'
import { httpBasics } from './lib/http'
import type { Logger } from './lib/log'
import type { RateLimiter } from './lib/rate-limit'
import { accountsRoutes } from './modules/accounts'
import { healthRoutes, type ReadinessChecks } from './modules/health'
import { devMailRoutes } from './modules/mail'
import { createMailer } from './modules/mail/service'
import type { Bus } from './realtime/bus'
import { webPages } from './web'

/** Everything a running Souk shares; built once by main.ts (or a test) and handed to the app. */
export interface AppContext {
  config: Config
  database: Database
  bus: Bus
  queue: Queue | null
  log: Logger
  /** Source of "now" for every time rule (tests pass a ManualClock). */
  clock: Clock
  /** Rate limits and lockouts: Redis when configured, so they hold across instances. */
  limiter: RateLimiter
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
  const mailer = createMailer({ db: ctx.database.db, clock: ctx.clock, log: ctx.log, smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom })
  return new Elysia()
    .use(httpBasics(ctx.log))
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/docs/json',
        documentation: {
          info: { title: 'Souk API', version: '1', description: 'REST API of the Souk marketplace. Errors share one shape: { error: { type, message, details?, requestId } }.' },
          components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        },
      }),
    )
    .use(healthRoutes(readinessChecks(ctx)))
    .use(accountsRoutes({ ...ctx, mailer }))
    .use(ctx.config.env === 'production' ? new Elysia({ name: 'dev-mail-off' }) : devMailRoutes({ db: ctx.database.db, mailer }))
    .use(webPages(ctx))
}

export type App = ReturnType<typeof createApp>
