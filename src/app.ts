import { Elysia } from 'elysia'
import type { Config } from './config'
import { type Database, queryRows, sql } from './db/client'
import { migrationStatus } from './db/migrate'
import type { Queue } from './jobs/queue'
import { bodyGuard } from './lib/body-guard'
import type { Clock } from './lib/clock'
import { httpBasics } from './lib/http'
import { apiDocs } from './lib/openapi'
import type { Logger } from './lib/log'
import type { Metrics } from './lib/metrics'
import type { RateLimiter } from './lib/rate-limit'
import { securityHeaders } from './lib/security-headers'
import { accountsRoutes } from './modules/accounts'
import { CATALOG_JOB_KINDS, catalogRoutes } from './modules/catalog'
import { canReadConversation, type ChatDeps, chatRoutes } from './modules/chat'
import { healthRoutes, metricsRoutes, type ReadinessChecks } from './modules/health'
import { canReadJob, jobsRoutes, startJobs } from './modules/jobs'
import { createMailer, devMailRoutes, type Mailer } from './modules/mail'
import { vendorsRoutes } from './modules/vendors'
import { type NotificationsDeps, notificationsRoutes, notify } from './modules/notifications'
import type { Bus } from './lib/bus'
import { VIDEO_LIMITS } from './lib/video'
import { type Realtime, SOCKET_OPTIONS } from './realtime'
import { SOCKET_PATH_ITEM } from './realtime/openapi'
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
  /** The WebSocket gateway, presence and topic rules of this instance (closed on stop). */
  realtime: Realtime
  /** This instance's Prometheus families (served at /metrics). */
  metrics: Metrics
}

/** The tracked job kinds other modules run, registered with the jobs module (it adds its own). */
const JOB_KINDS = [...CATALOG_JOB_KINDS]

function readinessChecks({ database, bus, queue }: Pick<AppContext, 'database' | 'bus' | 'queue'>): ReadinessChecks {
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

/** What the HTTP app and the job workers of one process share (one mailer: it tracks what it queued). */
export interface Services {
  mailer: Mailer
}

type ServicesContext = Pick<AppContext, 'config' | 'database' | 'bus' | 'queue' | 'log' | 'clock'>

export function createServices(ctx: ServicesContext): Services {
  return {
    mailer: createMailer({ db: ctx.database.db, clock: ctx.clock, log: ctx.log, smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom, queue: ctx.queue }),
  }
}

/**
 * Registers every job kind with the queue (with workers, unless the queue is web-only) and the
 * cron schedules. Once per process, after startQueue.
 */
export async function startJobKinds(ctx: ServicesContext & { queue: Queue }, services: Services): Promise<void> {
  await ctx.queue.register(services.mailer.job)
  await startJobs(ctx, JOB_KINDS)
}

type OperationsContext = Pick<AppContext, 'config' | 'database' | 'bus' | 'queue' | 'log' | 'metrics'>

/**
 * Request ids, errors, the access log and request metrics (the first plugin of an app); binds the
 * app's metrics to its database, bus and queue, which starts the slow-query log. Once per app.
 */
function operations(ctx: OperationsContext) {
  const { config, database, bus, queue, log, metrics } = ctx
  metrics.observe({ database, bus, queue, log, slowQueryMs: config.slowQueryMs })
  return httpBasics(log, { slowRequestMs: config.slowRequestMs, metrics })
}

/** Health, readiness and metrics only: what a worker-only process serves on its port. */
export function createHealthApp(ctx: OperationsContext) {
  return new Elysia().use(operations(ctx)).use(securityHeaders(ctx.config)).use(healthRoutes(readinessChecks(ctx))).use(metricsRoutes(ctx))
}

/**
 * The largest request body Bun reads at all: the largest upload (a video) and its form overhead.
 * Routes refuse smaller bodies themselves, in the error shape; past this Bun answers a bare 413.
 */
export const MAX_REQUEST_BODY = VIDEO_LIMITS.maxBytes + 1024 * 1024

/** Builds the whole HTTP app from the module plugins; tests build it the same way. */
export function createApp(ctx: AppContext, { mailer }: Services = createServices(ctx)) {
  ctx.realtime.topics.register('job', (viewer, id) => canReadJob(ctx.database.db, viewer, id))
  const notifications: NotificationsDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, mailer, log: ctx.log }
  const chat: ChatDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    notify: (tx, input) => notify(notifications, tx, input),
    isViewing: (userId, topic) => ctx.realtime.isViewing(userId, topic),
  }
  ctx.realtime.topics.register('conversation', (viewer, id) => canReadConversation(ctx.database.db, id, viewer.id))
  ctx.realtime.provide({ chat })
  // Bun takes WebSocket and body limits from the server, so they are set here on the root.
  return new Elysia({ websocket: SOCKET_OPTIONS, serve: { maxRequestBodySize: MAX_REQUEST_BODY } })
    .use(operations(ctx))
    // Before the routes: it checks each request's body type against its route's body schema.
    .use(bodyGuard)
    .use(securityHeaders(ctx.config))
    .use(
      apiDocs({
        info: { title: 'Souk API', version: '1', description: 'REST API of the Souk marketplace. Errors share one shape: { error: { type, message, details?, requestId } }.' },
        serverUrl: ctx.config.publicUrl,
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        paths: { '/ws': SOCKET_PATH_ITEM },
      }),
    )
    .use(healthRoutes(readinessChecks(ctx)))
    .use(metricsRoutes(ctx))
    .use(accountsRoutes({ ...ctx, mailer, notify: (tx, notice) => notify(notifications, tx, { ...notice, type: 'system' }) }))
    .use(notificationsRoutes({ deps: notifications, config: ctx.config }))
    .use(ctx.realtime.routes())
    .use(
      ctx.config.env === 'production'
        ? // Typed as if mounted, so the development mailbox page reaches it through the typed client;
          // that page calls it only when the boot data says it exists (never in production).
          (new Elysia({ name: 'dev-mail-off' }) as unknown as ReturnType<typeof devMailRoutes>)
        : devMailRoutes({ db: ctx.database.db, mailer }),
    )
    .use(vendorsRoutes(ctx))
    .use(catalogRoutes(ctx))
    .use(jobsRoutes(ctx, JOB_KINDS))
    .use(chatRoutes({ ...ctx, deps: chat }))
    .use(webPages(ctx))
}

export type App = ReturnType<typeof createApp>
