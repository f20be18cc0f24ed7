import { accountAudit, createApp, createHealthApp, createServices, startJobKinds } from './app'
import { type Config, ConfigError, loadConfig } from './config'
import { openDatabase } from './db/client'
import { migrateDatabase } from './db/migrate'
import { startQueue } from './jobs/queue'
import { systemClock } from './lib/clock'
import { createLogger } from './lib/log'
import { Metrics } from './lib/metrics'
import { createRateLimiter } from './lib/rate-limit'
import { createEphemeralStore } from './lib/ephemeral-store'
import { bootstrapAdmin } from './modules/accounts'
import { createBus } from './lib/bus'
import { DEMO_ACCOUNTS, seedDemo } from './seed'

const DRAIN_TIMEOUT_MS = 10_000

/**
 * What this process does: everything (the default), only HTTP and sockets (`--web-only`: jobs
 * are enqueued and scheduled, never run), or only jobs (`--worker-only`: the port serves
 * /healthz and /readyz alone).
 */
export type ProcessMode = 'all' | 'web' | 'worker'

export interface Running {
  url: string
  stop(): Promise<void>
}

/** config -> db (migrated) -> bus -> queue -> listen. Returns a handle whose stop() is graceful. */
export async function start(config: Config, options: { demo?: boolean; mode?: ProcessMode } = {}): Promise<Running> {
  const mode = options.mode ?? 'all'
  const log = createLogger(config.logLevel, { service: 'souk' })
  const metrics = new Metrics()
  const database = await openDatabase(config)
  await migrateDatabase(database)
  const clock = systemClock
  if (config.admin !== null) await bootstrapAdmin({ db: database.db, clock, log, audit: accountAudit }, config.admin)
  const bus = createBus(config.redisUrl, log)
  const seeded = options.demo === true && (await seedDemo({ db: database.db, clock, log, bus, publicUrl: config.publicUrl, money: config.money }))
  const limiter = createRateLimiter(config.redisUrl, log)
  const ephemeral = createEphemeralStore(config.redisUrl, log)
  const queue = await startQueue(database, log, { workers: mode !== 'web', metrics })
  const services = createServices({ config, database, bus, queue, log, clock })
  await startJobKinds({ config, database, bus, queue, log, clock }, services)
  const infra = { config, database, bus, queue, log, clock, limiter, ephemeral, metrics }
  const souk = mode === 'worker' ? null : createApp(infra, services)
  const realtime = souk?.realtime ?? null
  const app = (souk === null ? createHealthApp(infra) : souk.app).listen(config.port)
  const server = app.server!
  const url = `http://localhost:${server.port}`
  log.info('souk started', { url, mode, database: database.kind, bus: bus.kind, publicUrl: config.publicUrl })
  if (options.demo === true) printWelcome(config.publicUrl, seeded)

  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      log.info('souk stopping')
      // Stop accepting, let in-flight requests finish (bounded), then force-close the rest.
      const drained = server.stop(false)
      // Sockets would hold the drain open: close them with 1001 (clients reconnect to another
      // instance) and take their users offline now rather than at presence expiry.
      await realtime?.close()
      const timedOut = await Promise.race([
        drained.then(() => false),
        Bun.sleep(DRAIN_TIMEOUT_MS).then(() => true),
      ])
      if (timedOut) await server.stop(true)
      // Sign-ups and resets finish their work after answering: let it reach the queue first.
      await services.mailer.flushed()
      await queue.stop()
      await bus.close()
      await limiter.close()
      await ephemeral.close()
      await database.close()
      log.info('souk stopped', { forced: timedOut })
    })())
  return { url, stop }
}

function printWelcome(publicUrl: string, seeded: boolean) {
  const lines = [
    '',
    `  Souk is running at ${publicUrl}`,
    `  API reference: ${publicUrl}/api/docs`,
    seeded ? '  Demo data seeded. Sign in as:' : '  Demo sign-ins (seeded on the first start):',
    ...DEMO_ACCOUNTS.map((a) => `    ${a.role.padEnd(6)} ${a.email} / ${a.password}`),
    `  Shop plans: ${publicUrl}/plans; as the vendor, /dashboard/plan (the shop is on Pro); as the admin, /admin/plans and /admin/placements`,
    '',
  ]
  console.log(lines.join('\n'))
}

if (import.meta.main) {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(2)
  }
  const webOnly = process.argv.includes('--web-only')
  const workerOnly = process.argv.includes('--worker-only')
  if (webOnly && workerOnly) {
    console.error('--web-only and --worker-only exclude each other')
    process.exit(2)
  }
  // `npm start` passes --demo: a first start on an empty database seeds demo data (never in production).
  const running = await start(config, {
    demo: process.argv.includes('--demo') && config.env !== 'production',
    mode: webOnly ? 'web' : workerOnly ? 'worker' : 'all',
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('shutdown failed', error)
          process.exit(1)
        },
      )
    })
  }
}
