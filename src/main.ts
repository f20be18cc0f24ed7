import { createApp } from './app'
import { type Config, ConfigError, loadConfig } from './config'
import { openDatabase } from './db/client'
import { migrateDatabase } from './db/migrate'
import { startQueue } from './jobs/queue'
import { systemClock } from './lib/clock'
import { createLogger } from './lib/log'
import { createRateLimiter } from './lib/rate-limit'
import { bootstrapAdmin } from './modules/accounts'
import { createBus } from './realtime/bus'
import { DEMO_ACCOUNTS, seedDemo } from './seed'

const DRAIN_TIMEOUT_MS = 10_000

export interface Running {
  url: string
  stop(): Promise<void>
}

/** config -> db (migrated) -> bus -> queue -> listen. Returns a handle whose stop() is graceful. */
export async function start(config: Config, options: { demo?: boolean } = {}): Promise<Running> {
  const log = createLogger(config.logLevel, { service: 'souk' })
  const database = await openDatabase(config)
  await migrateDatabase(database)
  const clock = systemClock
  if (config.admin !== null) await bootstrapAdmin({ db: database.db, clock, log }, config.admin)
  const seeded = options.demo === true && (await seedDemo({ db: database.db, clock, log }))
  const bus = createBus(config.redisUrl, log)
  const limiter = createRateLimiter(config.redisUrl, log)
  const queue = await startQueue(database, log)
  const app = createApp({ config, database, bus, queue, log, clock, limiter }).listen(config.port)
  const server = app.server!
  const url = `http://localhost:${server.port}`
  log.info('souk started', { url, database: database.kind, bus: bus.kind, publicUrl: config.publicUrl })
  if (options.demo === true) printWelcome(config.publicUrl, seeded)

  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      log.info('souk stopping')
      // Stop accepting, let in-flight requests finish (bounded), then force-close the rest.
      const drained = server.stop(false)
      const timedOut = await Promise.race([
        drained.then(() => false),
        Bun.sleep(DRAIN_TIMEOUT_MS).then(() => true),
      ])
      if (timedOut) await server.stop(true)
      await queue.stop()
      await bus.close()
      await limiter.close()
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
  // `npm start` passes --demo: a first start on an empty database seeds demo data (never in production).
  const running = await start(config, { demo: process.argv.includes('--demo') && config.env !== 'production' })
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
