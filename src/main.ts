import { createApp } from './app'
import { type Config, ConfigError, loadConfig } from './config'
import { openDatabase } from './db/client'
import { migrateDatabase } from './db/migrate'
import { startQueue } from './jobs/queue'
import { createLogger } from './lib/log'
import { createBus } from './realtime/bus'

const DRAIN_TIMEOUT_MS = 10_000

export interface Running {
  url: string
  stop(): Promise<void>
}

/** config -> db (migrated) -> bus -> queue -> listen. Returns a handle whose stop() is graceful. */
export async function start(config: Config): Promise<Running> {
  const log = createLogger(config.logLevel, { service: 'souk' })
  const database = await openDatabase(config)
  await migrateDatabase(database)
  const bus = createBus(config.redisUrl, log)
  const queue = await startQueue(database, log)
  const app = createApp({ config, database, bus, queue, log }).listen(config.port)
  const server = app.server!
  const url = `http://localhost:${server.port}`
  log.info('souk started', { url, database: database.kind, bus: bus.kind, publicUrl: config.publicUrl })

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
      await database.close()
      log.info('souk stopped', { forced: timedOut })
    })())
  return { url, stop }
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
  const running = await start(config)
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
